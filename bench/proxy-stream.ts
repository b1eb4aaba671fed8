// Owns `npm run bench:proxy`: one large object streamed through the S3 authorizing proxy, to show the
// proxy's memory stays bounded whatever the object size. Starts s3rver (the upstream) in this process,
// the built iamlocal CLI as a child with `--proxy-upstream`, PUTs BENCH_PROXY_MIB MiB (default 1024)
// with UNSIGNED-PAYLOAD from a generator (never held in memory here either), GETs it back and discards
// it, sampling the iamlocal process's RSS. Reported, never asserted: prints one JSON line.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
// @ts-expect-error s3rver ships no type declarations
import S3rver from 's3rver';
import { signS3Request } from '../src/auth/sigv4';
import { freePort, RssSampler, startServer, stopServer, waitUntilReady } from './server-process';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const CLI = process.env.BENCH_CLI ? resolve(process.env.BENCH_CLI) : join(ROOT, 'dist', 'cli.js');
const MIB = Number(process.env.BENCH_PROXY_MIB) > 0 ? Number(process.env.BENCH_PROXY_MIB) : 1024;
const ADMIN = { accessKeyId: 'test', secretAccessKey: 'test' };

function call(origin: string, method: string, path: string, body: Readable | null, length: number, sink = false): Promise<number> {
  const url = new URL(origin);
  const headers = { ...signS3Request({ method, host: url.host, path, rawQuery: '', headers: {}, payloadHash: body ? 'UNSIGNED-PAYLOAD' : 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' }, ADMIN, { region: 'us-east-1', now: new Date() }), host: url.host, ...(body ? { 'content-length': String(length) } : {}) };
  return new Promise((resolveStatus, reject) => {
    const req = request({ host: url.hostname, port: url.port, method, path, headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolveStatus(res.statusCode ?? 0));
      if (!sink) res.resume();
    });
    req.on('error', reject);
    if (body) body.pipe(req);
    else req.end();
  });
}

function* pieces(total: number): Generator<Buffer> {
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  for (let i = 0; i < total; i++) yield chunk;
}

async function main(): Promise<void> {
  if (!existsSync(CLI)) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const directory = mkdtempSync(join(tmpdir(), 'iamlocal-bench-s3rver-'));
  const s3rver = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory });
  const { port: upstreamPort } = (await s3rver.run()) as { port: number };
  const [port, proxyPort] = [await freePort(), await freePort()];
  const h = startServer(CLI, port, ['--log-level', 'warn', '--proxy-upstream', `s3=http://S3RVER:S3RVER@127.0.0.1:${upstreamPort},port=${proxyPort}`]);
  const proxy = `http://127.0.0.1:${proxyPort}`;
  try {
    await waitUntilReady(h, performance.now(), async () => (await call(proxy, 'GET', '/', null, 0)) > 0);
    if ((await call(proxy, 'PUT', '/bench-bucket', null, 0)) !== 200) throw new Error('CreateBucket through the proxy failed');
    const rss = new RssSampler(h.pid);
    rss.sample();
    const baseline = rss.last;
    const timer = setInterval(rss.sample, 50);
    const t0 = performance.now();
    const put = await call(proxy, 'PUT', '/bench-bucket/big.bin', Readable.from(pieces(MIB)), MIB * 1024 * 1024);
    const t1 = performance.now();
    const get = await call(proxy, 'GET', '/bench-bucket/big.bin', null, 0, true);
    const t2 = performance.now();
    clearInterval(timer);
    rss.sample();
    const mib = (b: number) => Math.round((b / 1048576) * 10) / 10;
    process.stdout.write(JSON.stringify({
      objectMiB: MIB,
      put: { status: put, ms: Math.round(t1 - t0), MiBps: Math.round((MIB / ((t1 - t0) / 1000)) * 10) / 10 },
      get: { status: get, ms: Math.round(t2 - t1), MiBps: Math.round((MIB / ((t2 - t1) / 1000)) * 10) / 10 },
      iamlocalRssMiB: { baseline: mib(baseline), peak: mib(rss.peak), growth: mib(rss.peak - baseline), samples: rss.samples },
    }) + '\n');
  } finally {
    await stopServer(h);
    await s3rver.close();
    rmSync(directory, { recursive: true, force: true });
  }
}

main().catch((e) => {
  process.stderr.write(`bench:proxy: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
