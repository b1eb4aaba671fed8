// Owns hand-made S3 requests for the proxy suites: signed with the project's S3 signer (or signed and
// then altered, to play a forger), sent with node:http so the Host header, body and chunking are
// exactly what the test says; and an aws-chunked body with chunk signatures built as the S3 docs
// describe (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html).
import { createHash, createHmac } from 'node:crypto';
import { request } from 'node:http';
import { signS3Request } from '../../src/auth/sigv4';
import { signingKey, toAmzDate } from '../../src/auth/sigv4-canonical';

export type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
export interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export const sha256 = (b: string | Buffer) => createHash('sha256').update(b).digest('hex');

export interface RawRequest {
  method: string;
  path: string;
  rawQuery?: string;
  /** The Host header (default: the endpoint's host). */
  host?: string;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** Signs a request (header auth, payload hash of the body unless x-amz-content-sha256 is given). */
export function signed(endpoint: string, r: RawRequest, creds: Creds, opts: { region?: string; now?: Date } = {}): RawRequest & { headers: Record<string, string> } {
  const host = r.host ?? new URL(endpoint).host;
  const body = r.body === undefined ? Buffer.alloc(0) : Buffer.from(r.body);
  const headers = { ...(r.headers ?? {}) };
  const payloadHash = headers['x-amz-content-sha256'] ?? sha256(body);
  delete headers['x-amz-content-sha256'];
  const auth = signS3Request({ method: r.method, host, path: r.path, rawQuery: r.rawQuery ?? '', headers, payloadHash }, creds, { region: opts.region ?? 'us-east-1', now: opts.now ?? new Date() });
  return { ...r, host, headers: { ...headers, ...auth } };
}

export function send(endpoint: string, r: RawRequest): Promise<Raw> {
  const url = new URL(endpoint);
  return new Promise((resolve, reject) => {
    const body = r.body === undefined ? undefined : Buffer.from(r.body);
    const req = request(
      { host: url.hostname, port: url.port, method: r.method, path: r.path + (r.rawQuery ? `?${r.rawQuery}` : ''), headers: { host: r.host ?? url.host, ...(body ? { 'content-length': String(body.length) } : {}), ...(r.headers ?? {}) } },
      (res) => {
        const parts: Buffer[] = [];
        res.on('data', (c: Buffer) => parts.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(parts).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** `<Code>` of an S3 XML error body. */
export function code(r: Raw): string | undefined {
  return /<Code>([^<]+)<\/Code>/.exec(r.body)?.[1];
}

export function message(r: Raw): string | undefined {
  return /<Message>([^<]*)<\/Message>/.exec(r.body)?.[1]?.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

/**
 * A PUT with a STREAMING-AWS4-HMAC-SHA256-PAYLOAD body: the seed signature over the headers, then each
 * chunk signed over the previous signature. `tamper(i, chunk)` may change a chunk after it was signed.
 */
export function chunkedPut(endpoint: string, path: string, data: Buffer, chunkSize: number, creds: Creds, tamper?: (i: number, chunk: Buffer) => Buffer): RawRequest {
  const now = new Date();
  const amzDate = toAmzDate(now);
  const scope = `${amzDate.slice(0, 8)}/us-east-1/s3/aws4_request`;
  const chunks: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) chunks.push(data.subarray(i, i + chunkSize));
  chunks.push(Buffer.alloc(0));
  const headers = {
    'x-amz-content-sha256': 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(data.length),
  };
  const s = signed(endpoint, { method: 'PUT', path, headers }, creds, { now });
  let prev = /Signature=([0-9a-f]{64})/.exec(s.headers.authorization!)![1]!;
  const key = signingKey(creds.secretAccessKey, amzDate.slice(0, 8), 'us-east-1', 's3');
  const wire: Buffer[] = [];
  chunks.forEach((c, i) => {
    const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${amzDate}\n${scope}\n${prev}\n${sha256('')}\n${sha256(c)}`;
    prev = createHmac('sha256', key).update(sts).digest('hex');
    const sent = tamper ? tamper(i, c) : c;
    wire.push(Buffer.from(`${c.length.toString(16)};chunk-signature=${prev}\r\n`), sent, Buffer.from('\r\n'));
  });
  return { ...s, body: Buffer.concat(wire) };
}

/**
 * A STREAMING-UNSIGNED-PAYLOAD-TRAILER upload (what the SDKs send for a stream with a checksum): unsigned
 * aws-chunked chunks, then the trailer `<header>:<value>`, as the S3 docs describe
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html).
 */
export function unsignedTrailerPut(endpoint: string, path: string, data: Buffer, chunkSize: number, creds: Creds, trailer: { header: string; value: string }): RawRequest {
  const headers = {
    'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
    'content-encoding': 'aws-chunked',
    'x-amz-decoded-content-length': String(data.length),
    'x-amz-trailer': trailer.header,
  };
  const s = signed(endpoint, { method: 'PUT', path, headers }, creds);
  const wire: Buffer[] = [];
  for (let i = 0; i < data.length; i += chunkSize) {
    const c = data.subarray(i, i + chunkSize);
    wire.push(Buffer.from(`${c.length.toString(16)}\r\n`), c, Buffer.from('\r\n'));
  }
  wire.push(Buffer.from(`0\r\n${trailer.header}:${trailer.value}\r\n\r\n`));
  return { ...s, body: Buffer.concat(wire) };
}
