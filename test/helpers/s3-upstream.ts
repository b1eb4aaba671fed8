// Owns the real S3 upstream the proxy e2e suites run behind: s3rver (an S3-compatible emulator from
// npm) on a free port with a fresh directory, and a log of every request that reached it, read from
// its own HTTP server — so a test can assert what did (and did not) get through the proxy.
import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';

export interface UpstreamRequest {
  method: string;
  url: string;
  /** The access key the request was signed with (the proxy signs with the upstream's own). */
  accessKeyId: string | null;
}

export interface S3Upstream {
  url: string;
  /** The `--proxy-upstream` spec for it. */
  spec(extra?: string): string;
  requests: UpstreamRequest[];
  /** Requests whose path is `path` exactly (query ignored), optionally only with `method`. */
  hits(path: string, method?: string): UpstreamRequest[];
  stop(): Promise<void>;
}

function keyOf(req: IncomingMessage): string | null {
  const m = /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ''));
  return m ? m[1]! : null;
}

export async function startS3Upstream(): Promise<S3Upstream> {
  const directory = mkdtempSync(join(tmpdir(), 'iamlocal-s3rver-'));
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port } = (await s3rver.run()) as { port: number };
  const server = s3rver.httpServer as Server;
  const requests: UpstreamRequest[] = [];
  server.prependListener('request', (req: IncomingMessage) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', accessKeyId: keyOf(req) });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    spec: (extra = '') => `s3=http://S3RVER:S3RVER@127.0.0.1:${port}${extra}`,
    requests,
    hits: (path, method) => requests.filter((r) => r.url.split('?')[0] === path && (method === undefined || r.method === method)),
    stop: async () => {
      await s3rver.close();
      rmSync(directory, { recursive: true, force: true });
    },
  };
}
