// Owns the decision: every policy type, same- and cross-account, with the layer that decided.
// Semantics: ../shared/reference/iam-evaluation.md §2–§7 and AWS's
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html

import { parseArn } from './arn';
import { F, T, U } from './conditions';
import { compilePolicy, type CompiledPolicy, type CompiledStatement } from './document';
import { callerFrom, DIRECT, NONE, PARENT, type Caller, type PrincipalForm } from './principal';
import { evalStatement, type StatementEnv } from './statement';
import type {
  ContextValue,
  Decision,
  FailedCondition,
  DecisionKind,
  DenialCause,
  EvalRequest,
  MatchedStatement,
  PolicyKind,
  PolicySource,
  RequestContext,
} from './types';

/** Actions whose resource-based policy (the role trust policy) must itself allow the caller. */
const TRUST_ACTIONS = new Set([
  'sts:assumerole',
  'sts:assumerolewithwebidentity',
  'sts:assumerolewithsaml',
  'sts:tagsession',
  'sts:setsourceidentity',
  'sts:setcontext',
]);

/** Distinct policy ids whose match records one compiled policy keeps per kind (a cache; see record). */
export const MATCH_RECORD_IDS_MAX = 64;

/** Per-layer phrases, in AWS's AccessDenied wording. */
const KIND_NAME: Record<PolicyKind, string> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
};
/** Each policy type in AWS's words (also the explanation's labels, explain.ts). */
export const KIND_NO: Record<PolicyKind, string> = {
  identity: 'identity-based policy',
  resource: 'resource-based policy',
  boundary: 'permissions boundary',
  session: 'session policy',
  scp: 'service control policy',
  rcp: 'resource control policy',
};

export function explicitPhrase(kind: PolicyKind): string {
  return `with an explicit deny in ${KIND_NAME[kind]}`;
}
export function implicitPhrase(kind: PolicyKind, action: string): string {
  return `because no ${KIND_NO[kind]} allows the ${action} action`;
}

interface LayerResult {
  allow: boolean;
  deny: boolean;
  /** Resource layer: strongest principal form among applicable Allows. */
  form: PrincipalForm;
  denyPolicyId: string | undefined;
}

/** One evaluation: the request as the matchers see it, plus what the decision reports. */
class Evaluation implements StatementEnv {
  readonly action: string;
  readonly resource: string;
  readonly caller: Caller;
  readonly hasBoundary: boolean;
  form: PrincipalForm = NONE;
  why = '';
  failedCondition = -1;
  readonly matched: MatchedStatement[] = [];
  /** Allow statements that failed on a condition; allocated only when there is one. */
  failed: FailedCondition[] | null = null;
  readonly notes: string[] = [];
  missingKeys: Set<string> | null = null;
  private readonly ctx: RequestContext;
  private lower: Map<string, ContextValue> | null = null;

  constructor(req: EvalRequest) {
    this.ctx = req.context ?? {};
    this.action = String(req.action ?? '').toLowerCase();
    this.resource = String(req.resource ?? '*');
    this.caller = callerFrom(req.principal ?? ({ type: 'Anonymous' } as EvalRequest['principal']));
    this.hasBoundary = !!req.policies?.boundary;
  }

  /** Case-insensitive key lookup: the spelling in the policy first, then a lower-cased index. */
  lookup(key: string, keyLower: string): ContextValue | undefined {
    const ctx = this.ctx;
    if (Object.prototype.hasOwnProperty.call(ctx, key)) return normalizeValue(ctx[key]);
    let m = this.lower;
    if (!m) {
      m = new Map();
      for (const k in ctx) {
        const v = normalizeValue(ctx[k]);
        if (v !== undefined) m.set(k.toLowerCase(), v);
      }
      this.lower = m;
    }
    return m.get(keyLower);
  }

  missing(key: string): void {
    (this.missingKeys ??= new Set()).add(key);
  }

  private record(c: CompiledPolicy, kind: PolicyKind, id: string, st: CompiledStatement): void {
    const recs = cachedRecords(c.matchRecords, kind, id);
    let r = recs[st.index];
    if (!r) {
      r = Object.freeze({
        policyKind: kind,
        policyId: id,
        ...(st.sid !== undefined ? { sid: st.sid } : {}),
        index: st.index,
        effect: st.effect!,
        ...(st.start ? { start: st.start, end: st.end } : {}),
      }) as MatchedStatement;
      recs[st.index] = r;
    }
    this.matched.push(r);
  }

  /** Notes the condition an Allow statement failed on (one frozen record per statement and condition, cached). */
  private recordFailure(c: CompiledPolicy, kind: PolicyKind, id: string, st: CompiledStatement, ci: number): void {
    const byStatement = cachedRecords(c.failRecords, kind, id);
    const byCondition = (byStatement[st.index] ??= []);
    let r = byCondition[ci];
    if (!r) {
      const cond = st.conditions[ci]!;
      r = Object.freeze({
        policyKind: kind,
        policyId: id,
        ...(st.sid !== undefined ? { sid: st.sid } : {}),
        index: st.index,
        effect: st.effect!,
        ...(st.start ? { start: st.start, end: st.end } : {}),
        operator: cond.op,
        key: cond.key,
        values: Object.freeze([...cond.wanted]),
      }) as FailedCondition;
      byCondition[ci] = r;
    }
    (this.failed ??= []).push(r);
  }

  /** Evaluates the policies of one layer (ORed). Every statement is looked at: any Deny counts. */
  layer(policies: readonly PolicySource[], kind: PolicyKind): LayerResult {
    const res: LayerResult = { allow: false, deny: false, form: NONE, denyPolicyId: undefined };
    for (let p = 0; p < policies.length; p++) {
      const src = policies[p];
      if (!src) continue;
      const c = compilePolicy(src.document);
      if (c.errors.length) {
        // A document that fails as a whole (not JSON, not an object, no Statement) may hold a Deny
        // we cannot see: it applies like an unevaluable Deny (fail closed), never silently skipped.
        this.notes.push(`${kind} policy ${src.id}: ${c.errors[0]} — treated as an applying Deny (fail closed)`);
        if (!res.deny) res.denyPolicyId = src.id;
        res.deny = true;
        continue;
      }
      const stmts = c.statements;
      for (let i = 0; i < stmts.length; i++) {
        const st = stmts[i]!;
        const t = evalStatement(st, kind, this);
        if (t === F) {
          if (this.failedCondition >= 0) {
            if (st.effect === 'Allow') this.recordFailure(c, kind, src.id, st, this.failedCondition);
            this.failedCondition = -1;
          }
        } else if (t === T) {
          if (st.effect === 'Deny') {
            if (!res.deny) res.denyPolicyId = src.id;
            res.deny = true;
          } else {
            res.allow = true;
            if (this.form > res.form) res.form = this.form;
          }
          this.record(c, kind, src.id, st);
        } else if (t === U) {
          const where = `${kind} policy ${src.id} statement ${st.index}${st.sid ? ` (${st.sid})` : ''}`;
          if (st.effect === 'Deny') {
            // Fail closed: a Deny that cannot be evaluated is treated as applying.
            this.notes.push(`${where}: ${this.why} — Deny treated as applying (fail closed)`);
            if (!res.deny) res.denyPolicyId = src.id;
            res.deny = true;
            this.record(c, kind, src.id, st);
          } else {
            this.notes.push(`${where}: ${this.why} — statement does not apply`);
          }
        }
      }
    }
    return res;
  }
}

/** The per-(kind, policy id) list of frozen records cached on a compiled policy, created on first use. */
function cachedRecords<T>(cache: Map<PolicyKind, Map<string, T[]>>, kind: PolicyKind, id: string): T[] {
  let byId = cache.get(kind);
  if (!byId) {
    byId = new Map();
    cache.set(kind, byId);
  }
  let recs = byId.get(id);
  if (!recs) {
    // One text can serve any number of ids (every session that passed the same session policy):
    // the records are a cache, bounded per compiled policy and kind whatever the number of ids.
    if (byId.size >= MATCH_RECORD_IDS_MAX) byId.clear();
    recs = [];
    byId.set(id, recs);
  }
  return recs;
}

function normalizeValue(v: unknown): ContextValue | undefined {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? (v as string[]) : v.map((x) => String(x));
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

function isTrustRequest(action: string, resource: string): boolean {
  if (!TRUST_ACTIONS.has(action)) return false;
  const a = parseArn(resource);
  return !!a && a.service === 'iam' && a.resource.startsWith('role/');
}

function isKeyPolicyRequest(action: string, resource: string): boolean {
  if (!action.startsWith('kms:')) return false;
  const a = parseArn(resource);
  return !!a && a.service === 'kms' && a.resource.startsWith('key/');
}

function refusedForCaller(type: string, action: string): boolean {
  if (type === 'Root') return TRUST_ACTIONS.has(action) && action !== 'sts:assumerolewithwebidentity' && action !== 'sts:assumerolewithsaml';
  if (type === 'FederatedUser') return action.startsWith('iam:') || (action.startsWith('sts:') && action !== 'sts:getcalleridentity');
  // Role sessions (AssumeRole*, Compare AWS STS credentials): "Cannot call GetFederationToken or GetSessionToken".
  if (type === 'AssumedRole') return action === 'sts:getfederationtoken' || action === 'sts:getsessiontoken';
  return false;
}

/**
 * Operations AWS does not authorize at all, so no policy (not even an explicit Deny) affects them:
 * GetCallerIdentity — "No permissions are required to perform this operation. If an administrator
 * attaches a policy to your identity that explicitly denies access to the sts:GetCallerIdentity
 * action, you can still perform this operation." (STS API reference); GetSessionToken with the
 * long-term credentials of an IAM user or the root user — "No permissions are required for a user
 * to get a session token … You cannot use policies to control authentication operations."
 * (IAM User Guide, Permissions for GetSessionToken).
 */
function notAuthorized(caller: Caller, principal: EvalRequest['principal'] | undefined, action: string): boolean {
  if (!caller.isAwsIdentity) return false;
  if (action === 'sts:getcalleridentity') return true;
  if (action === 'sts:getsessiontoken') return (caller.type === 'IAMUser' || caller.type === 'Root') && principal?.credentials !== 'temporary';
  return false;
}

export function evaluate(req: EvalRequest): Decision {
  try {
    return evaluateUnsafe(req);
  } catch (e) {
    // Never throws, never allows by error.
    return {
      decision: 'implicitDeny',
      cause: { kind: 'identity', explicit: false, phrase: implicitPhrase('identity', String(req?.action)) },
      matchedStatements: [],
      missingContextKeys: [],
      notes: [`evaluation error: ${(e as Error)?.message ?? String(e)} — denied`],
      layers: {},
    };
  }
}

function finish(ev: Evaluation, layers: Decision['layers'], decision: DecisionKind, cause?: DenialCause): Decision {
  const d: Decision = {
    decision,
    matchedStatements: decision === 'explicitDeny' ? ev.matched.filter(isDeny) : ev.matched,
    missingContextKeys: ev.missingKeys ? [...ev.missingKeys] : [],
    notes: ev.notes,
    layers,
  };
  if (ev.failed) d.failedConditions = ev.failed;
  if (cause) d.cause = cause;
  return d;
}

function isDeny(m: MatchedStatement): boolean {
  return m.effect === 'Deny';
}

function explicitCause(kind: PolicyKind, policyId: string | undefined): DenialCause {
  const c: DenialCause = { kind, explicit: true, phrase: explicitPhrase(kind) };
  if (policyId !== undefined) c.policyId = policyId;
  return c;
}

function implicitCause(kind: PolicyKind, action: string, code?: DenialCause['code']): DenialCause {
  const c: DenialCause = { kind, explicit: false, phrase: implicitPhrase(kind, action) };
  if (code) c.code = code;
  return c;
}

function layerOutcome(r: LayerResult): DecisionKind {
  return r.deny ? 'explicitDeny' : r.allow ? 'allowed' : 'implicitDeny';
}

const EMPTY: LayerResult = Object.freeze({ allow: false, deny: false, form: NONE, denyPolicyId: undefined }) as LayerResult;

function evaluateUnsafe(req: EvalRequest): Decision {
  const ev = new Evaluation(req);
  const caller = ev.caller;
  const pol = req.policies ?? ({ identity: [], boundary: null, scps: null, rcps: null, session: null, resource: null } as EvalRequest['policies']);
  const actionText = String(req.action ?? '');
  const layers: Decision['layers'] = {};

  const principalAccount = caller.account;
  const resourceAccount = req.resourceAccount || principalAccount;
  const sameAccount = caller.isAwsIdentity && resourceAccount === principalAccount;
  const isRoot = caller.type === 'Root';
  const trust = isTrustRequest(ev.action, ev.resource);
  const keyPolicy = !trust && isKeyPolicyRequest(ev.action, ev.resource);
  const resourceCode: DenialCause['code'] = trust ? 'trustPolicyDoesNotAllow' : keyPolicy ? 'keyPolicyDoesNotAllow' : undefined;

  if (notAuthorized(caller, req.principal, ev.action)) {
    ev.notes.push(`${actionText} is not authorized by AWS: no policy applies to it`);
    return finish(ev, layers, 'allowed');
  }

  // ---- Evaluate every applicable policy; any applicable Deny is final.
  // SCPs follow the principal (its account's levels); RCPs follow the resource.
  let scpDeny = false;
  let scpDenyId: string | undefined;
  let scpMissingLevel = false;
  const scpApplies = caller.isAwsIdentity && !caller.serviceLinkedRole && !!pol.scps;
  if (scpApplies) {
    for (const level of pol.scps!) {
      const r = ev.layer(level ?? [], 'scp');
      if (r.deny && !scpDeny) {
        scpDeny = true;
        scpDenyId = r.denyPolicyId;
      }
      if (!r.allow) scpMissingLevel = true;
    }
    layers.scp = scpDeny ? 'explicitDeny' : scpMissingLevel ? 'implicitDeny' : 'allowed';
  }

  let rcpDeny = false;
  let rcpDenyId: string | undefined;
  if (pol.rcps && !caller.serviceLinkedRole) {
    // RCPFullAWSAccess is attached at every level and cannot be detached: levels only deny.
    for (const level of pol.rcps) {
      const r = ev.layer(level ?? [], 'rcp');
      if (r.deny && !rcpDeny) {
        rcpDeny = true;
        rcpDenyId = r.denyPolicyId;
      }
    }
    layers.rcp = rcpDeny ? 'explicitDeny' : 'allowed';
  }

  const res = pol.resource ? ev.layer([pol.resource], 'resource') : EMPTY;
  if (pol.resource) layers.resource = layerOutcome(res);

  const identitySide = caller.isAwsIdentity;
  let idr = EMPTY;
  let bnd: LayerResult | null = null;
  let ses: LayerResult | null = null;
  if (identitySide) {
    idr = ev.layer(pol.identity ?? [], 'identity');
    if (pol.boundary) bnd = ev.layer([pol.boundary], 'boundary');
    // Session policies exist only for session principals ("If the principal is not a session
    // principal, the enforcement code returns a final decision of Allow"): role sessions and
    // GetFederationToken sessions.
    // AssumeRoot sessions are root sessions scoped by a task policy: root keeps its implicit access and
    // the task policy's Deny statements are final (AWS's task policies are Deny-only), so for the root
    // user only a session Deny counts (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-user-privileged-task.html).
    const sessionPrincipal = caller.type === 'AssumedRole' || caller.type === 'FederatedUser' || isRoot;
    if (sessionPrincipal && pol.session && pol.session.length > 0) ses = ev.layer(pol.session, 'session');
    layers.identity = idr.deny ? 'explicitDeny' : idr.allow || isRoot ? 'allowed' : 'implicitDeny';
    if (bnd) layers.boundary = layerOutcome(bnd);
    if (ses) layers.session = layerOutcome(ses);
  }

  if (scpDeny) return finish(ev, layers, 'explicitDeny', explicitCause('scp', scpDenyId));
  if (rcpDeny) return finish(ev, layers, 'explicitDeny', explicitCause('rcp', rcpDenyId));
  if (res.deny) return finish(ev, layers, 'explicitDeny', explicitCause('resource', pol.resource?.id));
  if (idr.deny) return finish(ev, layers, 'explicitDeny', explicitCause('identity', idr.denyPolicyId));
  if (bnd?.deny) return finish(ev, layers, 'explicitDeny', explicitCause('boundary', pol.boundary?.id));
  if (ses?.deny) return finish(ev, layers, 'explicitDeny', explicitCause('session', ses.denyPolicyId));

  // ---- Calls AWS refuses whatever the policies say (STS API reference):
  // AssumeRole: "You cannot use AWS account root user credentials to call AssumeRole."
  // GetFederationToken: its credentials cannot "call any IAM API operations" nor "any STS API
  // operations except GetCallerIdentity".
  if (refusedForCaller(caller.type, ev.action)) return finish(ev, layers, 'implicitDeny', implicitCause('identity', actionText));

  // ---- SCPs: every level root → OUs → account needs an applicable Allow; they also cap
  // what resource-based policies grant to the account's principals.
  if (scpApplies && scpMissingLevel) return finish(ev, layers, 'implicitDeny', implicitCause('scp', actionText));

  // ---- Callers that are not identities of an AWS account (anonymous, services, web identity,
  // SAML): only the resource-based policy can allow.
  if (!identitySide) {
    if (res.allow) return finish(ev, layers, 'allowed');
    return finish(ev, layers, 'implicitDeny', implicitCause('resource', actionText, resourceCode));
  }

  // ---- The principal's own account: identity ∧ boundary ∧ session (root: full access, no caps).
  // A GetFederationToken session of the root user is not given root's access here: callers also
  // pass the root ARN as federatingUserArn when the federating user no longer exists, and that
  // session must not gain permissions (fail closed). Its identity side is the (empty) policy list.
  const identityOk = isRoot || idr.allow;
  const boundaryOk = isRoot || !bnd || bnd.allow;
  // A GetFederationToken session without session policies has no identity-derived permissions.
  const sessionOk = isRoot || (ses ? ses.allow : caller.type !== 'FederatedUser');
  const capsOk = boundaryOk && sessionOk;
  const capKind: PolicyKind = !boundaryOk ? 'boundary' : 'session';

  if (!sameAccount) {
    // Cross-account: the resource owner's policy must allow, and the caller's account must allow.
    if (!res.allow) return finish(ev, layers, 'implicitDeny', implicitCause('resource', actionText, resourceCode));
    if (!identityOk) return finish(ev, layers, 'implicitDeny', implicitCause('identity', actionText));
    if (!capsOk) return finish(ev, layers, 'implicitDeny', implicitCause(capKind, actionText));
    return finish(ev, layers, 'allowed');
  }

  // Same account. Role trust policies and KMS key policies must themselves allow the caller.
  if ((trust || keyPolicy) && !res.allow) return finish(ev, layers, 'implicitDeny', implicitCause('resource', actionText, resourceCode));

  // A resource-policy grant naming the caller itself (or `*`) stands alone; one naming the role or
  // the federating user is capped by boundary and session policy; one naming the account only
  // delegates to the account's IAM policies.
  const form = res.allow ? res.form : NONE;
  if (form === DIRECT) return finish(ev, layers, 'allowed');
  if (form === PARENT && capsOk) return finish(ev, layers, 'allowed');
  if (identityOk && capsOk) return finish(ev, layers, 'allowed');
  if (form === PARENT || identityOk) return finish(ev, layers, 'implicitDeny', implicitCause(capKind, actionText));
  return finish(ev, layers, 'implicitDeny', implicitCause('identity', actionText));
}
