// Owns authentication and authorization of the admin endpoints (/_iamlocal/reset, clock, clusters, …):
// the body is streamed and cut off at 1 MiB before anything else, then a SigV4 signature (any service
// name in the scope) is verified, and the caller must belong to the configured admin account
// (config.adminAccountId, default 000000000000): its root user, or an IAM user or role session of that
// account whose policies allow `iamlocal:<Name>` on `*` through the same evaluator as every AWS call
// (AdministratorAccess does; the root of any other seeded account never does).
import type { Context } from 'hono';
import { lookupCredential, signingReferenceTime } from '../auth/authenticate';
import type { SignedPrincipal } from '../auth/principal';
import { resolvePrincipal } from '../auth/resolve-principal';
import { parseSigV4, verifySigV4 } from '../auth/sigv4';
import { awsErrors } from '../aws/errors';
import { authorize } from '../authz/authorize';
import { buildRequestContext } from '../authz/request-context';
import type { Config } from '../config';
import { incoming, readBody } from '../http/read-body';
import { requestPartsFromFetch, requestPartsFromNode } from '../http/request-parts';
import type { Clock } from '../runtime';
import type { Store } from '../store/store';

export const ADMIN_MAX_BODY_BYTES = 1024 * 1024;

/** The admin operations, as the IAM actions `iamlocal:<Name>` policies grant. */
export type AdminAction =
  | 'Reset'
  | 'GetClock'
  | 'SetClock'
  | 'ListClusters'
  | 'CreateCluster'
  | 'GetCluster'
  | 'GetClusterSigningKey'
  | 'MintServiceAccountToken'
  | 'PutOidcProviderJwks'
  | 'PutOidcProviderNetworkFetch'
  | 'DeleteCluster'
  | 'ManageSamlIdps'
  | 'ManageWebhook'
  | 'ManageWorkloads'
  | 'ReadDecisions'
  | 'ManageSnapshots'
  | 'UseConsole'
  | 'ReadDelegationNotifications';

export interface AdminDeps {
  store: Store;
  clock: Clock;
  config: Pick<Config, 'adminAccountId'>;
}

export interface AdminCaller {
  /** The admin account (the account the caller belongs to). */
  accountId: string;
  principal: SignedPrincipal;
  /** The region of the request's SigV4 scope. */
  region: string;
  body: Buffer;
}

function sourceIp(c: Context): string {
  const addr = incoming(c)?.socket?.remoteAddress ?? '127.0.0.1';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

/** Verifies the caller may perform admin action `action`; throws the AwsError to answer otherwise. */
export async function requireAdmin(c: Context, deps: AdminDeps, action: AdminAction): Promise<AdminCaller> {
  const { store } = deps;
  const now = deps.clock.now();
  // Admin bodies are tiny JSON documents: streamed and cut off at the limit (chunked ones too).
  const body = await readBody(c, ADMIN_MAX_BODY_BYTES);
  const node = incoming(c);
  const parts = node ? requestPartsFromNode(node, body) : requestPartsFromFetch(c.req.raw, body);
  const auth = parseSigV4(parts);
  if (!auth) throw awsErrors.missingAuthenticationToken();
  const { credential, secret } = lookupCredential(store, auth, now);
  // Signed with the client's real clock even after the test clock moved (see signingReferenceTime).
  verifySigV4(parts, auth, secret, signingReferenceTime(auth, now, new Date()), auth.service);
  const principal = resolvePrincipal(store, credential);
  authorizeAdmin(c, deps, principal, action, auth.region);
  return { accountId: deps.config.adminAccountId, principal, region: auth.region, body };
}

/**
 * The admin rule for an authenticated principal: it belongs to the admin account, and is its root user
 * or is allowed `iamlocal:<action>` on `*` by the evaluator. Throws AccessDenied otherwise. Used again for
 * every request made with a console session, so a session can do no more than its principal may.
 */
export function authorizeAdmin(c: Context, deps: AdminDeps, principal: SignedPrincipal, action: AdminAction, region: string): void {
  const adminAccount = deps.config.adminAccountId;
  if (principal.accountId !== adminAccount) {
    throw awsErrors.accessDenied(
      `User: ${principal.arn} is not authorized to perform: iamlocal:${action} because only principals of the admin account ${adminAccount} may call the iamlocal admin endpoints`,
    );
  }
  if (principal.kind === 'root') return;
  const now = deps.clock.now();
  authorize(deps.store, {
    principal,
    action: `iamlocal:${action}`,
    resource: '*',
    context: buildRequestContext(deps.store, principal, { now, region, sourceIp: sourceIp(c), secureTransport: false, userAgent: c.req.header('user-agent') ?? null }),
  });
}

