// Owns running a policy simulation: every ActionName × ResourceArn through the real evaluator with the
// policies the subject would carry (gathered by src/authz), shaped as IAM's EvaluationResult.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EvaluationResult.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_SimulatePrincipalPolicy.html
import { parseArn } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { orgPolicyLevels } from '../../authz/gather-policies';
import { xmlMap } from '../../http/xml-encode';
import { evaluate } from '../../policy/index';
import type { Decision, EvalPrincipal, EvalRequest, MatchedStatement, PolicySource, RequestContext } from '../../policy/types';
import { decodeMarker, encodeMarker } from '../../store/paging';
import type { Store } from '../../store/store';

/** Who is simulated and which policies they carry. */
export interface SimulationSubject {
  principal: EvalPrincipal;
  /** The principal's own context keys (aws:PrincipalArn, aws:username, aws:PrincipalTag/…). */
  principalContext: RequestContext;
  account: string;
  identity: PolicySource[];
  boundary: PolicySource | null;
  /** SCP levels root → OUs → account, or null when no organization policy applies. */
  scps: PolicySource[][] | null;
  /** Ids of RCPs left out of the simulation (PolicyExclusionList). */
  excludedRcps?: ReadonlySet<string>;
}

export interface SimulationParams {
  actions: string[];
  /** `*` when the request named none. */
  resources: string[];
  resourcePolicy: string | null;
  /** 12-digit account owning resources whose ARN names none (ResourceOwner). */
  resourceOwner: string | null;
  context: RequestContext;
  marker?: string;
  maxItems: number;
  /** Sees each evaluation (the decision log records simulations, marked simulated). */
  onDecision?: (request: EvalRequest, decision: Decision) => void;
}

/** Ids iamlocal gives policies that come from request parameters rather than the store. */
export const INPUT_POLICY = (n: number) => `PolicyInputList.${n}`;
export const BOUNDARY_INPUT_POLICY = (n: number) => `PermissionsBoundaryPolicyInputList.${n}`;
export const RESOURCE_POLICY_ID = 'ResourcePolicy';
/** iamlocal extension: a role's trust policy standing in as the resource policy of sts:AssumeRole*. */
export const TRUST_POLICY_ID = 'AssumeRolePolicyDocument';

const INLINE_ID = /^(role|user|group)\/[^/]+\/inline\/(.+)$/;

/**
 * Statement.SourcePolicyId / SourcePolicyType for a policy id (model enum: user | group | role |
 * aws-managed | user-managed | resource | none). Inline policies are named by policy name, managed
 * ones by policy name with their kind, request-supplied documents by their parameter position.
 */
export function policyLabel(id: string): { SourcePolicyId: string; SourcePolicyType: string } {
  const inline = INLINE_ID.exec(id);
  if (inline) return { SourcePolicyId: inline[2]!, SourcePolicyType: inline[1]! };
  if (id.startsWith('arn:')) {
    const a = parseArn(id);
    const name = id.slice(id.lastIndexOf('/') + 1);
    return { SourcePolicyId: name, SourcePolicyType: a?.account === 'aws' ? 'aws-managed' : 'user-managed' };
  }
  if (id === RESOURCE_POLICY_ID || id === TRUST_POLICY_ID) return { SourcePolicyId: id, SourcePolicyType: 'resource' };
  // Outside the model's enum, but what AWS answers for request-supplied identity policies
  // (recorded SimulateCustomPolicy / SimulatePrincipalPolicy responses: "SourcePolicyType": "IAM Policy").
  if (/^PolicyInputList\.\d+$/.test(id)) return { SourcePolicyId: id, SourcePolicyType: 'IAM Policy' };
  return { SourcePolicyId: id, SourcePolicyType: 'none' };
}

/**
 * MatchedStatements: statements of the principal's policies, its boundary and the resource policy.
 * SCP statements are reported only through OrganizationsDecisionDetail, as AWS does.
 * EndPosition is the column just after the statement's closing brace (AWS's positions are 1-based,
 * end exclusive: a statement closed by `}` in column 1 ends at column 2).
 */
function statements(matched: MatchedStatement[]): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  for (const m of matched) {
    if (m.policyKind !== 'identity' && m.policyKind !== 'boundary' && m.policyKind !== 'resource') continue;
    out.push({
      ...policyLabel(m.policyId),
      StartPosition: m.start ? { Line: m.start.line, Column: m.start.column } : undefined,
      EndPosition: m.end ? { Line: m.end.line, Column: m.end.column + 1 } : undefined,
    });
  }
  return out;
}

function accountOfResource(resource: string, owner: string | null, fallback: string): string {
  const a = resource === '*' ? null : parseArn(resource);
  if (a && /^\d{12}$/.test(a.account)) return a.account;
  return owner ?? fallback;
}

/**
 * iamlocal extension (beyond AWS, whose simulator does not simulate resource policies of roles):
 * sts:AssumeRole* on the ARN of a role iamlocal holds is evaluated with that role's trust policy as
 * the resource policy, so "may X assume R?" is answered the way AssumeRole itself would answer it.
 */
function trustPolicyFor(store: Store, action: string, resource: string): { policy: PolicySource; account: string } | null {
  if (!/^sts:assumerole(withwebidentity|withsaml)?$/i.test(action)) return null;
  const role = resource === '*' ? null : store.roles.getByArn(resource);
  if (!role) return null;
  return { policy: { id: TRUST_POLICY_ID, name: `${role.name} trust policy`, document: role.trustPolicy }, account: role.accountId };
}

/** Organization policy levels without the excluded policies (a level keeps its place, possibly empty). */
export function withoutExcluded(levels: PolicySource[][] | null, excluded: ReadonlySet<string> | undefined): PolicySource[][] | null {
  if (!levels || !excluded || excluded.size === 0) return levels;
  return levels.map((level) => level.filter((p) => !excluded.has(p.id)));
}

function evaluateOne(store: Store, subject: SimulationSubject, p: SimulationParams, action: string, resource: string): { decision: Decision; crossAccount: boolean } {
  let resourcePolicy: PolicySource | null = p.resourcePolicy === null ? null : { id: RESOURCE_POLICY_ID, document: p.resourcePolicy };
  let resourceAccount = accountOfResource(resource, p.resourceOwner, subject.account);
  if (!resourcePolicy) {
    const trust = trustPolicyFor(store, action, resource);
    if (trust) {
      resourcePolicy = trust.policy;
      resourceAccount = trust.account;
    }
  }
  const request: EvalRequest = {
    principal: subject.principal,
    action,
    resource,
    resourceAccount,
    context: { ...subject.principalContext, ...p.context },
    policies: {
      identity: subject.identity,
      boundary: subject.boundary,
      scps: subject.scps,
      rcps: withoutExcluded(store.accounts.get(resourceAccount) ? orgPolicyLevels(store, resourceAccount, 'RESOURCE_CONTROL_POLICY') : null, subject.excludedRcps),
      session: null,
      resource: resourcePolicy,
    },
  };
  const decision = evaluate(request);
  p.onDecision?.(request, decision);
  // The evaluator never throws; an internal failure comes back as a deny with a note. The simulator
  // reports it as AWS's PolicyEvaluation error rather than a confident (and wrong) answer.
  const failure = decision.notes.find((n) => n.startsWith('evaluation error'));
  if (failure) throw awsErrors.policyEvaluation(`Policy evaluation failed for ${action} on ${resource}: ${failure}`);
  return { decision, crossAccount: resourceAccount !== subject.account };
}

/** One EvaluationResult per action × resource, in request order; paged by Marker/MaxItems. */
export function runSimulation(store: Store, subject: SimulationSubject, p: SimulationParams): Record<string, unknown> {
  const pairs: [string, string][] = [];
  for (const action of p.actions) for (const resource of p.resources) pairs.push([action, resource]);
  const startText = decodeMarker(p.marker);
  const start = startText === null ? 0 : Number(startText);
  if (!Number.isInteger(start) || start < 0 || start > pairs.length) throw awsErrors.validation('Invalid Marker.');
  const page = pairs.slice(start, start + p.maxItems);

  const results = page.map(([action, resource]) => {
    const { decision, crossAccount } = evaluateOne(store, subject, p, action, resource);
    const matched = statements(decision.matchedStatements);
    const missing = decision.missingContextKeys;
    const boundaryDetail = decision.layers.boundary !== undefined ? { AllowedByPermissionsBoundary: decision.layers.boundary === 'allowed' } : undefined;
    // EvalDecisionDetails: per policy type, filled for cross-account simulations; present but empty
    // for same-account ones naming a resource; absent for `*` (API_EvaluationResult.html).
    // Key names (⚠ only "IAM Policy" / "Resource Policy" are seen in AWS output; the boundary's is a guess).
    const details =
      crossAccount ? xmlMap({
        'IAM Policy': decision.layers.identity ?? 'implicitDeny',
        'Resource Policy': decision.layers.resource ?? 'implicitDeny',
        ...(decision.layers.boundary !== undefined ? { 'Permissions Boundary Policy': decision.layers.boundary } : {}),
      })
      : resource !== '*' ? xmlMap({})
      : undefined;
    return {
      EvalActionName: action,
      EvalResourceName: resource,
      EvalDecision: decision.decision,
      MatchedStatements: matched,
      MissingContextValues: missing,
      OrganizationsDecisionDetail: decision.layers.scp !== undefined ? { AllowedByOrganizations: decision.layers.scp === 'allowed' } : undefined,
      PermissionsBoundaryDecisionDetail: boundaryDetail,
      EvalDecisionDetails: details,
      ResourceSpecificResults:
        resource === '*' ? undefined
        // AWS's recorded same-account answers carry `EvalDecisionDetails: {}` on the result but none
        // inside ResourceSpecificResults: only a filled one (cross-account) is repeated there.
        : [{ EvalResourceName: resource, EvalResourceDecision: decision.decision, MatchedStatements: matched, MissingContextValues: missing, EvalDecisionDetails: crossAccount ? details : undefined, PermissionsBoundaryDecisionDetail: boundaryDetail }],
    };
  });
  const next = start + page.length;
  return next < pairs.length
    ? { EvaluationResults: results, IsTruncated: true, Marker: encodeMarker(String(next)) }
    : { EvaluationResults: results, IsTruncated: false };
}
