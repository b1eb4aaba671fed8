// Owns the SigV4 arithmetic shared by signing and verification: URI encoding, the canonical request,
// the string to sign and the (cached) signing key. Pure; no HTTP framework, no store.
//
// Algorithm: aws-protocol.md §4.1, https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
import { createHmac, hash } from 'node:crypto';

export const ALGORITHM = 'AWS4-HMAC-SHA256';

/**
 * SHA-256 in hex, with node:crypto's one-shot `hash()` (Node ≥ 20.12, inside the engines range): no Hash
 * object per call. Every request hashes its payload and its canonical request; in-process this is ~2.5×
 * faster than createHash().update().digest() (bench/README.md, "Issue 18, sixth pass").
 */
export function sha256Hex(data: string | Buffer): string {
  return hash('sha256', data, 'hex');
}

const UNRESERVED = /^[A-Za-z0-9\-_.~]*$/;
const HEX = '0123456789ABCDEF';

/**
 * RFC 3986 encoding as SigV4 wants it: every UTF-8 byte except `A-Za-z0-9-_.~` becomes `%XX`
 * (upper-case hex). Works on bytes, so it never throws (a lone surrogate encodes as U+FFFD).
 */
export function uriEncode(s: string): string {
  if (UNRESERVED.test(s)) return s;
  const bytes = Buffer.from(s, 'utf8');
  let out = '';
  for (const b of bytes) {
    if (
      (b >= 0x41 && b <= 0x5a) ||
      (b >= 0x61 && b <= 0x7a) ||
      (b >= 0x30 && b <= 0x39) ||
      b === 0x2d ||
      b === 0x5f ||
      b === 0x2e ||
      b === 0x7e
    ) {
      out += String.fromCharCode(b);
    } else {
      out += '%' + HEX[b >> 4] + HEX[b & 15];
    }
  }
  return out;
}

/**
 * Canonical URI for every service but S3: remove `.`/`..` and empty segments, then URI-encode the
 * path *as received on the wire* once more (so `%20` on the wire signs as `%2520`), keeping `/`.
 * This is what both SDK v3 (`getCanonicalPath`) and botocore (`_normalize_url_path`) compute; the
 * SigV4 test-suite cases `get-slashes`, `get-relative-relative`, `get-space` pin it.
 */
export function canonicalUri(rawPath: string): string {
  const path = rawPath.length === 0 ? '/' : rawPath;
  const segments: string[] = [];
  for (const seg of path.split('/')) {
    if (seg.length === 0 || seg === '.') continue;
    if (seg === '..') segments.pop();
    else segments.push(seg);
  }
  const lead = path.startsWith('/') ? '/' : '';
  const trail = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return lead + segments.map(uriEncode).join('/') + trail;
}

/**
 * Canonical query: every `name=value` pair (form-decoded, so `+` is a space), each side re-encoded
 * with RFC 3986, sorted by encoded name then encoded value, joined by `&`. `exclude` drops a name
 * (the presigned `X-Amz-Signature`, §4.5).
 */
export function canonicalQuery(rawQuery: string, exclude?: string): string {
  if (rawQuery.length === 0) return '';
  const pairs: [string, string][] = [];
  for (const [k, v] of new URLSearchParams(rawQuery)) {
    if (exclude !== undefined && k === exclude) continue;
    pairs.push([uriEncode(k), uriEncode(v)]);
  }
  pairs.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  let out = '';
  for (let i = 0; i < pairs.length; i++) out += (i ? '&' : '') + pairs[i][0] + '=' + pairs[i][1];
  return out;
}

/** Trim and collapse every whitespace run to one space (SDK v3 and botocore both do this). */
function canonicalHeaderValue(v: string): string {
  return v.trim().replace(/\s+/g, ' ');
}

export type HeaderBag = Record<string, string | string[] | undefined>;

/**
 * `name:value\n` for each signed header, in the order listed in SignedHeaders; repeated headers
 * (a string[] value) are joined with `,` (test-suite `get-header-key-duplicate`). A signed header
 * that is absent signs as an empty value, which then simply fails to match.
 */
export function canonicalHeaders(headers: HeaderBag, signedHeaders: readonly string[]): string {
  let out = '';
  for (const name of signedHeaders) {
    const lower = name.toLowerCase();
    const v = headers[lower];
    const value = v === undefined ? '' : Array.isArray(v) ? v.map(canonicalHeaderValue).join(',') : canonicalHeaderValue(v);
    out += lower + ':' + value + '\n';
  }
  return out;
}

export function buildCanonicalRequest(p: {
  method: string;
  path: string;
  canonicalQuery: string;
  headers: HeaderBag;
  signedHeaders: readonly string[];
  payloadHash: string;
}): string {
  return (
    p.method.toUpperCase() +
    '\n' +
    canonicalUri(p.path) +
    '\n' +
    p.canonicalQuery +
    '\n' +
    canonicalHeaders(p.headers, p.signedHeaders) +
    '\n' +
    p.signedHeaders.join(';') +
    '\n' +
    p.payloadHash
  );
}

export function buildStringToSign(amzDate: string, credentialScope: string, canonicalRequest: string): string {
  return ALGORITHM + '\n' + amzDate + '\n' + credentialScope + '\n' + sha256Hex(canonicalRequest);
}

// Verification runs on every request; the four chained HMACs of the key derivation are the same for a
// given (secret, day, region, service), so keep a small bounded cache (oldest entry evicted first).
const KEY_CACHE_MAX = 512;
const keyCache = new Map<string, Buffer>();

export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const cacheKey = date + '\n' + region + '\n' + service + '\n' + secretAccessKey;
  const hit = keyCache.get(cacheKey);
  if (hit) return hit;
  const kDate = createHmac('sha256', 'AWS4' + secretAccessKey).update(date).digest();
  const kRegion = createHmac('sha256', kDate).update(region).digest();
  const kService = createHmac('sha256', kRegion).update(service).digest();
  const kSigning = createHmac('sha256', kService).update('aws4_request').digest();
  if (keyCache.size >= KEY_CACHE_MAX) keyCache.delete(keyCache.keys().next().value!);
  keyCache.set(cacheKey, kSigning);
  return kSigning;
}

/** Number of cached signing keys (for tests of the bound). */
export function signingKeyCacheSize(): number {
  return keyCache.size;
}

export function computeSignature(key: Buffer, stringToSign: string): string {
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** `YYYYMMDD'T'HHMMSS'Z'` — the X-Amz-Date form, also used in AWS's clock-skew messages. */
export function toAmzDate(d: Date): string {
  const iso = d.toISOString(); // 2015-08-30T12:36:00.000Z
  return iso.slice(0, 4) + iso.slice(5, 7) + iso.slice(8, 10) + 'T' + iso.slice(11, 13) + iso.slice(14, 16) + iso.slice(17, 19) + 'Z';
}

/** Parse `YYYYMMDD'T'HHMMSS'Z'` strictly (real calendar values only); null when malformed. */
export function parseAmzDate(s: string): Date | null {
  if (s.length !== 16 || s[8] !== 'T' || s[15] !== 'Z') return null;
  for (let i = 0; i < 15; i++) {
    if (i === 8) continue;
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
  }
  const y = +s.slice(0, 4), mo = +s.slice(4, 6), d = +s.slice(6, 8);
  const h = +s.slice(9, 11), mi = +s.slice(11, 13), se = +s.slice(13, 15);
  // Reject roll-overs such as month 13, 31 April or 25:00:00 (checked numerically: this runs per request).
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || se > 59) return null;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, se));
  if (date.getUTCDate() !== d) return null;
  return date;
}
