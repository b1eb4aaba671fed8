// Owns IAM temporary delegation: a partner account creates a delegation request (the permissions of a
// policy template, for a session duration); an identity of the customer account associates it (becomes
// its owner), may forward it for approval (UpdateDelegationRequest), accepts or rejects it, and releases
// the exchange token (SendDelegationToken), which the partner trades for credentials with
// sts:GetDelegatedAccessToken. GetHumanReadableSummary describes a request's permissions.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-temporary-delegation.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/temporary-delegation-building-integration.html
// iamlocal's own choices (⚠, AWS's are not public): a policy template is a managed policy the partner
// account can read (its own or an AWS managed one) whose `${Name}` placeholders the Parameters fill;
// the exchange token goes to the notification channel, which iamlocal has not got, so it is logged and
// readable by the admin at GET /_iamlocal/delegation-requests/<id>.
import { parseArn } from '../../aws/arn';
import { awsError, awsErrors } from '../../aws/errors';
import type { PolicySource, RequestContext } from '../../policy/types';
import type { DelegationApprover, DelegationRequestBody, DelegationRequestRecord, DelegationState } from '../../store/repos/delegation-requests';
import { defineOperation, type Call, type Params } from '../types';
import { patterns, Validator } from '../validate';
import { accountOf, pageFields, readPaging } from './common';
import { pageSlice } from './access-advisor';

/** "The maximum duration for delegated access is 12 hours. However, root users can only approve delegation requests with a duration of 4 hours or less." */
export const MAX_DELEGATION_SECONDS = 43200;
export const ROOT_APPROVAL_MAX_SECONDS = 14400;
/** ⚠ How long an open request waits is not published; "Rejected requests expire after 7 days" is used for every open state. */
export const OPEN_REQUEST_TTL_MS = 7 * 24 * 3600_000;

const ID_RULE = { required: true, min: 16, max: 128, pattern: { text: '[\\w-]+', re: /^[\w-]+$/ } } as const;
const NOTES_RULE = { max: 500, pattern: patterns.description } as const;

export function delegationArn(account: string, id: string): string {
  return `arn:aws:iam::${account}:delegation-request/${id}`;
}

/** The state as of now: an open request past its expiry is EXPIRED. */
export function currentState(d: DelegationRequestRecord, now: Date): DelegationState {
  if (d.state === 'REJECTED' || d.state === 'EXPIRED') return d.state;
  return now.getTime() > Date.parse(d.expiresAt) ? 'EXPIRED' : d.state;
}

const notFound = (id: string) => awsErrors.noSuchEntity(`Delegation request ${id} not found.`); // ⚠ text not captured

/** The caller's identity as ownerId / approver (role sessions act as their role). */
function callerIdentity(call: Call): DelegationApprover {
  const p = call.principal;
  if (p.kind === 'user') return { kind: 'user', arn: p.user.arn, accountId: p.accountId, entityId: p.user.id };
  if (p.kind === 'assumed-role') return { kind: 'role', arn: p.roleArn, accountId: p.accountId, entityId: p.roleId };
  if (p.kind === 'root') return { kind: 'root', arn: p.arn, accountId: p.accountId, entityId: null };
  throw awsErrors.accessDenied('Delegation requests are answered by IAM users, roles or the root user.'); // ⚠
}

/**
 * Who may see a request: anyone while it has no owner account; the owner account's identities once it
 * has one; and the partner that created it.
 */
function visible(d: DelegationRequestRecord, call: Call): boolean {
  const account = accountOf(call);
  return d.requestorId === account || d.ownerAccount === null || d.ownerAccount === account;
}

function load(call: Call, id: string): DelegationRequestRecord {
  const d = call.store.delegationRequests.get(id);
  if (!d || !visible(d, call)) throw notFound(id);
  return d;
}

/** The account a request's ARN is in: its owner account, or the caller's while it has none. */
function resourceOf(call: Call, id: string): string {
  const d = call.store.delegationRequests.get(id);
  return delegationArn(d?.ownerAccount ?? accountOf(call), id);
}

/**
 * The default permissions AWS grants on a request, as a resource-based policy: while it has no owner
 * account anyone may read it; with an owner account but no owner, that account's identities; the owner
 * may read and update it ("the owner of the request gets a default permission").
 */
function defaultPermissions(call: Call, id: string): PolicySource | null {
  const d = call.store.delegationRequests.get(id);
  if (!d) return null;
  const arn = resourceOf(call, id);
  const read = ['iam:GetDelegationRequest', 'iam:GetHumanReadableSummary'];
  // The partner that created it reads it with its own account's permissions.
  const statements: object[] = [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${d.requestorId}:root` }, Action: read, Resource: arn }];
  if (d.ownerAccount === null) statements.push({ Effect: 'Allow', Principal: '*', Action: read, Resource: arn });
  else if (d.ownerId === null) statements.push({ Effect: 'Allow', Principal: '*', Action: read, Resource: arn, Condition: { StringEquals: { 'aws:PrincipalAccount': d.ownerAccount } } });
  else statements.push({ Effect: 'Allow', Principal: { AWS: d.ownerId }, Action: [...read, 'iam:UpdateDelegationRequest'], Resource: arn });
  return { id: `delegation-request/${id}/default-permissions`, name: 'default permissions', document: JSON.stringify({ Version: '2012-10-17', Statement: statements }) };
}

const ownerKey = (call: Call, id: string): RequestContext => {
  const owner = call.store.delegationRequests.get(id)?.ownerId;
  return owner ? { 'iam:DelegationRequestOwner': owner } : {};
};

export function delegationShape(d: DelegationRequestRecord, now: Date): Record<string, unknown> {
  const b = d.body;
  return {
    DelegationRequestId: d.id,
    OwnerAccountId: d.ownerAccount ?? undefined,
    Description: b.description,
    RequestMessage: b.requestMessage,
    Permissions: { PolicyTemplateArn: b.permissions.PolicyTemplateArn, Parameters: b.permissions.Parameters },
    PermissionPolicy: b.permissionPolicy,
    OwnerId: d.ownerId ?? undefined,
    ApproverId: d.approverId ?? undefined,
    State: currentState(d, now),
    ExpirationTime: new Date(d.expiresAt),
    RequestorId: d.requestorId,
    CreateDate: new Date(d.createdAt),
    SessionDuration: b.sessionDuration,
    RedirectUrl: b.redirectUrl,
    Notes: b.notes,
    RejectionReason: b.rejectionReason,
    OnlySendByOwner: b.onlySendByOwner,
    UpdatedTime: new Date(d.updatedAt),
  };
}

// ------------------------------------------------------------------ the permission policy

interface Parameter {
  Name?: string;
  Values?: string[];
  Type?: string;
}

/** The template's document with each `${Name}` filled: a string, or for stringList a quoted `"${Name}"` becomes the JSON array. */
export function renderTemplate(document: string, parameters: Parameter[]): string {
  let out = document;
  for (const p of parameters) {
    if (!p.Name) continue;
    const values = p.Values ?? [];
    const token = '${' + p.Name + '}';
    if (p.Type === 'stringList') out = out.split(JSON.stringify(token)).join(JSON.stringify(values));
    out = out.split(token).join(JSON.stringify(values[0] ?? '').slice(1, -1));
  }
  return out;
}

function templateDocument(call: Call, templateArn: string | undefined): string {
  const bad = () => awsErrors.invalidInput(`Policy template ${templateArn ?? '(none)'} does not exist.`); // ⚠
  if (!templateArn) throw bad();
  const arn = parseArn(templateArn);
  if (!arn || (arn.account !== 'aws' && arn.account !== accountOf(call))) throw bad();
  const doc = call.store.managedPolicies.get(templateArn) ? call.store.managedPolicies.defaultDocument(templateArn) : null;
  if (!doc) throw bad();
  return doc;
}

// ------------------------------------------------------------------ CreateDelegationRequest

function readParameters(v: Validator, raw: unknown): Parameter[] {
  const list = Array.isArray(raw) ? raw : raw === undefined || raw === '' ? [] : [raw];
  if (list.length > 50) v.addClause("Value at 'permissions.parameters' failed to satisfy constraint: Member must have length less than or equal to 50");
  return list.map((x, i) => {
    const o = (x ?? {}) as Record<string, unknown>;
    const name = o.Name === undefined ? undefined : String(o.Name);
    if (name !== undefined && (name.length < 5 || name.length > 256 || !/^[ -~]+$/.test(name))) {
      v.addClause(`Value at 'permissions.parameters.${i + 1}.member.name' failed to satisfy constraint: Member must have length between 5 and 256 and satisfy regular expression pattern: [ -~]+`);
    }
    const type = o.Type === undefined ? undefined : String(o.Type);
    if (type !== undefined && type !== 'string' && type !== 'stringList') {
      v.addClause(`Value at 'permissions.parameters.${i + 1}.member.type' failed to satisfy constraint: Member must satisfy enum value set: [string, stringList]`);
    }
    const values = o.Values === undefined ? undefined : (Array.isArray(o.Values) ? o.Values : o.Values === '' ? [] : [o.Values]).map(String);
    return { Name: name, Values: values, Type: type };
  });
}

export const createDelegationRequest = defineOperation({
  name: 'CreateDelegationRequest',
  service: 'iam',
  action: 'iam:CreateDelegationRequest',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const ownerAccount = v.string('OwnerAccountId', { pattern: { text: '\\d{12}', re: /^\d{12}$/ } });
    const description = v.string('Description', { required: true, max: 1000, pattern: patterns.description });
    const perms = params.Permissions as Record<string, unknown> | undefined;
    if (perms === undefined || perms === null) v.addClause("Value null at 'permissions' failed to satisfy constraint: Member must not be null");
    const templateArn = perms && perms.PolicyTemplateArn !== undefined ? String(perms.PolicyTemplateArn) : undefined;
    if (templateArn !== undefined && (templateArn.length < 20 || templateArn.length > 2048)) v.addClause("Value at 'permissions.policyTemplateArn' failed to satisfy constraint: Member must have length between 20 and 2048");
    const parameters = perms ? readParameters(v, perms.Parameters) : [];
    const requestMessage = v.string('RequestMessage', { max: 200, pattern: patterns.description });
    const requestorWorkflowId = v.string('RequestorWorkflowId', { required: true, min: 5, max: 400, pattern: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]+$/ } });
    const redirectUrl = v.string('RedirectUrl', { min: 1, max: 255, pattern: { text: '^http(s?)://[a-zA-Z0-9._/-]*(\\?[a-zA-Z0-9._=&-]*)?(#[a-zA-Z0-9._/-]*)?$', re: /^http(s?):\/\/[a-zA-Z0-9._/-]*(\?[a-zA-Z0-9._=&-]*)?(#[a-zA-Z0-9._/-]*)?$/ } });
    const notificationChannel = v.string('NotificationChannel', { required: true, min: 2, max: 400, pattern: { text: '^[a-zA-Z0-9:_.-]+$', re: /^[a-zA-Z0-9:_.-]+$/ } });
    const sessionDuration = v.int('SessionDuration', { required: true, min: 300, max: MAX_DELEGATION_SECONDS });
    const onlySendByOwner = v.bool('OnlySendByOwner') ?? false;
    v.done();
    return { ownerAccount, description, templateArn, parameters, requestMessage, requestorWorkflowId, redirectUrl, notificationChannel, sessionDuration: sessionDuration!, onlySendByOwner };
  },
  resource: (_input, call) => delegationArn(accountOf(call), '*'),
  conditionKeys: (input): RequestContext => ({
    'iam:DelegationDuration': String(input.sessionDuration),
    'iam:NotificationChannel': input.notificationChannel,
    ...(input.templateArn ? { 'iam:TemplateArn': input.templateArn } : {}),
  }),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    if (store.delegationRequests.byWorkflow(account, input.requestorWorkflowId)) {
      throw awsErrors.entityAlreadyExists(`A delegation request with workflow id ${input.requestorWorkflowId} already exists.`); // ⚠
    }
    const permissionPolicy = renderTemplate(templateDocument(call, input.templateArn), input.parameters);
    const id = `dr-${call.ids.bytes(16).toString('hex')}`;
    const at = call.now.toISOString();
    const body: DelegationRequestBody = {
      description: input.description,
      permissions: { PolicyTemplateArn: input.templateArn, Parameters: input.parameters.length > 0 ? input.parameters : undefined },
      permissionPolicy,
      requestMessage: input.requestMessage,
      requestorWorkflowId: input.requestorWorkflowId,
      redirectUrl: input.redirectUrl,
      notificationChannel: input.notificationChannel,
      sessionDuration: input.sessionDuration,
      onlySendByOwner: input.onlySendByOwner,
    };
    store.delegationRequests.put({
      id, requestorId: account, ownerAccount: input.ownerAccount ?? null, ownerId: null, approverId: null, state: 'UNASSIGNED', body,
      createdAt: at, updatedAt: at, expiresAt: new Date(call.now.getTime() + OPEN_REQUEST_TTL_MS).toISOString(),
    });
    return { ConsoleDeepLink: `https://console.aws.amazon.com/iam/home#/delegation/requests/${id}`, DelegationRequestId: id };
  },
});

// ------------------------------------------------------------------ Get / List

const idInput = (extra?: (v: Validator) => Record<string, unknown>) => (params: Params) => {
  const v = new Validator(params, 'iam');
  const id = v.string('DelegationRequestId', ID_RULE);
  const more = extra?.(v) ?? {};
  v.done();
  return { id, ...more } as { id: string; notes?: string; check?: boolean };
};

export const getDelegationRequest = defineOperation({
  name: 'GetDelegationRequest',
  service: 'iam',
  action: 'iam:GetDelegationRequest',
  mutating: false,
  input: idInput((v) => ({ check: v.bool('DelegationPermissionCheck') })),
  resource: (input, call) => resourceOf(call, input.id),
  resourcePolicy: (input, call) => defaultPermissions(call, input.id),
  conditionKeys: (input, call) => ownerKey(call, input.id),
  handler(input, call) {
    const d = load(call, input.id);
    return {
      DelegationRequest: delegationShape(d, call.now),
      // ⚠ The permission check is approximate in AWS too; iamlocal answers UNSURE at once.
      ...(input.check ? { PermissionCheckStatus: 'COMPLETE', PermissionCheckResult: 'UNSURE' } : {}),
    };
  },
});

export const listDelegationRequests = defineOperation({
  name: 'ListDelegationRequests',
  service: 'iam',
  action: 'iam:ListDelegationRequests',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const ownerId = v.string('OwnerId', { min: 20, max: 2048, pattern: { text: '^[a-zA-Z0-9:/+=,.@_-]+$', re: /^[a-zA-Z0-9:/+=,.@_-]+$/ } });
    const paging = readPaging(v);
    v.done();
    return { ownerId, ...paging };
  },
  resource: () => '*',
  conditionKeys: (input): RequestContext => (input.ownerId ? { 'iam:DelegationRequestOwner': input.ownerId } : {}),
  handler(input, call) {
    const rows = call.store.delegationRequests.ownedIn(accountOf(call)).filter((d) => !input.ownerId || d.ownerId === input.ownerId);
    const page = pageSlice(rows, input);
    // The model spells this member `isTruncated` (lower-case i).
    const fields = pageFields(page);
    return { DelegationRequests: page.items.map((d) => delegationShape(d, call.now)), Marker: fields.Marker, isTruncated: fields.IsTruncated };
  },
});

// ------------------------------------------------------------------ the lifecycle

function transition(call: Call, d: DelegationRequestRecord, state: DelegationState, changes: Partial<DelegationRequestRecord> = {}, body: Partial<DelegationRequestBody> = {}, expiresAt?: string): void {
  call.store.delegationRequests.put({ ...d, ...changes, state, body: { ...d.body, ...body }, updatedAt: call.now.toISOString(), expiresAt: expiresAt ?? d.expiresAt });
}

function wrongState(d: DelegationRequestRecord, now: Date, code: 'InvalidInput' | 'ConcurrentModification') {
  return awsError(code, `Delegation request ${d.id} is ${currentState(d, now)}.`); // ⚠ text not captured
}

function lifecycleOp(name: string, run: (d: DelegationRequestRecord, input: { id: string; notes?: string }, call: Call) => void, notes = false) {
  return defineOperation({
    name,
    service: 'iam',
    action: `iam:${name}`,
    mutating: true,
    input: idInput(notes ? (v) => ({ notes: v.string('Notes', NOTES_RULE) }) : undefined),
    resource: (input, call) => resourceOf(call, input.id),
    resourcePolicy: (input, call) => defaultPermissions(call, input.id),
    conditionKeys: (input, call) => ownerKey(call, input.id),
    handler(input, call) {
      run(load(call, input.id), input, call);
      return undefined;
    },
  });
}

export const associateDelegationRequest = lifecycleOp('AssociateDelegationRequest', (d, _input, call) => {
  if (currentState(d, call.now) !== 'UNASSIGNED') throw wrongState(d, call.now, 'InvalidInput');
  const me = callerIdentity(call);
  if (d.ownerAccount !== null && d.ownerAccount !== me.accountId) throw notFound(d.id);
  transition(call, d, 'ASSIGNED', { ownerAccount: me.accountId, ownerId: me.arn });
});

export const updateDelegationRequest = lifecycleOp('UpdateDelegationRequest', (d, input, call) => {
  const s = currentState(d, call.now);
  if (s !== 'ASSIGNED' && s !== 'PENDING_APPROVAL') throw wrongState(d, call.now, 'InvalidInput');
  transition(call, d, 'PENDING_APPROVAL', {}, { notes: input.notes });
}, true);

export const acceptDelegationRequest = lifecycleOp('AcceptDelegationRequest', (d, _input, call) => {
  const s = currentState(d, call.now);
  if (s !== 'ASSIGNED' && s !== 'PENDING_APPROVAL') throw wrongState(d, call.now, 'ConcurrentModification');
  const me = callerIdentity(call);
  if (me.accountId !== d.ownerAccount) throw notFound(d.id);
  if (me.kind === 'root' && d.body.sessionDuration > ROOT_APPROVAL_MAX_SECONDS) {
    throw awsErrors.accessDenied(`The root user can approve delegation requests of at most ${ROOT_APPROVAL_MAX_SECONDS} seconds.`); // ⚠
  }
  // ⚠ iamlocal's evaluator cannot narrow the root user's implicit access by an Allow-only permission
  // policy, so it refuses root approvals (failing closed) rather than hand out unscoped root credentials.
  if (me.kind === 'root') throw awsErrors.accessDenied('iamlocal does not accept delegation requests as the root user: approve as an IAM user or role.');
  transition(call, d, 'ACCEPTED', { approverId: me.arn }, { approver: me });
});

export const rejectDelegationRequest = lifecycleOp('RejectDelegationRequest', (d, input, call) => {
  const s = currentState(d, call.now);
  if (s !== 'ASSIGNED' && s !== 'PENDING_APPROVAL' && s !== 'ACCEPTED') throw wrongState(d, call.now, 'InvalidInput');
  // "Rejected requests expire after 7 days."
  transition(call, d, 'REJECTED', {}, { rejectionReason: input.notes }, new Date(call.now.getTime() + OPEN_REQUEST_TTL_MS).toISOString());
}, true);

export const sendDelegationToken = lifecycleOp('SendDelegationToken', (d, _input, call) => {
  if (currentState(d, call.now) !== 'ACCEPTED') throw wrongState(d, call.now, 'InvalidInput');
  const me = callerIdentity(call);
  if (d.body.onlySendByOwner && me.arn !== d.ownerId) throw awsErrors.accessDenied(`Only the owner ${d.ownerId} can send the token of delegation request ${d.id}.`); // ⚠
  // A fixed prefix keeps the token from starting with '-' (a CLI would read it as an option).
  const token = `dt-${call.ids.bytes(48).toString('base64url')}`;
  // The delegation period starts now: the token and the credentials it buys last SessionDuration.
  const expires = new Date(call.now.getTime() + d.body.sessionDuration * 1000).toISOString();
  transition(call, d, 'FINALIZED', {}, { tradeInToken: token, finalizedAt: call.now.toISOString() }, expires);
  call.logger.info('delegation token sent', { delegationRequestId: d.id, notificationChannel: d.body.notificationChannel });
});

// ------------------------------------------------------------------ GetHumanReadableSummary

/** A deterministic summary of what a request's permission policy allows (AWS uses an LLM; iamlocal describes the statements). */
export function summarize(d: DelegationRequestRecord): string {
  const lines = [`Account ${d.requestorId} requests temporary access for ${Math.round(d.body.sessionDuration / 60)} minutes: ${d.body.description}`];
  try {
    const doc = JSON.parse(d.body.permissionPolicy) as { Statement?: unknown };
    const sts = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    for (const st of sts as Record<string, unknown>[]) {
      if (!st) continue;
      const list = (x: unknown) => (Array.isArray(x) ? x : x === undefined ? [] : [x]).join(', ');
      const verb = st.Effect === 'Deny' ? 'Denies' : 'Allows';
      lines.push(`- ${verb} ${list(st.Action ?? st.NotAction)} on ${list(st.Resource ?? st.NotResource) || '*'}${st.Condition ? ' (with conditions)' : ''}.`);
    }
  } catch {
    lines.push('- The permission policy could not be read.');
  }
  return lines.join('\n').slice(0, 10000);
}

export const getHumanReadableSummary = defineOperation({
  name: 'GetHumanReadableSummary',
  service: 'iam',
  action: 'iam:GetHumanReadableSummary',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const entityArn = v.string('EntityArn', { required: true, min: 20, max: 2048 });
    const locale = v.string('Locale', { min: 2, max: 12 });
    v.done();
    const m = /^arn:aws:iam::(\d{12}):delegation-request\/([\w-]{16,128})$/.exec(entityArn);
    // "At this time, the only supported entity type is delegation-request."
    if (!m) throw awsErrors.invalidInput(`Unsupported entity ARN ${entityArn}: the only supported entity type is delegation-request.`); // ⚠
    return { entityArn, id: m[2], locale: locale ?? 'en' };
  },
  resource: (input, call) => resourceOf(call, input.id),
  resourcePolicy: (input, call) => defaultPermissions(call, input.id),
  conditionKeys: (input, call) => ownerKey(call, input.id),
  handler(input, call) {
    const d = load(call, input.id);
    // Summaries are written in English only (the Console's other languages are NOT_SUPPORTED here).
    const english = /^en([-_][A-Za-z]{2})?$/.test(input.locale);
    return { SummaryContent: english ? summarize(d) : '', Locale: input.locale, SummaryState: english ? 'AVAILABLE' : 'NOT_SUPPORTED' };
  },
});

export const delegationRequestOperations = [
  createDelegationRequest,
  getDelegationRequest,
  listDelegationRequests,
  associateDelegationRequest,
  updateDelegationRequest,
  acceptDelegationRequest,
  rejectDelegationRequest,
  sendDelegationToken,
  getHumanReadableSummary,
];
