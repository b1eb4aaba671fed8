// Owns the /_iamlocal/* endpoints: health (public), reset and clock (root credentials only), and the
// mock EKS clusters' OIDC discovery/JWKS documents (public, like EKS's own issuer URLs).
import type { Hono, Context } from 'hono';
import type { JWK } from 'jose';
import type { AppDeps } from '../app';
import { AwsError, awsErrors } from '../aws/errors';
import { encodeError, toAwsError } from '../http/error-encode';
import { STS_NAMESPACE } from '../http/xml-encode';
import { discoveryDocument, eksJwksUri, jwks, matchLocalOidcPath, OIDC_CACHE_MAX_AGE_SECONDS, signingAlgorithmsOf } from '../oidc/index';
import { AdjustableClock } from '../runtime';
import { requireRoot } from './admin-auth';
import { ConsoleSessions } from './admin-access';
import { mountClusterAdmin } from './clusters';
import { mountConsole } from './console';
import { mountDecisionAdmin } from './decisions';
import { mountWorkloadAdmin } from './workloads';

export const ADMIN_PREFIX = '/_iamlocal';
const startedAt = Date.now();

function jsonError(c: Context, deps: AppDeps, e: unknown): Response {
  const err = toAwsError(e);
  if (!(e instanceof AwsError)) deps.logger.error('admin error', { error: e instanceof Error ? e.stack : String(e) });
  const requestId = deps.ids.requestId();
  const { status } = encodeError(err, requestId, STS_NAMESPACE);
  return c.json({ error: { code: err.code, message: err.message }, requestId }, status as 400);
}

function clockState(deps: AppDeps) {
  return { time: deps.clock.now().toISOString(), adjustable: deps.clock instanceof AdjustableClock };
}

export function mountAdmin(app: Hono, deps: AppDeps): void {
  app.get(`${ADMIN_PREFIX}/health`, (c) =>
    c.json({
      status: 'ok',
      time: deps.clock.now().toISOString(),
      uptimeSeconds: Math.round((Date.now() - startedAt) / 1000),
      accountId: deps.config.defaultAccountId,
      region: deps.config.defaultRegion,
      storage: deps.config.inMemory ? 'memory' : 'file',
      enforce: deps.config.enforce,
    }),
  );

  // Decision log, snapshots and the web console share one access rule (admin-access.ts).
  const sessions = new ConsoleSessions();
  mountDecisionAdmin(app, deps, sessions);
  mountConsole(app, deps, sessions);

  app.post(`${ADMIN_PREFIX}/reset`, async (c) => {
    try {
      await requireRoot(c, deps.store, deps.clock.now());
      if (!deps.reset) throw awsErrors.serviceFailure('reset is not available');
      await deps.reset();
      deps.logger.info('reset', {});
      return c.json({ status: 'reset' });
    } catch (e) {
      return jsonError(c, deps, e);
    }
  });

  app.get(`${ADMIN_PREFIX}/clock`, async (c) => {
    try {
      await requireRoot(c, deps.store, deps.clock.now());
      return c.json(clockState(deps));
    } catch (e) {
      return jsonError(c, deps, e);
    }
  });

  // {"time": ISO} jumps; {"advanceSeconds": N} moves forward/back; {"reset": true} returns to the system clock.
  app.post(`${ADMIN_PREFIX}/clock`, async (c) => {
    try {
      const { body } = await requireRoot(c, deps.store, deps.clock.now());
      const clock = deps.clock;
      if (!(clock instanceof AdjustableClock)) throw awsErrors.validation('This server was started with a clock that cannot be adjusted.');
      let req: { time?: unknown; advanceSeconds?: unknown; reset?: unknown };
      try {
        req = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw awsErrors.validation('Body must be JSON: {"time": ISO-8601} | {"advanceSeconds": N} | {"reset": true}');
      }
      if (req.reset === true) clock.reset();
      else if (typeof req.time === 'string' && !Number.isNaN(Date.parse(req.time))) clock.set(new Date(req.time));
      else if (typeof req.advanceSeconds === 'number' && Number.isFinite(req.advanceSeconds)) clock.advance(req.advanceSeconds * 1000);
      else throw awsErrors.validation('Body must be JSON: {"time": ISO-8601} | {"advanceSeconds": N} | {"reset": true}');
      return c.json(clockState(deps));
    } catch (e) {
      return jsonError(c, deps, e);
    }
  });

  // Mock EKS clusters, token minting and JWKS pinning (src/admin/clusters.ts; docs/irsa.md).
  mountClusterAdmin(app, deps);

  // Mock EC2 instances and ECS tasks whose roles IMDS and the ECS endpoint deliver (src/admin/workloads.ts).
  mountWorkloadAdmin(app, deps);

  // Mock EKS issuers: GET /_iamlocal/oidc/<ID>/.well-known/openid-configuration and /_iamlocal/oidc/<ID>/keys.
  app.get(`${ADMIN_PREFIX}/oidc/*`, (c) => {
    const m = matchLocalOidcPath(c.req.path);
    const cluster = m ? deps.store.eksClusters.getById(m.id) : null;
    if (!m || !cluster) return c.json({ error: 'not found' }, 404);
    const publicJwk = JSON.parse(cluster.publicJwk) as JWK;
    c.header('cache-control', `public, max-age=${OIDC_CACHE_MAX_AGE_SECONDS}`);
    if (m.document === 'jwks') return c.json(jwks([publicJwk]));
    return c.json(discoveryDocument(cluster.issuer, eksJwksUri(cluster.issuer), { signingAlgorithms: signingAlgorithmsOf([publicJwk]) }));
  });
}
