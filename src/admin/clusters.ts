// Owns the mock EKS cluster admin endpoints (root credentials only): create/list/get clusters (each an
// OIDC issuer with its own persisted signing key), download the key pair for kind (trust mode A),
// mint projected service-account tokens, pin a JWKS on an IAM OIDC provider (trust mode B) or let it
// fetch its issuer's keys over the network (trust mode C, off by default).
// Endpoints are documented in docs/irsa.md.
import type { Context, Hono } from 'hono';
import type { JWK } from 'jose';
import type { AppDeps } from '../app';
import { arns } from '../aws/arn';
import { AwsError, awsErrors } from '../aws/errors';
import { encodeError, toAwsError } from '../http/error-encode';
import { STS_NAMESPACE } from '../http/xml-encode';
import {
  clusterKeyFromPem,
  clusterKeyPems,
  eksIssuerUrl,
  generateClusterKey,
  isEksOidcId,
  jwks,
  localOidcPaths,
  mintServiceAccountToken,
  newClusterOidcId,
  providerUrlFromIssuer,
  publicJwkMembers,
  serviceAccountSubject,
  type ClusterKey,
} from '../oidc/index';
import type { EksCluster } from '../store/repos/eks-clusters';
import type { OidcProvider } from '../store/repos/oidc-providers';
import type { Store } from '../store/store';
import { requireRoot } from './admin-auth';

export const CLUSTERS_PATH = '/_iamlocal/clusters';
export const OIDC_PROVIDER_JWKS_PATH = '/_iamlocal/oidc-providers/jwks';
export const OIDC_PROVIDER_FETCH_PATH = '/_iamlocal/oidc-providers/network-fetch';

const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
const ACCOUNT = /^\d{12}$/;

const invalid = (m: string) => awsErrors.validation(m);

export function adminError(c: Context, deps: AppDeps, e: unknown): Response {
  const err = toAwsError(e);
  if (!(e instanceof AwsError)) deps.logger.error('admin error', { error: e instanceof Error ? e.stack : String(e) });
  const requestId = deps.ids.requestId();
  const { status } = encodeError(err, requestId, STS_NAMESPACE);
  return c.json({ error: { code: err.code, message: err.message }, requestId }, status as 400);
}

export function jsonBody(body: Buffer): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(body.toString('utf8') || '{}');
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw invalid('Body must be a JSON object.');
}

/** How a cluster is shown by the admin API. */
export function clusterView(store: Store, cl: EksCluster) {
  const paths = localOidcPaths(cl.id);
  const provider = store.oidcProviders.findByUrl(cl.accountId, providerUrlFromIssuer(cl.issuer));
  return {
    name: cl.name,
    accountId: cl.accountId,
    region: cl.region,
    id: cl.id,
    issuer: cl.issuer,
    kid: cl.kid,
    oidcProviderArn: provider?.arn ?? null,
    discoveryPath: paths.discovery,
    jwksPath: paths.jwks,
    createdAt: cl.createdAt,
  };
}

export interface NewClusterSpec {
  accountId: string;
  region: string;
  name: string;
  id?: string;
  key: ClusterKey;
  /** Client ids of the IAM OIDC provider to create for the issuer; null = create none. */
  oidcProviderClientIds: string[] | null;
}

/** Stores a cluster (and, if asked, the IAM OIDC provider that trusts its key). Synchronous: run in a transaction. */
export function createCluster(store: Store, spec: NewClusterSpec, ids: AppDeps['ids'], now: Date): EksCluster {
  const at = now.toISOString();
  if (!store.accounts.get(spec.accountId)) throw awsErrors.noSuchEntity(`Account ${spec.accountId} does not exist.`);
  if (store.eksClusters.get(spec.accountId, spec.region, spec.name)) {
    throw awsErrors.entityAlreadyExists(`Cluster ${spec.name} already exists in ${spec.accountId}/${spec.region}.`);
  }
  const id = spec.id ?? newClusterOidcId(ids);
  if (store.eksClusters.getById(id)) throw awsErrors.entityAlreadyExists(`Cluster OIDC id ${id} is already used by another cluster.`);
  const cluster = store.eksClusters.create({
    accountId: spec.accountId,
    region: spec.region,
    name: spec.name,
    id,
    issuer: eksIssuerUrl(spec.region, id),
    privateJwk: JSON.stringify(spec.key.privateJwk),
    publicJwk: JSON.stringify(spec.key.publicJwk),
    kid: spec.key.kid,
    createdAt: at,
  });
  if (spec.oidcProviderClientIds) {
    const url = providerUrlFromIssuer(cluster.issuer);
    const pinned = JSON.stringify(jwks([spec.key.publicJwk]));
    const existing = store.oidcProviders.findByUrl(spec.accountId, url);
    if (existing) store.oidcProviders.update(existing.arn, { clientIds: spec.oidcProviderClientIds, jwks: pinned });
    else {
      store.oidcProviders.create({
        arn: arns.oidcProvider(spec.accountId, url),
        accountId: spec.accountId,
        url,
        clientIds: spec.oidcProviderClientIds,
        thumbprints: [],
        jwks: pinned,
        allowNetworkFetch: false,
        createdAt: at,
      });
    }
  }
  return cluster;
}

function findCluster(store: Store, name: string, account: string, region: string | undefined): EksCluster {
  const matches = store.eksClusters.list().filter((cl) => cl.name === name && cl.accountId === account && (region === undefined || cl.region === region));
  if (matches.length === 0) throw awsErrors.noSuchEntity(`No cluster named ${name} in account ${account}${region ? ` region ${region}` : ''}.`);
  if (matches.length > 1) throw invalid(`Several clusters are named ${name}; pass ?region=.`);
  return matches[0];
}

/** The IAM OIDC provider named by the body's providerArn in the caller's account, or NoSuchEntity. */
function ownProvider(store: Store, accountId: string, b: Record<string, unknown>): { arn: string; provider: OidcProvider } {
  const arn = typeof b.providerArn === 'string' ? b.providerArn : '';
  const provider = store.oidcProviders.get(arn);
  if (!provider || provider.accountId !== accountId) throw awsErrors.noSuchEntity(`OpenIDConnect provider not found for ARN ${arn}`);
  return { arn, provider };
}

function stringList(v: unknown, what: string): string[] {
  const list = typeof v === 'string' ? [v] : v;
  if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string' && x !== '')) throw invalid(`${what} must be a non-empty string or list of strings.`);
  return list as string[];
}

/** A JWKS as uploaded (`kubectl get --raw /openid/v1/jwks`): public RSA/EC keys only, private members refused. */
export function checkUploadedJwks(v: unknown): { keys: JWK[] } {
  const doc = typeof v === 'string' ? (() => { try { return JSON.parse(v) as unknown; } catch { throw invalid('jwks is not JSON.'); } })() : v;
  const keys = (doc as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) throw invalid('jwks must be a JSON Web Key Set: {"keys": [...]} with at least one key.');
  return {
    keys: keys.map((k, i) => {
      if (!k || typeof k !== 'object') throw invalid(`jwks.keys[${i}] is not an object.`);
      const jwk = k as JWK;
      if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') throw invalid(`jwks.keys[${i}]: only RSA and EC keys can verify web identity tokens (kty ${String(jwk.kty)}).`);
      if (jwk.d !== undefined) throw invalid(`jwks.keys[${i}] contains a private key; upload public keys only.`);
      return publicJwkMembers(jwk);
    }),
  };
}

export function mountClusterAdmin(app: Hono, deps: AppDeps): void {
  const { store } = deps;
  const rootCall = (c: Context) => requireRoot(c, store, deps.clock.now());

  app.get(CLUSTERS_PATH, async (c) => {
    try {
      await rootCall(c);
      return c.json({ clusters: store.eksClusters.list().map((cl) => clusterView(store, cl)) });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  // {"name", "region"?, "accountId"?, "id"?, "privateKeyPem"?, "oidcProvider"?: {"clientIds": [...]} | false}
  app.post(CLUSTERS_PATH, async (c) => {
    try {
      const { accountId: caller, body } = await rootCall(c);
      const b = jsonBody(body);
      const name = typeof b.name === 'string' && CLUSTER_NAME.test(b.name) && b.name.length <= 100 ? b.name : null;
      if (!name) throw invalid('name is required: 1–100 characters [0-9A-Za-z][A-Za-z0-9-_]*.');
      const region = b.region === undefined ? deps.config.defaultRegion : String(b.region);
      if (!REGION.test(region)) throw invalid(`region ${JSON.stringify(region)} is not a region name.`);
      const accountId = b.accountId === undefined ? caller : String(b.accountId);
      if (!ACCOUNT.test(accountId)) throw invalid('accountId must be 12 digits.');
      // A root key administers its own account only.
      if (accountId !== caller) throw awsErrors.accessDenied(`The root user of ${caller} cannot create clusters in account ${accountId}.`);
      const id = b.id === undefined ? undefined : String(b.id);
      if (id !== undefined && !isEksOidcId(id)) throw invalid('id must be 32 upper-case hex characters.');
      let key: ClusterKey;
      if (b.privateKeyPem !== undefined) {
        try {
          key = clusterKeyFromPem(String(b.privateKeyPem));
        } catch (e) {
          throw invalid(`privateKeyPem: ${(e as Error).message}`);
        }
      } else key = await generateClusterKey();
      const clientIds = b.oidcProvider === false ? null : stringList((b.oidcProvider as { clientIds?: unknown } | undefined)?.clientIds ?? ['sts.amazonaws.com'], 'oidcProvider.clientIds');
      const now = deps.clock.now();
      const cluster = store.transaction(() => createCluster(store, { accountId, region, name, id, key, oidcProviderClientIds: clientIds }, deps.ids, now));
      deps.logger.info('cluster created', { name, accountId, region, issuer: cluster.issuer });
      return c.json(clusterView(store, cluster), 201);
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  app.get(`${CLUSTERS_PATH}/:name`, async (c) => {
    try {
      const { accountId } = await rootCall(c);
      return c.json(clusterView(store, findCluster(store, c.req.param('name'), accountId, c.req.query('region'))));
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  // Trust mode A (docs/irsa.md): mount these over a kind node's /etc/kubernetes/pki/sa.key and sa.pub.
  for (const file of ['sa.key', 'sa.pub'] as const) {
    app.get(`${CLUSTERS_PATH}/:name/${file}`, async (c) => {
      try {
        const { accountId } = await rootCall(c);
        const cl = findCluster(store, c.req.param('name'), accountId, c.req.query('region'));
        const pems = clusterKeyPems(JSON.parse(cl.privateJwk) as JWK);
        return c.text(file === 'sa.key' ? pems.privateKeyPem : pems.publicKeyPem, 200, { 'content-type': 'application/x-pem-file' });
      } catch (e) {
        return adminError(c, deps, e);
      }
    });
  }

  // {"namespace", "serviceAccount", "audience"?: string | string[], "lifetimeSeconds"?, "podName"?}
  app.post(`${CLUSTERS_PATH}/:name/tokens`, async (c) => {
    try {
      const { accountId, body } = await rootCall(c);
      const cl = findCluster(store, c.req.param('name'), accountId, c.req.query('region'));
      const b = jsonBody(body);
      if (typeof b.namespace !== 'string' || typeof b.serviceAccount !== 'string') throw invalid('namespace and serviceAccount are required strings.');
      const audience = b.audience === undefined ? undefined : stringList(b.audience, 'audience');
      const lifetimeSeconds = b.lifetimeSeconds === undefined ? undefined : Number(b.lifetimeSeconds);
      const now = deps.clock.now();
      let token: string;
      try {
        token = await mintServiceAccountToken({
          issuer: cl.issuer,
          privateJwk: JSON.parse(cl.privateJwk) as JWK,
          kid: cl.kid,
          namespace: b.namespace,
          serviceAccount: b.serviceAccount,
          audience,
          lifetimeSeconds,
          podName: typeof b.podName === 'string' ? b.podName : undefined,
          // iat/exp follow iamlocal's clock, so the admin test clock can expire minted tokens.
          now,
          ids: deps.ids,
        });
      } catch (e) {
        if (e instanceof RangeError || e instanceof TypeError) throw invalid(e.message);
        throw e;
      }
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as { exp: number; aud: string[] };
      return c.json({
        token,
        issuer: cl.issuer,
        subject: serviceAccountSubject(b.namespace, b.serviceAccount),
        audience: claims.aud,
        expiration: new Date(claims.exp * 1000).toISOString(),
      });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  // Trust mode B: {"providerArn", "jwks": {"keys": [...]}} pins the keys an IAM OIDC provider verifies with.
  app.put(OIDC_PROVIDER_JWKS_PATH, async (c) => {
    try {
      const { accountId, body } = await rootCall(c);
      const b = jsonBody(body);
      const { arn } = ownProvider(store, accountId, b);
      const set = checkUploadedJwks(b.jwks);
      store.transaction(() => store.oidcProviders.update(arn, { jwks: JSON.stringify(set) }));
      deps.logger.info('oidc provider jwks pinned', { providerArn: arn, keys: set.keys.length });
      return c.json({ providerArn: arn, keyIds: set.keys.map((k) => k.kid ?? null) });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });

  // Trust mode C: {"providerArn", "enabled": true|false} lets a provider without pinned keys fetch its
  // issuer's discovery document and JWKS over the network (off by default).
  app.put(OIDC_PROVIDER_FETCH_PATH, async (c) => {
    try {
      const { accountId, body } = await rootCall(c);
      const b = jsonBody(body);
      const { arn, provider } = ownProvider(store, accountId, b);
      if (typeof b.enabled !== 'boolean') throw invalid('enabled must be true or false.');
      const enabled = b.enabled;
      store.transaction(() => store.oidcProviders.update(arn, { allowNetworkFetch: enabled }));
      deps.logger.info('oidc provider network fetch', { providerArn: arn, enabled });
      return c.json({ providerArn: arn, allowNetworkFetch: enabled, pinnedKeys: provider.jwks !== null });
    } catch (e) {
      return adminError(c, deps, e);
    }
  });
}
