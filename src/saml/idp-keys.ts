// Owns the mock IdP's RSA keys: a new signing key, and normalizing a given one (seeds, the admin API,
// UpdateSAMLProvider-style inputs) to PKCS#8 PEM. Node's crypto only, so checking a key does not load
// the certificate and XML-DSig machinery of mock-idp.ts.
import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';

/** A new RSA-2048 signing key (PKCS#8 PEM). */
export function generateIdpPrivateKey(): string {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** The PKCS#8 PEM of an RSA private key given in PKCS#1 or PKCS#8 PEM; throws on anything else. */
export function normalizeRsaPrivateKey(pem: string): string {
  const key: KeyObject = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new TypeError('the key must be an RSA private key');
  if ((key.asymmetricKeyDetails?.modulusLength ?? 0) < 2048) throw new TypeError('the RSA key must have at least 2048 bits');
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}
