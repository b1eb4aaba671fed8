// Owns calling iamlocal's admin endpoints from tests: JSON bodies signed with the root key (any service name).
import { signRequest } from '../../src/auth/sigv4';
import { send, type Creds } from './raw-client';

export const ROOT: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };

export async function admin<T = any>(endpoint: string, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown, creds: Creds = ROOT): Promise<{ status: number; json: T; text: string }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const headers = { 'content-type': 'application/json' };
  const signed = signRequest({ method, url: new URL(path, endpoint).toString(), headers, body: text }, creds, { region: 'us-east-1', service: 'iamlocal', now: new Date() });
  const res = await send(endpoint, { method, path, headers: { ...headers, ...signed }, body: method === 'GET' || method === 'DELETE' ? undefined : text });
  let json: T;
  try {
    json = JSON.parse(res.body) as T;
  } catch {
    json = undefined as T;
  }
  return { status: res.status, json, text: res.body };
}

/** A service-account token minted by the server for one of its clusters. */
export async function mintToken(endpoint: string, cluster: string, opts: { namespace: string; serviceAccount: string; audience?: string | string[]; lifetimeSeconds?: number }): Promise<string> {
  const r = await admin<{ token: string }>(endpoint, 'POST', `/_iamlocal/clusters/${cluster}/tokens`, opts);
  if (r.status !== 200) throw new Error(`mint failed: ${r.status} ${r.text}`);
  return r.json.token;
}
