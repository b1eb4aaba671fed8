// Owns the shape of a mock EKS cluster's issuer URL and the local paths under which iamlocal
// serves that issuer's discovery document and JWKS.
//
// Local serving scheme (documented; the HTTP layer mounts exactly these paths):
//   GET /_iamlocal/oidc/<ID>/.well-known/openid-configuration   discovery document
//   GET /_iamlocal/oidc/<ID>/keys                                JWKS
// mirroring EKS, which serves `<issuer>/.well-known/openid-configuration` and `<issuer>/keys`
// for issuers `https://oidc.eks.<region>.amazonaws.com/id/<ID>`. The published `jwks_uri`
// stays EKS's (`<issuer>/keys`); iamlocal never needs to fetch it, because it verifies tokens
// with the keys it stores.
import type { IdSource } from '../runtime';

/** Prefix of every per-cluster OIDC path iamlocal serves. */
export const LOCAL_OIDC_PREFIX = '/_iamlocal/oidc';

// Region names as AWS spells them: us-east-1, eu-central-2, us-gov-west-1, ap-southeast-5 …
const REGION = /^[a-z]{2}(-[a-z]+)+-\d{1,2}$/;
// EKS OIDC ids are 32 upper-case characters: EKS mints hex (D43CF17C27A865933144EA99A26FB128), and its
// documentation's example id EXAMPLED539D4633E53DE1B71EXAMPLE is accepted too, so any A–Z/0–9 will do.
const OIDC_ID = /^[0-9A-Z]{32}$/;
const EKS_ISSUER = /^https:\/\/oidc\.eks\.([a-z]{2}(?:-[a-z]+)+-\d{1,2})\.amazonaws\.com\/id\/([0-9A-Z]{32})$/;

export function isEksOidcId(id: string): boolean {
  return OIDC_ID.test(id);
}

/** A fresh cluster OIDC id: 16 random bytes as 32 upper-case hex, like EKS. */
export function newClusterOidcId(ids: IdSource): string {
  return ids.bytes(16).toString('hex').toUpperCase();
}

/** `https://oidc.eks.<region>.amazonaws.com/id/<ID>`, the issuer EKS gives a cluster. */
export function eksIssuerUrl(region: string, id: string): string {
  if (!REGION.test(region)) throw new RangeError(`invalid region ${JSON.stringify(region)}`);
  if (!OIDC_ID.test(id)) throw new RangeError(`invalid EKS OIDC id ${JSON.stringify(id)}: want 32 upper-case letters or digits`);
  return `https://oidc.eks.${region}.amazonaws.com/id/${id}`;
}

/** Region and id of an EKS-shaped issuer, or null for any other issuer. */
export function parseEksIssuerUrl(issuer: string): { region: string; id: string } | null {
  const m = EKS_ISSUER.exec(issuer);
  return m ? { region: m[1], id: m[2] } : null;
}

/**
 * The provider URL as IAM stores it: the issuer without `https://`
 * (`CreateOpenIDConnectProvider` Url, and the `oidc-provider/<url>` ARN suffix). Case and any
 * trailing slash are kept: STS compares it byte for byte with `iss`.
 */
export function providerUrlFromIssuer(issuer: string): string {
  if (!issuer.startsWith('https://')) throw new RangeError(`issuer must start with https://: ${JSON.stringify(issuer)}`);
  return issuer.slice('https://'.length);
}

/** `arn:<partition>:iam::<account>:oidc-provider/<url without https://>`. */
export function oidcProviderArn(accountId: string, issuer: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${accountId}:oidc-provider/${providerUrlFromIssuer(issuer)}`;
}

/** Where EKS publishes a cluster's JWKS: `<issuer>/keys`. */
export function eksJwksUri(issuer: string): string {
  return `${issuer.replace(/\/$/, '')}/keys`;
}

export interface LocalOidcPaths {
  /** `/_iamlocal/oidc/<ID>` */
  base: string;
  /** `/_iamlocal/oidc/<ID>/.well-known/openid-configuration` */
  discovery: string;
  /** `/_iamlocal/oidc/<ID>/keys` */
  jwks: string;
}

/** The local paths for a cluster OIDC id. */
export function localOidcPaths(id: string): LocalOidcPaths {
  if (!OIDC_ID.test(id)) throw new RangeError(`invalid EKS OIDC id ${JSON.stringify(id)}`);
  const base = `${LOCAL_OIDC_PREFIX}/${id}`;
  return { base, discovery: `${base}/.well-known/openid-configuration`, jwks: `${base}/keys` };
}

/** The local paths for an EKS-shaped issuer, or null when the issuer is not one iamlocal mints. */
export function localOidcPathsForIssuer(issuer: string): LocalOidcPaths | null {
  const parsed = parseEksIssuerUrl(issuer);
  return parsed ? localOidcPaths(parsed.id) : null;
}

/**
 * Parses a local request path back into the cluster id and which document it asks for, or null.
 * Plain string work, no RegExp built from input.
 */
export function matchLocalOidcPath(path: string): { id: string; document: 'discovery' | 'jwks' } | null {
  const prefix = `${LOCAL_OIDC_PREFIX}/`;
  if (!path.startsWith(prefix)) return null;
  const rest = path.slice(prefix.length);
  const slash = rest.indexOf('/');
  if (slash !== 32) return null;
  const id = rest.slice(0, 32);
  if (!OIDC_ID.test(id)) return null;
  const tail = rest.slice(32);
  if (tail === '/.well-known/openid-configuration') return { id, document: 'discovery' };
  if (tail === '/keys') return { id, document: 'jwks' };
  return null;
}
