// Owns the OIDC discovery document and the JWKS a cluster issuer publishes, field for field as
// kube-apiserver (kubernetes/kubernetes:pkg/serviceaccount/openidmetadata.go) and EKS serve them.
import type { JWK } from 'jose';
import { keyIdFromPublicKey, publicJwkMembers, signingAlgorithmFor } from './cluster-keys';

/** kube-apiserver answers both documents with `Cache-Control: public, max-age=3600` (`GetCacheAgeMaxSeconds`). */
export const OIDC_CACHE_MAX_AGE_SECONDS = 3600;

export interface DiscoveryDocument {
  issuer: string;
  jwks_uri: string;
  authorization_endpoint?: string;
  response_types_supported: string[];
  subject_types_supported: string[];
  claims_supported?: string[];
  id_token_signing_alg_values_supported: string[];
}

export interface DiscoveryOptions {
  /**
   * `kube-apiserver`: exactly the five fields `openIDMetadata` marshals
   * (issuer, jwks_uri, response_types_supported, subject_types_supported,
   * id_token_signing_alg_values_supported).
   * `eks` (default): what EKS and the self-hosted IRSA recipe
   * (aws/amazon-eks-pod-identity-webhook:SELF_HOSTED_SETUP.md) publish — the same five plus
   * `authorization_endpoint: urn:kubernetes:programmatic_authorization` and
   * `claims_supported: ["sub","iss"]`. AWS is reported to refuse a document missing any of the
   * five (irsa-and-pod-identity.md §1.3), so both styles always carry them.
   */
  style?: 'eks' | 'kube-apiserver';
  /** Signing algorithms of the published keys; kube-apiserver derives them from the keys. Default RS256. */
  signingAlgorithms?: string[];
}

/**
 * kube-apiserver serves discovery only for an https issuer with no query or fragment, and an
 * https jwks_uri (`NewOpenIDMetadataProvider`); the same rules are applied here.
 */
function assertHttpsUrl(what: string, value: string): void {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new RangeError(`${what} is not a URL: ${JSON.stringify(value)}`);
  }
  if (u.protocol !== 'https:') throw new RangeError(`${what} must use https: ${JSON.stringify(value)}`);
  if (u.search !== '' || u.hash !== '' || value.includes('?') || value.includes('#')) {
    throw new RangeError(`${what} must not have a query or fragment: ${JSON.stringify(value)}`);
  }
}

export function discoveryDocument(issuer: string, jwksUri: string, opts: DiscoveryOptions = {}): DiscoveryDocument {
  assertHttpsUrl('issuer', issuer);
  assertHttpsUrl('jwks_uri', jwksUri);
  const algs = opts.signingAlgorithms && opts.signingAlgorithms.length > 0 ? [...new Set(opts.signingAlgorithms)] : ['RS256'];
  if ((opts.style ?? 'eks') === 'kube-apiserver') {
    return {
      issuer,
      jwks_uri: jwksUri,
      response_types_supported: ['id_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: algs,
    };
  }
  return {
    issuer,
    jwks_uri: jwksUri,
    authorization_endpoint: 'urn:kubernetes:programmatic_authorization',
    response_types_supported: ['id_token'],
    subject_types_supported: ['public'],
    claims_supported: ['sub', 'iss'],
    id_token_signing_alg_values_supported: algs,
  };
}

/** One published key, members in go-jose's marshal order: use, kty, kid, crv, alg, x, y, n, e. */
export type PublishedJwk = JWK & { use: 'sig'; kty: string; kid: string; alg: string };

function publishedJwk(input: JWK): PublishedJwk {
  const jwk = publicJwkMembers(input);
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') throw new TypeError(`cannot publish a ${String(jwk.kty)} key in a JWKS`);
  const alg = jwk.alg ?? signingAlgorithmFor(jwk);
  const kid = jwk.kid ?? keyIdFromPublicKey(jwk);
  if (jwk.kty === 'RSA') {
    return { use: 'sig', kty: 'RSA', kid, alg, n: jwk.n, e: jwk.e };
  }
  return { use: 'sig', kty: 'EC', kid, crv: jwk.crv, alg, x: jwk.x, y: jwk.y };
}

/**
 * The JWKS document: `{"keys":[{"use":"sig","kty":"RSA","kid":…,"alg":"RS256","n":…,"e":"AQAB"}]}`
 * (kube-apiserver `publicJWKSFromKeys`; EKS `<issuer>/keys` has the same members). Private members
 * are always dropped; a missing kid is computed the kube-apiserver way.
 */
export function jwks(publicJwks: readonly JWK[]): { keys: PublishedJwk[] } {
  return { keys: publicJwks.map(publishedJwk) };
}

/** The distinct signing algorithms of a key set, for `id_token_signing_alg_values_supported`. */
export function signingAlgorithmsOf(publicJwks: readonly JWK[]): string[] {
  const algs = new Set<string>();
  for (const k of publicJwks) algs.add(k.alg ?? signingAlgorithmFor(k));
  return [...algs].sort();
}
