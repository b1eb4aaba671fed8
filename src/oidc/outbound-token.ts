// Owns outbound identity federation's issuer (IAM EnableOutboundWebIdentityFederation,
// STS GetWebIdentityToken): an account's issuer URL `https://<id>.tokens.sts.global.api.aws`, its two
// signing keys (RS256 and ES384, the SigningAlgorithm values STS accepts), the JWTs it signs and the
// discovery document and JWKS it publishes at `<issuer>/.well-known/openid-configuration` and
// `<issuer>/.well-known/jwks.json`. iamlocal serves those two documents locally under
// `/_iamlocal/outbound/<id>/.well-known/…` (as it serves mock EKS issuers under /_iamlocal/oidc/).
// Synchronous (node:crypto) so handlers sign inside their transaction.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_outbound.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_outbound_token_claims.html
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, type JsonWebKey } from 'node:crypto';
import type { JWK } from 'jose';
import { keyIdFromPublicKey, publicJwkMembers } from './cluster-keys';
import { discoveryDocument, jwks, type DiscoveryDocument, type PublishedJwk } from './discovery';

export type OutboundAlgorithm = 'RS256' | 'ES384';
export const OUTBOUND_ALGORITHMS: readonly OutboundAlgorithm[] = ['RS256', 'ES384'];

/** Local paths iamlocal answers an outbound issuer's documents on. */
export const LOCAL_OUTBOUND_PREFIX = '/_iamlocal/outbound';

export function outboundIssuer(issuerId: string): string {
  return `https://${issuerId}.tokens.sts.global.api.aws`;
}

export function localOutboundPaths(issuerId: string): { discovery: string; jwks: string } {
  const base = `${LOCAL_OUTBOUND_PREFIX}/${issuerId}/.well-known`;
  return { discovery: `${base}/openid-configuration`, jwks: `${base}/jwks.json` };
}

/** `/_iamlocal/outbound/<id>/.well-known/{openid-configuration|jwks.json}` → the id and document, or null. */
export function matchLocalOutboundPath(path: string): { issuerId: string; document: 'discovery' | 'jwks' } | null {
  const m = /^\/_iamlocal\/outbound\/([0-9a-f-]{36})\/\.well-known\/(openid-configuration|jwks\.json)$/.exec(path);
  return m ? { issuerId: m[1], document: m[2] === 'jwks.json' ? 'jwks' : 'discovery' } : null;
}

/** A fresh pair of signing keys as private JWKs (JSON), each with its kid and alg. */
export function generateOutboundKeys(): { rsaKey: string; ecKey: string } {
  const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const ec = generateKeyPairSync('ec', { namedCurve: 'P-384' });
  const withKid = (k: ReturnType<typeof generateKeyPairSync>['privateKey'], pub: ReturnType<typeof generateKeyPairSync>['publicKey'], alg: OutboundAlgorithm) =>
    JSON.stringify({ ...(k.export({ format: 'jwk' }) as JWK), kid: keyIdFromPublicKey(pub), alg });
  return { rsaKey: withKid(rsa.privateKey, rsa.publicKey, 'RS256'), ecKey: withKid(ec.privateKey, ec.publicKey, 'ES384') };
}

function publicOf(privateJwk: string): JWK {
  return publicJwkMembers(JSON.parse(privateJwk) as JWK);
}

export function outboundJwks(keys: { rsaKey: string; ecKey: string }): { keys: PublishedJwk[] } {
  return jwks([publicOf(keys.rsaKey), publicOf(keys.ecKey)]);
}

export function outboundDiscovery(issuerId: string): DiscoveryDocument {
  const issuer = outboundIssuer(issuerId);
  return discoveryDocument(issuer, `${issuer}/.well-known/jwks.json`, { style: 'kube-apiserver', signingAlgorithms: [...OUTBOUND_ALGORITHMS] });
}

/** Signs `claims` as a compact JWS with the account's key for `alg`. */
export function signOutboundToken(keys: { rsaKey: string; ecKey: string }, alg: OutboundAlgorithm, claims: Record<string, unknown>): string {
  const jwk = JSON.parse(alg === 'RS256' ? keys.rsaKey : keys.ecKey) as JWK & { kid: string };
  const header = { alg, kid: jwk.kid, typ: 'JWT' };
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o), 'utf8').toString('base64url');
  const input = `${enc(header)}.${enc(claims)}`;
  const key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  const sig = alg === 'RS256' ? sign('sha256', Buffer.from(input), key) : sign('sha384', Buffer.from(input), { key, dsaEncoding: 'ieee-p1363' });
  return `${input}.${sig.toString('base64url')}`;
}

/** The public key a token's kid names (for tests and verifiers inside iamlocal). */
export function outboundPublicKey(keys: { rsaKey: string; ecKey: string }, alg: OutboundAlgorithm) {
  return createPublicKey({ key: publicOf(alg === 'RS256' ? keys.rsaKey : keys.ecKey) as JsonWebKey, format: 'jwk' });
}
