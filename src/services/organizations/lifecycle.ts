// Owns the organization's life cycle and its accounts' arrivals and departures: CreateOrganization,
// DeleteOrganization, EnableAllFeatures, CreateAccount, DescribeCreateAccountStatus,
// ListCreateAccountStatus, CloseAccount, LeaveOrganization, RemoveAccountFromOrganization.
// Actions and resources: https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html
// (CreateOrganization, DeleteOrganization, EnableAllFeatures, CreateAccount, the two status reads and
// LeaveOrganization on `*`; CloseAccount and RemoveAccountFromOrganization on the account's ARN).
import { arns } from '../../aws/arn';
import { orgIds } from '../../aws/ids';
import { ensureAwsManagedPolicy } from '../../store/aws-managed-policies';
import type { CreateAccountRequest, Organization } from '../../store/repos/organizations';
import type { Store } from '../../store/store';
import type { IdSource } from '../../runtime';
import { defineOperation, type Call } from '../types';
import { callerOrg, delegableAuthz, findAccount, memberResource, requireManagement } from './common';
import { orgErrors } from './errors';
import { OrgInput, page } from './input';
import { ALL_FEATURES_LIFETIME_DAYS, handshakeShape, recordHandshake } from './handshakes';
import { organizationShape } from './organization';
import { orgTagContext } from './units';

const FEATURE_SETS = ['ALL', 'CONSOLIDATED_BILLING'] as const;
const ACCOUNT_ID_RULE = { required: true, max: 12, pattern: /^\d{12}$/ } as const;

// ------------------------------------------------------------------ CreateOrganization / DeleteOrganization / EnableAllFeatures

export const createOrganization = defineOperation({
  name: 'CreateOrganization',
  service: 'organizations',
  action: 'organizations:CreateOrganization',
  mutating: true,
  input: (params) => ({ featureSet: new OrgInput(params).enumOf('FeatureSet', FEATURE_SETS) ?? 'ALL' }),
  resource: () => '*',
  handler(input, call) {
    const account = call.principal.accountId;
    if (!account) throw orgErrors.notManagementAccount();
    if (call.store.organizations.membership(account)) throw orgErrors.alreadyInOrganization();
    call.store.accounts.ensure({ id: account, createdAt: call.now.toISOString() });
    // https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateOrganization.html: with ALL
    // features, "service control policies automatically enabled in the root".
    const org = call.store.organizations.create({
      id: orgIds.organization(call.ids),
      rootId: orgIds.root(call.ids),
      managementAccountId: account,
      createdAt: call.now.toISOString(),
      featureSet: input.featureSet,
      scpEnabled: input.featureSet === 'ALL',
    });
    call.store.organizations.setJoinedMethod(account, 'CREATED');
    return { Organization: organizationShape(call.store, org) };
  },
});

export const deleteOrganization = defineOperation({
  name: 'DeleteOrganization',
  service: 'organizations',
  action: 'organizations:DeleteOrganization',
  mutating: true,
  input: () => ({}),
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  handler(_input, call) {
    const org = requireManagement(call);
    // "You can delete an organization only after you remove all member accounts from it."
    if (call.store.organizations.accounts(org.id).some((a) => a.accountId !== org.managementAccountId)) throw orgErrors.organizationNotEmpty();
    call.store.organizations.deleteOrganization(org.id);
    return undefined;
  },
});

/**
 * EnableAllFeatures: AWS sends every invited member an APPROVE_ALL_FEATURES handshake and switches the
 * feature set once all accepted. ⚠ iamlocal's members never refuse: the feature set switches at once and
 * the ENABLE_ALL_FEATURES handshake is stored ACCEPTED (DescribeHandshake and ListHandshakesForOrganization show it).
 */
export const enableAllFeatures = defineOperation({
  name: 'EnableAllFeatures',
  service: 'organizations',
  action: 'organizations:EnableAllFeatures',
  mutating: true,
  input: () => ({}),
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  handler(_input, call) {
    const org = requireManagement(call);
    if (org.featureSet === 'ALL') throw orgErrors.handshakeConstraint('ORGANIZATION_ALREADY_HAS_ALL_FEATURES');
    call.store.organizations.setFeatureSet(org.id, 'ALL');
    const h = recordHandshake(call, org, {
      action: 'ENABLE_ALL_FEATURES',
      state: 'ACCEPTED',
      target: null,
      resources: [{ Value: org.id, Type: 'ORGANIZATION' }],
      lifetimeDays: ALL_FEATURES_LIFETIME_DAYS,
    });
    return { Handshake: handshakeShape(h) };
  },
});

// ------------------------------------------------------------------ CreateAccount and its status

/** The role CreateAccount creates in the new account (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html). */
export const DEFAULT_ACCESS_ROLE = 'OrganizationAccountAccessRole';
const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';

function newAccountId(store: Store, ids: IdSource): string {
  for (;;) {
    const digits = [...ids.bytes(12)].map((b) => String(b % 10)).join('');
    const id = digits[0] === '0' ? `1${digits.slice(1)}` : digits;
    if (!store.accounts.get(id)) return id;
  }
}

function statusShape(r: CreateAccountRequest): Record<string, unknown> {
  return {
    Id: r.id,
    AccountName: r.accountName,
    State: r.state,
    RequestedTimestamp: new Date(r.requestedAt),
    CompletedTimestamp: r.completedAt ? new Date(r.completedAt) : undefined,
    AccountId: r.accountId ?? undefined,
    FailureReason: r.failure ?? undefined,
  };
}

/** The new account's access role: trusts the management account, AdministratorAccess attached. */
function createAccessRole(call: Call, org: Organization, accountId: string, roleName: string): void {
  const { store } = call;
  const role = store.roles.create({
    id: `AROA${call.ids.base32(17)}`,
    accountId,
    name: roleName,
    path: '/',
    arn: arns.role(accountId, '/', roleName),
    trustPolicy: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${org.managementAccountId}:root` }, Action: 'sts:AssumeRole' }],
    }),
    description: null,
    maxSessionDuration: 3600,
    boundaryArn: null,
    serviceLinked: false,
    createdAt: call.now.toISOString(),
  });
  const policy = ensureAwsManagedPolicy(store, call.ids, ADMINISTRATOR_ACCESS);
  if (policy) store.managedPolicies.attach(policy.arn, 'role', role.id, call.now.toISOString());
}

export const createAccount = defineOperation({
  name: 'CreateAccount',
  service: 'organizations',
  action: 'organizations:CreateAccount',
  mutating: true,
  input(params) {
    const v = new OrgInput(params);
    const email = v.string('Email', { required: true, min: 6, max: 64, pattern: /^[^\s@]+@[^\s@]+\.[^\s@]+$/ });
    const accountName = v.string('AccountName', { required: true, min: 1, max: 50, pattern: /^[\u0020-\u007E]+$/ });
    const roleName = v.string('RoleName', { max: 64, pattern: /^[\w+=,.@-]{1,64}$/ }) ?? DEFAULT_ACCESS_ROLE;
    v.enumOf('IamUserAccessToBilling', ['ALLOW', 'DENY'] as const);
    const tags = v.tags();
    return { email, accountName, roleName, tags };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  conditionKeys: (input) => orgTagContext(input.tags),
  handler(input, call) {
    const org = requireManagement(call);
    const { store } = call;
    const at = call.now.toISOString();
    // ⚠ AWS creates the account asynchronously (IN_PROGRESS, then SUCCEEDED); iamlocal completes it within
    // the call, so the first DescribeCreateAccountStatus already reports SUCCEEDED. A reused email FAILs
    // with EMAIL_ALREADY_EXISTS, as AWS reports it in the status.
    const request: CreateAccountRequest = {
      id: `car-${call.ids.base32(32).toLowerCase()}`,
      orgId: org.id,
      accountName: input.accountName,
      state: 'SUCCEEDED',
      accountId: null,
      failure: null,
      requestedAt: at,
      completedAt: at,
    };
    if (store.accounts.list().some((a) => a.email?.toLowerCase() === input.email.toLowerCase())) {
      request.state = 'FAILED';
      request.failure = 'EMAIL_ALREADY_EXISTS';
    } else {
      const accountId = newAccountId(store, call.ids);
      store.accounts.ensure({ id: accountId, email: input.email, name: input.accountName, createdAt: at });
      store.organizations.placeAccount(accountId, org.id, org.rootId, at);
      store.organizations.setJoinedMethod(accountId, 'CREATED');
      createAccessRole(call, org, accountId, input.roleName);
      if (input.tags?.length) store.tags.put('org-account', accountId, input.tags, false);
      request.accountId = accountId;
    }
    store.organizations.recordCreateAccount(request);
    return { CreateAccountStatus: statusShape(request) };
  },
});

/**
 * CreateGovCloudAccount: "the management account must have an associated account in the AWS GovCloud
 * (US-West) Region". iamlocal emulates the aws partition only, so no management account is
 * GovCloud-enabled and the call ends in ConstraintViolationException MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED,
 * after the same input checks and authorization as CreateAccount.
 * https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateGovCloudAccount.html
 */
export const createGovCloudAccount = defineOperation({
  name: 'CreateGovCloudAccount',
  service: 'organizations',
  action: 'organizations:CreateGovCloudAccount',
  mutating: true,
  input: createAccount.input,
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  conditionKeys: (input) => orgTagContext(input.tags),
  handler() {
    throw orgErrors.constraintViolation('MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED');
  },
});

export const describeCreateAccountStatus = defineOperation({
  name: 'DescribeCreateAccountStatus',
  service: 'organizations',
  action: 'organizations:DescribeCreateAccountStatus',
  mutating: false,
  input: (params) => ({ id: new OrgInput(params).string('CreateAccountRequestId', { required: true, max: 36, pattern: /^car-[a-z0-9]{8,32}$/ }) }),
  ...delegableAuthz('read'),
  resource: () => '*',
  handler(input, call) {
    const org = callerOrg(call);
    const r = call.store.organizations.createAccountRequest(input.id);
    if (!r || r.orgId !== org.id) throw orgErrors.createAccountStatusNotFound();
    return { CreateAccountStatus: statusShape(r) };
  },
});

export const listCreateAccountStatus = defineOperation({
  name: 'ListCreateAccountStatus',
  service: 'organizations',
  action: 'organizations:ListCreateAccountStatus',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    const raw = params.States;
    let states: string[] | undefined;
    if (raw !== undefined && raw !== null) {
      if (!Array.isArray(raw)) throw orgErrors.invalidInput('INVALID_ENUM');
      for (const s of raw) if (!['IN_PROGRESS', 'SUCCEEDED', 'FAILED'].includes(s as string)) throw orgErrors.invalidInput('INVALID_ENUM');
      states = raw as string[];
    }
    return { states, paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource: () => '*',
  handler(input, call) {
    const org = callerOrg(call);
    const all = call.store.organizations.createAccountRequests(org.id).filter((r) => !input.states?.length || input.states.includes(r.state));
    const { items, nextToken } = page(all, input.paging);
    return { CreateAccountStatuses: items.map(statusShape), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ CloseAccount / RemoveAccountFromOrganization / LeaveOrganization

export const closeAccount = defineOperation({
  name: 'CloseAccount',
  service: 'organizations',
  action: 'organizations:CloseAccount',
  mutating: true,
  input: (params) => ({ accountId: new OrgInput(params).string('AccountId', ACCOUNT_ID_RULE) }),
  guard: (_input, call) => void requireManagement(call),
  resource: (input, call) => memberResource(call, input.accountId),
  handler(input, call) {
    const org = requireManagement(call);
    const a = findAccount(call.store, org, input.accountId);
    // The management account is closed through the console's account settings, not this API.
    if (a.accountId === org.managementAccountId) throw orgErrors.masterCannotLeave();
    if (a.status !== 'ACTIVE') throw orgErrors.accountAlreadyClosed();
    // "the account goes into a SUSPENDED state" and stays in the organization for 90 days
    // (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CloseAccount.html).
    call.store.organizations.setAccountStatus(a.accountId, 'SUSPENDED');
    return undefined;
  },
});

export const removeAccountFromOrganization = defineOperation({
  name: 'RemoveAccountFromOrganization',
  service: 'organizations',
  action: 'organizations:RemoveAccountFromOrganization',
  mutating: true,
  input: (params) => ({ accountId: new OrgInput(params).string('AccountId', ACCOUNT_ID_RULE) }),
  guard: (_input, call) => void requireManagement(call),
  resource: (input, call) => memberResource(call, input.accountId),
  handler(input, call) {
    const org = requireManagement(call);
    const a = findAccount(call.store, org, input.accountId);
    if (a.accountId === org.managementAccountId) throw orgErrors.masterCannotLeave();
    if (call.store.orgSettings.servicesOf(a.accountId).length > 0) throw orgErrors.constraintViolation('CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG');
    call.store.organizations.removeAccount(a.accountId);
    return undefined;
  },
});

/** LeaveOrganization: called by the member account itself; the SCPs of its organization apply to the call. */
export const leaveOrganization = defineOperation({
  name: 'LeaveOrganization',
  service: 'organizations',
  action: 'organizations:LeaveOrganization',
  mutating: true,
  input: () => ({}),
  guard: (_input, call) => void callerOrg(call),
  resource: () => '*',
  handler(_input, call) {
    const org = callerOrg(call);
    const account = call.principal.accountId!;
    if (account === org.managementAccountId) throw orgErrors.masterCannotLeave();
    if (call.store.orgSettings.servicesOf(account).length > 0) throw orgErrors.constraintViolation('CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG');
    call.store.organizations.removeAccount(account);
    return undefined;
  },
});
