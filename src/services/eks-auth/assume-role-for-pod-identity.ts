// Owns EKS Auth AssumeRoleForPodIdentity: the call the EKS Pod Identity Agent makes (SigV4, as the
// node role) to turn a pod's projected service-account token into role credentials.
// https://docs.aws.amazon.com/eks/latest/APIReference/API_auth_AssumeRoleForPodIdentity.html ;
// https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html ; pod-id-role.html ; pod-id-abac.html.
//
// Order: the caller is authorized for eks-auth:AssumeRoleForPodIdentity on the cluster ARN (the
// pipeline), then the token (verified in `prepare`, its failure held back until the caller passed),
// then the association of (namespace, service account), then the role's trust policy for the
// service principal pods.eks.amazonaws.com — sts:AssumeRole and, with session tags, sts:TagSession —
// evaluated by the full evaluator with the six session tags as aws:RequestTag/*. With a
// targetRoleArn the new session chains into the target role (sts:AssumeRole + sts:TagSession under
// the first role's identity policies and the target's trust policy, sts:ExternalId = the
// association's externalId, the one-hour chaining limit).
import type { JWK, JWTPayload } from 'jose';
import { ANONYMOUS, type Principal } from '../../auth/principal';
import { resolvePrincipal } from '../../auth/resolve-principal';
import { parseRoleArn } from '../../aws/arn';
import { AwsError, awsError } from '../../aws/errors';
import { decide } from '../../authz/authorize';
import { buildRequestContext } from '../../authz/request-context';
import { jwks as jwksOf, verifyWebIdentityToken } from '../../oidc/index';
import { accessDeniedMessage } from '../../policy/index';
import type { EvalPrincipal, RequestContext } from '../../policy/types';
import type { EksCluster } from '../../store/repos/eks-clusters';
import type { PodIdentityAssociation } from '../../store/repos/pod-identity';
import type { Session } from '../../store/repos/sessions';
import type { Tag } from '../../store/repos/tags';
import { eksArns } from '../eks/common';
import { PODS_SERVICE_PRINCIPAL } from '../eks/pod-identity-associations';
import { findRole, trustPolicyOf } from '../sts/assume-role';
import { credentialsOf, issueRoleSession, ROLE_CHAINING_MAX_SECONDS } from '../sts/issue-session';
import { resolveSessionTags } from '../sts/session-tags';
import { defineOperation, type Call } from '../types';
import { podIdentityErrors as E } from './errors';

/** The audience of Pod Identity tokens (the projected volume's `audience`). */
export const POD_IDENTITY_AUDIENCE = PODS_SERVICE_PRINCIPAL;
/** ⚠ The lifetime of Pod Identity credentials is not documented; one hour fits every role's MaxSessionDuration. */
export const POD_IDENTITY_SESSION_SECONDS = 3600;

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
const JWT_SHAPE = /^[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+\.[A-Za-z0-9\-_=]+$/;

export interface AssumeRoleForPodIdentityInput {
  clusterName: string;
  token: string;
}

interface VerifiedPodToken {
  cluster: EksCluster;
  namespace: string;
  serviceAccount: string;
  podName: string;
  podUid: string;
}

/** What `prepare` found: the verified token, or the error to answer once the caller is authorized. */
type Prepared = { ok: VerifiedPodToken } | { error: AwsError } | { noCluster: true };

function callerAccount(call: Call): string {
  return call.principal.accountId ?? call.config.defaultAccountId;
}

function unverifiedClaims(token: string): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Verifies a projected token against the cluster's key as STS verifies web identity tokens, with EKS Auth's errors. */
export async function verifyPodIdentityToken(cluster: EksCluster, token: string, now: Date): Promise<VerifiedPodToken> {
  if (!JWT_SHAPE.test(token)) throw E.malformedToken();
  const iss = unverifiedClaims(token).iss;
  if (iss !== cluster.issuer) throw E.wrongIssuer(cluster.name);
  let claims: JWTPayload;
  try {
    const provider = { arn: eksArns.cluster(cluster.region, cluster.accountId, cluster.name), url: cluster.issuer, clientIds: [POD_IDENTITY_AUDIENCE], jwks: jwksOf([JSON.parse(cluster.publicJwk) as JWK]).keys };
    claims = (await verifyWebIdentityToken(token, { providers: [provider], now })).claims;
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    if (e.code === 'ExpiredTokenException') throw E.expired(e.message);
    if (e.message === 'Incorrect token audience') throw E.wrongAudience();
    throw E.invalidToken(e.message);
  }
  const k8s = claims['kubernetes.io'] as { namespace?: unknown; serviceaccount?: { name?: unknown }; pod?: { name?: unknown; uid?: unknown } } | undefined;
  const namespace = k8s?.namespace;
  const serviceAccount = k8s?.serviceaccount?.name;
  if (typeof namespace !== 'string' || typeof serviceAccount !== 'string' || claims.sub !== `system:serviceaccount:${namespace}:${serviceAccount}`) {
    throw E.invalidToken('the kubernetes.io claims do not name the subject service account');
  }
  const pod = k8s?.pod;
  if (!pod || typeof pod.name !== 'string' || typeof pod.uid !== 'string') throw E.notPodBound();
  return { cluster, namespace, serviceAccount, podName: pod.name, podUid: pod.uid };
}

/**
 * `eks-<cluster>-<pod>-<uuid>` (the model's documented format), cut to STS's 64 characters: the
 * cluster name keeps at most 10, the pod name the rest (⚠ how EKS shortens long names is not documented).
 */
export function podIdentitySessionName(cluster: string, pod: string, uuid: string): string {
  const c = cluster.slice(0, 10);
  const room = 64 - 'eks-'.length - c.length - 2 - uuid.length;
  return `eks-${c}-${pod.slice(0, Math.max(1, room))}-${uuid}`.slice(0, 64);
}

/** The six session tags EKS adds (pod-id-abac.html), all transitive. */
export function podIdentitySessionTags(cluster: EksCluster, t: VerifiedPodToken): Tag[] {
  return [
    { Key: 'eks-cluster-arn', Value: eksArns.cluster(cluster.region, cluster.accountId, cluster.name) },
    { Key: 'eks-cluster-name', Value: cluster.name },
    { Key: 'kubernetes-namespace', Value: t.namespace },
    { Key: 'kubernetes-service-account', Value: t.serviceAccount },
    { Key: 'kubernetes-pod-name', Value: t.podName },
    { Key: 'kubernetes-pod-uid', Value: t.podUid },
  ];
}

function requestTags(tags: Tag[]): RequestContext {
  if (tags.length === 0) return {};
  const ctx: RequestContext = { 'aws:TagKeys': tags.map((t) => t.Key), 'sts:TransitiveTagKeys': tags.map((t) => t.Key) };
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  return ctx;
}

/**
 * One trust-policy question, evaluated by the full evaluator. A refusal is EKS Auth's
 * AccessDeniedException (400), with the reason spelled out.
 */
function requireAllowed(call: Call, q: { principal: Principal; evalPrincipal?: EvalPrincipal; callerLabel: string; action: string; roleArn: string; context: RequestContext }): void {
  const role = findRole(call, q.roleArn);
  const base = buildRequestContext(call.store, q.principal, { now: call.now, region: call.region, sourceIp: call.sourceIp, secureTransport: call.secureTransport, userAgent: call.userAgent });
  if (q.evalPrincipal?.type === 'Service') {
    // A service principal: no account, no user id; it is an AWS service (iam-condition-keys).
    delete base['aws:PrincipalAccount'];
    delete base['aws:PrincipalType'];
    delete base['aws:userid'];
    base['aws:PrincipalIsAWSService'] = 'true';
    base['aws:PrincipalServiceName'] = q.evalPrincipal.service!;
  }
  const { decision } = decide(call.store, {
    principal: q.principal,
    evalPrincipal: q.evalPrincipal,
    action: q.action,
    resource: q.roleArn,
    resourceAccount: parseRoleArn(q.roleArn)?.account,
    resourcePolicy: trustPolicyOf(role, q.roleArn),
    context: { ...base, ...q.context },
  });
  if (decision.decision === 'allowed' && role) return;
  const why = role
    ? `because the trust policy of role ${role.name} does not allow ${q.callerLabel} to perform ${q.action}${decision.decision === 'explicitDeny' ? ' (explicit deny)' : ''}`
    : 'because the role does not exist';
  const message = accessDeniedMessage(q.callerLabel, q.action, q.roleArn, decision);
  throw E.accessDenied(/ because | with an explicit deny /.test(message) ? message : `${message} ${why}`);
}

function prepared(call: Call): Prepared {
  const p = call.prepared as Prepared | undefined;
  if (!p) throw awsError('ServerException', 'Internal error');
  return p;
}

export const assumeRoleForPodIdentity = defineOperation({
  name: 'AssumeRoleForPodIdentity',
  service: 'eks-auth',
  http: { method: 'POST', path: '/clusters/{clusterName}/assume-role-for-pod-identity' },
  action: 'eks-auth:AssumeRoleForPodIdentity',
  mutating: true,
  input(params): AssumeRoleForPodIdentityInput {
    const clusterName = typeof params.clusterName === 'string' ? params.clusterName : '';
    if (clusterName.length < 1 || clusterName.length > 100 || !CLUSTER_NAME.test(clusterName)) throw E.invalidClusterName(clusterName);
    const token = params.token;
    // The member is sensitive: its value is never echoed.
    if (typeof token !== 'string' || token.length < 1) throw awsError('InvalidParameterException', "1 validation error detected: Value null at 'token' failed to satisfy constraint: Member must not be null");
    return { clusterName, token };
  },
  async prepare(input, call): Promise<Prepared> {
    const cluster = call.store.eksClusters.get(callerAccount(call), call.region, input.clusterName);
    if (!cluster) return { noCluster: true };
    try {
      return { ok: await verifyPodIdentityToken(cluster, input.token, call.now) };
    } catch (e) {
      if (e instanceof AwsError) return { error: e };
      throw e;
    }
  },
  resource: (input, call) => eksArns.cluster(call.region, callerAccount(call), input.clusterName),
  handler(input, call) {
    const p = prepared(call);
    if ('noCluster' in p) throw awsError('ResourceNotFoundException', `No cluster found for name: ${input.clusterName}.`);
    if ('error' in p) throw p.error;
    const t = p.ok;
    const { cluster } = t;
    const assoc = call.store.podIdentity.findAssociation(cluster.accountId, cluster.name, t.namespace, t.serviceAccount, cluster.region);
    if (!assoc) throw E.noAssociation(cluster.name, t.namespace, t.serviceAccount);
    const session = podIdentitySession(call, cluster, assoc, t);
    return {
      subject: { namespace: t.namespace, serviceAccount: t.serviceAccount },
      audience: POD_IDENTITY_AUDIENCE,
      podIdentityAssociation: { associationArn: assoc.arn, associationId: assoc.id },
      assumedRoleUser: { arn: session.principalArn, assumeRoleId: session.principalId },
      credentials: {
        sessionToken: session.sessionToken,
        secretAccessKey: session.secret,
        accessKeyId: session.accessKeyId,
        expiration: credentialsOf(session).Expiration,
      },
    };
  },
});

/** The role session (chained into the target role when the association has one). */
function podIdentitySession(call: Call, cluster: EksCluster, assoc: PodIdentityAssociation, t: VerifiedPodToken): Session {
  const tags = assoc.disableSessionTags ? [] : podIdentitySessionTags(cluster, t);
  const sessionName = podIdentitySessionName(cluster.name, t.podName, call.ids.requestId());
  const service: EvalPrincipal = { type: 'Service', service: PODS_SERVICE_PRINCIPAL };
  const context: RequestContext = {
    ...requestTags(tags),
    'sts:RoleSessionName': sessionName,
    // Confused-deputy keys EKS sets (aws-eks-best-practices; pod-id-role.html).
    'aws:SourceAccount': cluster.accountId,
    'aws:SourceArn': assoc.arn,
  };
  const asService = { principal: ANONYMOUS as Principal, evalPrincipal: service, callerLabel: PODS_SERVICE_PRINCIPAL, roleArn: assoc.roleArn, context };
  requireAllowed(call, { ...asService, action: 'sts:AssumeRole' });
  if (tags.length > 0) requireAllowed(call, { ...asService, action: 'sts:TagSession' });
  const role = findRole(call, assoc.roleArn)!;
  // Without a target role the association's session policy applies here; with one, to the target session.
  const first = issueRoleSession(call, {
    role,
    sessionName,
    seconds: Math.min(POD_IDENTITY_SESSION_SECONDS, role.maxSessionDuration),
    via: 'AssumeRoleForPodIdentity',
    chained: false,
    parentAccessKeyId: null,
    sourceIdentity: null,
    sessionPolicy: assoc.targetRoleArn ? null : assoc.policy,
    sessionPolicyArns: [],
    tags,
    transitiveTagKeys: tags.map((x) => x.Key),
  });
  if (!assoc.targetRoleArn) return first;

  // Role chaining into the target role, as the first role's session: its identity policies and the
  // target's trust policy are evaluated together (cross-account: both must allow), with the external id.
  const chainedPrincipal = resolvePrincipal(call.store, { kind: 'session', accessKeyId: first.accessKeyId, session: first });
  const inherited = resolveSessionTags([], [], first);
  const chainContext: RequestContext = { 'sts:RoleSessionName': sessionName, ...(assoc.externalId ? { 'sts:ExternalId': assoc.externalId } : {}) };
  const identity = { principal: chainedPrincipal, callerLabel: first.principalArn, roleArn: assoc.targetRoleArn, context: chainContext };
  requireAllowed(call, { ...identity, action: 'sts:AssumeRole' });
  if (inherited.tags.length > 0) requireAllowed(call, { ...identity, action: 'sts:TagSession' });
  const target = findRole(call, assoc.targetRoleArn)!;
  return issueRoleSession(call, {
    role: target,
    sessionName,
    seconds: Math.min(ROLE_CHAINING_MAX_SECONDS, target.maxSessionDuration),
    via: 'AssumeRoleForPodIdentity',
    chained: true,
    parentAccessKeyId: first.accessKeyId,
    sourceIdentity: null,
    sessionPolicy: assoc.policy,
    sessionPolicyArns: [],
    tags: inherited.tags,
    transitiveTagKeys: inherited.transitiveTagKeys,
  });
}
