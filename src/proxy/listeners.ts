// Owns the proxy listeners: one plain-HTTP port per configured upstream (`--proxy-upstream`), each
// serving that service's authorizing proxy (S3: s3/proxy.ts, DynamoDB: dynamodb/proxy.ts, SQS: sqs/proxy.ts). `Expect: 100-continue` is answered only after the request
// has been authorized, so a refused upload's body is never sent.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ProxyDeps } from './deps';
import { DynamoProxy } from './dynamodb/proxy';
import { S3Proxy } from './s3/proxy';
import { SqsProxy } from './sqs/proxy';
import type { ProxyUpstream } from './upstream-spec';

export interface RunningProxy {
  service: ProxyUpstream['service'];
  /** Base URL clients use as their endpoint (`http://127.0.0.1:PORT`). */
  url: string;
  port: number;
  upstream: string;
  proxy: S3Proxy | DynamoProxy | SqsProxy;
}

export interface ProxyListeners {
  proxies: RunningProxy[];
  close(): Promise<void>;
}

export async function startProxyListeners(deps: ProxyDeps, host: string, upstreams: readonly ProxyUpstream[]): Promise<ProxyListeners> {
  const servers: Server[] = [];
  const proxies: RunningProxy[] = [];
  const close = () => Promise.all(servers.map((s) => new Promise<void>((r) => {
    s.close(() => r());
    s.closeAllConnections?.();
  }))).then(() => undefined);
  try {
    for (const up of upstreams) {
      const proxy = up.service === 's3' ? new S3Proxy(deps, up) : up.service === 'dynamodb' ? new DynamoProxy(deps, up) : new SqsProxy(deps, up);
      const server = createServer((req, res) => void proxy.handle(req, res));
      if (proxy instanceof S3Proxy) server.on('checkContinue', (req, res) => void proxy.handle(req, res, true));
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(up.port, host, () => {
          server.off('error', reject);
          resolve();
        });
      });
      servers.push(server);
      const a = server.address() as AddressInfo;
      const h = a.family === 'IPv6' ? `[${a.address}]` : a.address;
      proxies.push({ service: up.service, url: `http://${h === '0.0.0.0' || h === '[::]' ? '127.0.0.1' : h}:${a.port}`, port: a.port, upstream: up.url, proxy });
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { proxies, close };
}
