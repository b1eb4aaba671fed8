// Owns the pod identity webhook's admin endpoints (root credentials only; docs/irsa.md):
//   GET    /_iamlocal/webhook                                   where it listens, its CA (the caBundle), its SANs
//   GET    /_iamlocal/clusters/NAME/webhook                     the cluster's webhook flags (defaults filled in)
//   PUT    /_iamlocal/clusters/NAME/webhook                     {region?, regionalSts?, audience?, tokenExpiration?,
//                                                                stsEndpointUrl?, iamEndpointUrl?, containerCredentialsFullUri?}
//   GET    /_iamlocal/clusters/NAME/service-accounts            the service accounts the webhook knows
//   PUT    /_iamlocal/clusters/NAME/service-accounts/NS/SA      {"annotations": {"eks.amazonaws.com/role-arn": …}} or {"roleArn": …}
//   DELETE /_iamlocal/clusters/NAME/service-accounts/NS/SA
// Service accounts normally arrive by themselves: the manifest `iamlocal kind` writes sends ServiceAccount
// admission reviews to the webhook. The PUT is for service accounts that existed before it was installed.
import type { Context, Hono } from 'hono';
import type { AppDeps } from '../app-deps';
import { awsErrors } from '../aws/errors';
import { webhookFlagsFor, type WebhookSettings } from '../webhook/identities';
import { ANNOTATION_DOMAIN, MIN_TOKEN_EXPIRATION, ROLE_ARN_ANNOTATION } from '../webhook/pod-mutation';
import { requireAdmin } from './admin-auth';
import { adminError, CLUSTERS_PATH, findCluster, jsonBody } from './clusters';

export const WEBHOOK_PATH = '/_iamlocal/webhook';

const invalid = (m: string) => awsErrors.validation(m);
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
/** The role ARN shape upstream's cache checks (pkg/cache/cache.go). */
const ROLE_ARN = /^arn:aws[a-z0-9-]*:iam::\d{12}:role\/[\w\-/.@+=,]+$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function url(v: unknown, what: string): string {
  if (typeof v !== 'string') throw invalid(`${what} must be an http(s) URL.`);
  let u: URL;
  try {
    u = new URL(v);
  } catch {
    throw invalid(`${what} must be an http(s) URL, got ${JSON.stringify(v)}.`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw invalid(`${what} must be an http(s) URL, got ${JSON.stringify(v)}.`);
  return v;
}

/** Validates a settings body; unknown members are refused so a typo never silently does nothing. */
export function checkWebhookSettings(b: Record<string, unknown>): WebhookSettings {
  const out: WebhookSettings = {};
  for (const [k, v] of Object.entries(b)) {
    switch (k) {
      case 'region':
        if (typeof v !== 'string' || (v !== '' && !REGION.test(v))) throw invalid('region must be a region name or "" (no AWS_REGION / AWS_DEFAULT_REGION).');
        out.region = v;
        break;
      case 'regionalSts':
        if (typeof v !== 'boolean') throw invalid('regionalSts must be true or false.');
        out.regionalSts = v;
        break;
      case 'audience':
        if (typeof v !== 'string' || v === '') throw invalid('audience must be a non-empty string.');
        out.audience = v;
        break;
      case 'tokenExpiration':
        if (typeof v !== 'number' || !Number.isInteger(v) || v < MIN_TOKEN_EXPIRATION) throw invalid(`tokenExpiration must be an integer number of seconds ≥ ${MIN_TOKEN_EXPIRATION}.`);
        out.tokenExpiration = v;
        break;
      case 'stsEndpointUrl':
      case 'iamEndpointUrl':
        out[k] = v === null ? null : url(v, k);
        break;
      case 'containerCredentialsFullUri':
        out.containerCredentialsFullUri = url(v, k);
        break;
      default:
        throw invalid(`unknown webhook setting ${JSON.stringify(k)}.`);
    }
  }
  return out;
}

/** Validates a service account's annotations body. */
export function checkServiceAccountBody(b: Record<string, unknown>): Record<string, string> {
  const annotations: Record<string, string> = {};
  if (b.roleArn !== undefined) {
    if (typeof b.roleArn !== 'string') throw invalid('roleArn must be a string.');
    annotations[ROLE_ARN_ANNOTATION] = b.roleArn;
  }
  if (b.annotations !== undefined) {
    const a = b.annotations;
    if (!a || typeof a !== 'object' || Array.isArray(a)) throw invalid('annotations must be an object of strings.');
    for (const [k, v] of Object.entries(a)) {
      if (typeof v !== 'string') throw invalid(`annotations[${JSON.stringify(k)}] must be a string.`);
      if (!k.startsWith(`${ANNOTATION_DOMAIN}/`)) throw invalid(`annotation ${JSON.stringify(k)} is not an ${ANNOTATION_DOMAIN}/ annotation; the webhook reads only those.`);
      annotations[k] = v;
    }
  }
  const role = annotations[ROLE_ARN_ANNOTATION];
  if (role === undefined) throw invalid(`${ROLE_ARN_ANNOTATION} (or roleArn) is required.`);
  if (!ROLE_ARN.test(role)) throw invalid(`${ROLE_ARN_ANNOTATION} ${JSON.stringify(role)} is not a role ARN (arn:aws:iam::123456789012:role/NAME).`);
  return annotations;
}

export function mountWebhookAdmin(app: Hono, deps: AppDeps): void {
  const { store } = deps;
  const rootCall = (c: Context) => requireAdmin(c, deps, 'ManageWebhook');

  app.get(WEBHOOK_PATH, async (c) => {
    try {
      await rootCall(c);
      const w = deps.webhook?.() ?? null;
      if (!w) return c.json({ enabled: false, hint: 'start iamlocal with --webhook-port N (env IAMLOCAL_WEBHOOK_PORT) to serve the pod identity webhook' });
      return c.json({ enabled: true, url: w.url, port: w.port, sans: w.sans, caCert: w.caCert, caBundle: Buffer.from(w.caCert).toString('base64') });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  app.get(`${CLUSTERS_PATH}/:name/webhook`, async (c) => {
    try {
      const { accountId } = await rootCall(c);
      const cl = findCluster(store, c.req.param('name'), accountId, c.req.query('region'));
      return c.json({ cluster: cl.name, path: `/clusters/${cl.id}/mutate`, flags: webhookFlagsFor(store, cl) });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  app.put(`${CLUSTERS_PATH}/:name/webhook`, async (c) => {
    try {
      const { accountId, body } = await rootCall(c);
      const cl = findCluster(store, c.req.param('name'), accountId, c.req.query('region'));
      const settings = checkWebhookSettings(jsonBody(body));
      store.transaction(() => store.webhook.putSettings(cl.id, settings, deps.clock.now().toISOString()));
      return c.json({ cluster: cl.name, path: `/clusters/${cl.id}/mutate`, flags: webhookFlagsFor(store, cl) });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  app.get(`${CLUSTERS_PATH}/:name/service-accounts`, async (c) => {
    try {
      const { accountId } = await rootCall(c);
      const cl = findCluster(store, c.req.param('name'), accountId, c.req.query('region'));
      return c.json({ serviceAccounts: store.webhook.serviceAccounts(cl.id).map(({ clusterId: _, ...sa }) => sa) });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  const nsAndName = (c: Context) => {
    const namespace = c.req.param('ns') ?? '';
    const name = c.req.param('sa') ?? '';
    if (!DNS_LABEL.test(namespace) || namespace.length > 63) throw invalid(`namespace ${JSON.stringify(namespace)} is not a Kubernetes namespace name.`);
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) throw invalid(`service account ${JSON.stringify(name)} is not a Kubernetes object name.`);
    return { namespace, name };
  };

  app.put(`${CLUSTERS_PATH}/:name/service-accounts/:ns/:sa`, async (c) => {
    try {
      const { accountId, body } = await rootCall(c);
      const cl = findCluster(store, c.req.param('name'), accountId, c.req.query('region'));
      const { namespace, name } = nsAndName(c);
      const annotations = checkServiceAccountBody(jsonBody(body));
      const updatedAt = deps.clock.now().toISOString();
      store.transaction(() => store.webhook.putServiceAccount({ clusterId: cl.id, namespace, name, annotations, source: 'admin', updatedAt }));
      return c.json({ namespace, name, annotations, source: 'admin', updatedAt });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  app.delete(`${CLUSTERS_PATH}/:name/service-accounts/:ns/:sa`, async (c) => {
    try {
      const { accountId } = await rootCall(c);
      const cl = findCluster(store, c.req.param('name'), accountId, c.req.query('region'));
      const { namespace, name } = nsAndName(c);
      const existed = store.transaction(() => store.webhook.deleteServiceAccount(cl.id, namespace, name));
      if (!existed) throw awsErrors.noSuchEntity(`The webhook knows no service account ${namespace}/${name} in cluster ${cl.name}.`);
      return c.json({ deleted: `${namespace}/${name}` });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });
}
