// Owns AWS Signature Version 4 for iamlocal: parsing the Authorization header or presigned query,
// verifying a request against a secret key, and signing requests (tests, benchmark). Pure: no store,
// no HTTP framework types; every failure is an AwsError with AWS's own code and text.
//
// Wire rules: aws-protocol.md §4.1–4.7.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-signing-elements.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-troubleshooting.html
import { timingSafeEqual } from 'node:crypto';
import { AwsError, awsError, awsErrors } from '../aws/errors';
import {
  ALGORITHM,
  buildCanonicalRequest,
  buildStringToSign,
  canonicalHeaders,
  canonicalQuery,
  computeSignature,
  sha256Hex,
  signingKey,
  toAmzDate,
  parseAmzDate,
  uriEncode,
} from './sigv4-canonical';

/** The parts of an HTTP request that SigV4 covers. Header names are lower-case. */
export interface SignedRequestParts {
  method: string;
  /** Raw request path as received on the wire (still percent-encoded), without the query. */
  path: string;
  /** Raw query string after `?` (no `?`), "" when none. */
  rawQuery: string;
  /** Repeated headers as string[] (joined with `,` when signed). */
  headers: Record<string, string | string[]>;
  /** Body bytes exactly as received, before any form parsing. */
  body: Buffer;
}

export interface SigV4Auth {
  form: 'header' | 'query';
  accessKeyId: string;
  scopeDate: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  /** The request timestamp in X-Amz-Date form (`20150830T123600Z`), as signed. */
  amzDate: string;
  requestTime: Date;
  securityToken?: string;
  /** `{date}/{region}/{service}/aws4_request`. */
  credentialScope: string;
}

/** ±15 minutes for STS and IAM, header and presigned alike (aws-protocol.md §4.3, §4.5). */
const WINDOW_MS = 15 * 60 * 1000;
const TERMINATOR = 'aws4_request';
const IMF_FIXDATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function header(headers: SignedRequestParts['headers'], name: string): string | undefined {
  const v = headers[name];
  if (v === undefined) return undefined;
  return Array.isArray(v) ? v[0] : v;
}

/**
 * Find and parse the SigV4 material of a request.
 * - `null` when the request carries none (no Authorization header, no `X-Amz-*` auth in the query):
 *   the caller answers MissingAuthenticationToken, or proceeds for the unsigned operations (§4.6).
 * - throws AwsError IncompleteSignature (400) for malformed material, with AWS's messages (§4.7);
 *   SignatureDoesNotMatch (403) when the credential scope date is not the request date.
 * When both an Authorization header and query auth are present, the header is used (the query
 * parameters are then just signed parameters).
 */
export function parseSigV4(req: SignedRequestParts): SigV4Auth | null {
  const authorization = header(req.headers, 'authorization');
  if (authorization !== undefined) return parseHeaderAuth(req, authorization);
  if (req.rawQuery.length > 0 && req.rawQuery.includes('X-Amz-')) return parseQueryAuth(req);
  return null;
}

function parseHeaderAuth(req: SignedRequestParts, authorization: string): SigV4Auth {
  const trimmed = authorization.trim();
  const sp = trimmed.search(/\s/);
  const algorithm = sp === -1 ? trimmed : trimmed.slice(0, sp);
  const rest = sp === -1 ? '' : trimmed.slice(sp + 1);
  // AWS tokenizes the rest on commas *and* whitespace: `Credential= AKID/…` (a stray space) yields the
  // token `AKID/…` with no `=`, reported verbatim (boto/boto3#2280).
  const fields = new Map<string, string>();
  for (const token of rest.split(/[\s,]+/)) {
    if (token.length === 0) continue;
    const eq = token.indexOf('=');
    if (eq === -1) {
      throw awsErrors.incompleteSignature(
        `'${token}' not a valid key=value pair (missing equal-sign) in Authorization header: '${authorization}'.`,
      );
    }
    const k = token.slice(0, eq);
    if (!fields.has(k)) fields.set(k, token.slice(eq + 1));
  }
  const credential = fields.get('Credential');
  const signature = fields.get('Signature');
  const signedHeaders = fields.get('SignedHeaders');
  const xAmzDate = header(req.headers, 'x-amz-date');
  const httpDate = header(req.headers, 'date');

  const missing: string[] = [];
  if (credential === undefined) missing.push("Authorization header requires 'Credential' parameter.");
  if (signature === undefined) missing.push("Authorization header requires 'Signature' parameter.");
  if (signedHeaders === undefined) missing.push("Authorization header requires 'SignedHeaders' parameter.");
  if (xAmzDate === undefined && httpDate === undefined) {
    missing.push("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
  }
  if (missing.length > 0) throw awsErrors.incompleteSignature(`${missing.join(' ')} Authorization=${authorization}`);

  if (algorithm !== ALGORITHM) throw unsupportedAlgorithm(algorithm);

  // SigV4 prefers X-Amz-Date; a plain HTTP Date is accepted when X-Amz-Date is absent and is signed
  // in its ISO-8601 basic form.
  let amzDate: string;
  let requestTime: Date | null;
  if (xAmzDate !== undefined) {
    amzDate = xAmzDate.trim();
    requestTime = parseAmzDate(amzDate);
    if (!requestTime) throw badDate(xAmzDate);
  } else {
    // IMF-fixdate (`Sun, 29 Nov 2026 18:10:08 GMT`) or the basic ISO form; nothing looser.
    const d = httpDate!.trim();
    requestTime = parseAmzDate(d) ?? (IMF_FIXDATE.test(d) ? new Date(Date.parse(d)) : null);
    if (!requestTime || Number.isNaN(requestTime.getTime())) throw badDate(httpDate!);
    amzDate = toAmzDate(requestTime);
  }

  return finish({
    form: 'header',
    credential: credential!,
    signedHeaders: signedHeaders!,
    signature: signature!,
    amzDate,
    rawDate: xAmzDate ?? httpDate!,
    requestTime,
    securityToken: header(req.headers, 'x-amz-security-token'),
  });
}

function parseQueryAuth(req: SignedRequestParts): SigV4Auth | null {
  const q = new URLSearchParams(req.rawQuery);
  const algorithm = q.get('X-Amz-Algorithm');
  const credential = q.get('X-Amz-Credential');
  const signature = q.get('X-Amz-Signature');
  const signedHeaders = q.get('X-Amz-SignedHeaders');
  const xAmzDate = q.get('X-Amz-Date');
  if (algorithm === null && credential === null && signature === null && signedHeaders === null) {
    return null; // `X-Amz-…` appeared only as an ordinary parameter, no query auth at all
  }
  const missing: string[] = [];
  if (algorithm === null) missing.push("AWS query-string parameters must include 'X-Amz-Algorithm'.");
  if (credential === null) missing.push("AWS query-string parameters must include 'X-Amz-Credential'.");
  if (signature === null) missing.push("AWS query-string parameters must include 'X-Amz-Signature'.");
  if (signedHeaders === null) missing.push("AWS query-string parameters must include 'X-Amz-SignedHeaders'.");
  if (xAmzDate === null) missing.push("AWS query-string parameters must include 'X-Amz-Date'.");
  // ⚠ Text as AWS query-protocol services print it; not captured from STS itself.
  if (missing.length > 0) throw awsErrors.incompleteSignature(`${missing.join(' ')} Re-examine the query-string parameters.`);
  if (algorithm !== ALGORITHM) throw unsupportedAlgorithm(algorithm!);
  const amzDate = xAmzDate!.trim();
  const requestTime = parseAmzDate(amzDate);
  if (!requestTime) throw badDate(xAmzDate!);
  return finish({
    form: 'query',
    credential: credential!,
    signedHeaders: signedHeaders!,
    signature: signature!,
    amzDate,
    rawDate: xAmzDate!,
    requestTime,
    securityToken: q.get('X-Amz-Security-Token') ?? undefined,
  });
}

function finish(p: {
  form: 'header' | 'query';
  credential: string;
  signedHeaders: string;
  signature: string;
  amzDate: string;
  rawDate: string;
  requestTime: Date;
  securityToken: string | undefined;
}): SigV4Auth {
  const parts = p.credential.split('/');
  if (parts.length !== 5) {
    throw awsErrors.incompleteSignature(
      `Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got '${p.credential}'`,
    );
  }
  const [accessKeyId, scopeDate, region, service, terminator] = parts;
  if (terminator !== TERMINATOR) {
    // ⚠ Text as other AWS query services print it.
    throw awsErrors.signatureDoesNotMatch(`Credential should be scoped with a valid terminator: 'aws4_request', not '${terminator}'. `);
  }
  const dateOfRequest = p.amzDate.slice(0, 8);
  if (scopeDate !== dateOfRequest) {
    throw awsErrors.signatureDoesNotMatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scopeDate}' != '${dateOfRequest}', from '${p.rawDate}'.`,
    );
  }
  return {
    form: p.form,
    accessKeyId,
    scopeDate,
    region,
    service,
    signedHeaders: p.signedHeaders.length === 0 ? [] : p.signedHeaders.split(';'),
    signature: p.signature,
    amzDate: p.amzDate,
    requestTime: p.requestTime,
    ...(p.securityToken !== undefined ? { securityToken: p.securityToken } : {}),
    credentialScope: `${scopeDate}/${region}/${service}/${TERMINATOR}`,
  };
}

function badDate(raw: string): AwsError {
  return awsErrors.incompleteSignature(`Date must be in ISO-8601 'basic format'. Got '${raw}'. See http://en.wikipedia.org/wiki/ISO_8601`);
}

function unsupportedAlgorithm(algorithm: string): AwsError {
  // ⚠ Only AWS4-HMAC-SHA256 is implemented (SigV4a is opt-in in the SDKs, aws-protocol.md §1).
  return awsErrors.incompleteSignature(`Unsupported AWS 'algorithm': '${algorithm}'`);
}

function isSha256Hex(s: string): boolean {
  if (s.length !== 64) return false;
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i) | 0x20; // fold A-F to a-f
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * Verify `req` against `auth` (from parseSigV4) with the caller's secret. Throws AwsError:
 * - SignatureDoesNotMatch `Credential should be scoped to correct service: '{svc}'. ` (scope service ≠ endpoint);
 * - IncompleteSignature when `host` is not among the signed headers;
 * - SignatureDoesNotMatch `Signature expired: …` / `Signature not yet current: …` outside ±15 min of `now`
 *   (presigned: X-Amz-Expires is ignored, 15 minutes from X-Amz-Date apply, §4.5);
 * - SignatureDoesNotMatch when x-amz-content-sha256 is not the body's real hash, or the signature differs
 *   (constant-time comparison).
 * The body hash is always the real one: an `UNSIGNED-PAYLOAD` or streaming marker (S3 only) is rejected,
 * so the awsQuery parameters in the body are always covered by the signature.
 */
export function verifySigV4(
  req: SignedRequestParts,
  auth: SigV4Auth,
  secretAccessKey: string,
  now: Date,
  expectedService: string,
): void {
  if (auth.service !== expectedService) {
    throw awsErrors.signatureDoesNotMatch(`Credential should be scoped to correct service: '${expectedService}'. `);
  }
  if (auth.region.length === 0) {
    throw awsErrors.signatureDoesNotMatch(`Credential should be scoped to a valid region, not ''. `);
  }
  let hostSigned = false;
  for (const h of auth.signedHeaders) {
    const l = h.toLowerCase();
    if (l === 'host' || l === ':authority') hostSigned = true;
  }
  if (!hostSigned) {
    // ⚠ AWS's text (seen from API Gateway and other SigV4 front ends); code chosen as for the other parse errors.
    throw awsErrors.incompleteSignature(`'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.`);
  }

  const t = auth.requestTime.getTime();
  const n = now.getTime();
  if (t < n - WINDOW_MS) {
    throw awsErrors.signatureDoesNotMatch(
      `Signature expired: ${auth.amzDate} is now earlier than ${toAmzDate(new Date(n - WINDOW_MS))} (${toAmzDate(now)} - 15 min.)`,
    );
  }
  if (t > n + WINDOW_MS) {
    throw awsErrors.signatureDoesNotMatch(
      `Signature not yet current: ${auth.amzDate} is still later than ${toAmzDate(new Date(n + WINDOW_MS))} (${toAmzDate(now)} + 15 min.)`,
    );
  }

  const bodyHash = sha256Hex(req.body);
  let payloadHash = bodyHash;
  if (auth.form === 'header') {
    const declared = header(req.headers, 'x-amz-content-sha256');
    if (declared !== undefined) {
      const d = declared.trim();
      if (!isSha256Hex(d) || d.toLowerCase() !== bodyHash) throw awsErrors.signatureDoesNotMatch();
      payloadHash = d; // signed exactly as the client sent it
    }
  }

  const canonicalRequest = buildCanonicalRequest({
    method: req.method,
    path: req.path,
    canonicalQuery: canonicalQuery(req.rawQuery, auth.form === 'query' ? 'X-Amz-Signature' : undefined),
    headers: req.headers,
    signedHeaders: auth.signedHeaders,
    payloadHash,
  });
  const stringToSign = buildStringToSign(auth.amzDate, auth.credentialScope, canonicalRequest);
  const expected = computeSignature(signingKey(secretAccessKey, auth.scopeDate, auth.region, auth.service), stringToSign);
  if (!constantTimeEqual(expected, auth.signature)) throw awsErrors.signatureDoesNotMatch();
}

function constantTimeEqual(expected: string, provided: string): boolean {
  const a = Buffer.from(expected, 'utf8');
  const b = Buffer.from(provided, 'utf8');
  // Lengths are public (always 64 for a well-formed signature); compare the bytes in constant time.
  if (a.length !== b.length) return false;
  return timingSafeEqual(a, b);
}

/**
 * Sign a request the way botocore does (Authorization header, X-Amz-Date, X-Amz-Security-Token for
 * session credentials). Signs `host` (from `url`) plus every header given; returns the headers to add.
 * The request must be sent with `Host` equal to `new URL(url).host` (Node's http client does this).
 */
export function signRequest(
  parts: { method: string; url: string; headers: Record<string, string>; body: string | Buffer },
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  opts: { region: string; service: string; now: Date },
): Record<string, string> {
  const url = new URL(parts.url);
  const amzDate = toAmzDate(opts.now);
  const scopeDate = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(parts.headers)) headers[k.toLowerCase()] = v;
  headers['host'] = url.host;
  headers['x-amz-date'] = amzDate;
  if (creds.sessionToken !== undefined) headers['x-amz-security-token'] = creds.sessionToken;
  delete headers['authorization'];
  const signedHeaders = Object.keys(headers).sort();
  const scope = `${scopeDate}/${opts.region}/${opts.service}/${TERMINATOR}`;
  const body = typeof parts.body === 'string' ? Buffer.from(parts.body, 'utf8') : parts.body;
  const canonicalRequest = buildCanonicalRequest({
    method: parts.method,
    path: url.pathname,
    canonicalQuery: canonicalQuery(url.search.length > 0 ? url.search.slice(1) : ''),
    headers,
    signedHeaders,
    payloadHash: headers['x-amz-content-sha256'] ?? sha256Hex(body),
  });
  const signature = computeSignature(
    signingKey(creds.secretAccessKey, scopeDate, opts.region, opts.service),
    buildStringToSign(amzDate, scope, canonicalRequest),
  );
  const out: Record<string, string> = {
    'x-amz-date': amzDate,
    authorization: `${ALGORITHM} Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
  if (creds.sessionToken !== undefined) out['x-amz-security-token'] = creds.sessionToken;
  return out;
}

/**
 * Presign a request in the query (what `aws eks get-token` and botocore `generate_presigned_url` build):
 * adds X-Amz-Algorithm/Credential/Date/Expires/SignedHeaders[/Security-Token] and X-Amz-Signature to
 * the URL's query; the payload hash is the empty body's (§4.5). `headers` (e.g. `x-k8s-aws-id`) are
 * signed along with `host` and must be sent with the request. Returns the full URL.
 */
export function presignUrl(
  parts: { method: string; url: string; headers?: Record<string, string> },
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  opts: { region: string; service: string; now: Date; expiresIn?: number },
): string {
  const url = new URL(parts.url);
  const amzDate = toAmzDate(opts.now);
  const scopeDate = amzDate.slice(0, 8);
  const scope = `${scopeDate}/${opts.region}/${opts.service}/${TERMINATOR}`;
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(parts.headers ?? {})) headers[k.toLowerCase()] = v;
  headers['host'] = url.host;
  const signedHeaders = Object.keys(headers).sort();
  url.searchParams.set('X-Amz-Algorithm', ALGORITHM);
  url.searchParams.set('X-Amz-Credential', `${creds.accessKeyId}/${scope}`);
  url.searchParams.set('X-Amz-Date', amzDate);
  url.searchParams.set('X-Amz-Expires', String(opts.expiresIn ?? 900));
  url.searchParams.set('X-Amz-SignedHeaders', signedHeaders.join(';'));
  if (creds.sessionToken !== undefined) url.searchParams.set('X-Amz-Security-Token', creds.sessionToken);
  // Re-serialise the query with RFC 3986 escapes (URLSearchParams would write spaces as "+").
  const pairs: string[] = [];
  for (const [k, v] of url.searchParams) pairs.push(`${uriEncode(k)}=${uriEncode(v)}`);
  const rawQuery = pairs.join('&');
  const canonicalRequest = buildCanonicalRequest({
    method: parts.method,
    path: url.pathname,
    canonicalQuery: canonicalQuery(rawQuery),
    headers,
    signedHeaders,
    payloadHash: sha256Hex(''),
  });
  const signature = computeSignature(
    signingKey(creds.secretAccessKey, scopeDate, opts.region, opts.service),
    buildStringToSign(amzDate, scope, canonicalRequest),
  );
  return `${url.origin}${url.pathname}?${rawQuery}&X-Amz-Signature=${signature}`;
}

// ------------------------------------------------------------------ S3's flavour of SigV4

/** The payload-signing modes of S3 (x-amz-content-sha256), https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html */
export type S3PayloadMode =
  | { kind: 'unsigned' }
  /** The body's SHA-256 (lower-case hex) as signed: the caller checks the body against it while streaming. */
  | { kind: 'hash'; sha256: string }
  /** aws-chunked bodies: each chunk (and the trailer) is signed, chained from the seed signature. */
  | { kind: 'streaming-signed'; trailer: boolean }
  /** aws-chunked bodies without chunk signatures, with a trailing checksum header. */
  | { kind: 'streaming-unsigned-trailer' };

/** What a verified S3 request leaves to check later: the payload mode and, for signed chunks, the signing chain's start. */
export interface S3Verified {
  payload: S3PayloadMode;
  /** The request's own signature: the "previous signature" of the first chunk. */
  seedSignature: string;
  signingKey: Buffer;
  amzDate: string;
  credentialScope: string;
}

/** The longest a presigned S3 URL may be valid: 7 days (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-query-string-auth.html). */
const S3_MAX_EXPIRES = 604800;

function s3PayloadMode(declared: string | undefined): S3PayloadMode | null {
  if (declared === undefined) return null;
  const d = declared.trim();
  switch (d) {
    case 'UNSIGNED-PAYLOAD':
      return { kind: 'unsigned' };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD':
      return { kind: 'streaming-signed', trailer: false };
    case 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER':
      return { kind: 'streaming-signed', trailer: true };
    case 'STREAMING-UNSIGNED-PAYLOAD-TRAILER':
      return { kind: 'streaming-unsigned-trailer' };
    default:
      return isSha256Hex(d) ? { kind: 'hash', sha256: d.toLowerCase() } : null;
  }
}

/**
 * Verify an S3 request's SigV4 signature without its body (the body is streamed and checked by the
 * caller against the returned payload mode). S3 differs from the other services
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html):
 * - the canonical URI is the path as sent, neither normalised nor encoded a second time;
 * - header auth must carry x-amz-content-sha256 (a hash, UNSIGNED-PAYLOAD or a STREAMING-* mode),
 *   and is refused outside ±15 minutes with RequestTimeTooSkewed;
 * - presigned URLs sign UNSIGNED-PAYLOAD and are valid for X-Amz-Expires seconds (1 … 604800) from
 *   X-Amz-Date, judged by `now` (iamlocal's clock); expired ones answer AccessDenied `Request has expired`.
 * `wallClock` only widens the ±15 minute window of header auth (see authenticate.ts).
 */
export function verifyS3SigV4(
  req: Omit<SignedRequestParts, 'body'>,
  auth: SigV4Auth,
  secretAccessKey: string,
  now: Date,
  wallClock?: Date,
): S3Verified {
  if (auth.service !== 's3') {
    throw awsError('AuthorizationHeaderMalformed', `The authorization header is malformed; incorrect service "${auth.service}". This endpoint belongs to "s3".`);
  }
  if (auth.region.length === 0) throw awsError('AuthorizationHeaderMalformed', `The authorization header is malformed; the region '' is wrong.`);
  if (!auth.signedHeaders.some((h) => h.toLowerCase() === 'host')) {
    throw awsError('AccessDenied', 'There were headers present in the request which were not signed', { fields: { HeadersNotSigned: 'host' } });
  }
  const t = auth.requestTime.getTime();
  let payload: S3PayloadMode;
  if (auth.form === 'query') {
    const q = new URLSearchParams(req.rawQuery);
    const raw = q.get('X-Amz-Expires');
    const expires = raw === null ? NaN : Number(raw);
    if (!Number.isInteger(expires) || expires < 1 || expires > S3_MAX_EXPIRES) {
      throw awsError('AuthorizationQueryParametersError', raw === null
        ? 'X-Amz-Expires must be included in the query parameters.'
        : expires > S3_MAX_EXPIRES ? 'X-Amz-Expires must be less than a week (in seconds) that is 604800' : 'X-Amz-Expires must be non-negative');
    }
    if (now.getTime() > t + expires * 1000) {
      throw awsError('AccessDenied', 'Request has expired', {
        fields: { 'X-Amz-Expires': String(expires), Expires: new Date(t + expires * 1000).toISOString().slice(0, 19) + 'Z', ServerTime: now.toISOString().slice(0, 19) + 'Z' },
      });
    }
    const latest = Math.max(now.getTime(), wallClock?.getTime() ?? 0);
    if (t > latest + WINDOW_MS) throw awsError('AccessDenied', 'Request is not valid yet');
    payload = { kind: 'unsigned' };
  } else {
    const inWindow = (ref: Date | undefined) => ref !== undefined && Math.abs(t - ref.getTime()) <= WINDOW_MS;
    if (!inWindow(now) && !inWindow(wallClock)) {
      throw awsError('RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.', {
        fields: { RequestTime: auth.amzDate, ServerTime: now.toISOString(), MaxAllowedSkewMilliseconds: String(WINDOW_MS) },
      });
    }
    const declared = header(req.headers as SignedRequestParts['headers'], 'x-amz-content-sha256');
    const mode = s3PayloadMode(declared);
    if (declared === undefined) throw awsError('InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
    if (!mode) throw awsError('InvalidArgument', 'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-UNSIGNED-PAYLOAD-TRAILER, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, or a valid sha256 value.', { fields: { ArgumentName: 'x-amz-content-sha256', ArgumentValue: declared } });
    payload = mode;
  }
  const payloadHash = auth.form === 'query' ? 'UNSIGNED-PAYLOAD' : header(req.headers as SignedRequestParts['headers'], 'x-amz-content-sha256')!.trim();
  const canonicalRequest =
    req.method.toUpperCase() + '\n' +
    (req.path.length === 0 ? '/' : req.path) + '\n' +
    canonicalQuery(req.rawQuery, auth.form === 'query' ? 'X-Amz-Signature' : undefined) + '\n' +
    canonicalHeaders(req.headers, auth.signedHeaders) + '\n' +
    auth.signedHeaders.join(';') + '\n' +
    payloadHash;
  const stringToSign = buildStringToSign(auth.amzDate, auth.credentialScope, canonicalRequest);
  const key = signingKey(secretAccessKey, auth.scopeDate, auth.region, auth.service);
  const expected = computeSignature(key, stringToSign);
  if (!constantTimeEqual(expected, auth.signature)) {
    // S3 echoes what it signed, so a client can compare (https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html).
    throw awsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', {
      fields: { AWSAccessKeyId: auth.accessKeyId, StringToSign: stringToSign, SignatureProvided: auth.signature, CanonicalRequest: canonicalRequest },
    });
  }
  return { payload, seedSignature: expected, signingKey: key, amzDate: auth.amzDate, credentialScope: auth.credentialScope };
}

/**
 * Sign a request to an S3-compatible upstream the way the SDKs do for S3 (path as given, not encoded
 * again; `payloadHash` is the body's SHA-256 or UNSIGNED-PAYLOAD). Returns the headers to add.
 */
export function signS3Request(
  parts: { method: string; host: string; path: string; rawQuery: string; headers: Record<string, string>; payloadHash: string },
  creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string },
  opts: { region: string; now: Date },
): Record<string, string> {
  const amzDate = toAmzDate(opts.now);
  const scopeDate = amzDate.slice(0, 8);
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(parts.headers)) headers[k.toLowerCase()] = v;
  headers['host'] = parts.host;
  headers['x-amz-date'] = amzDate;
  headers['x-amz-content-sha256'] = parts.payloadHash;
  if (creds.sessionToken !== undefined) headers['x-amz-security-token'] = creds.sessionToken;
  const signedHeaders = Object.keys(headers).sort();
  const scope = `${scopeDate}/${opts.region}/s3/${TERMINATOR}`;
  const canonicalRequest =
    parts.method.toUpperCase() + '\n' + (parts.path || '/') + '\n' + canonicalQuery(parts.rawQuery) + '\n' +
    canonicalHeaders(headers, signedHeaders) + '\n' + signedHeaders.join(';') + '\n' + parts.payloadHash;
  const signature = computeSignature(signingKey(creds.secretAccessKey, scopeDate, opts.region, 's3'), buildStringToSign(amzDate, scope, canonicalRequest));
  const out: Record<string, string> = {
    'x-amz-date': amzDate,
    'x-amz-content-sha256': parts.payloadHash,
    authorization: `${ALGORITHM} Credential=${creds.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
  };
  if (creds.sessionToken !== undefined) out['x-amz-security-token'] = creds.sessionToken;
  return out;
}
