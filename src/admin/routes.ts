// Owns the /_iamlocal/* endpoints: health (public), reset and clock (the admin account, admin-auth.ts), and the
// mock EKS clusters' OIDC discovery/JWKS documents (public, like EKS's own issuer URLs).
import type { Hono, Context } from 'hono';
import type { JWK } from 'jose';
import type { AppDeps } from '../app-deps';
import { AwsError, awsErrors } from '../aws/errors';
import { encodeError, toAwsError } from '../http/error-encode';
import { STS_NAMESPACE } from '../http/xml-encode';
import { discoveryDocument, eksJwksUri, jwks, matchLocalOidcPath, OIDC_CACHE_MAX_AGE_SECONDS, signingAlgorithmsOf } from '../oidc/index';
import { matchLocalOutboundPath, outboundDiscovery, outboundJwks } from '../oidc/outbound-token';
import { AdjustableClock } from '../runtime';
import { clearDiscoveryCache } from '../services/sts/oidc-discovery';
import { requireAdmin } from './admin-auth';
import { mountClusterAdmin } from './clusters';
import { mountSamlIdpAdmin } from './saml-idps';
import { mountWebhookAdmin } from './webhook';
import { ConsoleSessions } from './admin-access';
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

// The test clock stays within years 2000–2100: past them SigV4 dates, session expiries and ISO
// timestamps stop being representable (Date's limit answers RangeError → 500 on every request).
export const CLOCK_MIN_MS = Date.UTC(2000, 0, 1);
export const CLOCK_MAX_MS = Date.UTC(2101, 0, 1) - 1;

function saneClockTime(ms: number, what: string): Date {
  if (!(ms >= CLOCK_MIN_MS && ms <= CLOCK_MAX_MS)) {
    throw awsErrors.validation(
      `${what} would put the clock outside the years 2000–2100 (${new Date(CLOCK_MIN_MS).toISOString()} to ${new Date(CLOCK_MAX_MS).toISOString()}); the clock was not changed.`,
    );
  }
  return new Date(ms);
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
      enforcement: deps.config.enforce,
      // What was loaded (accounts, users, roles, clusters, oidcProviders, scps), data dir and port.
      ...(deps.summary ? (({ counts, dataDir, host, port }) => ({ counts, dataDir, host, port }))(deps.summary()) : {}),
    }),
  );

  // Decision log, snapshots and the web console share one access rule (admin-access.ts).
  const sessions = new ConsoleSessions();
  mountDecisionAdmin(app, deps, sessions);
  mountConsole(app, deps, sessions);

  app.post(`${ADMIN_PREFIX}/reset`, async (c) => {
    try {
      await requireAdmin(c, deps, 'Reset');
      if (!deps.reset) throw awsErrors.serviceFailure('reset is not available');
      await deps.reset();
      // Keys fetched from OIDC issuers are state too (trust mode C): a reset refetches them.
      clearDiscoveryCache(deps.store);
      deps.logger.info('reset', {});
      return c.json({ status: 'reset' });
    } catch (e) {
      return jsonError(c, deps, e);
    }
  });

  app.get(`${ADMIN_PREFIX}/clock`, async (c) => {
    try {
      await requireAdmin(c, deps, 'GetClock');
      return c.json(clockState(deps));
    } catch (e) {
      return jsonError(c, deps, e);
    }
  });

  // {"time": ISO} jumps; {"advanceSeconds": N} moves forward/back; {"reset": true} returns to the system clock.
  app.post(`${ADMIN_PREFIX}/clock`, async (c) => {
    try {
      const { body } = await requireAdmin(c, deps, 'SetClock');
      const clock = deps.clock;
      if (!(clock instanceof AdjustableClock)) throw awsErrors.validation('This server was started with a clock that cannot be adjusted.');
      let req: { time?: unknown; advanceSeconds?: unknown; reset?: unknown };
      try {
        req = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw awsErrors.validation('Body must be JSON: {"time": ISO-8601} | {"advanceSeconds": N} | {"reset": true}');
      }
      if (req.reset === true) clock.reset();
      else if (typeof req.time === 'string' && !Number.isNaN(Date.parse(req.time))) {
        clock.set(saneClockTime(Date.parse(req.time), `time ${JSON.stringify(req.time)}`));
      } else if (typeof req.advanceSeconds === 'number' && Number.isFinite(req.advanceSeconds)) {
        saneClockTime(clock.now().getTime() + req.advanceSeconds * 1000, `advanceSeconds ${req.advanceSeconds}`);
        clock.advance(req.advanceSeconds * 1000);
      } else throw awsErrors.validation('Body must be JSON: {"time": ISO-8601} | {"advanceSeconds": N} | {"reset": true}');
      return c.json(clockState(deps));
    } catch (e) {
      return jsonError(c, deps, e);
    }
  });

  // Mock EKS clusters, token minting and JWKS pinning (src/admin/clusters.ts; docs/irsa.md).
  mountClusterAdmin(app, deps);
  mountWebhookAdmin(app, deps);

  // Mock SAML IdPs: metadata and signed SAML responses (src/admin/saml-idps.ts; docs/saml.md).
  mountSamlIdpAdmin(app, deps);
  // Mock EC2 instances and ECS tasks whose roles IMDS and the ECS endpoint deliver (src/admin/workloads.ts).
  mountWorkloadAdmin(app, deps);

  // Outbound identity federation issuers (IAM EnableOutboundWebIdentityFederation): public, like AWS's
  // GET <issuer>/.well-known/openid-configuration and <issuer>/.well-known/jwks.json, served at
  // /_iamlocal/outbound/<issuer id>/.well-known/… (src/oidc/outbound-token.ts).
  app.get(`${ADMIN_PREFIX}/outbound/*`, (c) => {
    const m = matchLocalOutboundPath(c.req.path);
    const o = m ? deps.store.accountFeatures.outboundByIssuer(m.issuerId) : null;
    if (!m || !o) return c.json({ error: 'not found' }, 404);
    c.header('cache-control', `public, max-age=${OIDC_CACHE_MAX_AGE_SECONDS}`);
    return c.json(m.document === 'jwks' ? outboundJwks(o) : outboundDiscovery(o.issuerId));
  });

  // IAM temporary delegation: SendDelegationToken "sends" the exchange token to the request's
  // notification channel (an SNS topic iamlocal does not have); the admin reads it here.
  app.get(`${ADMIN_PREFIX}/delegation-requests/:id`, async (c) => {
    try {
      await requireAdmin(c, deps, 'ReadDelegationNotifications');
      const d = deps.store.delegationRequests.get(c.req.param('id'));
      if (!d) return c.json({ error: 'not found' }, 404);
      return c.json({ delegationRequestId: d.id, state: d.state, notificationChannel: d.body.notificationChannel, tradeInToken: d.body.tradeInToken ?? null, expiresAt: d.expiresAt });
    } catch (e) {
      return jsonError(c, deps, e);
    }
  });

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
