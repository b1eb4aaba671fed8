// Owns the decision log: one record per authorization iamlocal makes (every request's check, each
// extra check such as sts:TagSession, every simulator evaluation), kept in a bounded in-memory ring
// and, optionally, in SQLite; read with filters and paging, and followed live by subscribers (the
// SSE stream, the console, `iamlocal decisions --follow`).
//
// A record is the evaluator's own decision shaped for people: it keeps the EvalRequest and Decision
// evaluate() produced and builds the explanation (src/policy/explain.ts) only when someone reads it,
// so recording costs one object and an array slot on the request path.
//
// Consumers outside this module (Access Analyzer policy generation, an S3 proxy, …) read records
// with `query({ principal, since, until })`; role sessions carry the role's ARN in
// `principal.roleArn` so a role's activity is found whatever its session names were.
import type { Principal } from '../auth/principal';
import { explainDecision, type Explanation } from '../policy/explain';
import { statementPositions } from '../policy/positions';
import type { ContextValue, Decision, DecisionKind, EvalRequest, PolicyKind, PrincipalType } from '../policy/types';
import { isoString } from '../aws/time';

/** `enforce` (default): denials are refused. `audit`: denials are recorded as `would-deny` and let through. */
export type EnforceMode = 'enforce' | 'audit';

/** What iamlocal did with the decision. */
export type DecisionOutcome = 'allowed' | 'denied' | 'would-deny';

/** Who asked, as the record names them. */
export interface DecisionPrincipal {
  /** The caller's ARN (session ARN for role sessions); null for unsigned callers. */
  arn: string | null;
  /** The evaluator's principal type (IAMUser, AssumedRole, FederatedUser, Root, WebIdentity, SAML, Anonymous, …). */
  type: PrincipalType;
  account: string | null;
  userId?: string;
  /** IAM user name, or the role session name. */
  name?: string;
  /** Role sessions: the role's ARN (aws:PrincipalArn). */
  roleArn?: string;
  /** How the caller's credentials came to be: `access-key`, `root`, the STS call that made the session, or `unsigned`. */
  source: string;
  accessKeyId?: string;
  /** Web identity / SAML callers: the identity provider. */
  provider?: string;
}

/** The statement of a consulted policy, as listed in a record (the full text only in detailed reads). */
export interface DecisionPolicy {
  type: PolicyKind;
  id: string;
  name?: string;
  level?: number;
  outcome: 'allow' | 'deny' | 'none';
  text?: string;
  /** Detailed reads of single-line documents: the text pretty-printed, with each statement's span in it. */
  display?: { text: string; statements: { index: number; start: { line: number; column: number }; end: { line: number; column: number } }[] };
}

/** A compact (one-line) document, re-indented for people, with statement spans recomputed in the new text. */
function displayOf(text: string): DecisionPolicy['display'] | undefined {
  if (text.includes('\n')) return undefined;
  try {
    const pretty = JSON.stringify(JSON.parse(text), null, 2);
    const spans = statementPositions(pretty);
    return spans ? { text: pretty, statements: spans.map((s, index) => ({ index, ...s })) } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * One authorization decision, shaped for people. Stable JSON: served by GET /_iamlocal/decisions,
 * streamed by /_iamlocal/decisions/stream and returned by IamLocal.decisions().
 */
export interface DecisionRecord {
  /** Increasing per server; the paging cursor and SSE event id. */
  seq: number;
  /** ISO time of the request on iamlocal's clock. */
  time: string;
  requestId: string;
  principal: DecisionPrincipal;
  action: string;
  resource: string;
  /** The evaluator's verdict. */
  decision: DecisionKind;
  /** What was done with it: refused (`denied`), let through in audit mode (`would-deny`), or `allowed`. */
  outcome: DecisionOutcome;
  /** An iam:Simulate* evaluation, not a real request. */
  simulated: boolean;
  /** The policy type whose verdict decided (denials). */
  decidedBy?: PolicyKind;
  decidingPolicy?: { type: PolicyKind; id: string; name?: string };
  /** One line: why. */
  reason: string;
  policies: DecisionPolicy[];
  statements: Explanation['statements'];
  failedConditions: Explanation['failedConditions'];
  missingContextKeys: string[];
  notes: string[];
  /** The request context the evaluator saw (detailed reads only). */
  context?: Record<string, ContextValue>;
}

/** What authorize() (or the simulator) hands the log. */
export interface DecisionInput {
  requestId: string;
  time: Date;
  /** The signed caller; absent for simulations (the simulated principal is the request's). */
  principal?: Principal;
  request: EvalRequest;
  decision: Decision;
  outcome: DecisionOutcome;
  simulated?: boolean;
}

export interface DecisionFilter {
  /** Matches the caller's ARN or its role's ARN; a trailing `*` matches a prefix. */
  principal?: string;
  /** Case-insensitive; a trailing `*` matches a prefix (`iam:*`). */
  action?: string;
  /** `denied` = refused or would-deny; or one outcome / evaluator verdict exactly. */
  decision?: 'allowed' | 'denied' | 'would-deny' | DecisionKind;
  /** ISO time: records at or after it. */
  since?: string;
  /** ISO time: records before it. */
  until?: string;
  requestId?: string;
  simulated?: boolean;
  /** Paging cursor: records with seq greater than this. */
  after?: number;
  /** Default 100, at most 1000. */
  limit?: number;
}

export interface DecisionPage {
  decisions: DecisionRecord[];
  /** Pass as `after` for the next page; absent on the last page. */
  nextToken?: string;
}

/** Optional durable copy (SQLite, with a data dir): append-only, written off the request path. */
export interface DecisionPersistence {
  /** Highest seq already stored (the log continues from it). */
  lastSeq(): number;
  append(records: DecisionRecord[]): void;
  query(filter: DecisionFilter, limit: number): DecisionRecord[];
}

export interface DecisionLogOptions {
  /** Ring size (records kept in memory); default 1000. */
  size?: number;
  persistence?: DecisionPersistence | null;
}

export const DEFAULT_DECISION_LOG_SIZE = 1000;
const MAX_PAGE = 1000;

/** The fields filters look at, kept without building the explanation. */
interface Keys {
  arn: string | null;
  roleArn: string | undefined;
  action: string;
  decision: DecisionKind;
  outcome: DecisionOutcome;
  time: string;
  requestId: string;
  simulated: boolean;
}

interface Entry {
  seq: number;
  input: DecisionInput;
  keys: Keys;
  view: DecisionRecord | null;
}

function principalOf(p: Principal | undefined, req: EvalRequest): DecisionPrincipal {
  const ep = req.principal;
  const out: DecisionPrincipal = { arn: p?.arn ?? ep.arn ?? null, type: ep.type, account: p?.accountId ?? ep.account ?? null, source: 'unsigned' };
  if (ep.type === 'WebIdentity' || ep.type === 'SAML') {
    out.arn = null;
    if (typeof ep.provider === 'string') out.provider = ep.provider;
    out.source = ep.type === 'SAML' ? 'saml-assertion' : 'web-identity-token';
    return out;
  }
  if (ep.type === 'Service') {
    // An AWS service principal (EC2 delivering instance credentials, ECS task roles).
    out.source = 'aws-service';
    if (typeof ep.service === 'string') out.name = ep.service;
    return out;
  }
  if (!p) {
    // A simulated principal: what the evaluator was told.
    out.source = 'simulation';
    if (ep.userId) out.userId = ep.userId;
    if (typeof ep.name === 'string') out.name = ep.name;
    if (ep.roleArn) out.roleArn = ep.roleArn;
    return out;
  }
  if (p.kind === 'anonymous') return out;
  out.userId = p.userId;
  out.accessKeyId = p.accessKeyId;
  out.source = p.session ? p.session.via : p.kind === 'root' ? 'root' : 'access-key';
  if (p.kind === 'user') out.name = p.user.name;
  if (p.kind === 'assumed-role') {
    out.roleArn = p.roleArn;
    out.name = p.sessionName;
  }
  return out;
}

function matchText(pattern: string, value: string | null | undefined): boolean {
  if (value === null || value === undefined) return false;
  const p = pattern.toLowerCase();
  const v = value.toLowerCase();
  return p.endsWith('*') ? v.startsWith(p.slice(0, -1)) : v === p;
}

/** Does a record pass a filter (seq cursor and limit aside)? Shared by the ring, SQLite and the stream. */
export function matchesFilter(r: DecisionRecord, f: DecisionFilter): boolean {
  return keysMatch({ ...r, arn: r.principal.arn, roleArn: r.principal.roleArn }, f);
}

function keysMatch(r: Keys, f: DecisionFilter): boolean {
  if (f.principal && !matchText(f.principal, r.arn) && !matchText(f.principal, r.roleArn)) return false;
  if (f.action && !matchText(f.action, r.action)) return false;
  if (f.decision) {
    if (f.decision === 'denied') {
      if (r.outcome === 'allowed') return false;
    } else if (f.decision === 'allowed' || f.decision === 'would-deny') {
      if (r.outcome !== f.decision) return false;
    } else if (r.decision !== f.decision) return false;
  }
  if (f.since && r.time < f.since) return false;
  if (f.until && r.time >= f.until) return false;
  if (f.requestId && r.requestId !== f.requestId) return false;
  if (f.simulated !== undefined && r.simulated !== f.simulated) return false;
  return true;
}

/** Normalizes a time filter to the ISO form records use (so string comparison orders correctly). */
function isoOrUndefined(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

export class DecisionLog {
  readonly size: number;
  private readonly ring: (Entry | undefined)[];
  private next = 0;
  private count = 0;
  private seq: number;
  private readonly listeners = new Set<(r: DecisionRecord) => void>();
  private readonly persistence: DecisionPersistence | null;
  private pending: DecisionRecord[] = [];
  private flushScheduled = false;

  constructor(opts: DecisionLogOptions = {}) {
    this.size = Math.max(1, Math.floor(opts.size ?? DEFAULT_DECISION_LOG_SIZE));
    this.ring = new Array(this.size);
    this.persistence = opts.persistence ?? null;
    this.seq = this.persistence?.lastSeq() ?? 0;
  }

  /** Records one decision; returns its seq. Listeners and persistence see the people-shaped record. */
  record(input: DecisionInput): number {
    const p = input.principal;
    const federated = input.request.principal.type === 'WebIdentity' || input.request.principal.type === 'SAML';
    const keys: Keys = {
      arn: federated ? null : (p?.arn ?? input.request.principal.arn ?? null),
      roleArn: p?.kind === 'assumed-role' ? p.roleArn : p ? undefined : input.request.principal.roleArn,
      action: input.request.action,
      decision: input.decision.decision,
      outcome: input.outcome,
      time: isoString(input.time),
      requestId: input.requestId,
      simulated: !!input.simulated,
    };
    const e: Entry = { seq: ++this.seq, input, keys, view: null };
    this.ring[this.next] = e;
    this.next = (this.next + 1) % this.size;
    if (this.count < this.size) this.count++;
    if (this.listeners.size > 0 || this.persistence) {
      const r = this.view(e);
      for (const l of this.listeners) {
        try {
          l(r);
        } catch {
          // A failing subscriber never affects the request.
        }
      }
      if (this.persistence) this.persist(r);
    }
    return e.seq;
  }

  /** The latest seq handed out (0 before any). */
  get lastSeq(): number {
    return this.seq;
  }

  /** Calls `fn` with every new record until the returned function is called. */
  subscribe(fn: (r: DecisionRecord) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Records in ascending seq order that pass the filter; paged by `after` / `nextToken`. */
  query(filter: DecisionFilter = {}): DecisionPage {
    const limit = Math.min(Math.max(1, Math.floor(filter.limit ?? 100)), MAX_PAGE);
    const f: DecisionFilter = { ...filter, since: isoOrUndefined(filter.since), until: isoOrUndefined(filter.until) };
    let found: DecisionRecord[];
    if (this.persistence) {
      this.flush();
      found = this.persistence.query(f, limit + 1);
    } else {
      found = [];
      const after = f.after ?? 0;
      const start = (this.next - this.count + this.size) % this.size;
      for (let i = 0; i < this.count && found.length <= limit; i++) {
        const e = this.ring[(start + i) % this.size]!;
        if (e.seq <= after || !keysMatch(e.keys, f)) continue;
        found.push(this.view(e));
      }
    }
    if (found.length > limit) {
      const page = found.slice(0, limit);
      return { decisions: page, nextToken: String(page[page.length - 1]!.seq) };
    }
    return { decisions: found };
  }

  /** One record by seq, with the policy texts and the request context (the console's detail view). */
  detail(seq: number): DecisionRecord | null {
    for (const e of this.ring) {
      if (e && e.seq === seq) return this.shape(e, true);
    }
    if (this.persistence) {
      this.flush();
      return this.persistence.query({ after: seq - 1 }, 1).find((r) => r.seq === seq) ?? null;
    }
    return null;
  }

  /** Empties the in-memory ring (the SQLite copy, if any, is kept). */
  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.count = 0;
  }

  /** Writes pending records to SQLite now (normally done right after the request). */
  flush(): void {
    if (!this.persistence || this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    try {
      this.persistence.append(batch);
    } catch {
      // The durable copy is best-effort; the ring still has the records.
    }
  }

  private persist(r: DecisionRecord): void {
    this.pending.push(r);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    // Outside the request's transaction: a denial rolls the request back, never its record.
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  private view(e: Entry): DecisionRecord {
    return (e.view ??= this.shape(e, false));
  }

  private shape(e: Entry, detailed: boolean): DecisionRecord {
    const { input } = e;
    const x = explainDecision(input.request, input.decision);
    const rec: DecisionRecord = {
      seq: e.seq,
      time: e.keys.time,
      requestId: input.requestId,
      principal: principalOf(input.principal, input.request),
      action: input.request.action,
      resource: input.request.resource,
      decision: input.decision.decision,
      outcome: input.outcome,
      simulated: !!input.simulated,
      ...(x.decidedBy ? { decidedBy: x.decidedBy } : {}),
      ...(x.decidingPolicy ? { decidingPolicy: x.decidingPolicy } : {}),
      reason: x.reason,
      policies: x.policies.map((p) => ({
        type: p.type,
        id: p.id,
        ...(p.name ? { name: p.name } : {}),
        ...(p.level !== undefined ? { level: p.level } : {}),
        outcome: p.outcome,
        ...(detailed ? { text: p.text } : {}),
        ...(detailed && displayOf(p.text) ? { display: displayOf(p.text) } : {}),
      })),
      statements: x.statements,
      failedConditions: x.failedConditions,
      missingContextKeys: x.missingContextKeys,
      notes: x.notes,
    };
    if (detailed) rec.context = { ...input.request.context };
    return rec;
  }
}

/** One readable line per record (the CLI and the request log): time, outcome, who, what, why. */
export function formatDecisionLine(r: DecisionRecord): string {
  const who = r.principal.arn ?? (r.principal.provider ? `${r.principal.type}(${r.principal.provider})` : r.principal.type);
  const tag = r.outcome === 'allowed' ? 'ALLOW' : r.outcome === 'would-deny' ? 'WOULD-DENY' : 'DENY';
  return `${r.time} ${tag}${r.simulated ? ' (simulated)' : ''} ${who} ${r.action} ${r.resource} — ${r.reason}`;
}
