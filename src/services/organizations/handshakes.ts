// Owns handshakes: InviteAccountToOrganization, AcceptHandshake, DeclineHandshake, CancelHandshake,
// DescribeHandshake, ListHandshakesForAccount, ListHandshakesForOrganization. An invitation goes from
// the management account to an account (by id or by its email); that account accepts with its own
// credentials and joins under the root (JoinedMethod INVITED). States OPEN → ACCEPTED / DECLINED /
// CANCELED, or EXPIRED 15 days after the request by iamlocal's clock; closed handshakes stay listed
// for 30 days. https://docs.aws.amazon.com/organizations/latest/APIReference/API_Handshake.html
// Actions and resources (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html):
// Accept/Cancel/Decline/DescribeHandshake on the handshake's ARN (AcceptHandshake also needs
// iam:CreateServiceLinkedRole when the organization has all features); Invite and the two lists on `*`.
import type { Account } from '../../store/repos/accounts';
import type { Handshake, HandshakeAction, HandshakeParty, HandshakeResource } from '../../store/repos/org-handshakes';
import type { Organization } from '../../store/repos/organizations';
import type { Tag } from '../../store/repos/tags';
import type { Store } from '../../store/store';
import type { IdSource } from '../../runtime';
import { defineOperation, type AuthzCheck, type Call } from '../types';
import { callerOrg, delegableAuthz, orgArns, requireManagement } from './common';
import { orgErrors } from './errors';
import { OrgInput, page, type PagingInput } from './input';
import { orgTagContext } from './units';

const DAY = 86_400_000;
/** "The invitation expires after 15 days" (examples-1.json: requested 02-01, expires 02-16). */
export const INVITE_LIFETIME_DAYS = 15;
/** EnableAllFeatures' handshakes have 90 days (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_org_support-all-features.html). */
export const ALL_FEATURES_LIFETIME_DAYS = 90;

export const HANDSHAKE_ID_RULE = { required: true, max: 34, pattern: /^h-[0-9a-z]{8,32}$/ } as const;
const ACTIONS: readonly HandshakeAction[] = ['INVITE', 'ENABLE_ALL_FEATURES', 'APPROVE_ALL_FEATURES', 'ADD_ORGANIZATIONS_SERVICE_LINKED_ROLE', 'TRANSFER_RESPONSIBILITY'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function newHandshakeId(ids: IdSource): string {
  return `h-${ids.base32(12).toLowerCase()}`;
}

export function handshakeArn(org: Organization, action: HandshakeAction, id: string): string {
  return `${orgArns.organization(org).replace(':organization/', ':handshake/')}/${action.toLowerCase()}/${id}`;
}

export function handshakeShape(h: Handshake): Record<string, unknown> {
  return {
    Id: h.id,
    Arn: h.arn,
    Parties: h.parties,
    State: h.state,
    RequestedTimestamp: new Date(h.requestedAt),
    ExpirationTimestamp: new Date(h.expiresAt),
    Action: h.action,
    Resources: h.resources,
  };
}

/** The ORGANIZATION resource of a handshake: the inviting organization and its management account. */
export function organizationResource(store: Store, org: Organization): HandshakeResource {
  const mgmt = store.accounts.get(org.managementAccountId);
  const inner: HandshakeResource[] = [];
  if (mgmt?.email) inner.push({ Type: 'MASTER_EMAIL', Value: mgmt.email });
  inner.push({ Type: 'MASTER_NAME', Value: mgmt?.name ?? mgmt?.alias ?? org.managementAccountId });
  inner.push({ Type: 'ORGANIZATION_FEATURE_SET', Value: org.featureSet });
  return { Type: 'ORGANIZATION', Value: org.id, Resources: inner };
}

/** Stores a new handshake of the organization. */
export function recordHandshake(
  call: Call,
  org: Organization,
  h: { action: HandshakeAction; state: Handshake['state']; target: HandshakeParty | null; resources: HandshakeResource[]; lifetimeDays: number; parentId?: string },
): Handshake {
  const id = newHandshakeId(call.ids);
  const at = call.now.toISOString();
  const parties: HandshakeParty[] = [{ Id: org.id, Type: 'ORGANIZATION' }];
  if (h.target) parties.push(h.target);
  return call.store.orgHandshakes.create({
    id,
    orgId: org.id,
    arn: handshakeArn(org, h.action, id),
    action: h.action,
    state: h.state,
    parties,
    resources: h.resources,
    targetType: h.target?.Type ?? null,
    targetId: h.target?.Id ?? null,
    parentId: h.parentId ?? null,
    requestedAt: at,
    expiresAt: new Date(call.now.getTime() + h.lifetimeDays * DAY).toISOString(),
    stateChangedAt: at,
  });
}

/** The iamlocal account an invitation names (by id, or the one account with that email). */
function targetAccount(store: Store, target: HandshakeParty): Account | null {
  if (target.Type === 'ACCOUNT') return store.accounts.get(target.Id);
  return store.accounts.list().find((a) => a.email?.toLowerCase() === target.Id.toLowerCase()) ?? null;
}

/** Whether the caller's account is the handshake's invited party (by id or by its email). */
function isRecipient(call: Call, h: Handshake): boolean {
  const account = call.principal.accountId;
  if (!account || !h.targetType || !h.targetId) return false;
  if (h.targetType === 'ACCOUNT') return h.targetId === account;
  if (h.targetType === 'EMAIL') return call.store.accounts.get(account)?.email?.toLowerCase() === h.targetId.toLowerCase();
  return false;
}

/** Whether the caller is the management account of the organization that sent the handshake. */
function isOriginator(call: Call, h: Handshake): boolean {
  const org = call.store.organizations.get(h.orgId);
  return !!org && org.managementAccountId === call.principal.accountId;
}

/**
 * A handshake the caller is a party to, or HandshakeNotFoundException (⚠ AWS does not say what a
 * stranger to a handshake gets; not revealing it is the safe answer).
 */
function visibleHandshake(call: Call, id: string): Handshake {
  const h = call.store.orgHandshakes.get(id, call.now);
  if (!h || !(isRecipient(call, h) || isOriginator(call, h))) throw orgErrors.handshakeNotFound();
  return h;
}

function orgOf(call: Call, h: Handshake): Organization {
  const org = call.store.organizations.get(h.orgId);
  if (!org) throw orgErrors.handshakeNotFound();
  return org;
}

// ------------------------------------------------------------------ InviteAccountToOrganization

interface InviteInput {
  target: HandshakeParty;
  notes?: string;
  tags?: Tag[];
}

/** Reads a HandshakeParty (Target): ACCOUNT by 12-digit id or EMAIL; ORGANIZATION is not a party one invites. */
export function readTarget(params: Record<string, unknown>): HandshakeParty {
  const raw = params.Target;
  if (raw === undefined || raw === null) throw orgErrors.invalidInput('INPUT_REQUIRED');
  if (typeof raw !== 'object' || Array.isArray(raw)) throw orgErrors.invalidInput('INVALID_PARTY_TYPE_TARGET');
  const t = new OrgInput(raw as Record<string, unknown>);
  const id = t.string('Id', { required: true, min: 1, max: 64 });
  const type = t.enumOf('Type', ['ACCOUNT', 'ORGANIZATION', 'EMAIL'] as const, true);
  if (type === 'ORGANIZATION') throw orgErrors.invalidInput('INVALID_PARTY_TYPE_TARGET');
  if (type === 'ACCOUNT' && !/^\d{12}$/.test(id)) throw orgErrors.invalidInput('INVALID_PATTERN');
  if (type === 'EMAIL' && !EMAIL.test(id)) throw orgErrors.invalidInput('INVALID_EMAIL_ADDRESS_TARGET');
  return { Id: id, Type: type };
}

export const inviteAccountToOrganization = defineOperation({
  name: 'InviteAccountToOrganization',
  service: 'organizations',
  action: 'organizations:InviteAccountToOrganization',
  mutating: true,
  input(params): InviteInput {
    const v = new OrgInput(params);
    const target = readTarget(params);
    const notes = v.string('Notes', { max: 1024 });
    const tags = v.tags();
    return { target, notes, tags };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  conditionKeys: (input) => orgTagContext(input.tags),
  extraChecks(input, call): AuthzCheck[] {
    // "If you include tags, the caller must also have organizations:TagResource" — on the account the tags go to.
    if (!input.tags?.length) return [];
    const org = requireManagement(call);
    const account = targetAccount(call.store, input.target);
    return [{ action: 'organizations:TagResource', resource: account ? orgArns.account(org, account.id) : '*' }];
  },
  handler(input, call) {
    const { store } = call;
    const org = requireManagement(call);
    const account = targetAccount(store, input.target);
    if (account && store.organizations.membership(account.id)) throw orgErrors.handshakeConstraint('ALREADY_IN_AN_ORGANIZATION');
    const same = (h: Handshake) =>
      h.action === 'INVITE' && h.state === 'OPEN' &&
      ((h.targetType === input.target.Type && h.targetId?.toLowerCase() === input.target.Id.toLowerCase()) ||
        (!!account && h.targetType === 'ACCOUNT' && h.targetId === account.id) ||
        (!!account?.email && h.targetType === 'EMAIL' && h.targetId?.toLowerCase() === account.email.toLowerCase()));
    if (store.orgHandshakes.forOrganization(org.id, call.now).some(same)) throw orgErrors.duplicateHandshake();
    const resources: HandshakeResource[] = [organizationResource(store, org), { Type: input.target.Type, Value: input.target.Id }];
    if (input.notes) resources.push({ Type: 'NOTES', Value: input.notes });
    const h = recordHandshake(call, org, { action: 'INVITE', state: 'OPEN', target: input.target, resources, lifetimeDays: INVITE_LIFETIME_DAYS });
    // The tags go onto the account when it joins (kept with the handshake until then).
    if (input.tags?.length) store.tags.put('org-handshake', h.id, input.tags, false);
    return { Handshake: handshakeShape(h) };
  },
});

// ------------------------------------------------------------------ Accept / Decline / Cancel / Describe

const handshakeIdInput = (params: Record<string, unknown>) => ({ handshakeId: new OrgInput(params).string('HandshakeId', HANDSHAKE_ID_RULE) });

/**
 * Authorized against the handshake's ARN. A handshake the caller is no party to (or none at all) is
 * authorized as if it were one of the caller's organization, so a caller without the permission gets
 * AccessDenied before HandshakeNotFoundException (AWS authorizes before it looks the handshake up).
 */
function handshakeResource(input: { handshakeId: string }, call: Call): string {
  const h = call.store.orgHandshakes.get(input.handshakeId, call.now);
  if (h && (isRecipient(call, h) || isOriginator(call, h))) return h.arn;
  const account = call.principal.accountId ?? '';
  const org = account ? call.store.organizations.membership(account)?.org : undefined;
  return org ? handshakeArn(org, 'INVITE', input.handshakeId) : '*';
}

/** The move from OPEN to `to`, with AWS's errors for a handshake already there or closed otherwise. */
function transition(call: Call, h: Handshake, to: 'ACCEPTED' | 'DECLINED' | 'CANCELED'): void {
  if (h.state === to) throw orgErrors.handshakeAlreadyInState();
  if (h.state !== 'OPEN' && h.state !== 'REQUESTED') throw orgErrors.invalidHandshakeTransition();
  call.store.orgHandshakes.setState(h.id, to, call.now.toISOString());
  const transfer = call.store.orgHandshakes.transferByHandshake(h.id);
  if (transfer) call.store.orgHandshakes.updateTransfer(transfer.id, { status: to });
}

export const acceptHandshake = defineOperation({
  name: 'AcceptHandshake',
  service: 'organizations',
  action: 'organizations:AcceptHandshake',
  mutating: true,
  input: handshakeIdInput,
  resource: handshakeResource,
  extraChecks(input, call): AuthzCheck[] {
    // "If you enabled all features in the organization, the user must also have the iam:CreateServiceLinkedRole
    // permission so that Organizations can create the required service-linked role named AWSServiceRoleForOrganizations."
    const h = visibleHandshake(call, input.handshakeId);
    const org = call.store.organizations.get(h.orgId);
    if (h.action !== 'INVITE' || org?.featureSet !== 'ALL') return [];
    return [{
      action: 'iam:CreateServiceLinkedRole',
      resource: `arn:aws:iam::${call.principal.accountId}:role/aws-service-role/organizations.amazonaws.com/AWSServiceRoleForOrganizations`,
      context: { 'iam:AWSServiceName': 'organizations.amazonaws.com' },
    }];
  },
  handler(input, call) {
    const { store } = call;
    const h = visibleHandshake(call, input.handshakeId);
    // Only the invited party accepts; the originator cancels.
    if (!isRecipient(call, h)) throw orgErrors.invalidHandshakeTransition();
    const org = orgOf(call, h);
    const account = call.principal.accountId!;
    if (h.state === 'OPEN' && h.action === 'INVITE' && store.organizations.membership(account)) throw orgErrors.handshakeConstraint('ALREADY_IN_AN_ORGANIZATION');
    // "Only the management account can accept … Billing transfer (TRANSFER_RESPONSIBILITY)".
    const own = store.organizations.membership(account)?.org;
    if (h.action === 'TRANSFER_RESPONSIBILITY' && own?.managementAccountId !== account) throw orgErrors.notManagementAccount();
    transition(call, h, 'ACCEPTED');
    if (h.action === 'TRANSFER_RESPONSIBILITY') {
      const t = store.orgHandshakes.transferByHandshake(h.id);
      if (t) store.orgHandshakes.updateTransfer(t.id, { sourceOrg: own!.id });
    }
    if (h.action === 'INVITE') {
      const at = call.now.toISOString();
      store.accounts.ensure({ id: account, createdAt: at });
      store.organizations.placeAccount(account, org.id, org.rootId, at);
      store.organizations.setJoinedMethod(account, 'INVITED');
      const tags = store.tags.list('org-handshake', h.id);
      if (tags.length) store.tags.put('org-account', account, tags, false);
      store.tags.removeAll('org-handshake', h.id);
    }
    return { Handshake: handshakeShape(store.orgHandshakes.get(h.id, call.now)!) };
  },
});

export const declineHandshake = defineOperation({
  name: 'DeclineHandshake',
  service: 'organizations',
  action: 'organizations:DeclineHandshake',
  mutating: true,
  input: handshakeIdInput,
  resource: handshakeResource,
  handler(input, call) {
    const h = visibleHandshake(call, input.handshakeId);
    // "This operation can be called only from the account that received the handshake."
    if (!isRecipient(call, h)) throw orgErrors.invalidHandshakeTransition();
    transition(call, h, 'DECLINED');
    call.store.tags.removeAll('org-handshake', h.id);
    return { Handshake: handshakeShape(call.store.orgHandshakes.get(h.id, call.now)!) };
  },
});

export const cancelHandshake = defineOperation({
  name: 'CancelHandshake',
  service: 'organizations',
  action: 'organizations:CancelHandshake',
  mutating: true,
  input: handshakeIdInput,
  resource: handshakeResource,
  handler(input, call) {
    const h = visibleHandshake(call, input.handshakeId);
    // "This operation can be called only from the account that originated the handshake."
    if (!isOriginator(call, h)) throw orgErrors.invalidHandshakeTransition();
    transition(call, h, 'CANCELED');
    call.store.tags.removeAll('org-handshake', h.id);
    return { Handshake: handshakeShape(call.store.orgHandshakes.get(h.id, call.now)!) };
  },
});

export const describeHandshake = defineOperation({
  name: 'DescribeHandshake',
  service: 'organizations',
  action: 'organizations:DescribeHandshake',
  mutating: true, // an OPEN handshake past its expiration is saved EXPIRED
  input: handshakeIdInput,
  resource: handshakeResource,
  handler: (input, call) => ({ Handshake: handshakeShape(visibleHandshake(call, input.handshakeId)) }),
});

// ------------------------------------------------------------------ the two lists

interface ListInput {
  actionType?: HandshakeAction;
  parentId?: string;
  paging: PagingInput;
}

function readList(params: Record<string, unknown>): ListInput {
  const v = new OrgInput(params);
  let actionType: HandshakeAction | undefined;
  let parentId: string | undefined;
  const raw = params.Filter;
  if (raw !== undefined && raw !== null) {
    if (typeof raw !== 'object' || Array.isArray(raw)) throw orgErrors.invalidInput('INVALID_ENUM');
    const f = new OrgInput(raw as Record<string, unknown>);
    actionType = f.enumOf('ActionType', ACTIONS);
    parentId = f.string('ParentHandshakeId', { ...HANDSHAKE_ID_RULE, required: false });
    // "You can specify only one of ActionType or ParentHandshakeId."
    if (actionType && parentId) throw orgErrors.invalidInput('MAX_LIMIT_EXCEEDED_FILTER');
  }
  return { actionType, parentId, paging: v.paging() };
}

function filtered(all: Handshake[], input: ListInput): Handshake[] {
  return all.filter((h) => (!input.actionType || h.action === input.actionType) && (!input.parentId || h.parentId === input.parentId));
}

export const listHandshakesForAccount = defineOperation({
  name: 'ListHandshakesForAccount',
  service: 'organizations',
  action: 'organizations:ListHandshakesForAccount',
  mutating: true, // expiry is saved
  input: readList,
  resource: () => '*',
  handler(input, call) {
    const account = call.principal.accountId ?? '';
    const email = call.store.accounts.get(account)?.email ?? null;
    const { items, nextToken } = page(filtered(call.store.orgHandshakes.forAccount(account, email, call.now), input), input.paging);
    return { Handshakes: items.map(handshakeShape), NextToken: nextToken };
  },
});

export const listHandshakesForOrganization = defineOperation({
  name: 'ListHandshakesForOrganization',
  service: 'organizations',
  action: 'organizations:ListHandshakesForOrganization',
  mutating: true, // expiry is saved
  input: readList,
  ...delegableAuthz('read'),
  resource: () => '*',
  handler(input, call) {
    const org = callerOrg(call);
    const { items, nextToken } = page(filtered(call.store.orgHandshakes.forOrganization(org.id, call.now), input), input.paging);
    return { Handshakes: items.map(handshakeShape), NextToken: nextToken };
  },
});
