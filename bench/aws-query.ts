// Owns the benchmark's AWS client side: signed awsQuery requests (botocore-shaped, signed with
// src/auth/sigv4 signRequest) and the few XML fields the set-up calls need.
import { request } from 'node:http';
import { signRequest } from '../src/auth/sigv4';
import type { LoadRequest } from './load';

export interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export const VERSIONS = { sts: '2011-06-15', iam: '2010-05-08' } as const;

/** Form-encode awsQuery params the way SDK v3 does (RFC 3986, %20 for space). */
export function encodeForm(params: Record<string, string>): string {
  return Object.entries(params)
    .map(([k, v]) => `${enc(k)}=${enc(v)}`)
    .join('&');
}
function enc(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

/** A signed POST / for `Action` on `service`, ready for the load generator or a one-off call. */
export function signedQuery(
  origin: string,
  service: 'sts' | 'iam',
  action: string,
  params: Record<string, string>,
  creds: Creds,
  now = new Date(),
  region = 'us-east-1',
): LoadRequest {
  const body = Buffer.from(encodeForm({ Action: action, Version: VERSIONS[service], ...params }), 'utf8');
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const added = signRequest({ method: 'POST', url: `${origin}/`, headers, body }, creds, { region, service, now });
  return { method: 'POST', path: '/', headers: { ...headers, ...added }, body };
}

/**
 * A request source that re-signs at most every `refreshMs` (default 1 s): the server still verifies
 * the full signature on every request (it keeps no signature cache), while the load generator on the
 * same machine spends its CPU on sending rather than on HMACs. A replayed signed request is valid on
 * AWS too (within the 15-minute window).
 */
export function cachedSigner(make: (now: Date) => LoadRequest, refreshMs = 1000): () => LoadRequest {
  let cached: LoadRequest | undefined;
  let at = 0;
  return () => {
    const t = Date.now();
    if (!cached || t - at >= refreshMs) {
      cached = make(new Date(t));
      at = t;
    }
    return cached;
  };
}

export interface CallResult {
  status: number;
  body: string;
}

/** One request, whole body read. */
export function send(origin: string, req: LoadRequest, timeoutMs = 5000): Promise<CallResult> {
  const u = new URL(origin);
  return new Promise((resolve, reject) => {
    const r = request(
      {
        host: u.hostname,
        port: u.port,
        method: req.method,
        path: req.path,
        headers: { ...req.headers, 'content-length': String(req.body.length) },
        timeout: timeoutMs,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    r.on('timeout', () => r.destroy(new Error('timeout')));
    r.on('error', reject);
    r.end(req.body);
  });
}

/** Signed call that must succeed; throws with the AWS error text otherwise. */
export async function call(
  origin: string,
  service: 'sts' | 'iam',
  action: string,
  params: Record<string, string>,
  creds: Creds,
): Promise<string> {
  const res = await send(origin, signedQuery(origin, service, action, params, creds));
  if (res.status !== 200) throw new Error(`${action} → HTTP ${res.status}: ${res.body.slice(0, 500)}`);
  return res.body;
}

/** Text of the first `<name>…</name>` element (tag names are fixed strings chosen by the harness). */
export function xmlField(xml: string, name: string): string | undefined {
  const open = `<${name}>`;
  const i = xml.indexOf(open);
  if (i === -1) return undefined;
  const j = xml.indexOf(`</${name}>`, i + open.length);
  if (j === -1) return undefined;
  return xml
    .slice(i + open.length, j)
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&#13;/g, '\r')
    .replace(/&amp;/g, '&');
}
