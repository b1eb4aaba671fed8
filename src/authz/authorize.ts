// Owns the authorization step: one EvalRequest per check (principal, action, resource, context, every
// applicable policy) → the pure evaluator → one decision record → AccessDenied 403 with AWS's message
// on any deny (in audit mode the deny is recorded as `would-deny` and the request goes on).
import type { Principal } from '../auth/principal';
import type { DecisionLog, EnforceMode } from '../observe/decisions';
import { awsErrors } from '../aws/errors';
import { accessDeniedMessage, evaluate } from '../policy/index';
import type { Decision, EvalPrincipal, EvalRequest, PolicySource, RequestContext } from '../policy/types';
import { authorizationMessageHeader } from './authorization-message';
import type { Store } from '../store/store';
import { boundaryPolicy, identityPolicies, orgPolicyLevels, sessionPolicies } from './gather-policies';
import { resourceKeys, resourceTagContext } from './request-context';

export function evalPrincipal(p: Principal): EvalPrincipal {
  switch (p.kind) {
    case 'root':
      return { type: 'Root', arn: p.arn, account: p.accountId, userId: p.userId };
    case 'user':
      return { type: 'IAMUser', arn: p.arn, account: p.accountId, userId: p.userId, name: p.user.name };
    case 'assumed-role':
      return { type: 'AssumedRole', arn: p.arn, account: p.accountId, roleArn: p.roleArn, roleId: p.roleId, userId: p.userId, name: p.sessionName };
    case 'federated-user':
      return { type: 'FederatedUser', arn: p.arn, account: p.accountId, userId: p.userId, federatingUserArn: p.user?.arn ?? `arn:aws:iam::${p.accountId}:root` };
    case 'anonymous':
      return { type: 'Anonymous', account: 'anonymous', userId: 'anonymous' };
  }
}

export interface AuthzRequest {
  principal: Principal;
  action: string;
  resource: string;
  /** Account that owns the resource (defaults to the principal's). */
  resourceAccount?: string;
  resourcePolicy?: PolicySource | null;
  context: RequestContext;
  /** Who the evaluator sees when it is not the signed principal (AssumeRoleWithWebIdentity: the token's provider). */
  evalPrincipal?: EvalPrincipal;
  /** The resource as the AccessDenied text names it, when not the ARN (`role NAME`, `policy ARN`). */
  resourceLabel?: string;
}

/** Builds the complete EvalRequest for one question. */
export function buildEvalRequest(store: Store, r: AuthzRequest): EvalRequest {
  const p = r.principal;
  const resourceAccount = r.resourceAccount ?? p.accountId ?? undefined;
  return {
    principal: r.evalPrincipal ?? evalPrincipal(p),
    action: r.action,
    resource: r.resource,
    resourceAccount,
    // The target's own tags (aws:ResourceTag/…) first; keys the operation supplies win.
    // aws:ResourceAccount / aws:ResourceOrgID / aws:ResourceOrgPaths of the owning account, unless supplied.
    // (Both are fresh objects of their own: assigned into, not spread into a third.)
    context: Object.assign(resourceTagContext(store, r.resource), resourceKeys(store, resourceAccount, p.accountId, r.context), r.context),
    policies: {
      identity: identityPolicies(store, p),
      boundary: boundaryPolicy(store, p),
      scps: p.accountId ? orgPolicyLevels(store, p.accountId, 'SERVICE_CONTROL_POLICY') : null,
      rcps: resourceAccount ? orgPolicyLevels(store, resourceAccount, 'RESOURCE_CONTROL_POLICY') : null,
      session: sessionPolicies(store, p.session),
      resource: r.resourcePolicy ?? null,
    },
  };
}

/** Evaluates and returns the decision (never throws for a deny). */
export function decide(store: Store, r: AuthzRequest): { request: EvalRequest; decision: Decision } {
  const request = buildEvalRequest(store, r);
  let decision: Decision;
  try {
    decision = evaluate(request);
  } catch (e) {
    // An evaluation error is never an Allow (architecture.md habit 9).
    decision = {
      decision: 'implicitDeny',
      matchedStatements: [],
      missingContextKeys: [],
      notes: [`evaluation error: ${e instanceof Error ? e.message : String(e)}`],
      layers: {},
    };
  }
  return { request, decision };
}

/** Where authorize() records its decision, and whether a denial is enforced. */
export interface AuthzRecording {
  log: DecisionLog;
  requestId: string;
  time: Date;
  /** Default `enforce`. `audit`: a denial is recorded as would-deny and not thrown. */
  mode?: EnforceMode;
  /** Set by authorize() to the last denial it saw (for the request log line). */
  denied?: { request: EvalRequest; decision: Decision };
}

/**
 * Authorizes or throws AccessDenied with AWS's message ("User: … is not authorized to perform: … because …").
 * With `rec`, the decision is recorded first; in audit mode a denial is returned instead of thrown
 * (check `decision.decision`).
 */
export function authorize(store: Store, r: AuthzRequest, rec?: AuthzRecording): Decision {
  const { request, decision } = decide(store, r);
  const audit = rec?.mode === 'audit';
  if (rec) {
    rec.log.record({
      requestId: rec.requestId,
      time: rec.time,
      principal: r.principal,
      request,
      decision,
      outcome: decision.decision === 'allowed' ? 'allowed' : audit ? 'would-deny' : 'denied',
    });
    if (decision.decision !== 'allowed') rec.denied = { request, decision };
  }
  if (decision.decision !== 'allowed' && !audit) {
    const caller = r.principal.arn ?? 'anonymous';
    // Federation callers have no ARN: AWS says only `Not authorized to perform <action>` (also for the
    // sts:TagSession / sts:SetSourceIdentity checks of AssumeRoleWithWebIdentity, ⚠ inferred).
    const federated = request.principal.type === 'WebIdentity' || request.principal.type === 'SAML';
    const message = federated ? `Not authorized to perform ${r.action}` : accessDeniedMessage(caller, r.action, r.resourceLabel ?? r.resource, decision);
    // Every AccessDenied carries a reference to its decision, held for sts:DecodeAuthorizationMessage.
    throw awsErrors.accessDenied(message, { detail: decision, headers: authorizationMessageHeader(request, decision) });
  }
  return decision;
}
