// Owns responsibility (billing) transfers between organizations: InviteOrganizationToTransferResponsibility,
// DescribeResponsibilityTransfer, ListInboundResponsibilityTransfers, ListOutboundResponsibilityTransfers,
// UpdateResponsibilityTransfer, TerminateResponsibilityTransfer. The inviting management account
// takes on the responsibility (its transfer is inbound); the invited organization's management account
// accepts the TRANSFER_RESPONSIBILITY handshake with AcceptHandshake (its transfer is outbound).
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_InviteOrganizationToTransferResponsibility.html
// ⚠ AWS's billing side (invoices, the transfer taking effect on its start date) is not emulated: the
// transfer records its dates and status only.
import { awsError } from '../../aws/errors';
import type { ResponsibilityTransfer } from '../../store/repos/org-handshakes';
import type { Tag } from '../../store/repos/tags';
import type { Store } from '../../store/store';
import { defineOperation, type AuthzCheck, type Call } from '../types';
import { callerOrg, requireManagement } from './common';
import { orgErrors } from './errors';
import { INVITE_LIFETIME_DAYS, organizationResource, readTarget, recordHandshake } from './handshakes';
import { OrgInput, page, type PagingInput } from './input';
import { putTags, transferArn } from './tags';
import { orgTagContext } from './units';

const TRANSFER_ID_RULE = { required: true, pattern: /^rt-[0-9a-z]{8,32}$/ } as const;
const NAME_RULE = { required: true, min: 1, max: 128, pattern: /^[ -~]+$/ } as const;
const TYPES = ['BILLING'] as const;

/** A JSON 1.1 timestamp member: epoch seconds (what the SDKs send) or an ISO 8601 string. */
function timestamp(params: Record<string, unknown>, name: string, required: boolean): Date | undefined {
  const v = params[name];
  if (v === undefined || v === null) {
    if (required) throw orgErrors.invalidInput('INPUT_REQUIRED');
    return undefined;
  }
  const d = typeof v === 'number' ? new Date(v * 1000) : typeof v === 'string' ? new Date(/^\d+(\.\d+)?$/.test(v) ? Number(v) * 1000 : v) : null;
  // ⚠ Text not captured from AWS.
  if (!d || Number.isNaN(d.getTime())) throw awsError('SerializationException', `Invalid timestamp for ${name}.`);
  return d;
}

const startOfMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const endOfMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1) - 1);

function party(store: Store, accountId: string): Record<string, unknown> {
  return { ManagementAccountId: accountId, ManagementAccountEmail: store.accounts.get(accountId)?.email ?? undefined };
}

/** The transfer as the caller sees it: inbound when it takes the responsibility on, outbound when it hands it over. */
function transferShape(call: Call, t: ResponsibilityTransfer): Record<string, unknown> {
  const me = call.principal.accountId;
  const inbound = t.targetAccount === me;
  const orgId = inbound ? t.targetOrg : t.sourceOrg ?? call.store.organizations.membership(t.sourceAccount)?.org.id ?? t.targetOrg;
  return {
    Arn: transferArn(inbound ? t.targetAccount : t.sourceAccount, orgId, t.id, inbound ? 'inbound' : 'outbound'),
    Name: t.name,
    Id: t.id,
    Type: t.type,
    Status: t.status,
    Source: party(call.store, t.sourceAccount),
    Target: party(call.store, t.targetAccount),
    StartTimestamp: new Date(t.startAt),
    EndTimestamp: t.endAt ? new Date(t.endAt) : undefined,
    ActiveHandshakeId: t.handshakeId && t.status === 'REQUESTED' ? t.handshakeId : undefined,
  };
}

/** A transfer the caller's account is a party to, or ResponsibilityTransferNotFoundException. */
function visibleTransfer(call: Call, id: string): ResponsibilityTransfer {
  callerOrg(call);
  const t = call.store.orgHandshakes.transfer(id);
  const me = call.principal.accountId;
  if (!t || (t.targetAccount !== me && t.sourceAccount !== me)) throw orgErrors.transferNotFound();
  return t;
}

/**
 * Authorized against the transfer's ARN as the caller sees it; an unknown transfer as an inbound one of
 * the caller's organization, so AccessDenied comes before ResponsibilityTransferNotFoundException.
 */
function transferResource<I extends { id: string }>(input: I, call: Call): string {
  const org = callerOrg(call);
  const t = call.store.orgHandshakes.transfer(input.id);
  const me = call.principal.accountId;
  if (t && (t.targetAccount === me || t.sourceAccount === me)) return transferShape(call, t).Arn as string;
  return transferArn(me ?? org.managementAccountId, org.id, input.id, 'inbound');
}

// ------------------------------------------------------------------ InviteOrganizationToTransferResponsibility

interface InviteInput {
  type: 'BILLING';
  target: { Id: string; Type: 'ACCOUNT' | 'EMAIL' | 'ORGANIZATION' };
  notes?: string;
  start: Date;
  name: string;
  tags?: Tag[];
  id: string;
}

export const inviteOrganizationToTransferResponsibility = defineOperation({
  name: 'InviteOrganizationToTransferResponsibility',
  service: 'organizations',
  action: 'organizations:InviteOrganizationToTransferResponsibility',
  mutating: true,
  input(params, call): InviteInput {
    const v = new OrgInput(params);
    const type = v.enumOf('Type', TYPES, true);
    const target = readTarget(params);
    const notes = v.string('Notes', { max: 1024 });
    const start = timestamp(params, 'StartTimestamp', true)!;
    const name = v.string('SourceName', NAME_RULE);
    return { type, target, notes, start, name, tags: v.tags(), id: `rt-${call.ids.base32(12).toLowerCase()}` };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  conditionKeys: (input) => orgTagContext(input.tags),
  extraChecks(input, call): AuthzCheck[] {
    if (!input.tags?.length) return [];
    const org = requireManagement(call);
    return [{ action: 'organizations:TagResource', resource: transferArn(org.managementAccountId, org.id, input.id, 'inbound') }];
  },
  handler(input, call) {
    const { store } = call;
    const org = requireManagement(call);
    const me = org.managementAccountId;
    const invitee = input.target.Type === 'ACCOUNT'
      ? input.target.Id
      : store.accounts.list().find((a) => a.email?.toLowerCase() === input.target.Id.toLowerCase())?.id ?? null;
    if (invitee === me) throw orgErrors.handshakeConstraint('SOURCE_AND_TARGET_CANNOT_MATCH');
    // "The start date must be the first day of the month" and not in a month already begun.
    if (input.start.getTime() !== startOfMonth(input.start).getTime()) throw orgErrors.invalidInput('START_DATE_NOT_BEGINNING_OF_MONTH');
    if (input.start.getTime() < startOfMonth(call.now).getTime()) throw orgErrors.invalidInput('START_DATE_TOO_EARLY');
    const open = store.orgHandshakes.transfers('inbound', me, input.type).some((t) => t.sourceAccount === invitee && (t.status === 'REQUESTED' || (t.status === 'ACCEPTED' && !t.endAt)));
    if (invitee && open) throw orgErrors.duplicateHandshake();
    const mgmt = store.accounts.get(me);
    const resources = [
      { Type: 'RESPONSIBILITY_TRANSFER', Value: input.id },
      { Type: 'TRANSFER_TYPE', Value: input.type },
      { Type: 'TRANSFER_START_TIMESTAMP', Value: input.start.toISOString() },
      { Type: 'MANAGEMENT_ACCOUNT', Value: me },
      ...(mgmt?.email ? [{ Type: 'MANAGEMENT_EMAIL', Value: mgmt.email }] : []),
      { Type: 'MANAGEMENT_NAME', Value: mgmt?.name ?? mgmt?.alias ?? me },
      organizationResource(store, org),
      ...(input.notes ? [{ Type: 'NOTES', Value: input.notes }] : []),
    ];
    const h = recordHandshake(call, org, { action: 'TRANSFER_RESPONSIBILITY', state: 'OPEN', target: input.target, resources, lifetimeDays: INVITE_LIFETIME_DAYS });
    store.orgHandshakes.createTransfer({
      id: input.id,
      type: input.type,
      name: input.name,
      status: 'REQUESTED',
      sourceAccount: invitee ?? input.target.Id,
      sourceOrg: invitee ? store.organizations.membership(invitee)?.org.id ?? null : null,
      targetAccount: me,
      targetOrg: org.id,
      startAt: input.start.toISOString(),
      endAt: null,
      handshakeId: h.id,
      createdAt: call.now.toISOString(),
    });
    if (input.tags?.length) putTags(call, { kind: 'org-transfer', id: input.id }, input.tags);
    return { Handshake: { Id: h.id, Arn: h.arn, Parties: h.parties, State: h.state, RequestedTimestamp: new Date(h.requestedAt), ExpirationTimestamp: new Date(h.expiresAt), Action: h.action, Resources: h.resources } };
  },
});

// ------------------------------------------------------------------ Describe / lists

export const describeResponsibilityTransfer = defineOperation({
  name: 'DescribeResponsibilityTransfer',
  service: 'organizations',
  action: 'organizations:DescribeResponsibilityTransfer',
  mutating: false,
  input: (params) => ({ id: new OrgInput(params).string('Id', TRANSFER_ID_RULE) }),
  guard: (_input, call) => void callerOrg(call),
  resource: transferResource,
  handler: (input, call) => ({ ResponsibilityTransfer: transferShape(call, visibleTransfer(call, input.id)) }),
});

interface ListInput {
  type: 'BILLING';
  id?: string;
  paging: PagingInput;
}

export const listInboundResponsibilityTransfers = defineOperation({
  name: 'ListInboundResponsibilityTransfers',
  service: 'organizations',
  action: 'organizations:ListInboundResponsibilityTransfers',
  mutating: false,
  input(params): ListInput {
    const v = new OrgInput(params);
    return { type: v.enumOf('Type', TYPES, true), id: v.string('Id', { ...TRANSFER_ID_RULE, required: false }), paging: v.paging() };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  handler(input, call) {
    const org = requireManagement(call);
    let all = call.store.orgHandshakes.transfers('inbound', org.managementAccountId, input.type);
    if (input.id) {
      all = all.filter((t) => t.id === input.id);
      if (all.length === 0) throw orgErrors.transferNotFound();
    }
    const { items, nextToken } = page(all, input.paging);
    return { ResponsibilityTransfers: items.map((t) => transferShape(call, t)), NextToken: nextToken };
  },
});

export const listOutboundResponsibilityTransfers = defineOperation({
  name: 'ListOutboundResponsibilityTransfers',
  service: 'organizations',
  action: 'organizations:ListOutboundResponsibilityTransfers',
  mutating: false,
  input(params): Omit<ListInput, 'id'> {
    const v = new OrgInput(params);
    return { type: v.enumOf('Type', TYPES, true), paging: v.paging() };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: () => '*',
  handler(input, call) {
    const org = requireManagement(call);
    const { items, nextToken } = page(call.store.orgHandshakes.transfers('outbound', org.managementAccountId, input.type), input.paging);
    return { ResponsibilityTransfers: items.map((t) => transferShape(call, t)), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ Update / Terminate

export const updateResponsibilityTransfer = defineOperation({
  name: 'UpdateResponsibilityTransfer',
  service: 'organizations',
  action: 'organizations:UpdateResponsibilityTransfer',
  mutating: true,
  input(params): { id: string; name: string } {
    const v = new OrgInput(params);
    return { id: v.string('Id', TRANSFER_ID_RULE), name: v.string('Name', NAME_RULE) };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: transferResource,
  handler(input, call) {
    const t = visibleTransfer(call, input.id);
    call.store.orgHandshakes.updateTransfer(t.id, { name: input.name });
    return { ResponsibilityTransfer: transferShape(call, call.store.orgHandshakes.transfer(t.id)!) };
  },
});

/**
 * TerminateResponsibilityTransfer: a transfer not yet accepted is WITHDRAWN (its handshake canceled); an
 * accepted one ends at EndTimestamp ("the end of the last day of the month", by default the current one).
 */
export const terminateResponsibilityTransfer = defineOperation({
  name: 'TerminateResponsibilityTransfer',
  service: 'organizations',
  action: 'organizations:TerminateResponsibilityTransfer',
  mutating: true,
  input(params): { id: string; end?: Date } {
    const v = new OrgInput(params);
    return { id: v.string('Id', TRANSFER_ID_RULE), end: timestamp(params, 'EndTimestamp', false) };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: transferResource,
  handler(input, call) {
    const { store } = call;
    const t = visibleTransfer(call, input.id);
    if (t.status === 'WITHDRAWN' || (t.status === 'ACCEPTED' && t.endAt)) throw orgErrors.transferAlreadyInStatus();
    if (t.status === 'REQUESTED') {
      store.orgHandshakes.updateTransfer(t.id, { status: 'WITHDRAWN', endAt: call.now.toISOString() });
      if (t.handshakeId) store.orgHandshakes.setState(t.handshakeId, 'CANCELED', call.now.toISOString());
    } else if (t.status === 'ACCEPTED') {
      const end = input.end ?? endOfMonth(call.now);
      if (end.getTime() !== endOfMonth(end).getTime()) throw orgErrors.invalidInput('END_DATE_NOT_END_OF_MONTH');
      if (end.getTime() < Date.parse(t.startAt) || end.getTime() < endOfMonth(call.now).getTime()) throw orgErrors.invalidInput('END_DATE_TOO_EARLY');
      store.orgHandshakes.updateTransfer(t.id, { endAt: end.toISOString() });
    } else {
      throw orgErrors.invalidTransferTransition();
    }
    return { ResponsibilityTransfer: transferShape(call, store.orgHandshakes.transfer(t.id)!) };
  },
});
