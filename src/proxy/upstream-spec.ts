// Owns what `--proxy-upstream` says about an upstream emulator: its URL, the credentials iamlocal
// signs forwarded requests with, the port the proxy listens on. Pure: imports nothing.

export type ProxyService = 's3' | 'dynamodb' | 'sqs';
export const PROXY_SERVICES: readonly ProxyService[] = ['s3', 'dynamodb', 'sqs'];

export interface ProxyUpstream {
  service: ProxyService;
  /** Base URL of the upstream emulator, without credentials (`http://127.0.0.1:9000`). */
  url: string;
  /** The port the proxy listens on for this upstream (0: any free port). */
  port: number;
  /** What iamlocal signs forwarded requests with (the upstream's own credentials). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The region forwarded requests are signed for. */
  region: string;
  /** The account that owns buckets / tables / queues not created through the proxy (default: iamlocal's default account). */
  account: string | null;
}

/** Credentials the emulators accept out of the box (s3rver's S3RVER/S3RVER; dynalite and fauxqs take any; MinIO, LocalStack: their own, set in the URL). */
const DEFAULT_UPSTREAM_KEYS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };

/**
 * `SERVICE=URL[,port=N][,region=R][,account=ID]`, credentials as the URL's user info
 * (`s3=http://KEY:SECRET@127.0.0.1:9000,port=4570`). Throws Error with the reason.
 */
export function parseProxyUpstream(spec: string): ProxyUpstream {
  const eq = spec.indexOf('=');
  if (eq <= 0) throw new Error(`expected SERVICE=URL, got ${JSON.stringify(spec)}`);
  const service = spec.slice(0, eq).trim().toLowerCase();
  if (!(PROXY_SERVICES as readonly string[]).includes(service)) {
    throw new Error(`unknown proxy service ${JSON.stringify(service)} (the proxy serves: ${PROXY_SERVICES.join(', ')})`);
  }
  const [rawUrl, ...opts] = spec.slice(eq + 1).split(',');
  let url: URL;
  try {
    url = new URL(rawUrl!.trim());
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(rawUrl)}`);
  }
  if (url.protocol !== 'http:') throw new Error(`the upstream must be an http:// URL, got ${JSON.stringify(rawUrl)}`);
  const out: ProxyUpstream = {
    service: service as ProxyService,
    url: `${url.protocol}//${url.host}`,
    port: 0,
    credentials: url.username
      ? { accessKeyId: decodeURIComponent(url.username), secretAccessKey: decodeURIComponent(url.password) }
      : { ...DEFAULT_UPSTREAM_KEYS },
    region: 'us-east-1',
    account: null,
  };
  for (const o of opts) {
    const [k, v = ''] = o.split('=', 2).map((x) => x.trim()) as [string, string?];
    if (k === 'port') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 65535) throw new Error(`port: not a port number: ${JSON.stringify(v)}`);
      out.port = n;
    } else if (k === 'region' && /^[a-z0-9-]+$/.test(v)) out.region = v;
    else if (k === 'account' && /^\d{12}$/.test(v)) out.account = v;
    else throw new Error(`unknown or bad option ${JSON.stringify(o)} (port=N, region=R, account=ID)`);
  }
  return out;
}

