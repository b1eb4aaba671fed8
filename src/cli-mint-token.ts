// Owns `iamlocal mint-token`: asks a running iamlocal (admin endpoint POST /_iamlocal/clusters/NAME/tokens,
// signed with the account's root key) for a projected service-account token and prints it or writes it
// to a file — the file a pod's AWS_WEB_IDENTITY_TOKEN_FILE points at. Works with in-memory and Docker
// servers alike because the server, which holds the cluster key and the clock, does the signing.
import { writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signRequest } from './auth/sigv4';
import { applyOptions, formatOptions, type OptionSpec } from './cli-args';
import { defaults, ROOT_CREDENTIALS } from './config';

export class MintTokenUsageError extends Error {}

export interface MintTokenArgs {
  cluster: string;
  namespace: string;
  serviceAccount: string;
  audience: string[];
  lifetimeSeconds?: number;
  podName?: string;
  region?: string;
  out?: string;
  endpoint: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
}

type Parsed = Partial<MintTokenArgs> & { audience: string[]; help?: boolean; endpointEnv?: string; keyId?: string; secret?: string };

const root = defaults.rootCredentials || ROOT_CREDENTIALS;

/** The command's options: the parser and MINT_TOKEN_USAGE both come from this list. */
export const MINT_TOKEN_OPTIONS: OptionSpec<Parsed>[] = [
  { flag: '--cluster', value: 'NAME', help: 'mock EKS cluster (seeded or created via POST /_iamlocal/clusters); required', fromFlag: (c, v) => void (c.cluster = v) },
  { flag: '--namespace', aliases: ['-n'], value: 'NS', help: 'service account namespace; required', fromFlag: (c, v) => void (c.namespace = v) },
  { flag: '--service-account', value: 'SA', help: 'service account name; required', fromFlag: (c, v) => void (c.serviceAccount = v) },
  { flag: '--audience', value: 'A', repeatable: true, default: 'sts.amazonaws.com', help: 'token audience', fromFlag: (c, v) => void c.audience.push(v) },
  { flag: '--lifetime', value: 'SECONDS', default: '86400', help: 'token lifetime, 600–4294967296',
    fromFlag: (c, v) => {
      if (!/^\d+$/.test(v)) throw new MintTokenUsageError(`--lifetime: not a number of seconds: ${JSON.stringify(v)}`);
      c.lifetimeSeconds = Number(v);
    } },
  { flag: '--pod', value: 'NAME', help: 'add kubernetes.io.pod (a pod-bound token)', fromFlag: (c, v) => void (c.podName = v) },
  { flag: '--region', value: 'R', help: 'cluster region, when several clusters share the name', fromFlag: (c, v) => void (c.region = v) },
  { flag: '--out', value: 'FILE', help: 'write the token to FILE (mode 0600) instead of stdout', fromFlag: (c, v) => void (c.out = v) },
  { flag: '--endpoint', value: 'URL', env: 'IAMLOCAL_ENDPOINT', default: `http://127.0.0.1:${defaults.port}`, help: 'iamlocal URL',
    fromFlag: (c, v) => void (c.endpoint = v), fromEnv: (c, v) => void (c.endpointEnv = v) },
  { env: 'IAMLOCAL_ROOT_ACCESS_KEY_ID', value: 'ID', default: root.accessKeyId, help: 'root key the request is signed with', fromEnv: (c, v) => void (c.keyId = v) },
  { env: 'IAMLOCAL_ROOT_SECRET_ACCESS_KEY', value: 'SECRET', default: root.secretAccessKey, help: 'its secret', fromEnv: (c, v) => void (c.secret = v) },
  { flag: '--help', aliases: ['-h'], help: 'this text', fromFlag: (c) => void (c.help = true) },
];

export const MINT_TOKEN_USAGE = `Usage: iamlocal mint-token --cluster NAME --namespace NS --service-account SA [options]

Asks a running iamlocal for a projected service-account token (the file a pod's AWS_WEB_IDENTITY_TOKEN_FILE names).

${formatOptions(MINT_TOKEN_OPTIONS)}`;

export function parseMintTokenArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): MintTokenArgs | 'help' {
  const out = applyOptions<Parsed>(MINT_TOKEN_OPTIONS, { audience: [] }, argv, env, {
    missing: (flag) => new MintTokenUsageError(`${flag} needs a value`),
    unknown: (arg) => new MintTokenUsageError(`unknown option ${JSON.stringify(arg)}`),
  });
  if (out.help) return 'help';
  for (const [k, flag] of [['cluster', '--cluster'], ['namespace', '--namespace'], ['serviceAccount', '--service-account']] as const) {
    if (!out[k]) throw new MintTokenUsageError(`${flag} is required`);
  }
  const { help: _h, endpointEnv, keyId, secret, ...args } = out;
  return {
    ...(args as MintTokenArgs),
    endpoint: out.endpoint ?? endpointEnv ?? `http://127.0.0.1:${defaults.port}`,
    credentials: { accessKeyId: keyId ?? root.accessKeyId, secretAccessKey: secret ?? root.secretAccessKey },
  };
}

export function post(url: URL, headers: Record<string, string>, body: string): Promise<{ status: number; body: string }> {
  const send = url.protocol === 'https:' ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(url, { method: 'POST', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs JSON to an admin endpoint, SigV4-signed with a root key (service `iamlocal`), and returns the parsed answer or throws the server's error. */
export async function postAdmin<T>(endpoint: string, url: URL, payload: unknown, credentials: MintTokenArgs['credentials']): Promise<T> {
  const body = JSON.stringify(payload);
  const headers = { 'content-type': 'application/json' };
  const signed = signRequest({ method: 'POST', url: url.toString(), headers, body }, credentials, { region: 'us-east-1', service: 'iamlocal', now: new Date() });
  const res = await post(url, { ...headers, ...signed }, body);
  let parsed: T & { error?: { code: string; message: string } };
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new Error(`unexpected answer from ${endpoint} (HTTP ${res.status})`);
  }
  if (res.status < 200 || res.status > 299) throw new Error(parsed.error ? `${parsed.error.code}: ${parsed.error.message}` : `HTTP ${res.status}`);
  return parsed;
}

/** Mints through the server; returns the token. Throws Error with the server's message on failure. */
export async function mintTokenViaServer(a: MintTokenArgs): Promise<{ token: string; expiration: string }> {
  const url = new URL(`/_iamlocal/clusters/${encodeURIComponent(a.cluster)}/tokens${a.region ? `?region=${encodeURIComponent(a.region)}` : ''}`, a.endpoint);
  const body = JSON.stringify({
    namespace: a.namespace,
    serviceAccount: a.serviceAccount,
    ...(a.audience.length > 0 ? { audience: a.audience } : {}),
    ...(a.lifetimeSeconds !== undefined ? { lifetimeSeconds: a.lifetimeSeconds } : {}),
    ...(a.podName !== undefined ? { podName: a.podName } : {}),
  });
  const headers = { 'content-type': 'application/json' };
  const signed = signRequest({ method: 'POST', url: url.toString(), headers, body }, a.credentials, { region: 'us-east-1', service: 'iamlocal', now: new Date() });
  const res = await post(url, { ...headers, ...signed }, body);
  let parsed: { token?: string; expiration?: string; error?: { code: string; message: string } };
  try {
    parsed = JSON.parse(res.body);
  } catch {
    throw new Error(`unexpected answer from ${a.endpoint} (HTTP ${res.status})`);
  }
  if (res.status !== 200 || !parsed.token) throw new Error(parsed.error ? `${parsed.error.code}: ${parsed.error.message}` : `HTTP ${res.status}`);
  return { token: parsed.token, expiration: parsed.expiration ?? '' };
}

/** Runs the command; returns the process exit code. */
export async function runMintToken(argv: string[], io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let args: MintTokenArgs | 'help';
  try {
    args = parseMintTokenArgs(argv);
  } catch (e) {
    if (e instanceof MintTokenUsageError) {
      io.err.write(`iamlocal mint-token: ${e.message}\n\n${MINT_TOKEN_USAGE}\n`);
      return 2;
    }
    throw e;
  }
  if (args === 'help') {
    io.out.write(MINT_TOKEN_USAGE + '\n');
    return 0;
  }
  try {
    const { token, expiration } = await mintTokenViaServer(args);
    if (args.out) {
      await writeFile(args.out, token, { mode: 0o600 });
      io.err.write(`token written to ${args.out} (expires ${expiration})\n`);
    } else io.out.write(token + '\n');
    return 0;
  } catch (e) {
    io.err.write(`iamlocal mint-token: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
