// Owns turning one decision into an explanation for people: which layer decided, every policy that
// was consulted with its outcome, the statements that decided (with their text), and the conditions
// that kept a grant from applying (key, operator, wanted values, the value the request carried).
// It reads only what evaluate() already reported — no second evaluation — and is built on demand,
// never on the evaluator's hot path. Layer order and phrases: iam-evaluation.md §2–§7,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html

import { KIND_NO } from './evaluate';
import type { ContextValue, Decision, DecisionKind, EvalRequest, FailedCondition, MatchedStatement, PolicyKind, PolicySource, StatementPosition } from './types';

/** How each policy type is named for people (AWS's own words for the layers). */
export const POLICY_KIND_LABEL: Record<PolicyKind, string> = KIND_NO;

export interface ExplainedPolicy {
  type: PolicyKind;
  id: string;
  name?: string;
  /** SCP/RCP level (0 = organization root) for organization policies. */
  level?: number;
  /** What this one policy said: an applicable Allow, an applicable Deny, or nothing that applied. */
  outcome: 'allow' | 'deny' | 'none';
  /** The document text (pretty-printed when the policy was given as an object). */
  text: string;
}

export interface ExplainedStatement {
  policyType: PolicyKind;
  policyId: string;
  policyName?: string;
  sid?: string;
  index: number;
  effect: 'Allow' | 'Deny';
  start?: StatementPosition;
  end?: StatementPosition;
  /** The statement's own text, cut from the policy document (absent when positions are unknown). */
  text?: string;
  /** The statement decided the outcome (the Allow(s) of an allow, the Deny of an explicit deny). */
  deciding: boolean;
}

export interface ExplainedCondition extends Omit<ExplainedStatement, 'deciding'> {
  operator: string;
  key: string;
  wanted: string[];
  /** The value the request carried for the key, or null when it carried none. */
  seen: ContextValue | null;
}

export interface Explanation {
  decision: DecisionKind;
  /** The policy type whose verdict decided (absent for an allow). */
  decidedBy?: PolicyKind;
  /** The deciding policy (explicit denies; the only policy of the layer for boundaries and resource policies). */
  decidingPolicy?: { type: PolicyKind; id: string; name?: string };
  /** One line for people: "explicit deny in service control policy DenyAll (statement 0)". */
  reason: string;
  policies: ExplainedPolicy[];
  statements: ExplainedStatement[];
  failedConditions: ExplainedCondition[];
  missingContextKeys: string[];
  notes: string[];
}

function policyText(doc: string | object): string {
  if (typeof doc === 'string') return doc;
  try {
    return JSON.stringify(doc, null, 2) ?? String(doc);
  } catch {
    return String(doc);
  }
}

/** Offset of a 1-based line/column in `text`. */
function offsetOf(text: string, p: StatementPosition): number {
  let line = 1;
  let i = 0;
  while (line < p.line && i < text.length) {
    const nl = text.indexOf('\n', i);
    if (nl < 0) return text.length;
    i = nl + 1;
    line++;
  }
  return i + p.column - 1;
}

/** The statement's text: from its opening brace to its closing brace inclusive. */
export function statementText(doc: string | object, start?: StatementPosition, end?: StatementPosition): string | undefined {
  if (typeof doc !== 'string' || !start || !end) return undefined;
  const a = offsetOf(doc, start);
  const b = offsetOf(doc, end);
  return b >= a ? doc.slice(a, b + 1) : undefined;
}

/** Every policy of the request, in evaluation order, with its kind (and organization level). */
export function consultedPolicies(req: EvalRequest): { type: PolicyKind; source: PolicySource; level?: number }[] {
  const p = req.policies;
  const out: { type: PolicyKind; source: PolicySource; level?: number }[] = [];
  (p.scps ?? []).forEach((lvl, level) => lvl?.forEach((source) => source && out.push({ type: 'scp', source, level })));
  (p.rcps ?? []).forEach((lvl, level) => lvl?.forEach((source) => source && out.push({ type: 'rcp', source, level })));
  if (p.resource) out.push({ type: 'resource', source: p.resource });
  for (const source of p.identity ?? []) if (source) out.push({ type: 'identity', source });
  if (p.boundary) out.push({ type: 'boundary', source: p.boundary });
  for (const source of p.session ?? []) if (source) out.push({ type: 'session', source });
  return out;
}

function lookupContext(ctx: EvalRequest['context'], key: string): ContextValue | null {
  if (Object.prototype.hasOwnProperty.call(ctx, key)) return ctx[key] ?? null;
  const lower = key.toLowerCase();
  for (const k in ctx) if (k.toLowerCase() === lower) return ctx[k] ?? null;
  return null;
}

const label = (type: PolicyKind, id: string, name?: string) => `${POLICY_KIND_LABEL[type]} ${name && name !== id ? `${name} (${id})` : id}`;
const where = (s: { sid?: string; index: number }) => (s.sid ? `statement ${s.index} "${s.sid}"` : `statement ${s.index}`);
const show = (v: ContextValue | null) => (v === null ? '(missing)' : Array.isArray(v) ? `[${v.join(', ')}]` : v);

/** The explanation of `d`, the decision evaluate(req) returned. */
export function explainDecision(req: EvalRequest, d: Decision): Explanation {
  const consulted = consultedPolicies(req);
  const byKey = new Map<string, { type: PolicyKind; source: PolicySource; level?: number }>();
  for (const c of consulted) byKey.set(`${c.type}\u0000${c.source.id}`, c);
  const find = (type: PolicyKind, id: string) => byKey.get(`${type}\u0000${id}`);

  const matched: readonly MatchedStatement[] = d.matchedStatements;
  const outcome = new Map<string, 'allow' | 'deny'>();
  for (const m of matched) {
    const k = `${m.policyKind}\u0000${m.policyId}`;
    if (m.effect === 'Deny') outcome.set(k, 'deny');
    else if (!outcome.has(k)) outcome.set(k, 'allow');
  }
  const policies: ExplainedPolicy[] = consulted.map((c) => ({
    type: c.type,
    id: c.source.id,
    ...(c.source.name ? { name: c.source.name } : {}),
    ...(c.level !== undefined ? { level: c.level } : {}),
    outcome: outcome.get(`${c.type}\u0000${c.source.id}`) ?? 'none',
    text: policyText(c.source.document),
  }));

  /** A reported statement with its policy's name and its own text. */
  const base = (m: MatchedStatement): Omit<ExplainedStatement, 'deciding'> => {
    const src = find(m.policyKind, m.policyId)?.source;
    const text = src ? statementText(src.document, m.start, m.end) : undefined;
    return {
      policyType: m.policyKind,
      policyId: m.policyId,
      ...(src?.name ? { policyName: src.name } : {}),
      ...(m.sid !== undefined ? { sid: m.sid } : {}),
      index: m.index,
      effect: m.effect,
      ...(m.start ? { start: m.start, end: m.end } : {}),
      ...(text !== undefined ? { text } : {}),
    };
  };
  const cause = d.cause;
  const statements: ExplainedStatement[] = matched.map((m) => ({
    ...base(m),
    deciding: d.decision === 'allowed' ? m.effect === 'Allow' : d.decision === 'explicitDeny' ? m.effect === 'Deny' && m.policyKind === cause?.kind : false,
  }));

  // Near misses matter for denials; on an implicit deny those of the deciding layer come first.
  const failedRaw: readonly FailedCondition[] = d.decision === 'allowed' ? [] : (d.failedConditions ?? []);
  const ordered = cause ? [...failedRaw.filter((f) => f.policyKind === cause.kind), ...failedRaw.filter((f) => f.policyKind !== cause.kind)] : [...failedRaw];
  const failedConditions: ExplainedCondition[] = ordered.map((f) => ({
    ...base(f),
    operator: f.operator,
    key: f.key,
    wanted: [...f.values],
    seen: lookupContext(req.context ?? {}, f.key),
  }));

  const out: Explanation = {
    decision: d.decision,
    reason: '',
    policies,
    statements,
    failedConditions,
    missingContextKeys: [...d.missingContextKeys],
    notes: [...d.notes],
  };

  if (d.decision === 'allowed') {
    const first = statements.find((s) => s.deciding);
    out.reason = first ? `allowed by ${label(first.policyType, first.policyId, first.policyName)} ${where(first)}` : d.notes[0] ?? 'allowed';
    return out;
  }

  const kind = cause?.kind ?? 'identity';
  out.decidedBy = kind;
  let policyId = cause?.policyId;
  if (!policyId && (kind === 'boundary' || kind === 'resource')) policyId = (kind === 'boundary' ? req.policies.boundary : req.policies.resource)?.id;
  if (policyId) {
    const src = find(kind, policyId)?.source;
    out.decidingPolicy = { type: kind, id: policyId, ...(src?.name ? { name: src.name } : {}) };
  }
  const action = String(req.action);
  if (d.decision === 'explicitDeny') {
    const st = statements.find((s) => s.deciding);
    const pol = out.decidingPolicy;
    out.reason = `explicit deny in ${pol ? label(pol.type, pol.id, pol.name) : `a ${POLICY_KIND_LABEL[kind]}`}${st ? ` ${where(st)}` : ''}`;
  } else {
    const pol = out.decidingPolicy;
    const scope =
      pol ? ` (${label(pol.type, pol.id, pol.name)})`
      : kind === 'identity' && (req.policies.identity ?? []).length === 0 ? ' (the principal has no identity-based policies)'
      : '';
    out.reason = `implicit deny: no ${POLICY_KIND_LABEL[kind]} allows ${action}${scope}`;
    if (cause?.code === 'trustPolicyDoesNotAllow') out.reason = `implicit deny: the role's trust policy (${pol?.id ?? 'resource-based policy'}) does not allow ${action} for this caller`;
  }
  const fc = failedConditions[0];
  if (fc) {
    // The policy is named once: a near miss in the deciding policy only says which statement.
    const inDeciding = out.decidingPolicy && out.decidingPolicy.type === fc.policyType && out.decidingPolicy.id === fc.policyId;
    out.reason += `; ${inDeciding ? '' : `${label(fc.policyType, fc.policyId, fc.policyName)} `}${where(fc)}: ${fc.operator} ${fc.key} wanted ${show(fc.wanted)}, seen ${show(fc.seen)}`;
  }
  else if (d.missingContextKeys.length) out.reason += `; missing context keys: ${d.missingContextKeys.join(', ')}`;
  return out;
}
