// Owns the decision: every policy type, same- and cross-account, with the layer that decided.
// Semantics: ../shared/reference/iam-evaluation.md §2–§7 and AWS's
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html

import { parseArn } from './arn';
import { T, U } from './conditions';
import { compilePolicy, type CompiledPolicy, type CompiledStatement } from './document';
import { callerFrom, ACCOUNT, DIRECT, NONE, PARENT, type PrincipalForm } from './principal';
import { evalStatement, type StatementEnv } from './statement';
import type {
  ContextValue,
  Decision,
  DecisionKind,
  DenialCause,
  EvalRequest,
  MatchedStatement,
  PolicyKind,
  PolicySource,
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

/** Per-layer phrases, in AWS's AccessDenied wording. */
const KIND_NAME: Record<PolicyKind, string> = {
  identity: 'an identity-based policy',
  resource: 'a resource-based policy',
  boundary: 'a permissions boundary',
  session: 'a session policy',
  scp: 'a service control policy',
  rcp: 'a resource control policy',
};
const KIND_NO: Record<PolicyKind, string> = {
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
  denyPolicyId?: string;
}

class Evaluation {
  readonly env: StatementEnv;
  readonly matched: MatchedStatement[] = [];
  readonly notes: string[] = [];
  missing: Set<string> | null = null;
  private ctxMap: Map<string, ContextValue> | null = null;

  constructor(readonly req: EvalRequest) {
    const ctx = req.context ?? {};
    const lookup = (keyLower: string): ContextValue | undefined => {
      let m = this.ctxMap;
      if (!m) {
        m = new Map();
        for (const k in ctx) {
          const v = ctx[k];
          if (typeof v === 'string' || Array.isArray(v)) m.set(k.toLowerCase(), v);
          else if (typeof v === 'number' || typeof v === 'boolean') m.set(k.toLowerCase(), String(v));
        }
        this.ctxMap = m;
      }
      return m.get(keyLower);
    };
    this.env = {
      action: String(req.action ?? '').toLowerCase(),
      resource: String(req.resource ?? '*'),
      caller: callerFrom(req.principal ?? ({ type: 'Anonymous' } as never)),
      hasBoundary: !!req.policies?.boundary,
      form: NONE,
      why: '',
      lookup,
      missing: (key: string) => (this.missing ??= new Set()).add(key),
    };
  }

  private record(c: CompiledPolicy, kind: PolicyKind, id: string, st: CompiledStatement): void {
    const k = kind + '\u0000' + id;
    let recs = c.matchRecords.get(k);
    if (!recs) {
      recs = [];
      c.matchRecords.set(k, recs);
    }
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

  /** Evaluates the policies of one layer (ORed). Every statement is looked at: any Deny counts. */
  layer(policies: readonly PolicySource[], kind: PolicyKind): LayerResult {
    const res: LayerResult = { allow: false, deny: false, form: NONE };
    const env = this.env;
    for (let p = 0; p < policies.length; p++) {
      const src = policies[p]!;
      if (!src) continue;
      const c = compilePolicy(src.document);
      if (c.errors.length) this.notes.push(`${kind} policy ${src.id}: ${c.errors[0]} — it does not apply`);
      const stmts = c.statements;
      for (let i = 0; i < stmts.length; i++) {
        const st = stmts[i]!;
        const t = evalStatement(st, kind, env);
        if (t === T) {
          if (st.effect === 'Deny') {
            if (!res.deny) res.denyPolicyId = src.id;
            res.deny = true;
          } else {
            res.allow = true;
            if (env.form > res.form) res.form = env.form;
          }
          this.record(c, kind, src.id, st);
        } else if (t === U) {
          const where = `${kind} policy ${src.id} statement ${st.index}${st.sid ? ` (${st.sid})` : ''}`;
          if (st.effect === 'Deny') {
            // Fail closed: a Deny that cannot be evaluated is treated as applying.
            this.notes.push(`${where}: ${env.why} — Deny treated as applying (fail closed)`);
            if (!res.deny) res.denyPolicyId = src.id;
            res.deny = true;
            this.record(c, kind, src.id, st);
          } else {
            this.notes.push(`${where}: ${env.why} — statement does not apply`);
          }
        }
      }
    }
    return res;
  }
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

function nonEmpty<T>(x: T[] | null | undefined): x is T[] {
  return !!x && x.length > 0;
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

function evaluateUnsafe(req: EvalRequest): Decision {
  const ev = new Evaluation(req);
  const env = ev.env;
  const caller = env.caller;
  const pol = req.policies ?? ({} as EvalRequest['policies']);
  const actionText = String(req.action ?? '');
  const layers: Decision['layers'] = {};

  const principalAccount = caller.account;
  const resourceAccount = req.resourceAccount || principalAccount;
  const sameAccount = caller.isAwsIdentity && resourceAccount === principalAccount;
  const isRoot = caller.type === 'Root';
  const trust = isTrustRequest(env.action, env.resource);
  const keyPolicy = !trust && isKeyPolicyRequest(env.action, env.resource);

  // ---- every applicable policy, Deny first in the sense that any applicable Deny is final.
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

  let res: LayerResult = { allow: false, deny: false, form: NONE };
  if (pol.resource) {
    res = ev.layer([pol.resource], 'resource');
  }

  const identitySide = caller.isAwsIdentity;
  let idr: LayerResult = { allow: false, deny: false, form: NONE };
  let bnd: LayerResult | null = null;
  let ses: LayerResult | null = null;
  if (identitySide) {
    idr = ev.layer(pol.identity ?? [], 'identity');
    if (pol.boundary) bnd = ev.layer([pol.boundary], 'boundary');
    if (nonEmpty(pol.session)) ses = ev.layer(pol.session, 'session');
  }

  const finish = (decision: DecisionKind, cause?: DenialCause): Decision => ({
    decision,
    ...(cause ? { cause } : {}),
    matchedStatements: decision === 'explicitDeny' ? ev.matched.filter((m) => m.effect === 'Deny') : ev.matched,
    missingContextKeys: ev.missing ? [...ev.missing] : [],
    notes: ev.notes,
    layers,
  });

  // ---- explicit deny anywhere is final.
  const denyCause = (kind: PolicyKind, policyId?: string): DenialCause => ({
    kind,
    explicit: true,
    phrase: explicitPhrase(kind),
    ...(policyId !== undefined ? { policyId } : {}),
  });
  if (pol.resource) layers.resource = res.deny ? 'explicitDeny' : res.allow ? 'allowed' : 'implicitDeny';
  if (identitySide) {
    layers.identity = idr.deny ? 'explicitDeny' : idr.allow || isRoot ? 'allowed' : 'implicitDeny';
    if (bnd) layers.boundary = bnd.deny ? 'explicitDeny' : bnd.allow ? 'allowed' : 'implicitDeny';
    if (ses) layers.session = ses.deny ? 'explicitDeny' : ses.allow ? 'allowed' : 'implicitDeny';
  }
  if (scpDeny) return finish('explicitDeny', denyCause('scp', scpDenyId));
  if (rcpDeny) return finish('explicitDeny', denyCause('rcp', rcpDenyId));
  if (res.deny) return finish('explicitDeny', denyCause('resource', pol.resource?.id));
  if (idr.deny) return finish('explicitDeny', denyCause('identity', idr.denyPolicyId));
  if (bnd?.deny) return finish('explicitDeny', denyCause('boundary', pol.boundary?.id));
  if (ses?.deny) return finish('explicitDeny', denyCause('session', ses.denyPolicyId));

  const implicit = (kind: PolicyKind, code?: string): Decision =>
    finish('implicitDeny', {
      kind,
      explicit: false,
      phrase: implicitPhrase(kind, actionText),
      ...(code ? { code } : {}),
    } as DenialCause);

  // ---- SCPs: every level root → OUs → account needs an applicable Allow (they also cap resource grants).
  if (scpApplies && scpMissingLevel) return implicit('scp');

  // ---- callers that are not identities of an AWS account: only the resource policy can allow.
  if (!identitySide) {
    if (res.allow) return finish('allowed');
    return implicit('resource', trust ? 'trustPolicyDoesNotAllow' : undefined);
  }

  // ---- the principal's own account: identity ∧ boundary ∧ session (root: full access, no caps).
  const identityOk = isRoot || idr.allow;
  const boundaryOk = isRoot || !bnd || bnd.allow;
  // A GetFederationToken session without session policies has no identity-derived permissions.
  const sessionOk = isRoot || (ses ? ses.allow : caller.type !== 'FederatedUser');
  const capsOk = boundaryOk && sessionOk;
  const capCause = (): Decision => (!boundaryOk ? implicit('boundary') : implicit('session'));

  if (!sameAccount) {
    // Cross-account: the resource owner's policy must allow, and the caller's account must allow.
    if (!res.allow) return implicit('resource', trust ? 'trustPolicyDoesNotAllow' : undefined);
    if (!identityOk) return implicit('identity');
    if (!capsOk) return capCause();
    return finish('allowed');
  }

  // Same account. Trust policies and KMS key policies must themselves allow the caller.
  if ((trust || keyPolicy) && !res.allow) return implicit('resource', trust ? 'trustPolicyDoesNotAllow' : 'keyPolicyDoesNotAllow');

  const form = res.allow ? res.form : NONE;
  if (form === DIRECT) return finish('allowed');
  if (form === PARENT && capsOk) return finish('allowed');
  if (identityOk && capsOk) return finish('allowed');
  if (form === PARENT || identityOk) return capCause();
  // form is NONE or ACCOUNT (delegation to the account's IAM policies, which do not allow).
  void ACCOUNT;
  return implicit('identity');
}
