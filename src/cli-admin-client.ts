// Owns how the CLI subcommands (mint-token, kind) talk to a running iamlocal: requests signed with SigV4
// by the account's root key (any service name is accepted for /_iamlocal/*), JSON or form bodies, and the
// endpoint / credentials defaults (--endpoint, IAMLOCAL_ENDPOINT, IAMLOCAL_ROOT_ACCESS_KEY_ID / _SECRET_ACCESS_KEY).
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signRequest } from './auth/sigv4';
import { defaults } from './config';

export interface ServerTarget {
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

/** The endpoint and root key a CLI command uses, from its flag and the environment. */
export function serverTarget(endpointFlag: string | undefined, env: NodeJS.ProcessEnv): ServerTarget {
  const root = defaults.rootCredentials || { accessKeyId: 'test', secretAccessKey: 'test' };
  return {
    endpoint: endpointFlag ?? env.IAMLOCAL_ENDPOINT ?? `http://127.0.0.1:${defaults.port}`,
    credentials: {
      accessKeyId: env.IAMLOCAL_ROOT_ACCESS_KEY_ID ?? root.accessKeyId,
      secretAccessKey: env.IAMLOCAL_ROOT_SECRET_ACCESS_KEY ?? root.secretAccessKey,
    },
  };
}

export interface ServerAnswer {
  status: number;
  body: string;
}

/** One signed request. `service` is the SigV4 scope's service ('iamlocal' for admin calls, 'iam' for IAM). */
export function signedRequest(t: ServerTarget, method: string, path: string, body = '', contentType = 'application/json', service = 'iamlocal'): Promise<ServerAnswer> {
  const url = new URL(path, t.endpoint);
  const headers: Record<string, string> = { 'content-type': contentType };
  const signed = signRequest({ method, url: url.toString(), headers, body }, t.credentials, { region: 'us-east-1', service, now: new Date() });
  const send = url.protocol === 'https:' ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers: { ...headers, ...signed } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (e) => reject(new Error(`cannot reach iamlocal at ${t.endpoint}: ${e.message}`)));
    req.end(method === 'GET' || method === 'DELETE' ? undefined : body);
  });
}

/** A signed admin call with a JSON answer; throws Error with the server's error code and message on non-2xx. */
export async function adminJson<T>(t: ServerTarget, method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<{ status: number; json: T }> {
  const res = await signedRequest(t, method, path, body === undefined ? '' : JSON.stringify(body));
  let json: unknown;
  try {
    json = JSON.parse(res.body);
  } catch {
    throw new Error(`unexpected answer from ${t.endpoint}${path} (HTTP ${res.status})`);
  }
  if (res.status < 200 || res.status > 299) {
    const err = (json as { error?: { code: string; message: string } }).error;
    throw Object.assign(new Error(err ? `${err.code}: ${err.message}` : `HTTP ${res.status}`), { status: res.status, code: err?.code });
  }
  return { status: res.status, json: json as T };
}
