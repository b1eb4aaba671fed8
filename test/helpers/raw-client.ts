// Owns a bare awsQuery client for pipeline tests: builds form bodies, signs them with the project's
// SigV4 signer and sends them with node:http, returning status, headers and the raw XML.
import { request } from 'node:http';
import { signRequest } from '../../src/auth/sigv4';

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export function form(params: Record<string, string>): string {
  return new URLSearchParams(params).toString();
}

export function send(endpoint: string, opts: { method?: string; path?: string; headers?: Record<string, string>; body?: string | Buffer }): Promise<RawResponse> {
  const url = new URL(opts.path ?? '/', endpoint);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'POST', headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/** A SigV4-signed awsQuery POST. */
export function signedQuery(
  endpoint: string,
  params: Record<string, string>,
  creds: Creds,
  opts: { service?: string; region?: string; now?: Date; path?: string } = {},
): Promise<RawResponse> {
  const body = form(params);
  const path = opts.path ?? '/';
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const signed = signRequest(
    { method: 'POST', url: new URL(path, endpoint).toString(), headers, body },
    creds,
    { region: opts.region ?? 'us-east-1', service: opts.service ?? 'sts', now: opts.now ?? new Date() },
  );
  return send(endpoint, { path, headers: { ...headers, ...signed }, body });
}

/** `<Code>` and `<Message>` of an error body. */
export function errorOf(body: string): { code: string; message: string } {
  const code = /<Code>([^<]*)<\/Code>/.exec(body)?.[1] ?? '';
  const message = /<Message>([^<]*)<\/Message>/.exec(body)?.[1] ?? '';
  return { code, message: message.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&') };
}
