// Owns a mock EKS cluster's service-account signing key: generation, the kube-apiserver `kid`, and
// the JWK/PEM forms the store persists and a kind cluster mounts as sa.key / sa.pub.
import { createHash, createPrivateKey, createPublicKey, generateKeyPair, KeyObject } from 'node:crypto';
import type { CryptoKey, JWK } from 'jose';

/** A key as the store keeps it: private and public JWK, both carrying the kid. */
export interface ClusterKey {
  privateJwk: JWK;
  publicJwk: JWK;
  kid: string;
}

/** Anything that denotes a public (or private, whose public half is used) key. */
export type PublicKeyInput = KeyObject | CryptoKey | JWK | string;

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;

function toPublicKeyObject(key: PublicKeyInput): KeyObject {
  if (typeof key === 'string') return createPublicKey(key); // PEM: SPKI, PKCS#1, or a private key
  if (key instanceof KeyObject) return key.type === 'public' ? key : createPublicKey(key);
  if (typeof (key as CryptoKey).algorithm === 'object' && 'extractable' in (key as object)) {
    const ko = KeyObject.from(key as Parameters<typeof KeyObject.from>[0]);
    return ko.type === 'public' ? ko : createPublicKey(ko);
  }
  const jwk = key as JWK;
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC') throw new TypeError(`unsupported key type ${String(jwk.kty)}`);
  return createPublicKey({ key: publicJwkMembers(jwk) as import('node:crypto').JsonWebKey, format: 'jwk' });
}

/** Only the public members of a JWK (never leaks d/p/q…, never returns an `oct` secret). */
export function publicJwkMembers(jwk: JWK): JWK {
  const out: JWK = { ...jwk };
  for (const m of PRIVATE_MEMBERS) delete (out as Record<string, unknown>)[m];
  delete out.key_ops;
  return out;
}

/**
 * The key id exactly as kube-apiserver computes it (`keyIDFromPublicKey`,
 * kubernetes/kubernetes:pkg/serviceaccount/jwt.go): SHA-256 over the DER encoding of the
 * PKIX SubjectPublicKeyInfo (`x509.MarshalPKIXPublicKey`), then base64url without padding
 * (`base64.RawURLEncoding`). The same derivation is copied into
 * aws/amazon-eks-pod-identity-webhook:hack/self-hosted/main.go, so keys.json made that way matches.
 */
export function keyIdFromPublicKey(publicKey: PublicKeyInput): string {
  const der = toPublicKeyObject(publicKey).export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(der).digest('base64url');
}

/** The JWS algorithm kube-apiserver signs with for a key: RSA → RS256, ECDSA → ES256/384/512 by curve. */
export function signingAlgorithmFor(jwk: JWK): 'RS256' | 'ES256' | 'ES384' | 'ES512' {
  if (jwk.kty === 'RSA') return 'RS256';
  if (jwk.kty === 'EC') {
    if (jwk.crv === 'P-256') return 'ES256';
    if (jwk.crv === 'P-384') return 'ES384';
    if (jwk.crv === 'P-521') return 'ES512';
  }
  throw new TypeError(`no service-account signing algorithm for kty ${String(jwk.kty)} crv ${String(jwk.crv)}`);
}

/** Builds the stored pair from a private key: public JWK gets `use: sig`, `alg`, `kid` like the served JWKS. */
function clusterKeyFromPrivate(privateKey: KeyObject): ClusterKey {
  const pub = createPublicKey(privateKey);
  const kid = keyIdFromPublicKey(pub);
  const privateJwk = privateKey.export({ format: 'jwk' }) as JWK;
  const publicBase = pub.export({ format: 'jwk' }) as JWK;
  const alg = signingAlgorithmFor(publicBase);
  return {
    privateJwk: { ...privateJwk, kid, alg },
    publicJwk: { ...publicBase, kid, alg, use: 'sig' },
    kid,
  };
}

/**
 * A new cluster signing key: RSA 2048 / RS256, like the `sa.key` kubeadm generates
 * (kubernetes/kubernetes:cmd/kubeadm/app/phases/certs) and the per-cluster key EKS keeps.
 */
export function generateClusterKey(): Promise<ClusterKey> {
  // OpenSSL's RSA key generation on libuv's thread pool (not the event loop): 100-250 ms a key, so callers
  // that need several start them together.
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }, (err, _publicKey, privateKey) => {
      if (err) reject(err);
      else resolve(clusterKeyFromPrivate(privateKey));
    });
  });
}

/** Imports an existing private key PEM (e.g. a kind cluster's /etc/kubernetes/pki/sa.key): RSA or ECDSA. */
export function clusterKeyFromPem(privateKeyPem: string): ClusterKey {
  const key = createPrivateKey(privateKeyPem);
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') {
    throw new TypeError(`unsupported service-account key type ${String(key.asymmetricKeyType)}`);
  }
  return clusterKeyFromPrivate(key);
}

/**
 * PEM forms for a kind/kubeadm cluster: `sa.key` as kubeadm writes it (PKCS#1 "RSA PRIVATE KEY",
 * SEC1 "EC PRIVATE KEY") and `sa.pub` as PKIX "PUBLIC KEY". kube-apiserver's keyutil reads both.
 */
export function clusterKeyPems(privateJwk: JWK): { privateKeyPem: string; publicKeyPem: string } {
  const key = createPrivateKey({ key: privateJwk as import('node:crypto').JsonWebKey, format: 'jwk' });
  const type = key.asymmetricKeyType === 'ec' ? 'sec1' : 'pkcs1';
  return {
    privateKeyPem: key.export({ type, format: 'pem' }) as string,
    publicKeyPem: createPublicKey(key).export({ type: 'spki', format: 'pem' }) as string,
  };
}
