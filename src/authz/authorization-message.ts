// Owns the encoded authorization message every AccessDenied carries and DecodeAuthorizationMessage
// reads back: the decision in AWS's JSON shape (iam-evaluation §16), sealed (AES-256-CTR, then
// HMAC-SHA256) under keys only this server process holds — never a plain encoding of the decision.
// A denial's message is held, not sealed: the header carries a random reference to the decision,
// kept for the most recent HELD_MESSAGES denials, and the message is built only when decoded (see
// holdDecision). Refusals made before any evaluation are sealed whole, as is encodeDecision's compact form.
// iamlocal sends it in the response header `x-amzn-authorization-message` (AWS embeds it in the
// message text of some services, e.g. EC2's "Encoded authorization failure message: …"; STS/IAM
// messages stay byte-for-byte AWS's, so the header is where it goes here).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_DecodeAuthorizationMessage.html
import { createCipheriv, createHmac, randomBytes, randomFillSync, timingSafeEqual, type Cipher } from 'node:crypto';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Principal } from '../auth/principal';
import { AwsError } from '../aws/errors';
import { explainDecision, POLICY_KIND_LABEL } from '../policy/explain';
import type { Decision, EvalRequest, PolicyKind, PolicySource } from '../policy/types';

export const AUTHORIZATION_MESSAGE_HEADER = 'x-amzn-authorization-message';

/** The server's sealing keys: random per process, so messages decode only on the server that issued them. */
const ENC_KEY = randomBytes(32);
const MAC_KEY = randomBytes(32);
const VERSION = 1;
/** A sealed message: its keystream offset (8 bytes), the MAC (16), the ciphertext. */
const OFFSET_BYTES = 8;
const TAG_BYTES = 16;
/** The STS model bounds EncodedMessage to 1–10240 characters. */
export const MAX_ENCODED_MESSAGE = 10240;

type Items<T> = { items: T[] };
const items = <T>(xs: T[]): Items<T> => ({ items: xs });
const values = (xs: string[]) => items(xs.map((value) => ({ value })));

export interface DecodedStatement {
  statementId?: string;
  effect: 'ALLOW' | 'DENY';
  principals: Items<{ value: string }>;
  principalGroups: Items<{ value: string }>;
  actions: Items<{ value: string }>;
  resources: Items<{ value: string }>;
  conditions: Items<{ key: string; values: Items<{ value: string }> }>;
  /** iamlocal addition: the policy the statement belongs to. */
  policy?: DecodedPolicyRef;
}

/** iamlocal addition: a policy named by type (AWS's words), ARN or id, and name. */
export interface DecodedPolicyRef {
  type: string;
  arn?: string;
  id?: string;
  name?: string;
}

/** AWS's DecodedMessage shape (AWS CLI example of decode-authorization-message). */
export interface DecodedAuthorizationMessage {
  allowed: boolean;
  explicitDeny: boolean;
  matchedStatements: Items<DecodedStatement>;
  failures: Items<{ value: string }>;
  context: {
    principal: { id: string; name?: string; arn?: string };
    action: string;
    resource: string;
    conditions: Items<{ key: string; values: Items<{ value: string }> }>;
  };
  /** iamlocal addition (the decision log's explanation): which policy type decided, and why. */
  iamlocal?: {
    decidedBy: string;
    policy?: DecodedPolicyRef;
    reason: string;
    failedConditions: { policy: DecodedPolicyRef; statementIndex: number; sid?: string; operator: string; key: string; wanted: string[]; seen: string | string[] | null }[];
    missingContextKeys: string[];
  };
}

function policyRef(type: PolicyKind, id: string, name?: string): DecodedPolicyRef {
  return { type: POLICY_KIND_LABEL[type], ...(id.startsWith('arn:') ? { arn: id } : { id }), ...(name && name !== id ? { name } : {}) };
}

/** What is sealed: the decoded message plus the account allowed to decode it. */
interface Sealed {
  v: number;
  account: string;
  message: DecodedAuthorizationMessage;
}

const asList = (v: unknown): string[] => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map(String) : [String(v)]);

function policiesOf(req: EvalRequest): PolicySource[] {
  const p = req.policies;
  return [...p.identity, ...(p.boundary ? [p.boundary] : []), ...(p.session ?? []), ...(p.scps ?? []).flat(), ...(p.rcps ?? []).flat(), ...(p.resource ? [p.resource] : [])];
}

/** One matched statement as AWS prints it, read back from the policy text it came from. */
function decodedStatement(req: EvalRequest, policyId: string, index: number, effect: 'Allow' | 'Deny', sid?: string, policy?: DecodedPolicyRef): DecodedStatement {
  const out: DecodedStatement = {
    ...(sid ? { statementId: sid } : {}),
    effect: effect === 'Deny' ? 'DENY' : 'ALLOW',
    principals: values([]),
    principalGroups: values([]),
    actions: values([]),
    resources: values([]),
    conditions: items([]),
    ...(policy ? { policy } : {}),
  };
  const src = policiesOf(req).find((p) => p.id === policyId);
  if (!src) return out;
  try {
    const doc = typeof src.document === 'string' ? JSON.parse(src.document) : src.document;
    const list = Array.isArray(doc.Statement) ? doc.Statement : [doc.Statement];
    const st = list[index] as Record<string, unknown> | undefined;
    if (!st) return out;
    const principal = st.Principal ?? st.NotPrincipal;
    if (principal === '*') out.principals = values(['*']);
    else if (principal && typeof principal === 'object') out.principals = values(Object.values(principal as object).flatMap(asList));
    out.actions = values(asList(st.Action ?? st.NotAction));
    out.resources = values(asList(st.Resource ?? st.NotResource));
    const cond = (st.Condition ?? {}) as Record<string, Record<string, unknown>>;
    out.conditions = items(
      Object.entries(cond).flatMap(([op, block]) => Object.entries(block ?? {}).map(([key, v]) => ({ key: `${op}:${key}`, values: values(asList(v)) }))),
    );
  } catch {
    // A policy that no longer parses still yields the statement's effect and id.
  }
  return out;
}

/**
 * The decision of one authorization question in AWS's DecodedMessage shape, read from the same
 * explanation the decision log records. An implicit deny lists no statement (nothing denied it;
 * the Allows of other layers did not decide); an explicit deny lists the Deny statements. Each
 * statement names its policy, and `iamlocal` says which policy type decided and why.
 * It is the compact form a denial seals, expanded: the two never disagree.
 */
export function decodedMessageOf(req: EvalRequest, d: Decision): DecodedAuthorizationMessage {
  return expandCompact(compactMessageOf(req, d, ''));
}

/**
 * What a denial seals: the decoded message's content without its wrapping, as one flat array —
 * `[v, account, decision, matchedStatements, failures, principal, action, resource, context,
 * iamlocal]` — where `context` is the request's keys and values in the request's own order
 * (`key, value, key, value, …`; a value a string or a list of strings) and `iamlocal` is
 * `[decidedBy, policy | null, reason, failedConditions, missingContextKeys]` or null for an allow.
 * Serialising AWS's shape (an `{ items: [{ value }] }` object per value) was most of a denial's extra
 * cost: V8's JSON.stringify looks up `toJSON` on every object, and the nested shape doubled the bytes
 * the MAC and base64 then covered. The wrapping and the context's sorting happen at decode instead.
 */
type Compact = [
  v: number,
  account: string,
  decision: 'allowed' | 'explicitDeny' | 'implicitDeny',
  matchedStatements: DecodedStatement[],
  failures: string[],
  principal: DecodedAuthorizationMessage['context']['principal'],
  action: string,
  resource: string,
  context: (string | string[])[],
  iamlocal: [decidedBy: string, policy: DecodedPolicyRef | null, reason: string, failedConditions: NonNullable<DecodedAuthorizationMessage['iamlocal']>['failedConditions'], missingContextKeys: string[]] | null,
];

function compactMessageOf(req: EvalRequest, d: Decision, account: string): Compact {
  const x = explainDecision(req, d);
  const listed = d.decision === 'implicitDeny' ? [] : x.statements.filter((m) => d.decision !== 'explicitDeny' || m.effect === 'Deny');
  const p = req.principal;
  const context: (string | string[])[] = [];
  const ctx = req.context;
  for (const key of Object.keys(ctx)) {
    const v = ctx[key];
    // A string is its own one-value list (asList's answer for it); anything else is listed now.
    context.push(key, typeof v === 'string' ? v : asList(v));
  }
  const dp = x.decidingPolicy;
  return [
    VERSION,
    account,
    d.decision,
    listed.map((m) => decodedStatement(req, m.policyId, m.index, m.effect, m.sid, policyRef(m.policyType, m.policyId, m.policyName))),
    [...d.notes],
    { id: p.userId ?? 'anonymous', ...(p.type === 'IAMUser' && typeof p.name === 'string' ? { name: p.name } : {}), ...(p.arn ? { arn: p.arn } : {}) },
    req.action,
    req.resource,
    context,
    d.decision === 'allowed'
      ? null
      : [
          POLICY_KIND_LABEL[x.decidedBy ?? 'identity'],
          dp ? policyRef(dp.type, dp.id, dp.name) : null,
          x.reason,
          x.failedConditions.map((f) => ({
            policy: policyRef(f.policyType, f.policyId, f.policyName),
            statementIndex: f.index,
            ...(f.sid ? { sid: f.sid } : {}),
            operator: f.operator,
            key: f.key,
            wanted: f.wanted,
            seen: f.seen,
          })),
          x.missingContextKeys,
        ],
  ];
}

/** AWS's DecodedMessage from the compact form (keys in the order AWS prints them; context keys sorted). */
function expandCompact(c: Compact): DecodedAuthorizationMessage {
  const [, , decision, statements, failures, principal, action, resource, context, extra] = c;
  const pairs: [string, string[]][] = [];
  for (let i = 0; i + 1 < context.length; i += 2) {
    const v = context[i + 1];
    pairs.push([context[i] as string, typeof v === 'string' ? [v] : v]);
  }
  const message: DecodedAuthorizationMessage = {
    allowed: decision === 'allowed',
    explicitDeny: decision === 'explicitDeny',
    matchedStatements: items(statements),
    failures: values(failures),
    context: {
      principal,
      action,
      resource,
      conditions: items(pairs.sort(([a], [b]) => a.localeCompare(b)).map(([key, v]) => ({ key, values: values(v) }))),
    },
  };
  if (extra) {
    const [decidedBy, policy, reason, failedConditions, missingContextKeys] = extra;
    message.iamlocal = { decidedBy, ...(policy ? { policy } : {}), reason, failedConditions, missingContextKeys };
  }
  return message;
}

/**
 * A 4 KiB window and small hash tables: zlib's defaults allocate and clear ~256 KiB per call. Any raw
 * inflate reads it (decodeAuthorizationMessage's default window is larger).
 */
const DEFLATE = { windowBits: 12, memLevel: 4 } as const;

/**
 * Sealed payloads (either form) up to this many bytes go uncompressed: setting up a zlib stream cost
 * more than the rest of a denial's sealing put together (~35 µs of a denied call), and a payload this size still
 * fits the 10,240-character EncodedMessage bound once sealed and base64url-encoded (4 ⁄ 3 × (1 + 12 + 16
 * + 6,000) < 8,100). Bigger ones are deflated, so a message that fitted before still fits.
 */
const RAW_MAX_BYTES = 6000;
/**
 * The first sealed byte (authenticated with the rest): how the payload is packed. `r`/`d`: the
 * `Sealed` JSON of a whole message, raw or deflated (refusals made before any evaluation); `c`/`z`:
 * the `Compact` JSON of an evaluated decision, raw or deflated.
 */
const PACK_RAW = 0x72;
const PACK_DEFLATE = 0x64;
const PACK_COMPACT = 0x63;
const PACK_COMPACT_DEFLATE = 0x7a;
/**
 * Encrypt-then-MAC with one keystream for the process: AES-256-CTR from a random initial counter, each
 * message encrypted with the stream's next bytes (never reused: the offset only grows) and sent with
 * that offset; HMAC-SHA256 over offset and ciphertext, truncated to 128 bits, authenticates it. One
 * long-lived cipher instead of an AES-GCM cipher per message: creating one was ~15 µs of each denial.
 */
const NONCE = randomBytes(16);
let stream: Cipher | null = null;
let streamOffset = 0;

/** The counter block at byte `offset` of the keystream: NONCE + ⌊offset ⁄ 16⌋ (mod 2¹²⁸, big-endian). */
function counterAt(offset: number): Buffer {
  const iv = Buffer.from(NONCE);
  let carry = BigInt(Math.floor(offset / 16));
  for (let i = 15; i >= 0 && carry > 0n; i--) {
    const sum = BigInt(iv[i]) + (carry & 0xffn);
    iv[i] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
  return iv;
}

function tagOf(offset: Buffer, ciphertext: Buffer): Buffer {
  return createHmac('sha256', MAC_KEY).update(offset).update(ciphertext).digest().subarray(0, TAG_BYTES);
}

/** Encrypts and authenticates one packed JSON payload: base64url(offset ‖ tag ‖ ciphertext). */
function seal(json: string, compact: boolean): string {
  const text = Buffer.from(json, 'utf8');
  const deflated = text.length > RAW_MAX_BYTES;
  const body = deflated ? deflateRawSync(text, DEFLATE) : text;
  const plain = Buffer.allocUnsafe(1 + body.length);
  plain[0] = compact ? (deflated ? PACK_COMPACT_DEFLATE : PACK_COMPACT) : deflated ? PACK_DEFLATE : PACK_RAW;
  body.copy(plain, 1);
  stream ??= createCipheriv('aes-256-ctr', ENC_KEY, counterAt(0));
  const out = Buffer.allocUnsafe(OFFSET_BYTES + TAG_BYTES + plain.length);
  // The offset as two 32-bit halves (it stays below 2⁵³): no BigInt per message.
  out.writeUInt32BE(Math.floor(streamOffset / 0x1_0000_0000), 0);
  out.writeUInt32BE(streamOffset >>> 0, 4);
  const ciphertext = stream.update(plain);
  streamOffset += plain.length;
  const offset = out.subarray(0, OFFSET_BYTES);
  tagOf(offset, ciphertext).copy(out, OFFSET_BYTES);
  ciphertext.copy(out, OFFSET_BYTES + TAG_BYTES);
  return out.toString('base64url');
}

/** Seals a decoded message for `account` (the only account whose callers may decode it). */
export function encodeAuthorizationMessage(account: string, message: DecodedAuthorizationMessage): string {
  const sealed: Sealed = { v: VERSION, account, message };
  return seal(JSON.stringify(sealed), false);
}

/** Seals the decision of `req` for `account`: what decodedMessageOf(req, d) returns, in the compact form. */
export function encodeDecision(account: string, req: EvalRequest, d: Decision): string {
  return seal(JSON.stringify(compactMessageOf(req, d, account)), true);
}

/** Opens a sealed or held message; null when it is not one of ours, was altered, is no longer held, or is not for `account`. */
export function decodeAuthorizationMessage(encoded: string, account: string): DecodedAuthorizationMessage | null {
  if (!/^[A-Za-z0-9_-]+$/.test(encoded)) return null;
  if (encoded.length === HELD_ID_CHARS) return heldMessage(encoded, account);
  const raw = Buffer.from(encoded, 'base64url');
  if (raw.length <= OFFSET_BYTES + TAG_BYTES + 1) return null;
  const offsetBytes = raw.subarray(0, OFFSET_BYTES);
  const ciphertext = raw.subarray(OFFSET_BYTES + TAG_BYTES);
  if (!timingSafeEqual(tagOf(offsetBytes, ciphertext), raw.subarray(OFFSET_BYTES, OFFSET_BYTES + TAG_BYTES))) return null;
  const offset = Number(offsetBytes.readBigUInt64BE());
  // Only offsets this process handed out carry a valid MAC; the check stays for a message from the future.
  if (offset + ciphertext.length > streamOffset) return null;
  try {
    const decipher = createCipheriv('aes-256-ctr', ENC_KEY, counterAt(offset));
    decipher.update(Buffer.alloc(offset % 16));
    const plain = decipher.update(ciphertext);
    const body = plain.subarray(1);
    const pack = plain[0];
    const compact = pack === PACK_COMPACT || pack === PACK_COMPACT_DEFLATE;
    const json = pack === PACK_RAW || pack === PACK_COMPACT ? body : pack === PACK_DEFLATE || pack === PACK_COMPACT_DEFLATE ? inflateRawSync(body) : null;
    if (!json) return null;
    if (compact) {
      const c = JSON.parse(json.toString('utf8')) as Compact;
      if (!Array.isArray(c) || c[0] !== VERSION || c[1] !== account) return null;
      return expandCompact(c);
    }
    const sealed = JSON.parse(json.toString('utf8')) as Sealed;
    if (sealed.v !== VERSION || sealed.account !== account) return null;
    return sealed.message;
  } catch {
    return null;
  }
}

/**
 * How many denials' messages are held for decoding: the most recent ones, oldest forgotten first. A
 * message older than that decodes as InvalidAuthorizationMessageException, like one from another
 * server process (whose keys this one never had). Each held entry is references to objects the
 * request built anyway (its EvalRequest and Decision, which the decision log keeps too), not a copy.
 */
export const HELD_MESSAGES = 10_000;
/** A held message's reference: 16 random bytes, base64url (22 characters; a sealed message is longer). */
const HELD_ID_BYTES = 16;
const HELD_ID_CHARS = 22;
const held = new Map<string, { account: string; req: EvalRequest; d: Decision }>();
/** Random bytes drawn 4 KB at a time: one system call per 256 denials, not one each. */
const idPool = Buffer.allocUnsafe(4096);
let idPos = idPool.length;

/**
 * Holds a denied evaluation for DecodeAuthorizationMessage and returns its reference. Building and
 * sealing the message when the denial happens was most of what a denial cost beyond the allowed call
 * (explaining the decision, JSON of AWS's shape, AES and an HMAC over ~1 KB: ~15 % of the request);
 * most messages are never decoded, so it happens only for those that are. The reference is unguessable
 * (128 random bits) and, like a sealed message, decodes only for callers of `account`.
 */
export function holdDecision(account: string, req: EvalRequest, d: Decision): string {
  if (idPos + HELD_ID_BYTES > idPool.length) {
    randomFillSync(idPool);
    idPos = 0;
  }
  const id = idPool.toString('base64url', idPos, idPos + HELD_ID_BYTES);
  idPos += HELD_ID_BYTES;
  held.set(id, { account, req, d });
  if (held.size > HELD_MESSAGES) held.delete(held.keys().next().value!);
  return id;
}

/** The held message `id` names, for `account`; null when it is not held (never was, or forgotten) or is another account's. */
function heldMessage(id: string, account: string): DecodedAuthorizationMessage | null {
  const h = held.get(id);
  return h && h.account === account ? decodedMessageOf(h.req, h.d) : null;
}

/** The header for a denied evaluation: a reference to the decision, held for decoding. */
export function authorizationMessageHeader(req: EvalRequest, d: Decision): Record<string, string> {
  const account = req.principal.account && req.principal.account !== 'anonymous' ? req.principal.account : req.resourceAccount ?? '';
  return { [AUTHORIZATION_MESSAGE_HEADER]: holdDecision(account, req, d) };
}

/** A minimal message for refusals made before any policy was evaluated (e.g. root calling AssumeRole). */
export function refusalMessageHeader(account: string, principal: { id: string; arn?: string }, action: string, resource: string, reason: string): Record<string, string> {
  const message: DecodedAuthorizationMessage = {
    allowed: false,
    explicitDeny: false,
    matchedStatements: items([]),
    failures: values([reason]),
    context: { principal, action, resource, conditions: items([]) },
  };
  return { [AUTHORIZATION_MESSAGE_HEADER]: encodeAuthorizationMessage(account, message) };
}

/** An AccessDenied without a sealed message (a refusal before evaluation) gets a minimal one; anything else passes through. */
export function withAuthorizationMessage(err: AwsError, principal: Principal, action: string, defaultAccount: string): AwsError {
  if (err.code !== 'AccessDenied' || err.headers?.[AUTHORIZATION_MESSAGE_HEADER]) return err;
  const who = principal.kind === 'anonymous' ? { id: 'anonymous' } : { id: principal.userId, arn: principal.arn };
  return err.withHeaders(refusalMessageHeader(principal.accountId ?? defaultAccount, who, action, '*', err.message));
}
