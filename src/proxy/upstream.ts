// Owns requests to the upstream emulator: re-signed with the upstream's own credentials, bodies
// streamed both ways, never buffered whole.
import { request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Readable } from 'node:stream';
import { signS3Request } from '../auth/sigv4';

import type { ProxyUpstream } from './upstream-spec';
export type { ProxyUpstream } from './upstream-spec';

/**
 * The time requests to the upstream are signed with: the wall clock, not iamlocal's (test) clock — the
 * upstream judges SigV4's ±15 minutes by its own clock, whatever iamlocal's has been moved to.
 */
export function upstreamTime(): Date {
  return new Date();
}

/** Hop-by-hop headers and the client's own signing material, never forwarded. */
const DROP_REQUEST = new Set([
  'host', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer', 'expect',
  'authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'x-amz-decoded-content-length', 'x-amz-trailer',
]);
const DROP_RESPONSE = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'upgrade']);

/** Presigned-URL parameters of the client's signature (removed before re-signing). */
const AUTH_QUERY = new Set(['X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Security-Token']);

/** The raw query without the client's presigned-auth parameters, pairs kept as sent. */
export function stripAuthQuery(rawQuery: string): string {
  if (rawQuery.length === 0) return '';
  return rawQuery
    .split('&')
    .filter((p) => {
      const name = p.split('=', 1)[0]!;
      let decoded = name;
      try {
        decoded = decodeURIComponent(name);
      } catch {
        /* keep as is */
      }
      return !AUTH_QUERY.has(decoded);
    })
    .join('&');
}

export interface ForwardRequest {
  method: string;
  /** Path-style path on the upstream, percent-encoded as on the wire (`/bucket/key`). */
  path: string;
  rawQuery: string;
  headers: IncomingHttpHeaders;
  /** Length of the body as forwarded (decoded aws-chunked length), or null for none / unknown. */
  contentLength: number | null;
  /** The body's SHA-256 when the client signed it, else UNSIGNED-PAYLOAD. */
  payloadHash: string;
  /** Content-Encoding left once aws-chunked has been decoded (null: drop the header). */
  contentEncoding?: string | null;
}

/** Builds the signed outgoing request headers. */
function outgoingHeaders(up: ProxyUpstream, f: ForwardRequest, now: Date): Record<string, string> {
  const target = new URL(up.url);
  const signed: Record<string, string> = {};
  const unsigned: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.headers)) {
    if (v === undefined || DROP_REQUEST.has(k)) continue;
    if (k === 'content-length') continue;
    const value = Array.isArray(v) ? v.join(',') : v;
    if (k === 'content-encoding' && f.contentEncoding !== undefined) {
      if (f.contentEncoding) signed[k] = f.contentEncoding;
      continue;
    }
    // Real S3 requires every x-amz-* header to be signed; Content-Type and Content-MD5 are signed as the SDKs do.
    if (k.startsWith('x-amz-') || k === 'content-type' || k === 'content-md5') signed[k] = value;
    else unsigned[k] = value;
  }
  const auth = signS3Request(
    { method: f.method, host: target.host, path: f.path, rawQuery: f.rawQuery, headers: signed, payloadHash: f.payloadHash },
    up.credentials,
    { region: up.region, now },
  );
  const out: Record<string, string> = { ...unsigned, ...signed, ...auth, host: target.host };
  if (f.contentLength !== null) out['content-length'] = String(f.contentLength);
  return out;
}

/**
 * Sends one request upstream and resolves with its response (not yet read). The body, when given,
 * is piped; an error on it (a failed chunk signature, a hash mismatch) destroys the upstream request
 * before its end, so the upstream sees an aborted upload and stores nothing.
 */
export function forward(up: ProxyUpstream, f: ForwardRequest, body: Readable | Buffer | null, now: Date): Promise<IncomingMessage> {
  const target = new URL(up.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest({
      host: target.hostname,
      port: target.port || 80,
      method: f.method,
      path: f.path + (f.rawQuery ? `?${f.rawQuery}` : ''),
      headers: outgoingHeaders(up, f, now),
    });
    req.once('response', resolve);
    req.once('error', reject);
    if (body === null) req.end();
    else if (Buffer.isBuffer(body)) req.end(body);
    else {
      body.once('error', (e) => {
        req.destroy(e);
        reject(e);
      });
      body.pipe(req);
    }
  });
}

/** A small request of the proxy's own (bucket policy, object tags), its response read up to `limit` bytes. */
export async function fetchSmall(up: ProxyUpstream, method: string, path: string, rawQuery: string, now: Date, limit = 64 * 1024): Promise<{ status: number; body: string }> {
  const res = await forward(up, { method, path, rawQuery, headers: {}, contentLength: null, payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, null, now);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) {
      res.destroy();
      throw new Error(`upstream answer to ${method} ${path}?${rawQuery} is larger than ${limit} bytes`);
    }
    parts.push(c);
  }
  return { status: res.statusCode ?? 502, body: Buffer.concat(parts).toString('utf8') };
}

/** The upstream response's headers as forwarded to the client. */
export function responseHeaders(h: IncomingHttpHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(h)) if (v !== undefined && !DROP_RESPONSE.has(k)) out[k] = v;
  return out;
}
