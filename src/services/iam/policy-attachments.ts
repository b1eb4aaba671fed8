// Owns attaching managed policies to roles, users and groups: Attach/Detach{Role,User,Group}Policy,
// ListAttached{Role,User,Group}Policies and ListEntitiesForPolicy. Condition keys: iam:PolicyARN on
// every attach/detach, plus iam:PermissionsBoundary (the entity's current boundary) for roles and users
// (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html).
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { RequestContext } from '../../policy/types';
import type { PolicyOwnerKind } from '../../store/repos/inline-policies';
import type { Store } from '../../store/store';
import { defineOperation, type Call, type Operation, type Params } from '../types';
import { patterns, Validator } from '../validate';
import { accountOf, pageFields, readPaging, requireModifiableRole, roleNameRule, roleResource } from './common';
import { lookupPolicy, policyLabel, policyPathRule, policyReadAccount, readEnum, readPolicyArn, requirePolicy, USAGES } from './managed-policies';

/** Managed policies per role, user and group (aws-protocol §6.9). */
export const MANAGED_POLICIES_PER_ENTITY = 10;

interface EntityRef {
  kind: PolicyOwnerKind;
  id: string;
  name: string;
  arn: string;
  boundaryArn: string | null;
  serviceLinked: boolean;
}

interface EntityKindSpec {
  kind: PolicyOwnerKind;
  /** `Role`, `User`, `Group` as in the operation names and quota names. */
  title: 'Role' | 'User' | 'Group';
  nameParam: 'RoleName' | 'UserName' | 'GroupName';
  nameRule: { required: true; min: number; max: number; pattern: { text: string; re: RegExp } };
  find(store: Store, account: string, name: string): EntityRef | null;
  arn(account: string, name: string): string;
}

const ROLE: EntityKindSpec = {
  kind: 'role',
  title: 'Role',
  nameParam: 'RoleName',
  nameRule: roleNameRule,
  find(store, account, name) {
    const r = store.roles.getByName(account, name);
    return r && { kind: 'role', id: r.id, name: r.name, arn: r.arn, boundaryArn: r.boundaryArn, serviceLinked: r.serviceLinked };
  },
  arn: (account, name) => arns.role(account, '/', name),
};

const USER: EntityKindSpec = {
  kind: 'user',
  title: 'User',
  nameParam: 'UserName',
  nameRule: { required: true, min: 1, max: 64, pattern: patterns.name },
  find(store, account, name) {
    const u = store.users.getByName(account, name);
    return u && { kind: 'user', id: u.id, name: u.name, arn: u.arn, boundaryArn: u.boundaryArn, serviceLinked: false };
  },
  arn: (account, name) => arns.user(account, '/', name),
};

const GROUP: EntityKindSpec = {
  kind: 'group',
  title: 'Group',
  nameParam: 'GroupName',
  nameRule: { required: true, min: 1, max: 128, pattern: patterns.name },
  find(store, account, name) {
    const g = store.groups.getByName(account, name);
    return g && { kind: 'group', id: g.id, name: g.name, arn: g.arn, boundaryArn: null, serviceLinked: false };
  },
  arn: (account, name) => arns.group(account, '/', name),
};

/** The ARN an entity name is authorized against: the real one (with path) if it exists. */
function entityResource(spec: EntityKindSpec, call: Call, name: string): string {
  if (spec.kind === 'role') return roleResource(call, name);
  const account = accountOf(call);
  return spec.find(call.store, account, name)?.arn ?? spec.arn(account, name);
}

/** `The role with name X cannot be found.` / user / group (aws-protocol §6.7). */
function requireEntity(spec: EntityKindSpec, call: Call, name: string): EntityRef {
  const e = spec.find(call.store, accountOf(call), name);
  if (!e) throw awsErrors.noSuchEntity(`The ${spec.kind} with name ${name} cannot be found.`);
  return e;
}

/** iam:PolicyARN, and for roles and users iam:PermissionsBoundary = the boundary the entity carries now. */
function attachKeys(spec: EntityKindSpec, call: Call, name: string, policyArn: string): RequestContext {
  const ctx: RequestContext = { 'iam:PolicyARN': policyArn };
  if (spec.kind !== 'group' && call.principal.accountId) {
    const e = spec.find(call.store, call.principal.accountId, name);
    if (e?.boundaryArn) ctx['iam:PermissionsBoundary'] = e.boundaryArn;
  }
  return ctx;
}

interface AttachInput {
  entityName: string;
  policyArn: string;
}

function readAttachInput(spec: EntityKindSpec, params: Params): AttachInput {
  const v = new Validator(params, 'iam');
  const entityName = v.string(spec.nameParam, spec.nameRule);
  const policyArn = readPolicyArn(v, 'PolicyArn', { attach: true });
  return { entityName, policyArn };
}

function attachOperation(spec: EntityKindSpec): Operation<AttachInput, undefined> {
  return defineOperation({
    name: `Attach${spec.title}Policy`,
    service: 'iam',
    action: `iam:Attach${spec.title}Policy`,
    mutating: true,
    input: (params) => readAttachInput(spec, params),
    resource: (input, call) => entityResource(spec, call, input.entityName),
    // AccessDenied names the entity as IAM does: `role NAME`, `user NAME` (`group NAME` ⚠ by analogy).
    resourceLabel: (input) => `${spec.kind} ${input.entityName}`,
    conditionKeys: (input, call) => attachKeys(spec, call, input.entityName, input.policyArn),
    handler(input, call) {
      const { store } = call;
      const e = requireEntity(spec, call, input.entityName);
      requireModifiableRole(e);
      const policy = lookupPolicy(call, input.policyArn);
      if (!policy) throw awsErrors.noSuchEntity(`Policy ${input.policyArn} does not exist or is not attachable.`);
      if (!policy.isAttachable) {
        // Service-role policies under /aws-service-role/ belong to service-linked roles only.
        throw awsErrors.policyNotAttachable('Cannot attach a Service Role Policy to a Customer Role.');
      }
      if (store.managedPolicies.isAttached(policy.arn, e.kind, e.id)) return undefined;
      if (store.managedPolicies.countAttachedTo(e.kind, e.id) >= MANAGED_POLICIES_PER_ENTITY) {
        throw awsErrors.limitExceeded(`Cannot exceed quota for PoliciesPer${spec.title}: ${MANAGED_POLICIES_PER_ENTITY}`);
      }
      store.managedPolicies.attach(policy.arn, e.kind, e.id, call.now.toISOString());
      return undefined;
    },
  });
}

function detachOperation(spec: EntityKindSpec): Operation<AttachInput, undefined> {
  return defineOperation({
    name: `Detach${spec.title}Policy`,
    service: 'iam',
    action: `iam:Detach${spec.title}Policy`,
    mutating: true,
    input: (params) => readAttachInput(spec, params),
    resource: (input, call) => entityResource(spec, call, input.entityName),
    // AccessDenied names the entity as IAM does: `role NAME`, `user NAME` (`group NAME` ⚠ by analogy).
    resourceLabel: (input) => `${spec.kind} ${input.entityName}`,
    conditionKeys: (input, call) => attachKeys(spec, call, input.entityName, input.policyArn),
    handler(input, call) {
      const e = requireEntity(spec, call, input.entityName);
      requireModifiableRole(e);
      if (!call.store.managedPolicies.detach(input.policyArn, e.kind, e.id)) {
        throw awsErrors.noSuchEntity(`Policy ${input.policyArn} was not found.`);
      }
      return undefined;
    },
  });
}

interface ListAttachedInput {
  entityName: string;
  pathPrefix?: string;
  marker?: string;
  maxItems: number;
}

function listAttachedOperation(spec: EntityKindSpec): Operation<ListAttachedInput, Record<string, unknown>> {
  return defineOperation({
    name: `ListAttached${spec.title}Policies`,
    service: 'iam',
    action: `iam:ListAttached${spec.title}Policies`,
    mutating: false,
    input(params) {
      const v = new Validator(params, 'iam');
      const entityName = v.string(spec.nameParam, spec.nameRule);
      const pathPrefix = v.string('PathPrefix', policyPathRule);
      const paging = readPaging(v);
      v.done();
      return { entityName, pathPrefix, ...paging };
    },
    resource: (input, call) => entityResource(spec, call, input.entityName),
    // AccessDenied names the entity as IAM does: `role NAME`, `user NAME` (`group NAME` ⚠ by analogy).
    resourceLabel: (input) => `${spec.kind} ${input.entityName}`,
    handler(input, call) {
      const e = requireEntity(spec, call, input.entityName);
      const page = call.store.managedPolicies.attachedPage(e.kind, e.id, input);
      return { AttachedPolicies: page.items.map((p) => ({ PolicyName: p.name, PolicyArn: p.arn })), ...pageFields(page) };
    },
  });
}

export const attachRolePolicy = attachOperation(ROLE);
export const detachRolePolicy = detachOperation(ROLE);
export const listAttachedRolePolicies = listAttachedOperation(ROLE);
export const attachUserPolicy = attachOperation(USER);
export const detachUserPolicy = detachOperation(USER);
export const listAttachedUserPolicies = listAttachedOperation(USER);
export const attachGroupPolicy = attachOperation(GROUP);
export const detachGroupPolicy = detachOperation(GROUP);
export const listAttachedGroupPolicies = listAttachedOperation(GROUP);

// ------------------------------------------------------------------ ListEntitiesForPolicy

const ENTITY_FILTERS = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;

export const listEntitiesForPolicy = defineOperation({
  name: 'ListEntitiesForPolicy',
  service: 'iam',
  action: 'iam:ListEntitiesForPolicy',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const entityFilter = readEnum(v, 'EntityFilter', ENTITY_FILTERS);
    const pathPrefix = v.string('PathPrefix', { min: 1, max: 512, pattern: patterns.path });
    const usage = readEnum(v, 'PolicyUsageFilter', USAGES);
    const paging = readPaging(v);
    const policyArn = readPolicyArn(v);
    return { policyArn, entityFilter, pathPrefix, usage, ...paging };
  },
  resource: (input) => input.policyArn,
  resourceLabel: (input) => policyLabel(input),
  resourceAccount: (input, call) => policyReadAccount(input.policyArn, call),
  handler(input, call) {
    const p = requirePolicy(call, input.policyArn);
    // LocalManagedPolicy / AWSManagedPolicy name no entity kind that policies attach to: nothing matches ⚠.
    const kinds: PolicyOwnerKind[] =
      input.entityFilter === undefined ? ['group', 'user', 'role']
      : input.entityFilter === 'User' ? ['user']
      : input.entityFilter === 'Role' ? ['role']
      : input.entityFilter === 'Group' ? ['group']
      : [];
    const page = call.store.managedPolicies.entitiesPage(p.arn, accountOf(call), { kinds, usage: input.usage, pathPrefix: input.pathPrefix, marker: input.marker, maxItems: input.maxItems });
    return {
      PolicyGroups: page.items.filter((x) => x.kind === 'group').map((x) => ({ GroupName: x.name, GroupId: x.id })),
      PolicyUsers: page.items.filter((x) => x.kind === 'user').map((x) => ({ UserName: x.name, UserId: x.id })),
      PolicyRoles: page.items.filter((x) => x.kind === 'role').map((x) => ({ RoleName: x.name, RoleId: x.id })),
      ...pageFields(page),
    };
  },
});
