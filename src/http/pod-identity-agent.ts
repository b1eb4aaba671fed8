// Owns the EKS Pod Identity Agent's credentials endpoint, served by iamlocal itself:
//   GET /v1/credentials            the cluster is the one whose issuer signed the token (its `iss`)
//   GET /v1/credentials/<cluster>  the cluster named (as the agent's --cluster-name)
// with the pod's projected token (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE) verbatim in Authorization,
// exactly what the SDKs' container credential providers send to AWS_CONTAINER_CREDENTIALS_FULL_URI.
// The agent (aws/eks-pod-identity-agent: pkg/handlers/eks_credential_handler.go, internal/validation,
// pkg/errors) checks the token parses and is unexpired, calls EKS Auth AssumeRoleForPodIdentity as
// the node and answers {AccessKeyId, SecretAccessKey, Token, AccountId, Expiration}; errors are
// text/plain `[<request id>]: (<Code>): <message>, fault: client|server` with EKS Auth's status.
//
// iamlocal runs AssumeRoleForPodIdentity through the same pipeline stages (authorization included)
// as the root user of the cluster's account: the agent's node role in a real cluster holds
// eks-auth:AssumeRoleForPodIdentity, and root always does unless an SCP says otherwise. The agent's
// Host check (169.254.170.23 only) is not made: SDKs accept http://127.0.0.1:<port> and https URLs too.
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../app';
import type { RootPrincipal } from '../auth/principal';
import { arns } from '../aws/arn';
import { AwsError, awsError } from '../aws/errors';
import { parseEksIssuerUrl } from '../oidc/index';
import type { Params } from '../services/types';
import type { EksCluster } from '../store/repos/eks-clusters';
import { encodeRestJsonError } from './rest-json';

export const POD_IDENTITY_AGENT_PATH = '/v1/credentials';

export type InvokeEksAuth = (c: Context, req: { params: Params; principal: RootPrincipal; region: string }) => Promise<{ output: unknown; requestId: string }>;

interface AgentCredentials {
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken: string; expiration: Date };
  assumedRoleUser: { arn: string };
}

/** Go's http.Error: text/plain, nosniff, the message and a newline. */
function agentError(c: Context, status: number, message: string): Response {
  return c.body(`${message}\n`, status as 400, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
}

function claimsOf(token: string): Record<string, unknown> | null {
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const v: unknown = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** The agent's own checks (golang-jwt ParseUnverified + Validate), with its messages. */
function validateToken(token: string, nowSec: number): string | null {
  if (token === '') return 'Service account token cannot be empty';
  const claims = claimsOf(token);
  if (!claims) return 'Service account token cannot be parsed: token is malformed: could not parse the token';
  const num = (k: string) => (typeof claims[k] === 'number' ? (claims[k] as number) : undefined);
  const exp = num('exp');
  const nbf = num('nbf');
  if (exp !== undefined && nowSec >= exp) return 'Service account token failed basic claim validations: token has invalid claims: token is expired';
  if (nbf !== undefined && nowSec < nbf) return 'Service account token failed basic claim validations: token has invalid claims: token is not valid yet';
  return null;
}

/** The cluster a request means: by name (the path), else by the token's issuer. */
function clusterFor(clusters: EksCluster[], name: string | undefined, iss: unknown): EksCluster | null {
  const byName = name === undefined ? clusters : clusters.filter((cl) => cl.name === name);
  const parsed = typeof iss === 'string' ? parseEksIssuerUrl(iss) : null;
  const byIssuer = byName.find((cl) => cl.issuer === iss || (parsed !== null && cl.id === parsed.id));
  if (byIssuer) return byIssuer;
  return name === undefined ? null : (byName[0] ?? null);
}

export function mountPodIdentityAgent(app: Hono, deps: AppDeps, invoke: InvokeEksAuth): void {
  const handle = async (c: Context, name: string | undefined): Promise<Response> => {
    const token = (c.req.header('authorization') ?? '').trim();
    const now = deps.clock.now();
    const invalid = validateToken(token, Math.floor(now.getTime() / 1000));
    if (invalid) return agentError(c, 400, invalid);
    const cluster = clusterFor(deps.store.eksClusters.list(), name, claimsOf(token)!.iss);
    if (!cluster) {
      const err = awsError('ResourceNotFoundException', name === undefined ? 'No cluster found for the token issuer.' : `No cluster found for name: ${name}.`);
      return agentError(c, 404, `[${deps.ids.requestId()}]: (${err.code}): ${err.message}, fault: client`);
    }
    const principal: RootPrincipal = {
      kind: 'root',
      accountId: cluster.accountId,
      arn: arns.root(cluster.accountId),
      userId: cluster.accountId,
      accessKeyId: '',
      session: null,
    };
    try {
      const { output } = await invoke(c, { params: { clusterName: cluster.name, token }, principal, region: cluster.region });
      const o = output as AgentCredentials;
      return c.json(
        {
          AccessKeyId: o.credentials.accessKeyId,
          SecretAccessKey: o.credentials.secretAccessKey,
          Token: o.credentials.sessionToken,
          // The agent parses the account from the assumed-role ARN.
          AccountId: o.assumedRoleUser.arn.split(':')[4],
          // RFC 3339 (Go's RFC3339Nano drops a zero fraction).
          Expiration: o.credentials.expiration.toISOString().replace('.000Z', 'Z'),
        },
        200,
      );
    } catch (e) {
      const err = e instanceof AwsError ? e : awsError('ServerException', 'Internal error');
      const requestId = err.headers?.['x-amzn-RequestId'] ?? deps.ids.requestId();
      const wire = encodeRestJsonError(err, requestId);
      const code = wire.headers['x-amzn-ErrorType'];
      const message = (JSON.parse(wire.body) as { message: string }).message;
      return agentError(c, wire.status, `[${requestId}]: (${code}): ${message}, fault: ${wire.status >= 500 ? 'server' : 'client'}`);
    }
  };
  app.get(POD_IDENTITY_AGENT_PATH, (c) => handle(c, undefined));
  app.get(`${POD_IDENTITY_AGENT_PATH}/:cluster`, (c) => handle(c, c.req.param('cluster')));
}
