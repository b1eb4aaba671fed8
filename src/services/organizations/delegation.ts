// Owns what the management account delegates: trusted access for AWS services
// (EnableAWSServiceAccess, DisableAWSServiceAccess, ListAWSServiceAccessForOrganization), delegated
// administrators (RegisterDelegatedAdministrator, DeregisterDelegatedAdministrator,
// ListDelegatedAdministrators, ListDelegatedServicesForAccount) and the organization's resource-based
// delegation policy (PutResourcePolicy, DescribeResourcePolicy, DeleteResourcePolicy), which
// common.ts's delegableAuthz then enforces for member accounts.
// Actions, resources and keys (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html):
// the service-access operations and ListDelegatedAdministrators on `*` with organizations:ServicePrincipal;
// Register/Deregister on the member's account ARN with organizations:ServicePrincipal;
// ListDelegatedServicesForAccount on the account ARN; the resource-policy operations on `*`
// (PutResourcePolicy with aws:RequestTag/K and aws:TagKeys).
import { validatePolicyDocument } from '../../policy/index';
import { PolicyValidationError, type RequestContext } from '../../policy/types';
import type { Organization } from '../../store/repos/organizations';
import type { Tag } from '../../store/repos/tags';
import { defineOperation, type AuthzCheck, type Call } from '../types';
import { accountShape, callerOrg, delegableAuthz, findAccount, memberResource, orgArns, requireManagement } from './common';
import { orgErrors } from './errors';
import { OrgInput, page, type PagingInput } from './input';
import { putTags } from './tags';
import { orgTagContext } from './units';

const SERVICE_PRINCIPAL_RULE = { required: true, min: 1, max: 128, pattern: /^[\w+=,.@-]*$/ } as const;
const ACCOUNT_ID_RULE = { required: true, max: 12, pattern: /^\d{12}$/ } as const;
/** ⚠ AWS knows its list of integrated services; iamlocal accepts any `<name>.amazonaws.com` principal. */
const KNOWN_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;
/** The resource policy's size limit (the model's ResourcePolicyContent max). */
export const MAX_RESOURCE_POLICY_CHARS = 40000;

function servicePrincipal(v: OrgInput, required: true): string;
function servicePrincipal(v: OrgInput, required: false): string | undefined;
function servicePrincipal(v: OrgInput, required: boolean): string | undefined {
  const sp = v.string('ServicePrincipal', { ...SERVICE_PRINCIPAL_RULE, required });
  if (sp !== undefined && !KNOWN_PRINCIPAL.test(sp)) throw orgErrors.invalidInput('UNRECOGNIZED_SERVICE_PRINCIPAL');
  return sp;
}

const spKey = (sp: string | undefined): RequestContext => (sp ? { 'organizations:ServicePrincipal': sp } : {});

// ------------------------------------------------------------------ trusted access

export const enableAWSServiceAccess = defineOperation({
  name: 'EnableAWSServiceAccess',
  service: 'organizations',
  action: 'organizations:EnableAWSServiceAccess',
  mutating: true,
  input: (params) => ({ servicePrincipal: servicePrincipal(new OrgInput(params), true) }),
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  conditionKeys: (input) => spKey(input.servicePrincipal),
  handler(input, call) {
    const org = requireManagement(call);
    // Trusted access is a feature of organizations with all features.
    if (org.featureSet !== 'ALL') throw orgErrors.constraintViolation('ORGANIZATION_NOT_IN_ALL_FEATURES_MODE');
    call.store.orgSettings.enableService(org.id, input.servicePrincipal, call.now.toISOString());
    return undefined;
  },
});

export const disableAWSServiceAccess = defineOperation({
  name: 'DisableAWSServiceAccess',
  service: 'organizations',
  action: 'organizations:DisableAWSServiceAccess',
  mutating: true,
  input: (params) => ({ servicePrincipal: servicePrincipal(new OrgInput(params), true) }),
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  conditionKeys: (input) => spKey(input.servicePrincipal),
  handler(input, call) {
    const org = requireManagement(call);
    call.store.orgSettings.disableService(org.id, input.servicePrincipal);
    return undefined;
  },
});

export const listAWSServiceAccessForOrganization = defineOperation({
  name: 'ListAWSServiceAccessForOrganization',
  service: 'organizations',
  action: 'organizations:ListAWSServiceAccessForOrganization',
  mutating: false,
  input: (params): PagingInput => new OrgInput(params).paging(),
  ...delegableAuthz('read'),
  resource: () => '*',
  handler(input, call) {
    const org = callerOrg(call);
    const { items, nextToken } = page(call.store.orgSettings.services(org.id), input);
    return { EnabledServicePrincipals: items.map((s) => ({ ServicePrincipal: s.servicePrincipal, DateEnabled: new Date(s.enabledAt) })), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ delegated administrators

interface AdminInput {
  accountId: string;
  servicePrincipal: string;
}

function readAdmin(params: Record<string, unknown>): AdminInput {
  const v = new OrgInput(params);
  const accountId = v.string('AccountId', ACCOUNT_ID_RULE);
  return { accountId, servicePrincipal: servicePrincipal(v, true) };
}

export const registerDelegatedAdministrator = defineOperation({
  name: 'RegisterDelegatedAdministrator',
  service: 'organizations',
  action: 'organizations:RegisterDelegatedAdministrator',
  mutating: true,
  input: readAdmin,
  guard: (_input, call) => void requireManagement(call),
  resource: (input, call) => memberResource(call, input.accountId),
  conditionKeys: (input) => spKey(input.servicePrincipal),
  handler(input, call) {
    const { store } = call;
    const org = requireManagement(call);
    const member = findAccount(store, org, input.accountId);
    if (org.featureSet !== 'ALL') throw orgErrors.constraintViolation('ORGANIZATION_NOT_IN_ALL_FEATURES_MODE');
    if (member.accountId === org.managementAccountId) throw orgErrors.constraintViolation('CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR');
    if (member.status !== 'ACTIVE') throw orgErrors.constraintViolation('CANNOT_REGISTER_SUSPENDED_ACCOUNT_AS_DELEGATED_ADMINISTRATOR');
    if (store.orgSettings.servicesOf(member.accountId).some((s) => s.servicePrincipal === input.servicePrincipal)) throw orgErrors.accountAlreadyRegistered();
    store.orgSettings.registerAdmin(org.id, member.accountId, input.servicePrincipal, call.now.toISOString());
    return undefined;
  },
});

export const deregisterDelegatedAdministrator = defineOperation({
  name: 'DeregisterDelegatedAdministrator',
  service: 'organizations',
  action: 'organizations:DeregisterDelegatedAdministrator',
  mutating: true,
  input: readAdmin,
  guard: (_input, call) => void requireManagement(call),
  resource: (input, call) => memberResource(call, input.accountId),
  conditionKeys: (input) => spKey(input.servicePrincipal),
  handler(input, call) {
    const { store } = call;
    const org = requireManagement(call);
    const member = findAccount(store, org, input.accountId);
    if (!store.orgSettings.servicesOf(member.accountId).some((s) => s.servicePrincipal === input.servicePrincipal)) throw orgErrors.accountNotRegistered();
    store.orgSettings.deregisterAdmin(member.accountId, input.servicePrincipal);
    return undefined;
  },
});

export const listDelegatedAdministrators = defineOperation({
  name: 'ListDelegatedAdministrators',
  service: 'organizations',
  action: 'organizations:ListDelegatedAdministrators',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    return { servicePrincipal: servicePrincipal(v, false), paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource: () => '*',
  conditionKeys: (input) => spKey(input.servicePrincipal),
  handler(input, call) {
    const { store } = call;
    const org = callerOrg(call);
    // One entry per account, dated by its first delegation.
    const first = new Map<string, string>();
    for (const a of store.orgSettings.admins(org.id, input.servicePrincipal)) if (!first.has(a.accountId)) first.set(a.accountId, a.enabledAt);
    const { items, nextToken } = page([...first.entries()], input.paging);
    return {
      DelegatedAdministrators: items.map(([accountId, enabledAt]) => {
        const p = store.organizations.placement(accountId);
        return { ...accountShape(store, org, accountId, p?.joinedAt ?? enabledAt), DelegationEnabledDate: new Date(enabledAt) };
      }),
      NextToken: nextToken,
    };
  },
});

export const listDelegatedServicesForAccount = defineOperation({
  name: 'ListDelegatedServicesForAccount',
  service: 'organizations',
  action: 'organizations:ListDelegatedServicesForAccount',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    return { accountId: v.string('AccountId', ACCOUNT_ID_RULE), paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource(input, call) {
    const org = callerOrg(call);
    return orgArns.account(org, findAccount(call.store, org, input.accountId).accountId);
  },
  handler(input, call) {
    const org = callerOrg(call);
    const member = findAccount(call.store, org, input.accountId);
    const services = call.store.orgSettings.servicesOf(member.accountId);
    if (services.length === 0) throw orgErrors.accountNotRegistered();
    const { items, nextToken } = page(services, input.paging);
    return { DelegatedServices: items.map((s) => ({ ServicePrincipal: s.servicePrincipal, DelegationEnabledDate: new Date(s.enabledAt) })), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ the resource policy

/**
 * ⚠ The policy is stored, validated and returned; iamlocal does not yet let it authorize member accounts
 * for the management-account operations it names (they keep answering AccessDeniedException).
 *
 * A delegation policy: an IAM resource policy (Principal required) whose actions are Organizations
 * actions ("You can only specify actions for AWS Organizations", UNSUPPORTED_ACTION_IN_RESOURCE_POLICY)
 * and whose resources are Organizations ARNs or `*` (UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY).
 */
function checkResourcePolicy(content: string): void {
  try {
    validatePolicyDocument(content, 'resource');
  } catch (e) {
    if (!(e instanceof PolicyValidationError)) throw e;
    throw /principal/i.test(e.message) ? orgErrors.invalidInput('INVALID_PRINCIPAL') : orgErrors.invalidInput('INVALID_RESOURCE_POLICY_JSON');
  }
  const doc = JSON.parse(content) as { Statement: unknown };
  const statements = (Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement]) as Record<string, unknown>[];
  const list = (x: unknown): string[] => (x === undefined ? [] : Array.isArray(x) ? (x as string[]) : [x as string]);
  for (const st of statements) {
    if (!('Principal' in st) && !('NotPrincipal' in st)) throw orgErrors.invalidInput('INVALID_PRINCIPAL');
    for (const a of [...list(st.Action), ...list(st.NotAction)]) if (!/^organizations:/i.test(a)) throw orgErrors.invalidInput('UNSUPPORTED_ACTION_IN_RESOURCE_POLICY');
    for (const r of [...list(st.Resource), ...list(st.NotResource)]) {
      if (r !== '*' && !/^arn:aws:organizations::/.test(r)) throw orgErrors.invalidInput('UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY');
    }
  }
}

function resourcePolicyShape(org: Organization, p: { id: string; content: string }): Record<string, unknown> {
  return { ResourcePolicy: { ResourcePolicySummary: { Id: p.id, Arn: orgArns.resourcePolicy(org, p.id) }, Content: p.content } };
}

interface PutInput {
  content: string;
  tags?: Tag[];
  /** Drawn up front (used only when the organization has no policy yet). */
  id: string;
}

export const putResourcePolicy = defineOperation({
  name: 'PutResourcePolicy',
  service: 'organizations',
  action: 'organizations:PutResourcePolicy',
  mutating: true,
  input(params, call): PutInput {
    const v = new OrgInput(params);
    const content = v.string('Content', { required: true, min: 1, max: MAX_RESOURCE_POLICY_CHARS });
    return { content, tags: v.tags(), id: `rp-${call.ids.base32(8).toLowerCase()}` };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  conditionKeys: (input) => orgTagContext(input.tags),
  extraChecks(input, call): AuthzCheck[] {
    if (!input.tags?.length) return [];
    const org = requireManagement(call);
    const id = call.store.orgSettings.resourcePolicy(org.id)?.id ?? input.id;
    return [{ action: 'organizations:TagResource', resource: orgArns.resourcePolicy(org, id) }];
  },
  handler(input, call) {
    const { store } = call;
    const org = requireManagement(call);
    checkResourcePolicy(input.content);
    const existing = store.orgSettings.resourcePolicy(org.id);
    const id = existing?.id ?? input.id;
    store.orgSettings.putResourcePolicy({ orgId: org.id, id, content: input.content });
    if (input.tags?.length) putTags(call, { kind: 'org-resource-policy', id }, input.tags);
    return resourcePolicyShape(org, { id, content: input.content });
  },
});

export const describeResourcePolicy = defineOperation({
  name: 'DescribeResourcePolicy',
  service: 'organizations',
  action: 'organizations:DescribeResourcePolicy',
  mutating: false,
  input: () => ({}),
  ...delegableAuthz('read'),
  resource: () => '*',
  handler(_input, call) {
    const org = callerOrg(call);
    const p = call.store.orgSettings.resourcePolicy(org.id);
    if (!p) throw orgErrors.resourcePolicyNotFound();
    return resourcePolicyShape(org, p);
  },
});

export const deleteResourcePolicy = defineOperation({
  name: 'DeleteResourcePolicy',
  service: 'organizations',
  action: 'organizations:DeleteResourcePolicy',
  mutating: true,
  input: () => ({}),
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  handler(_input, call) {
    const org = requireManagement(call);
    const p = call.store.orgSettings.resourcePolicy(org.id);
    if (!p) throw orgErrors.resourcePolicyNotFound();
    call.store.orgSettings.deleteResourcePolicy(org.id);
    call.store.tags.removeAll('org-resource-policy', p.id);
    return undefined;
  },
});
