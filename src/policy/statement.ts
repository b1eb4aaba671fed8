// Owns deciding whether one compiled statement applies to a request (three-valued).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html

import { evalCondition, F, multivaluedWithoutSetOperator, T, U, type CondEnv, type Tri } from './conditions';
import type { CompiledStatement } from './document';
import { ACCOUNT, DIRECT, exemptedByNotPrincipal, matchPrincipal, NONE, PARENT, type Caller, type PrincipalForm } from './principal';
import type { PolicyKind } from './types';
import { resolveTemplate } from './variables';
import { compileGlob, matchGlob } from './wildcard';

export interface StatementEnv extends CondEnv {
  /** Lower-cased request action. */
  action: string;
  resource: string;
  caller: Caller;
  /** The caller has a permissions boundary (NotPrincipal then never exempts: principals-021). */
  hasBoundary: boolean;
  /** Set by evalStatement for resource-side statements: the form the Principal element matched. */
  form: PrincipalForm;
  /** Why the last evaluation was U. */
  why: string;
  /** Set by evalStatement when it returned F because of a condition (the caller reads and clears it). */
  failedCondition: number;
}

function matchActions(st: CompiledStatement, action: string): boolean {
  const list = st.actions!;
  let hit = false;
  for (let i = 0; i < list.length; i++) {
    if (matchGlob(list[i]!, action)) {
      hit = true;
      break;
    }
  }
  return st.notAction ? !hit : hit;
}

/**
 * T / F, or U when a NotResource entry holds a variable with no value. "If AWS cannot resolve a
 * variable this might cause the entire statement to be invalid" (policy variables page): in
 * `Resource` such an entry matches nothing (the statement cannot apply through it); in
 * `NotResource` we cannot tell which resources it excludes, so the statement is unevaluable — an
 * Allow never grants "everything but an unknown set", a Deny applies (fail closed).
 */
function matchResources(st: CompiledStatement, env: StatementEnv): Tri {
  const list = st.resources!;
  const r = env.resource;
  let hit = false;
  let unresolved: string | undefined;
  for (let i = 0; i < list.length; i++) {
    const e = list[i]!;
    if (e.g) {
      if (matchGlob(e.g, r)) {
        hit = true;
        break;
      }
    } else if (e.tpl) {
      const pieces = resolveTemplate(e.tpl, env);
      if (!pieces) unresolved ??= e.raw;
      else if (matchGlob(compileGlob(pieces), r)) {
        hit = true;
        break;
      }
    }
  }
  if (!st.notResource) return hit ? T : F;
  if (hit) return F;
  if (unresolved !== undefined) {
    env.why = `NotResource entry ${unresolved} holds a variable with no value`;
    return U;
  }
  return T;
}

/**
 * Does the statement apply? T / F / U (cannot tell: malformed element, unknown operator,
 * unparseable value). `kind` says where the policy sits: the principal elements are
 * meaningful only in resource-based policies and RCPs; identity-side policies name no principal.
 */
export function evalStatement(st: CompiledStatement, kind: PolicyKind, env: StatementEnv): Tri {
  let unknown = st.errors.length > 0;
  if (unknown) env.why = st.errors[0]!;
  if (st.effect === null) return U; // no usable Effect: never grants, never denies (noted)

  if (st.actions !== null && !matchActions(st, env.action)) return F;
  if (st.actions === null) unknown = true;

  const resourceSide = kind === 'resource' || kind === 'rcp';
  if (st.resources !== null) {
    const m = matchResources(st, env);
    if (m === F) return F;
    if (m === U) unknown = true;
  } else if (!resourceSide) {
    // Identity-side statements must name resources ("Policy statement must contain resources.").
    unknown = true;
    env.why = 'no Resource or NotResource';
  }

  env.form = NONE;
  if (resourceSide) {
    if (st.principal) {
      const f = matchPrincipal(st.principal, env.caller);
      if (f === NONE) return F;
      env.form = f;
    } else if (st.notPrincipal) {
      if (st.effect === 'Allow') {
        // NotPrincipal with Allow is not supported: it never grants.
        unknown = true;
        env.why = 'NotPrincipal with Allow is not supported';
      } else {
        const boundaryRule = env.hasBoundary && (env.caller.type === 'IAMUser' || env.caller.type === 'AssumedRole' || env.caller.type === 'FederatedUser');
        if (!boundaryRule && exemptedByNotPrincipal(st.notPrincipal, env.caller)) return F;
        env.form = DIRECT;
      }
    } else {
      unknown = true;
      env.why = 'resource-based policy statement names no Principal';
    }
  } else if (st.principal || st.notPrincipal) {
    unknown = true;
    env.why = 'Principal in a policy that cannot name one';
  }

  const conds = st.conditions;
  for (let i = 0; i < conds.length; i++) {
    const c = conds[i]!;
    const t = evalCondition(c, env);
    if (t === F) {
      env.failedCondition = i;
      return F;
    }
    if (t === U) {
      unknown = true;
      env.why =
        c.error ??
        (multivaluedWithoutSetOperator(c, env)
          ? `condition ${c.op} on ${c.key}: the request has several values and the operator has no ForAllValues/ForAnyValue`
          : `condition ${c.op} on ${c.key} could not be evaluated against the request value`);
    }
  }
  // "You can specify the role ARN in the Principal element or the aws:PrincipalArn condition key":
  // an account grant narrowed to the caller's role by aws:PrincipalArn names the role (capped by
  // boundary and session policy), while `*` narrowed the same way stays uncapped.
  if (env.form === ACCOUNT && st.narrowsPrincipalArn && env.caller.type === 'AssumedRole') env.form = PARENT;
  return unknown ? U : T;
}
