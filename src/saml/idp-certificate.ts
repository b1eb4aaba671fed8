// Owns the mock IdP's self-signed X.509 certificate: the one certificate shape iamlocal issues for a
// SAML signing key, DER-encoded here (RFC 5280 §4.1) and signed with Node's crypto. Node reads X.509
// but cannot write it; a general library (node-forge, which the webhook's TLS certificates still use)
// was ~400 KB to compile on every start with a `samlIdps:` seed, for these few fixed fields.
// test/saml/idp-certificate.test.ts checks the bytes against node-forge building the same certificate.
import { createPrivateKey, createPublicKey, sign } from 'node:crypto';
import { normalizeRsaPrivateKey } from './idp-keys';

const CERT_LIFETIME_DAYS = 3650;

/** One DER TLV: tag, definite length (short or long form), contents. */
function tlv(tag: number, ...contents: Buffer[]): Buffer {
  const body = Buffer.concat(contents);
  const n = body.length;
  const length = n < 0x80 ? Buffer.from([n]) : (() => {
    const bytes: number[] = [];
    for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
    return Buffer.from([0x80 | bytes.length, ...bytes]);
  })();
  return Buffer.concat([Buffer.from([tag]), length, body]);
}

const SEQUENCE = 0x30;
const SET = 0x31;
const hex = (h: string) => Buffer.from(h, 'hex');
/** AlgorithmIdentifier sha256WithRSAEncryption (1.2.840.113549.1.1.11) with NULL parameters (RFC 4055 §5). */
const SHA256_WITH_RSA = tlv(SEQUENCE, hex('06092a864886f70d01010b'), hex('0500'));
const OID_COMMON_NAME = hex('0603550403'); // 2.5.4.3
const OID_ORGANIZATION = hex('060355040a'); // 2.5.4.10
/** Extensions [3]: keyUsage (2.5.29.15), critical, digitalSignature only (BIT STRING 07 80). */
const KEY_USAGE_EXTENSIONS = tlv(0xa3, tlv(SEQUENCE, tlv(SEQUENCE, hex('0603551d0f'), hex('0101ff'), tlv(0x04, hex('03020780')))));
/** version [0] EXPLICIT INTEGER 2 (v3). */
const VERSION_3 = hex('a003020102');

/** PrintableString when every character is in its set (X.680 §41.4), else UTF8String. */
function directoryString(s: string): Buffer {
  return /^[A-Za-z0-9 '()+,\-./:=?]*$/.test(s) ? tlv(0x13, Buffer.from(s, 'latin1')) : tlv(0x0c, Buffer.from(s, 'utf8'));
}

/** A positive INTEGER from hex digits, in minimal DER (a leading 00 only where the top bit is set). */
function positiveInteger(hexDigits: string): Buffer {
  if (!/^[0-9a-f]+$/i.test(hexDigits)) throw new TypeError(`serial number must be hex digits, not ${JSON.stringify(hexDigits)}`);
  let bytes = Buffer.from(hexDigits.length % 2 ? `0${hexDigits}` : hexDigits, 'hex');
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  bytes = bytes.subarray(i);
  return tlv(0x02, bytes[0] & 0x80 ? Buffer.concat([Buffer.from([0]), bytes]) : bytes);
}

/** UTCTime for 1950–2049, GeneralizedTime otherwise (RFC 5280 §4.1.2.5), to the second, in UTC. */
function time(d: Date): Buffer {
  const iso = d.toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ
  const digits = iso.slice(0, 19).replace(/[-T:]/g, '');
  const year = d.getUTCFullYear();
  return year >= 1950 && year < 2050 ? tlv(0x17, Buffer.from(`${digits.slice(2)}Z`)) : tlv(0x18, Buffer.from(`${digits}Z`));
}

/** Name: one RDN per attribute, CN then O. */
function name(cn: string): Buffer {
  const rdn = (oid: Buffer, value: string) => tlv(SET, tlv(SEQUENCE, oid, directoryString(value)));
  return tlv(SEQUENCE, rdn(OID_COMMON_NAME, cn), rdn(OID_ORGANIZATION, 'iamlocal mock IdP'));
}

/**
 * A self-signed certificate for the IdP key, valid from `now` (to the second) for ten years, subject
 * and issuer CN = the entity id's first 64 characters (the X.520 upper bound), O = iamlocal mock IdP;
 * keyUsage digitalSignature, sha256WithRSAEncryption. Deterministic for a given key, entity id, clock
 * and serial (RSASSA-PKCS1-v1_5 signatures are), as PEM with `\n` line ends.
 */
export function createIdpCertificate(opts: { privateKeyPem: string; entityId: string; now: Date; serialNumber: string }): string {
  const pem = normalizeRsaPrivateKey(opts.privateKeyPem);
  const key = createPrivateKey(pem);
  const notBefore = new Date(Math.floor(opts.now.getTime() / 1000) * 1000);
  const notAfter = new Date(notBefore.getTime() + CERT_LIFETIME_DAYS * 86400_000);
  const subject = name(opts.entityId.slice(0, 64) || 'iamlocal-mock-idp');
  const spki = createPublicKey(key).export({ type: 'spki', format: 'der' });
  const tbs = tlv(SEQUENCE, VERSION_3, positiveInteger(opts.serialNumber), SHA256_WITH_RSA, subject, tlv(SEQUENCE, time(notBefore), time(notAfter)), subject, spki, KEY_USAGE_EXTENSIONS);
  const signature = sign('sha256', tbs, key); // RSASSA-PKCS1-v1_5, the default padding for RSA keys
  const der = tlv(SEQUENCE, tbs, SHA256_WITH_RSA, tlv(0x03, Buffer.from([0]), signature));
  const lines = der.toString('base64').match(/.{1,64}/g)!;
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}
