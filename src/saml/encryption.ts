// Owns SAML assertion encryption (XML Encryption 1.1 as SAML 2.0 uses it): decrypting a
// saml:EncryptedAssertion with the IAM SAML provider's private keys (AddPrivateKey), and encrypting one
// for the mock IdP. Key transport: RSA-OAEP (rsa-oaep-mgf1p, SHA-1 or the DigestMethod given; xmlenc11
// rsa-oaep with SHA-1/SHA-256 digests); never RSA PKCS#1 v1.5 (Bleichenbacher). Content: AES-CBC and
// AES-GCM. https://www.w3.org/TR/xmlenc-core1/ ; https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html
import { constants, createCipheriv, createDecipheriv, createPublicKey, privateDecrypt, publicEncrypt } from 'node:crypto';
import { NS } from './xml';

const XENC11 = 'http://www.w3.org/2009/xmlenc11#';
export const KEY_TRANSPORT = { rsaOaepMgf1p: `${NS.xenc}rsa-oaep-mgf1p`, rsaOaep: `${XENC11}rsa-oaep` } as const;
export const CONTENT_ALGORITHMS: Record<string, { cipher: string; keyBytes: number; gcm: boolean }> = {
  [`${NS.xenc}aes128-cbc`]: { cipher: 'aes-128-cbc', keyBytes: 16, gcm: false },
  [`${NS.xenc}aes192-cbc`]: { cipher: 'aes-192-cbc', keyBytes: 24, gcm: false },
  [`${NS.xenc}aes256-cbc`]: { cipher: 'aes-256-cbc', keyBytes: 32, gcm: false },
  [`${XENC11}aes128-gcm`]: { cipher: 'aes-128-gcm', keyBytes: 16, gcm: true },
  [`${XENC11}aes256-gcm`]: { cipher: 'aes-256-gcm', keyBytes: 32, gcm: true },
};
const OAEP_DIGESTS: Record<string, string> = {
  'http://www.w3.org/2000/09/xmldsig#sha1': 'sha1',
  'http://www.w3.org/2001/04/xmlenc#sha256': 'sha256',
  'http://www.w3.org/2001/04/xmlenc#sha512': 'sha512',
};

export class DecryptionError extends Error {}

function descendants(e: Element, ns: string, local: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    for (let c = n.firstChild; c; c = c.nextSibling) {
      if (c.nodeType !== 1) continue;
      const el = c as Element;
      if (el.namespaceURI === ns && el.localName === local) out.push(el);
      walk(el);
    }
  };
  walk(e);
  return out;
}

function child(e: Element, ns: string, local: string): Element | undefined {
  for (let c = e.firstChild; c; c = c.nextSibling) if (c.nodeType === 1 && (c as Element).namespaceURI === ns && (c as Element).localName === local) return c as Element;
  return undefined;
}

function cipherValue(e: Element): Buffer {
  const cd = child(e, NS.xenc, 'CipherData');
  const cv = cd && child(cd, NS.xenc, 'CipherValue');
  if (!cv) throw new DecryptionError('no CipherData/CipherValue');
  const b64 = (cv.textContent ?? '').replace(/\s+/g, '');
  if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) throw new DecryptionError('a CipherValue is not base64');
  return Buffer.from(b64, 'base64');
}

/** The content key, unwrapped with the first private key that can. */
function unwrapKey(encryptedKey: Element, privateKeys: readonly string[]): Buffer {
  const method = child(encryptedKey, NS.xenc, 'EncryptionMethod');
  const alg = method?.getAttribute('Algorithm') ?? '';
  if (alg !== KEY_TRANSPORT.rsaOaepMgf1p && alg !== KEY_TRANSPORT.rsaOaep) throw new DecryptionError(`key transport ${JSON.stringify(alg)} is not accepted (RSA-OAEP only)`);
  const digestUri = method ? child(method, NS.dsig, 'DigestMethod')?.getAttribute('Algorithm') : undefined;
  const oaepHash = digestUri === undefined || digestUri === null ? 'sha1' : OAEP_DIGESTS[digestUri];
  if (!oaepHash) throw new DecryptionError(`OAEP digest ${JSON.stringify(digestUri)} is not accepted`);
  const mgf = method ? child(method, XENC11, 'MGF')?.getAttribute('Algorithm') : undefined;
  if (mgf && mgf !== 'http://www.w3.org/2009/xmlenc11#mgf1sha1') throw new DecryptionError(`MGF ${mgf} is not supported`);
  const wrapped = cipherValue(encryptedKey);
  for (const key of privateKeys) {
    try {
      return privateDecrypt({ key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash }, wrapped);
    } catch {
      // another key, or not ours
    }
  }
  throw new DecryptionError('no private key of the provider decrypts the assertion key');
}

/** Decrypts a saml:EncryptedAssertion element; returns the Assertion's XML text. */
export function decryptAssertion(encryptedAssertion: Element, privateKeys: readonly string[]): string {
  const data = child(encryptedAssertion, NS.xenc, 'EncryptedData');
  if (!data) throw new DecryptionError('EncryptedAssertion has no xenc:EncryptedData');
  const alg = child(data, NS.xenc, 'EncryptionMethod')?.getAttribute('Algorithm') ?? '';
  const spec = CONTENT_ALGORITHMS[alg];
  if (!spec) throw new DecryptionError(`content encryption ${JSON.stringify(alg)} is not accepted`);
  const keys = descendants(encryptedAssertion, NS.xenc, 'EncryptedKey');
  if (keys.length === 0) throw new DecryptionError('no xenc:EncryptedKey');
  let contentKey: Buffer | null = null;
  let lastError = '';
  for (const k of keys) {
    try {
      contentKey = unwrapKey(k, privateKeys);
      break;
    } catch (e) {
      lastError = (e as Error).message;
    }
  }
  if (!contentKey) throw new DecryptionError(lastError);
  if (contentKey.length !== spec.keyBytes) throw new DecryptionError('the content key has the wrong length');
  const blob = cipherValue(data);
  try {
    if (spec.gcm) {
      if (blob.length < 12 + 16) throw new DecryptionError('ciphertext too short');
      const d = createDecipheriv(spec.cipher as 'aes-256-gcm', contentKey, blob.subarray(0, 12));
      d.setAuthTag(blob.subarray(blob.length - 16));
      return Buffer.concat([d.update(blob.subarray(12, blob.length - 16)), d.final()]).toString('utf8');
    }
    if (blob.length < 32 || blob.length % 16 !== 0) throw new DecryptionError('ciphertext is not whole AES blocks');
    const d = createDecipheriv(spec.cipher, contentKey, blob.subarray(0, 16));
    d.setAutoPadding(false);
    const plain = Buffer.concat([d.update(blob.subarray(16)), d.final()]);
    // XML Encryption padding: the last byte says how many bytes to drop (the others are arbitrary).
    const pad = plain[plain.length - 1];
    if (pad < 1 || pad > 16) throw new DecryptionError('bad padding');
    return plain.subarray(0, plain.length - pad).toString('utf8');
  } catch (e) {
    if (e instanceof DecryptionError) throw e;
    throw new DecryptionError('the ciphertext does not decrypt');
  }
}

/**
 * Encrypts an Assertion's XML for the holder of `recipientKey` (a public key, certificate or private key
 * PEM): AES-256-GCM + RSA-OAEP-MGF1P. `random` supplies the content key and IV (injected for tests).
 */
export function encryptAssertion(assertionXml: string, recipientKey: string, random: (bytes: number) => Buffer): string {
  const key = random(32);
  const iv = random(12);
  const c = createCipheriv('aes-256-gcm', key, iv);
  const body = Buffer.concat([iv, c.update(assertionXml, 'utf8'), c.final(), c.getAuthTag()]);
  const wrapped = publicEncrypt({ key: createPublicKey(recipientKey), padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' }, key);
  return (
    `<saml:EncryptedAssertion xmlns:saml="${NS.assertion}">` +
    `<xenc:EncryptedData xmlns:xenc="${NS.xenc}" Type="${NS.xenc}Element">` +
    `<xenc:EncryptionMethod Algorithm="${XENC11}aes256-gcm"/>` +
    `<ds:KeyInfo xmlns:ds="${NS.dsig}"><xenc:EncryptedKey><xenc:EncryptionMethod Algorithm="${KEY_TRANSPORT.rsaOaepMgf1p}"><ds:DigestMethod Algorithm="http://www.w3.org/2000/09/xmldsig#sha1"/></xenc:EncryptionMethod>` +
    `<xenc:CipherData><xenc:CipherValue>${wrapped.toString('base64')}</xenc:CipherValue></xenc:CipherData></xenc:EncryptedKey></ds:KeyInfo>` +
    `<xenc:CipherData><xenc:CipherValue>${body.toString('base64')}</xenc:CipherValue></xenc:CipherData>` +
    `</xenc:EncryptedData></saml:EncryptedAssertion>`
  );
}
