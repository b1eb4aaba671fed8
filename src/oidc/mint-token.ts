// Owns minting service-account tokens exactly like a kubelet-projected token from kube-apiserver
// (kubernetes/kubernetes:pkg/serviceaccount/claims.go `Claims()`, jwt.go `GenerateToken`).
import { createHash } from 'node:crypto';
import { CompactSign, importJWK, type JWK } from 'jose';
import { randomIds, type IdSource } from '../runtime';
import { signingAlgorithmFor } from './cluster-keys';

/** The IRSA audience the pod-identity webhook projects by default (`--token-audience`). */
export const DEFAULT_TOKEN_AUDIENCE = 'sts.amazonaws.com';
/** The webhook's default `expirationSeconds` (`eks.amazonaws.com/token-expiration`). */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 86400;
/** kube-apiserver refuses shorter TokenRequests: "may not specify a duration less than 10 minutes". */
export const MIN_TOKEN_LIFETIME_SECONDS = 600;
/** kube-apiserver refuses longer ones: "may not specify a duration larger than 2^32 seconds". */
export const MAX_TOKEN_LIFETIME_SECONDS = 2 ** 32;

export interface MintServiceAccountTokenOptions {
  issuer: string;
  privateJwk: JWK;
  kid: string;
  namespace: string;
  serviceAccount: string;
  /** One or more audiences; always emitted as a JSON array, as kube-apiserver does. */
  audience?: string | string[];
  lifetimeSeconds?: number;
  now: Date;
  podName?: string;
  podUid?: string;
  serviceAccountUid?: string;
  nodeName?: string;
  nodeUid?: string;
  /**
   * `jti` (feature gate ServiceAccountTokenJTI, on by default since Kubernetes 1.30): a given
   * string, `false` to omit it (older clusters), or by default a random UUID from `ids`.
   */
  jti?: string | false;
  /** Randomness for the default jti; tests pass seededIds(). */
  ids?: IdSource;
}

// DNS-1123 label (namespace names) and subdomain (service-account names), as Kubernetes validates them.
const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * A stable UID for an object the caller did not give one for: derived from its identity, so the
 * same service account gets the same `uid` in every token (as a real object would), formatted as
 * an RFC 4122 UUID (version 5 layout over SHA-256).
 */
export function derivedUid(...parts: string[]): string {
  const h = createHash('sha256').update(parts.join('\u0000')).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/** `system:serviceaccount:<namespace>:<name>` (`serviceaccount.MakeUsername`). */
export function serviceAccountSubject(namespace: string, serviceAccount: string): string {
  return `system:serviceaccount:${namespace}:${serviceAccount}`;
}

function validate(opts: MintServiceAccountTokenOptions, lifetime: number, audiences: string[]): void {
  if (!opts.issuer) throw new RangeError('issuer is required');
  if (!(opts.now instanceof Date) || Number.isNaN(opts.now.getTime())) throw new RangeError('now must be a valid Date');
  if (opts.namespace.length > 63 || !DNS1123_LABEL.test(opts.namespace)) {
    throw new RangeError(`invalid namespace ${JSON.stringify(opts.namespace)}: must be a DNS-1123 label`);
  }
  if (opts.serviceAccount.length > 253 || !DNS1123_SUBDOMAIN.test(opts.serviceAccount)) {
    throw new RangeError(`invalid service account name ${JSON.stringify(opts.serviceAccount)}: must be a DNS-1123 subdomain`);
  }
  if (!Number.isInteger(lifetime)) throw new RangeError('lifetimeSeconds must be an integer');
  if (lifetime < MIN_TOKEN_LIFETIME_SECONDS) throw new RangeError('expirationSeconds: may not specify a duration less than 10 minutes');
  if (lifetime > MAX_TOKEN_LIFETIME_SECONDS) throw new RangeError('expirationSeconds: may not specify a duration larger than 2^32 seconds');
  if (audiences.length === 0 || audiences.some((a) => typeof a !== 'string' || a === '')) {
    throw new RangeError('audience must be one or more non-empty strings');
  }
  if (!opts.kid) throw new RangeError('kid is required');
}

/**
 * The claim set, with keys in the order kube-apiserver emits them: go-jose merges the public and
 * private claims through map[string]interface{}, and Go marshals maps with sorted keys, at every
 * level. Decoded real token: irsa-and-pod-identity.md §1.1.
 */
export function serviceAccountClaims(opts: MintServiceAccountTokenOptions): Record<string, unknown> {
  const lifetime = opts.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  const audiences = Array.isArray(opts.audience) ? [...opts.audience] : [opts.audience ?? DEFAULT_TOKEN_AUDIENCE];
  validate(opts, lifetime, audiences);
  const iat = Math.floor(opts.now.getTime() / 1000);

  const k8s: Record<string, unknown> = { namespace: opts.namespace };
  if (opts.nodeName !== undefined) {
    k8s.node = { name: opts.nodeName, uid: opts.nodeUid ?? derivedUid(opts.issuer, 'node', opts.nodeName) };
  }
  if (opts.podName !== undefined) {
    k8s.pod = { name: opts.podName, uid: opts.podUid ?? derivedUid(opts.issuer, 'pod', opts.namespace, opts.podName) };
  }
  k8s.serviceaccount = {
    name: opts.serviceAccount,
    uid: opts.serviceAccountUid ?? derivedUid(opts.issuer, 'serviceaccount', opts.namespace, opts.serviceAccount),
  };
  // `warnafter` is only set on the kubelet's extended kube-api-access token, never on IRSA tokens.

  const claims: Record<string, unknown> = { aud: audiences, exp: iat + lifetime, iat, iss: opts.issuer };
  const jti = opts.jti === undefined ? (opts.ids ?? randomIds).requestId() : opts.jti;
  if (jti !== false) claims.jti = jti;
  claims['kubernetes.io'] = k8s;
  claims.nbf = iat;
  claims.sub = serviceAccountSubject(opts.namespace, opts.serviceAccount);
  return claims;
}

/**
 * A signed token. JOSE header `{"alg":"RS256","kid":"<kid>"}` with no `typ`, as go-jose writes it
 * for kube-apiserver's signer (`signerFromRSAPrivateKey`); an ECDSA cluster key signs ES256/384/512.
 */
export async function mintServiceAccountToken(opts: MintServiceAccountTokenOptions): Promise<string> {
  const claims = serviceAccountClaims(opts);
  const alg = signingAlgorithmFor(opts.privateJwk);
  if (opts.privateJwk.d === undefined) throw new TypeError('privateJwk must be a private key');
  const key = await importJWK(opts.privateJwk, alg);
  return new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
    .setProtectedHeader({ alg, kid: opts.kid })
    .sign(key);
}
