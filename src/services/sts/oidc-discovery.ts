// Owns fetching an IAM OIDC provider's keys over the network the way STS does (trust mode C, docs/irsa.md):
// `https://<url>/.well-known/openid-configuration` → `jwks_uri` → JWKS. Opt-in per provider
// (allowNetworkFetch), never for a provider with pinned keys, https only, bounded in time and size,
// cached by the server clock. Failures map to AWS's errors (irsa-and-pod-identity §1.5 row 5):
// unreachable / 5xx / timeout → IDPCommunicationError; anything else unusable → InvalidIdentityToken
// "Couldn't retrieve verification key from your identity provider, …".
import type { JWK } from 'jose';
import type { OutboundTlsOptions } from '../../http/outbound-tls';
import { publicJwkMembers, webIdentityErrors } from '../../oidc/index';

/** How long one HTTP request may take (AWS's own IdP timeout is reported as 5 s ⚠). */
const TIMEOUT_MS = 5000;
/** Largest discovery document or JWKS accepted. */
const MAX_BYTES = 256 * 1024;
/** Cache lifetime when the JWKS response names none (kube-apiserver and EKS send max-age=3600). */
const DEFAULT_MAX_AGE_SECONDS = 300;
const MAX_CACHE_SECONDS = 3600;
/** A token whose kid is not in the cached set refetches at most this often (key rotation). */
const REFETCH_AFTER_MS = 30_000;

class Unreachable extends Error {}
class Unusable extends Error {}

interface Fetched {
  status: number;
  body: string;
  maxAge: number | null;
}

/**
 * node:https (and node:tls under it) is loaded on the first fetch, not at start: only a provider
 * that opts in to network fetching ever needs it, and loading it costs every cold start ~2–3 ms
 * (bench/README.md, "Issue 18, fifth pass").
 */
let httpsRequest: Promise<typeof import('node:https').request> | undefined;
function loadHttpsRequest(): Promise<typeof import('node:https').request> {
  httpsRequest ??= import('node:https').then((m) => m.request);
  return httpsRequest;
}

async function get(url: string, tls: OutboundTlsOptions): Promise<Fetched> {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Unusable(`not a URL: ${url}`);
  }
  if (u.protocol !== 'https:') throw new Unusable(`not https: ${url}`);
  const request = await loadHttpsRequest();
  return new Promise((resolve, reject) => {
    const req = request(u, { method: 'GET', headers: { accept: 'application/json' }, timeout: TIMEOUT_MS, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size > MAX_BYTES) {
          req.destroy(new Unusable('document too large'));
          return;
        }
        chunks.push(c);
      });
      res.on('end', () => {
        const m = /max-age=(\d+)/i.exec(String(res.headers['cache-control'] ?? ''));
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8'), maxAge: m ? Number(m[1]) : null });
      });
      res.on('error', (e) => reject(e instanceof Unusable ? e : new Unreachable(String(e))));
    });
    req.on('timeout', () => req.destroy(new Unreachable('timeout')));
    req.on('error', (e) => reject(e instanceof Unusable ? e : new Unreachable(String(e))));
    req.end();
  });
}

async function getJson(url: string, tls: OutboundTlsOptions): Promise<{ json: Record<string, unknown>; maxAge: number | null }> {
  const r = await get(url, tls);
  if (r.status >= 500 || r.status === 429) throw new Unreachable(`HTTP ${r.status}`);
  if (r.status !== 200) throw new Unusable(`HTTP ${r.status}`);
  try {
    const v: unknown = JSON.parse(r.body);
    if (v && typeof v === 'object' && !Array.isArray(v)) return { json: v as Record<string, unknown>, maxAge: r.maxAge };
  } catch {
    // fall through
  }
  throw new Unusable('not a JSON object');
}

interface CacheEntry {
  keys: JWK[];
  fetchedAt: number;
  expiresAt: number;
}
/**
 * One cache per server (keyed by its store): two in-process servers never share fetched keys, and
 * POST /_iamlocal/reset forgets them with the rest of the state.
 */
let caches = new WeakMap<object, Map<string, CacheEntry>>();
function cacheOf(owner: object): Map<string, CacheEntry> {
  let c = caches.get(owner);
  if (!c) caches.set(owner, (c = new Map()));
  return c;
}

async function fetchKeys(providerUrl: string, now: Date, tls: OutboundTlsOptions): Promise<CacheEntry> {
  const base = `https://${providerUrl.replace(/\/+$/, '')}`;
  const disco = await getJson(`${base}/.well-known/openid-configuration`, tls);
  const jwksUri = disco.json.jwks_uri;
  if (typeof jwksUri !== 'string' || !jwksUri.startsWith('https://')) throw new Unusable('discovery document has no https jwks_uri');
  const set = await getJson(jwksUri, tls);
  const raw = Array.isArray(set.json.keys) ? (set.json.keys as unknown[]) : [];
  const keys = raw
    .filter((k): k is JWK => !!k && typeof k === 'object' && ((k as JWK).kty === 'RSA' || (k as JWK).kty === 'EC'))
    .map((k) => publicJwkMembers(k));
  if (keys.length === 0) throw new Unusable('JWKS has no RSA or EC keys');
  const seconds = Math.min(set.maxAge ?? DEFAULT_MAX_AGE_SECONDS, MAX_CACHE_SECONDS);
  return { keys, fetchedAt: now.getTime(), expiresAt: now.getTime() + seconds * 1000 };
}

/**
 * The provider's keys from its issuer, cached until the JWKS's max-age passes on the server clock (or a
 * token names a kid the cached set lacks). Throws the AwsError STS would answer. `tls` gives what the
 * fetch trusts (src/http/outbound-tls.ts); it is asked only when the keys are fetched.
 */
export async function discoverProviderKeys(owner: object, providerUrl: string, now: Date, tls: () => Promise<OutboundTlsOptions>, kid?: string): Promise<JWK[]> {
  const cache = cacheOf(owner);
  const hit = cache.get(providerUrl);
  const t = now.getTime();
  const fresh = hit && t < hit.expiresAt && t >= hit.fetchedAt;
  const kidKnown = !kid || !!hit?.keys.some((k) => k.kid === kid);
  if (hit && fresh && (kidKnown || t - hit.fetchedAt < REFETCH_AFTER_MS)) return hit.keys;
  try {
    const entry = await fetchKeys(providerUrl, now, await tls());
    cache.set(providerUrl, entry);
    return entry.keys;
  } catch (e) {
    if (e instanceof Unreachable) throw webIdentityErrors.idpCommunication();
    throw webIdentityErrors.noVerificationKey();
  }
}

/** Forgets the keys fetched for one server (admin reset), or for every server (tests). */
export function clearDiscoveryCache(owner?: object): void {
  if (owner) caches.delete(owner);
  else caches = new WeakMap();
}
