// Owns the evaluator's public contract: the request it decides and the decision it returns.
// This module (src/policy/) is pure: it imports nothing from the rest of iamlocal.
// Semantics: ../shared/reference/iam-evaluation.md. Schema mirrors ../shared/conformance/README.md.

/** Condition-key values: single-valued keys are strings, multivalued keys are arrays ([] = present, empty). */
export type ContextValue = string | string[];
/** The request context. Keys in canonical case; the evaluator looks them up case-insensitively. */
export type RequestContext = Record<string, ContextValue>;

export type PrincipalType =
  | 'IAMUser'
  | 'AssumedRole'
  | 'FederatedUser'
  | 'Root'
  | 'Anonymous'
  | 'Service'
  | 'WebIdentity'
  | 'SAML';

export interface EvalPrincipal {
  type: PrincipalType;
  /** User ARN, assumed-role *session* ARN, federated-user ARN or root ARN. */
  arn?: string;
  account?: string;
  /** AssumedRole: the role ARN, path included (this is aws:PrincipalArn). */
  roleArn?: string;
  roleId?: string;
  /** FederatedUser: the IAM user that called GetFederationToken. */
  federatingUserArn?: string;
  userId?: string;
  name?: string;
  /** Service principal, e.g. `cloudtrail.amazonaws.com`. */
  service?: string;
  /** WebIdentity / SAML: provider ARN or well-known host (accounts.google.com, …). */
  provider?: string;
  [extra: string]: unknown;
}

/** One policy document with a stable id (ARN for managed policies, e.g. `role/R/inline/P` for inline ones). */
export interface PolicySource {
  id: string;
  /** Raw JSON text or an already-parsed object. Compiled once and cached. */
  document: string | object;
  /** Friendly name for messages, optional. */
  name?: string;
}

export interface EvalPolicies {
  /** All identity-based policies of the principal (user + groups, or role; federated: the federating user's). */
  identity: PolicySource[];
  boundary: PolicySource | null;
  /** SCP levels root → OUs → account, of the *principal's* account; null = not governed. No implied FullAWSAccess. */
  scps: PolicySource[][] | null;
  /** RCP levels of the *resource owner's* account; RCPFullAWSAccess is implied at every level; null = not enabled. */
  rcps: PolicySource[][] | null;
  /** Session policies (inline Policy + PolicyArns) passed when the session was made; null = none passed. */
  session: PolicySource[] | null;
  /** The resource-based policy: a role's trust policy for sts:AssumeRole*, a key policy for KMS, … */
  resource: PolicySource | null;
}

export interface EvalRequest {
  principal: EvalPrincipal;
  action: string;
  /** Resource ARN, or `*` for actions without resource-level permissions. */
  resource: string;
  /** Account that owns the resource; defaults to the principal's account. */
  resourceAccount?: string;
  context: RequestContext;
  policies: EvalPolicies;
}

export type DecisionKind = 'allowed' | 'explicitDeny' | 'implicitDeny';

export type PolicyKind = 'identity' | 'boundary' | 'session' | 'scp' | 'rcp' | 'resource';

export interface StatementPosition {
  line: number;
  column: number;
}

export interface MatchedStatement {
  policyKind: PolicyKind;
  policyId: string;
  sid?: string;
  /** 0-based index of the statement within its policy's Statement array. */
  index: number;
  effect: 'Allow' | 'Deny';
  /** Where the statement starts/ends in the document text (for SimulatePrincipalPolicy). */
  start?: StatementPosition;
  end?: StatementPosition;
}

/**
 * A statement whose Action, Resource and Principal matched but one of whose conditions did not:
 * the first condition that evaluated false. Reported for Allow statements only (the grants that
 * would have applied), so an explanation can say "`…:sub` wanted X, the request had Y". The value
 * the request carried is not copied here: read it from the request context when explaining.
 */
export interface FailedCondition extends MatchedStatement {
  /** The operator as written, e.g. `StringEquals`, `ForAnyValue:StringLike`. */
  operator: string;
  /** The condition key as written. */
  key: string;
  /** The values the policy wants, as written (variables unresolved). */
  values: readonly string[];
}

/** The layer that denied, in the words AWS uses in AccessDenied messages. */
export interface DenialCause {
  kind: PolicyKind;
  explicit: boolean;
  /** AWS's phrase, e.g. "with an explicit deny in an identity-based policy" or
   *  "because no identity-based policy allows the s3:GetObject action". */
  phrase: string;
  policyId?: string;
  /** Finer reason when the phrase alone is ambiguous: `trustPolicyDoesNotAllow` (role trust policy
   *  did not allow the caller — AWS then appends no "because" clause), `keyPolicyDoesNotAllow`. */
  code?: 'trustPolicyDoesNotAllow' | 'keyPolicyDoesNotAllow';
}

export interface Decision {
  decision: DecisionKind;
  /** Present when denied: the first (most decisive) cause. */
  cause?: DenialCause;
  matchedStatements: MatchedStatement[];
  /** Context keys that conditions referred to but the request did not carry. */
  missingContextKeys: string[];
  /** Allow statements that matched but for a condition (present only when there are some). */
  failedConditions?: FailedCondition[];
  /** Why statements were skipped: unknown operator, unknown key type, unparseable value, … Never silently passed. */
  notes: string[];
  /** Per-layer outcomes, for SimulatePrincipalPolicy's detail fields. */
  layers: {
    identity?: DecisionKind;
    resource?: DecisionKind;
    boundary?: DecisionKind;
    session?: DecisionKind;
    scp?: DecisionKind;
    rcp?: DecisionKind;
  };
}

/** Which grammar a document is checked against (identity must not name a Principal; trust must; …). */
export type DocumentKind = 'identity' | 'trust' | 'resource' | 'boundary' | 'session' | 'scp' | 'rcp';

/** Thrown by validation; `message` is AWS's MalformedPolicyDocument text. Mapped to AwsError by callers. */
export class PolicyValidationError extends Error {
  readonly code = 'MalformedPolicyDocument';
  constructor(message: string) {
    super(message);
    this.name = 'PolicyValidationError';
  }
}
