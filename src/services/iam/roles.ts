// Owns IAM role operations: CreateRole, GetRole, ListRoles, UpdateRole, UpdateRoleDescription,
// UpdateAssumeRolePolicy, DeleteRole. Shapes and messages: aws-protocol §6.2, §6.3, §6.7–6.9.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html
import { arns, parseArn } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { newUniqueId } from '../../aws/ids';
import { policySize } from '../../aws/policy-encoding';
import type { RequestContext } from '../../policy/types';
import { findManagedPolicy } from '../../store/aws-managed-policies';
import type { Tag } from '../../store/repos/tags';
import { checkPolicyDocument, checkTrustPrincipals } from '../../store/policy-documents';
import { defineOperation, type Call } from '../types';
import { pathRules, patterns, readTags, Validator } from '../validate';
import {
  accountOf,
  pageFields,
  policyDocumentRule,
  readPathListing,
  requireModifiableRole,
  requireRole,
  roleCreateShape,
  roleGetShape,
  roleListShape,
  roleNameInput,
  roleNameRule,
  roleResource,
} from './common';

export const ROLES_PER_ACCOUNT = 1000;
export const TRUST_POLICY_MAX = 2048;

/** Trust policies count toward ACLSizePerRole with whitespace removed. */
export function checkTrustPolicySize(doc: string): void {
  if (policySize(doc) > TRUST_POLICY_MAX) throw awsErrors.limitExceeded(`Cannot exceed quota for ACLSizePerRole: ${TRUST_POLICY_MAX}`);
}

/** Role/user tags: ≤ 50, keys unique case-insensitively (aws-protocol §6.7). */
export function checkEntityTags(tags: Tag[]): void {
  const seen = new Set<string>();
  for (const t of tags) {
    const k = t.Key.toLowerCase();
    if (seen.has(k)) throw awsErrors.invalidInput('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(k);
  }
}

/** A permissions boundary must be a managed policy ARN that exists: `Scope ARN: … does not exist or is not attachable.` */
export function resolveBoundary(call: Call, arn: string): string {
  const p = parseArn(arn);
  if (!p || p.service !== 'iam' || !p.resource.startsWith('policy/')) throw awsErrors.invalidInput(`ARN ${arn} is not valid.`);
  const policy = findManagedPolicy(call.store, call.ids, arn);
  // Only AWS-managed policies and the caller's own account's policies can be boundaries.
  if (!policy || (policy.accountId !== null && policy.accountId !== call.principal.accountId)) {
    throw awsErrors.noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
  }
  if (!policy.isAttachable) throw awsErrors.policyNotAttachable(`Scope ARN: ${arn} does not exist or is not attachable.`);
  return policy.arn;
}

export function tagContext(tags: Tag[] | undefined): RequestContext {
  if (!tags || tags.length === 0) return {};
  const ctx: RequestContext = {};
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  ctx['aws:TagKeys'] = tags.map((t) => t.Key);
  return ctx;
}

// ------------------------------------------------------------------ CreateRole

export interface CreateRoleInput {
  path: string;
  roleName: string;
  assumeRolePolicyDocument: string;
  description?: string;
  maxSessionDuration?: number;
  permissionsBoundary?: string;
  tags?: Tag[];
}

export const createRole = defineOperation({
  name: 'CreateRole',
  service: 'iam',
  action: 'iam:CreateRole',
  mutating: true,
  input(params): CreateRoleInput {
    const v = new Validator(params, 'iam');
    const path = v.string('Path', pathRules.path) ?? '/';
    const roleName = v.string('RoleName', roleNameRule);
    const assumeRolePolicyDocument = v.string('AssumeRolePolicyDocument', policyDocumentRule);
    const description = v.string('Description', { max: 1000, pattern: patterns.description });
    const maxSessionDuration = v.int('MaxSessionDuration', { min: 3600, max: 43200 });
    const permissionsBoundary = v.string('PermissionsBoundary', { min: 20, max: 2048 });
    const tags = readTags(v);
    v.done();
    return { path, roleName, assumeRolePolicyDocument, description, maxSessionDuration, permissionsBoundary, tags };
  },
  resource: (input, call) => arns.role(accountOf(call), input.path, input.roleName),
  conditionKeys(input) {
    const ctx = tagContext(input.tags);
    if (input.permissionsBoundary) ctx['iam:PermissionsBoundary'] = input.permissionsBoundary;
    return ctx;
  },
  // Creating a role with tags also needs iam:TagRole (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_roles.html).
  extraChecks: (input, call) => (input.tags?.length ? [{ action: 'iam:TagRole', resource: arns.role(accountOf(call), input.path, input.roleName) }] : []),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    checkPolicyDocument(input.assumeRolePolicyDocument, 'trust');
    checkTrustPolicySize(input.assumeRolePolicyDocument);
    if (store.roles.getByName(account, input.roleName)) {
      throw awsErrors.entityAlreadyExists(`Role with name ${input.roleName} already exists.`);
    }
    checkTrustPrincipals(store, input.assumeRolePolicyDocument);
    if (input.tags) checkEntityTags(input.tags);
    const boundaryArn = input.permissionsBoundary ? resolveBoundary(call, input.permissionsBoundary) : null;
    if (store.roles.count(account) >= ROLES_PER_ACCOUNT) throw awsErrors.limitExceeded(`Cannot exceed quota for RolesPerAccount: ${ROLES_PER_ACCOUNT}`);
    const role = store.roles.create({
      id: newUniqueId(call.ids, 'AROA'),
      accountId: account,
      name: input.roleName,
      path: input.path,
      arn: arns.role(account, input.path, input.roleName),
      trustPolicy: input.assumeRolePolicyDocument,
      description: input.description ?? null,
      maxSessionDuration: input.maxSessionDuration ?? 3600,
      boundaryArn,
      createdAt: call.now.toISOString(),
    });
    if (input.tags?.length) store.tags.put('role', role.id, input.tags);
    return { Role: roleCreateShape(store, role, { tags: !!input.tags?.length }) };
  },
});

// ------------------------------------------------------------------ GetRole

export const getRole = defineOperation({
  name: 'GetRole',
  service: 'iam',
  action: 'iam:GetRole',
  mutating: false,
  input: roleNameInput,
  resource: (input, call) => roleResource(call, input.roleName),
  // AWS's AccessDenied names the role: "… iam:GetRole on resource: role NAME because …".
  resourceLabel: (input) => `role ${input.roleName}`,
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    return { Role: roleGetShape(call.store, role) };
  },
});

// ------------------------------------------------------------------ ListRoles

export const listRoles = defineOperation({
  name: 'ListRoles',
  service: 'iam',
  action: 'iam:ListRoles',
  mutating: false,
  input: readPathListing,
  // AWS's AccessDenied for ListRoles names `arn:aws:iam::ACCT:role/` (the path prefix, no name) ⚠; a
  // policy granting iam:ListRoles on `*` or `…:role/*` matches it.
  resource: (input, call) => arns.role(accountOf(call), input.pathPrefix ?? '/', ''),
  handler(input, call) {
    const page = call.store.roles.list(accountOf(call), input);
    return { Roles: page.items.map(roleListShape), ...pageFields(page) };
  },
});

// ------------------------------------------------------------------ UpdateRole

export const updateRole = defineOperation({
  name: 'UpdateRole',
  service: 'iam',
  action: 'iam:UpdateRole',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const description = v.string('Description', { max: 1000, pattern: patterns.description });
    const maxSessionDuration = v.int('MaxSessionDuration', { min: 3600, max: 43200 });
    v.done();
    return { roleName, description, maxSessionDuration };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    call.store.roles.update(role.id, { description: input.description, maxSessionDuration: input.maxSessionDuration });
    // UpdateRole's output shape is empty: `<UpdateRoleResult/>` must still be sent (aws-protocol §3.1).
    return {};
  },
});

// ------------------------------------------------------------------ UpdateRoleDescription

export const updateRoleDescription = defineOperation({
  name: 'UpdateRoleDescription',
  service: 'iam',
  action: 'iam:UpdateRoleDescription',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const description = v.string('Description', { required: true, max: 1000, pattern: patterns.description });
    v.done();
    return { roleName, description };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    call.store.roles.update(role.id, { description: input.description });
    const updated = call.store.roles.getById(role.id)!;
    return { Role: { ...roleCreateShape(call.store, updated), Description: updated.description ?? undefined } };
  },
});

// ------------------------------------------------------------------ UpdateAssumeRolePolicy

export const updateAssumeRolePolicy = defineOperation({
  name: 'UpdateAssumeRolePolicy',
  service: 'iam',
  action: 'iam:UpdateAssumeRolePolicy',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const policyDocument = v.string('PolicyDocument', policyDocumentRule);
    v.done();
    return { roleName, policyDocument };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    requireModifiableRole(role);
    checkPolicyDocument(input.policyDocument, 'trust');
    checkTrustPolicySize(input.policyDocument);
    checkTrustPrincipals(call.store, input.policyDocument);
    call.store.roles.update(role.id, { trustPolicy: input.policyDocument });
    return undefined;
  },
});

// ------------------------------------------------------------------ DeleteRole

export const deleteRole = defineOperation({
  name: 'DeleteRole',
  service: 'iam',
  action: 'iam:DeleteRole',
  mutating: true,
  input: roleNameInput,
  resource: (input, call) => roleResource(call, input.roleName),
  handler(input, call) {
    const { store } = call;
    const role = requireRole(store, accountOf(call), input.roleName);
    // A service-linked role is deleted only through DeleteServiceLinkedRole.
    requireModifiableRole(role);
    // AWS refuses while anything still references the role (aws-protocol §6.7).
    if (store.instanceProfiles.forRole(role.id).length > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
    }
    if (store.managedPolicies.countAttachedTo('role', role.id) > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
    }
    if (store.inlinePolicies.count('role', role.id) > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must delete policies first.');
    }
    store.roles.delete(role.id);
    return undefined;
  },
});
