// Owns the web console at /_iamlocal/console: static HTML/JS/CSS (src/admin/console-assets, no
// build step) and the JSON it reads. The page itself holds no data; everything it shows needs the
// admin access rule (admin-access.ts): the login form signs one request with SigV4 in the browser
// (WebCrypto) and gets an HttpOnly, SameSite=Strict session cookie back; writes need the CSRF token.
//   POST   /_iamlocal/console/session     SigV4-signed login → {accountId, csrf} + cookie
//   GET    /_iamlocal/console/session     the current session (→ 403 without one)
//   DELETE /_iamlocal/console/session     logout
//   GET    /_iamlocal/console/api/principals   roles, users, groups, policies, OIDC providers, clusters, SCPs by OU
//   POST   /_iamlocal/console/api/simulate     {principal, actions, resources, context} via iam:SimulatePrincipalPolicy
import type { Context, Hono } from 'hono';
import { readFileSync } from 'node:fs';
import { callFromDeps, type AppDeps } from '../app-deps';
import type { RootPrincipal } from '../auth/principal';
import { awsErrors } from '../aws/errors';
import { entityPolicies, managedPolicySource } from '../authz/gather-policies';
import { clearedCookie, cookieToken, requireAdminOrSession, sessionCookie, type ConsoleSessions } from './admin-access';
import { requireAdmin } from './admin-auth';
import { adminJsonError } from './decisions';

const PREFIX = '/_iamlocal/console';

const ASSETS: Record<string, string> = {
  '': 'index.html',
  '/': 'index.html',
  '/console.js': 'console.js',
  '/console.css': 'console.css',
};
const TYPES: Record<string, string> = { html: 'text/html; charset=utf-8', js: 'text/javascript; charset=utf-8', css: 'text/css; charset=utf-8' };

/** The assets sit next to this module in the source tree and next to the bundle in dist/. */
function readAsset(file: string): string {
  const candidates = [new URL(`./console-assets/${file}`, import.meta.url), new URL(`../src/admin/console-assets/${file}`, import.meta.url)];
  for (const u of candidates) {
    try {
      return readFileSync(u, 'utf8');
    } catch {
      // next candidate
    }
  }
  throw new Error(`console asset ${file} is missing`);
}

function securityHeaders(c: Context): void {
  c.header('cache-control', 'no-store');
  c.header('x-content-type-options', 'nosniff');
  c.header('x-frame-options', 'DENY');
  c.header('referrer-policy', 'no-referrer');
  c.header('content-security-policy', "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; form-action 'none'; frame-ancestors 'none'; base-uri 'none'");
}

function principalsView(store: AppDeps['store']) {
  const policyView = (p: { id: string; name?: string; document: string | object }) => ({ id: p.id, name: p.name ?? p.id, document: typeof p.document === 'string' ? p.document : JSON.stringify(p.document, null, 2) });
  const boundary = (arn: string | null) => (arn ? policyView(managedPolicySource(store, arn)) : null);
  const all = <T>(list: (marker?: string) => { items: T[]; marker?: string | null }) => {
    const out: T[] = [];
    let marker: string | undefined;
    for (let i = 0; i < 1000; i++) {
      const page = list(marker);
      out.push(...page.items);
      if (!page.marker) break;
      marker = page.marker;
    }
    return out;
  };
  const accounts = store.accounts.list().map((a) => {
    const roles = all((marker) => store.roles.list(a.id, { marker, maxItems: 1000 })).map((r) => ({
      arn: r.arn,
      name: r.name,
      trustPolicy: r.trustPolicy,
      boundary: boundary(r.boundaryArn),
      policies: entityPolicies(store, 'role', r.id, r.name).map(policyView),
    }));
    const users = all((marker) => store.users.list(a.id, { marker, maxItems: 1000 })).map((u) => ({
      arn: u.arn,
      name: u.name,
      groups: store.groups.groupsOfUser(u.id).map((g) => g.name),
      boundary: boundary(u.boundaryArn),
      policies: entityPolicies(store, 'user', u.id, u.name).map(policyView),
    }));
    const groups = all((marker) => store.groups.list(a.id, { marker, maxItems: 1000 })).map((g) => ({
      arn: g.arn,
      name: g.name,
      policies: entityPolicies(store, 'group', g.id, g.name).map(policyView),
    }));
    const oidcProviders = store.oidcProviders.list(a.id).map((p) => ({ arn: p.arn, url: p.url, clientIds: p.clientIds }));
    return { id: a.id, alias: a.alias ?? null, roles, users, groups, oidcProviders };
  });
  const clusters = store.eksClusters.list().map((c) => ({ name: c.name, accountId: c.accountId, region: c.region, issuer: c.issuer }));
  const organizations = store.organizations.list().map((o) => {
    const unit = (u: { id: string; name: string; kind: string }): unknown => ({
      id: u.id,
      name: u.name,
      kind: u.kind,
      scps: store.organizations.attachedTo(u.id, 'SERVICE_CONTROL_POLICY').map((p) => ({ name: p.name, document: p.content })),
      rcps: store.organizations.attachedTo(u.id, 'RESOURCE_CONTROL_POLICY').map((p) => ({ name: p.name, document: p.content })),
      accounts: store.organizations.accounts(o.id, u.id).map((a) => ({
        id: a.accountId,
        scps: store.organizations.attachedTo(a.accountId, 'SERVICE_CONTROL_POLICY').map((p) => ({ name: p.name, document: p.content })),
      })),
      children: store.organizations.unitsUnder(u.id).map(unit),
    });
    return { id: o.id, managementAccountId: o.managementAccountId, root: unit(store.organizations.root(o.id)) };
  });
  return { accounts, clusters, organizations };
}

function asList(v: unknown, what: string): string[] {
  const list = typeof v === 'string' ? v.split(/[\n,]/) : Array.isArray(v) ? v : null;
  if (!list) throw awsErrors.validation(`${what} must be a list of strings`);
  return list.map((x) => String(x).trim()).filter(Boolean);
}

export function mountConsole(app: Hono, deps: AppDeps, sessions: ConsoleSessions): void {
  for (const [path, file] of Object.entries(ASSETS)) {
    app.get(`${PREFIX}${path}`, (c) => {
      securityHeaders(c);
      c.header('content-type', TYPES[file.slice(file.lastIndexOf('.') + 1)]!);
      return c.body(readAsset(file));
    });
  }

  app.post(`${PREFIX}/session`, async (c) => {
    try {
      // Only a SigV4-signed request opens a session (never a cookie, never a bare password).
      const { accountId, principal, region } = await requireAdmin(c, deps, 'UseConsole');
      const { token, csrf, maxAge } = sessions.create(accountId, principal, region);
      c.header('set-cookie', sessionCookie(token, maxAge));
      c.header('cache-control', 'no-store');
      return c.json({ accountId, csrf, enforce: deps.config.enforce });
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });

  app.get(`${PREFIX}/session`, (c) => {
    const s = sessions.get(cookieToken(c));
    c.header('cache-control', 'no-store');
    if (!s) return c.json({ error: { code: 'AccessDenied', message: 'Not signed in.' } }, 403);
    return c.json({ accountId: s.accountId, csrf: s.csrf, enforce: deps.config.enforce });
  });

  app.delete(`${PREFIX}/session`, async (c) => {
    try {
      await requireAdminOrSession(c, deps, sessions, 'UseConsole');
      sessions.delete(cookieToken(c));
      c.header('set-cookie', clearedCookie);
      return c.json({ status: 'signed out' });
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });

  app.get(`${PREFIX}/api/principals`, async (c) => {
    try {
      await requireAdminOrSession(c, deps, sessions, 'UseConsole');
      return c.json(principalsView(deps.store));
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });

  // The simulator form runs iam:SimulatePrincipalPolicy itself (same evaluator, same records, marked simulated).
  app.post(`${PREFIX}/api/simulate`, async (c) => {
    try {
      const { accountId, body } = await requireAdminOrSession(c, deps, sessions, 'UseConsole');
      let req: { principal?: unknown; actions?: unknown; resources?: unknown; context?: unknown };
      try {
        req = JSON.parse(body.toString('utf8') || '{}');
      } catch {
        throw awsErrors.validation('Body must be JSON: {"principal": ARN, "actions": [...], "resources": [...], "context": [{"key","values","type"}]}');
      }
      if (typeof req.principal !== 'string' || !req.principal) throw awsErrors.validation('principal must be a user, group or role ARN');
      const actions = asList(req.actions, 'actions');
      const resources = req.resources === undefined ? [] : asList(req.resources, 'resources');
      const context = Array.isArray(req.context) ? req.context : [];
      const params = {
        PolicySourceArn: req.principal,
        ActionNames: actions,
        ...(resources.length ? { ResourceArns: resources } : {}),
        ...(context.length
          ? {
              ContextEntries: context.map((e: { key?: unknown; values?: unknown; type?: unknown }) => ({
                ContextKeyName: String(e?.key ?? ''),
                ContextKeyValues: asList(e?.values ?? [], 'context values'),
                ContextKeyType: String(e?.type ?? 'string'),
              })),
            }
          : {}),
      };
      const requestId = deps.ids.requestId();
      const principal: RootPrincipal = { kind: 'root', accountId, arn: `arn:aws:iam::${accountId}:root`, userId: accountId, accessKeyId: 'console', session: null };
      const call = callFromDeps(deps, {
        requestId,
        now: deps.clock.now(),
        service: 'iam',
        region: deps.config.defaultRegion,
        principal,
        sourceIp: '127.0.0.1',
        userAgent: c.req.header('user-agent') ?? null,
      });
      // The simulator's module comes with IAM's (imported on first use, like IAM's operation table in app.ts).
      const { simulatePrincipalPolicy } = await import('../services/iam/simulate');
      const input = simulatePrincipalPolicy.input(params, call);
      const result = simulatePrincipalPolicy.handler(input, call) as { EvaluationResults: unknown[] };
      return c.json({ requestId, results: result.EvaluationResults, decisions: deps.decisions.query({ requestId, limit: 1000 }).decisions });
    } catch (e) {
      return adminJsonError(c, deps, e);
    }
  });
}
