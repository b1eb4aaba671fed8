// Owns the test fixtures of the OIDC module: committed signing keys and a token builder that can
// produce every malformed, forged or mis-signed shape the verification cases need.
import { constants, createHmac, createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JWK } from 'jose';
import { clusterKeyFromPem, type ClusterKey } from '../../src/oidc/cluster-keys';
import { serviceAccountClaims } from '../../src/oidc/mint-token';

export const FIXTURES = fileURLToPath(new URL('../fixtures/oidc', import.meta.url));
export type KeyName = 'cluster-rsa' | 'other-rsa' | 'cluster-ec';

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}
export function keyPem(name: KeyName, kind: 'key' | 'pub'): string {
  return readFileSync(join(FIXTURES, 'keys', `${name}.${kind}`), 'utf8');
}
const cache = new Map<KeyName, ClusterKey>();
export function fixtureKey(name: KeyName): ClusterKey {
  let k = cache.get(name);
  if (!k) cache.set(name, (k = clusterKeyFromPem(keyPem(name, 'key'))));
  return k;
}

export const ISSUER = 'https://oidc.eks.us-west-2.amazonaws.com/id/D43CF17C27A865933144EA99A26FB128';
export const PROVIDER_URL = 'oidc.eks.us-west-2.amazonaws.com/id/D43CF17C27A865933144EA99A26FB128';
export const PROVIDER_ARN = `arn:aws:iam::123456789012:oidc-provider/${PROVIDER_URL}`;
/** Issue time of every fixture token: 2026-01-01T00:00:00Z. */
export const T0 = new Date('2026-01-01T00:00:00Z');
export const T0_SEC = Math.floor(T0.getTime() / 1000);

export interface TokenSpec {
  raw?: string;
  repeat?: { char: string; count: number };
  key?: KeyName;
  alg?: string;
  header?: Record<string, unknown>;
  claims?: Record<string, unknown>;
  hmac?: 'public-pem' | 'public-jwk';
  unsigned?: boolean;
  tamper?: boolean;
  suffix?: string;
}

const b64 = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');

function applyOverrides(base: Record<string, unknown>, over: Record<string, unknown> | undefined) {
  const out = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) {
    if (v === null) delete out[k];
    else out[k] = v;
  }
  return out;
}

export async function buildToken(spec: TokenSpec): Promise<string> {
  if (spec.raw !== undefined) return spec.raw;
  if (spec.repeat) return spec.repeat.char.repeat(spec.repeat.count);
  const keyName = spec.key ?? 'cluster-rsa';
  const key = fixtureKey(keyName);
  const baseClaims = serviceAccountClaims({
    issuer: ISSUER,
    privateJwk: key.privateJwk,
    kid: key.kid,
    namespace: 'default',
    serviceAccount: 's3-read-only',
    podName: 'alpine-57b5664646-rf966',
    now: T0,
    jti: 'e8b4f3b0-0000-4000-8000-000000000001',
  });
  const claims = applyOverrides(baseClaims, spec.claims);
  const defaultAlg = key.privateJwk.kty === 'EC' ? 'ES256' : 'RS256';
  const header = applyOverrides({ alg: spec.alg ?? defaultAlg, kid: key.kid }, spec.header);
  let token: string;
  if (spec.unsigned) {
    token = `${b64(header)}.${b64(claims)}.`;
  } else if (spec.hmac) {
    // The classic key-confusion forgery: HMAC keyed with the provider's *public* key.
    const secret =
      spec.hmac === 'public-pem' ? keyPem(keyName, 'pub') : JSON.stringify(fixtureKey(keyName).publicJwk);
    const input = `${b64(header)}.${b64(claims)}`;
    token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  } else {
    // Signed with node:crypto directly, so the header can carry anything (crit, odd algs) unvalidated.
    const alg = String(header.alg);
    const input = `${b64(header)}.${b64(claims)}`;
    const hash = `sha${alg.slice(2)}`;
    const pk = createPrivateKey(keyPem(keyName, 'key'));
    const sig = alg.startsWith('ES')
      ? sign(hash, Buffer.from(input), { key: pk, dsaEncoding: 'ieee-p1363' })
      : alg.startsWith('PS')
        ? sign(hash, Buffer.from(input), { key: pk, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 })
        : sign(hash, Buffer.from(input), pk);
    token = `${input}.${sig.toString('base64url')}`;
  }
  if (spec.tamper) {
    const [h, , s] = token.split('.');
    token = `${h}.${b64({ ...claims, sub: 'system:serviceaccount:kube-system:admin' })}.${s}`;
  }
  return token + (spec.suffix ?? '');
}

export function publicJwkOf(name: KeyName): JWK {
  return fixtureKey(name).publicJwk;
}

/** Sanity: the committed .pub files are the public halves of the .key files. */
export function pubMatchesKey(name: KeyName): boolean {
  const a = createPublicKey(createPrivateKey(keyPem(name, 'key'))).export({ type: 'spki', format: 'der' });
  const b = createPublicKey(keyPem(name, 'pub')).export({ type: 'spki', format: 'der' });
  return a.equals(b);
}
