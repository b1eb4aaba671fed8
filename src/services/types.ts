// Owns the operation-table contract: what every STS/IAM operation declares (IAM action, resource,
// extra condition keys, resource policy, mutating?) next to its handler, and the Call a handler gets.
// Handlers never see HTTP: `(input, call) => output`.
import type { DecisionLog } from '../observe/decisions';
import type { Principal, SignedPrincipal } from '../auth/principal';
import type { Config, Logger } from '../config';
import type { EvalPrincipal, PolicySource, RequestContext } from '../policy/types';
import type { Clock, IdSource } from '../runtime';
import type { RestBinding } from '../http/rest-json';
import type { Store } from '../store/store';

/**
 * Every emulated service by its SigV4 signing name (the credential scope's service). A new service
 * adds its name here and its entry (operation table + protocol) to SERVICES in src/app.ts.
 */
export type ServiceName = 'sts' | 'iam' | 'organizations' | 'ec2' | 'eks' | 'eks-auth' | 'access-analyzer';

/** Expanded awsQuery parameters (`X.member.N` → arrays, `X.member.N.F` → objects). */
export type Params = Record<string, unknown>;

export interface Call<P extends Principal = Principal> {
  requestId: string;
  /** Request time (frozen for the whole request). */
  now: Date;
  service: ServiceName;
  /** The region of the SigV4 credential scope (the configured default for unsigned requests). */
  region: string;
  principal: P;
  sourceIp: string;
  userAgent: string | null;
  secureTransport: boolean;
  store: Store;
  clock: Clock;
  ids: IdSource;
  config: Config;
  logger: Logger;
  /** Whatever the operation's async `prepare` step produced (e.g. a verified web identity token). */
  prepared?: unknown;
  /** The decision log (the simulator records its evaluations there, marked simulated). */
  decisions?: DecisionLog;
}

/** One authorization question beyond the operation's own (e.g. sts:TagSession alongside sts:AssumeRole). */
export interface AuthzCheck {
  action: string;
  resource: string;
  resourceAccount?: string;
  resourcePolicy?: PolicySource | null;
  context?: RequestContext;
}

export interface Operation<I = unknown, O = unknown> {
  /** The AWS operation name, i.e. the `Action` parameter. */
  name: string;
  service: ServiceName;
  /** restJson1 services: the model's `http` trait (method, URI template, query members, success status). */
  http?: RestBinding;
  /** The IAM action authorized, e.g. `iam:CreateRole`. Every operation has one: nothing is unmapped. */
  action: string;
  /** Writes state: runs inside one store transaction. (Reads run in one too, for a consistent view.) */
  mutating: boolean;
  /** AssumeRoleWithWebIdentity / AssumeRoleWithSAML: no SigV4; the principal is anonymous and only the trust policy decides. */
  unsigned?: boolean;
  /**
   * Set only where AWS itself does no authorization (GetCallerIdentity: "No permissions are required
   * to perform this operation", https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
   * Every other operation is authorized; there is no default that skips it.
   */
  noAuthorization?: { reason: string };
  /** Decodes and validates parameters (model constraints → ValidationError) before authorization. */
  input(params: Params, call: Call): I;
  /** Async work that must happen outside the transaction (token verification, JWKS fetch). */
  prepare?(input: I, call: Call): Promise<unknown>;
  /** Hard refusals AWS makes before policy evaluation (e.g. root calling AssumeRole). */
  guard?(input: I, call: Call<SignedPrincipal> | Call): void;
  /** The resource ARN the action is authorized against (`*` for actions without resource-level permissions). */
  resource(input: I, call: Call): string;
  /** Account owning the resource when not the caller's (cross-account AssumeRole). */
  resourceAccount?(input: I, call: Call): string;
  /** The resource-based policy, e.g. the role's trust policy for sts:AssumeRole (undefined/null = none). */
  resourcePolicy?(input: I, call: Call): PolicySource | null | undefined;
  /** Who the evaluator sees when it is not the signed caller (AssumeRoleWithWebIdentity: the token's OIDC provider). */
  evalPrincipal?(input: I, call: Call): EvalPrincipal;
  /** Action-specific condition keys (iam:PermissionsBoundary, sts:ExternalId, aws:RequestTag/…). */
  conditionKeys?(input: I, call: Call): RequestContext;
  /**
   * How AccessDenied names the resource when IAM does not print the bare ARN: existing roles and users
   * as `role NAME` / `user NAME`, managed policies as `policy ARN` (undefined = the resource ARN).
   */
  resourceLabel?(input: I, call: Call): string | undefined;
  /** Further checks that must also be allowed (e.g. sts:TagSession, sts:SetSourceIdentity). */
  extraChecks?(input: I, call: Call): AuthzCheck[];
  handler(input: I, call: Call): O;
}

/** Helper that keeps the generic types of one operation together. */
export function defineOperation<I, O>(op: Operation<I, O>): Operation<I, O> {
  return op;
}

export type OperationTable = ReadonlyMap<string, Operation<any, any>>;

export function operationTable(ops: Operation<any, any>[]): OperationTable {
  const m = new Map<string, Operation<any, any>>();
  for (const op of ops) {
    if (m.has(op.name)) throw new Error(`duplicate operation ${op.name}`);
    if (!/^[a-z0-9-]+:[A-Za-z0-9]+$/.test(op.action)) throw new Error(`operation ${op.name} has no valid IAM action`);
    m.set(op.name, op);
  }
  return m;
}
