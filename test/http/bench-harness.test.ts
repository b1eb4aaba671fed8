// The benchmark harness pieces (bench/*) against stand-ins: the load generator against a tiny loopback
// server, the process helpers against a fake CLI. Keeps `npm run bench` honest before the server exists.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSigV4, verifySigV4 } from '../../src/auth/sigv4';
import { requestPartsFromNode } from '../../src/http/request-parts';
import { decodeForm } from '../../src/http/query-decode';
import { cachedSigner, encodeForm, send, signedQuery, xmlField } from '../../bench/aws-query';
import { assertLoopback, median, percentile, runLoad } from '../../bench/load';
import { freePort, readRssBytes, RssSampler, startServer, stopServer, waitUntilReady } from '../../bench/server-process';

let server: Server;
let origin: string;
let verified = 0;
let rejected = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const parts = requestPartsFromNode(req, Buffer.concat(chunks));
      try {
        verifySigV4(parts, parseSigV4(parts)!, 'test', new Date(), 'sts');
        verified++;
      } catch {
        rejected++;
        res.writeHead(403).end('<ErrorResponse/>');
        return;
      }
      const action = decodeForm(parts.body.toString()).get('Action')?.[0];
      if (action === 'Fail') res.writeHead(400).end('<ErrorResponse/>');
      else res.writeHead(200, { 'content-type': 'text/xml' }).end(`<${action}Response><${action}Result><Account>000000000000</Account></${action}Result></${action}Response>`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const ROOT = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('bench/load', () => {
  it('median of unsorted samples: the upper middle value for an even count, none for no samples', () => {
    const xs = [9, 1, 5];
    expect(median(xs)).toBe(5);
    expect(xs).toEqual([9, 1, 5]);
    expect(median([4, 1, 3, 2])).toBe(3);
    expect(median([0.71, 1.52, 1.0, 0.83])).toBe(1.0);
    expect(median([])).toBeUndefined();
  });

  it('percentile by nearest rank', () => {
    const xs = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect([percentile(xs, 50), percentile(xs, 90), percentile(xs, 99), percentile(xs, 100)]).toEqual([5, 9, 10, 10]);
    expect(percentile([], 50)).toBe(0);
  });

  it('refuses non-loopback targets', () => {
    expect(() => assertLoopback('http://example.com:80')).toThrow(/non-loopback/);
    expect(() => assertLoopback('https://127.0.0.1:1')).toThrow(/http:/);
    expect(assertLoopback('http://127.0.0.1:1').port).toBe('1');
  });

  it('stops at maxRequests, counts every request, signed requests verify on the server', async () => {
    const before = verified;
    const make = cachedSigner((now) => signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ROOT, now));
    let ticks = 0;
    const res = await runLoad({
      origin,
      concurrency: 8,
      maxRequests: 400,
      durationMs: 10_000,
      warmupRequests: 20,
      makeRequest: make,
      checkBody: (b) => b.includes('<GetCallerIdentityResult>'),
      onTick: () => ticks++,
    });
    expect(res.requests).toBe(400);
    expect(res.errors).toBe(0);
    expect(res.statuses).toEqual({ '200': 400 });
    expect(verified - before).toBe(420);
    expect(res.rps).toBeGreaterThan(0);
    expect(res.p50Ms).toBeLessThanOrEqual(res.p99Ms);
    expect(res.p99Ms).toBeLessThanOrEqual(res.maxMs);
    expect(ticks).toBeGreaterThanOrEqual(2);
  });

  it('stops at the duration bound and counts HTTP errors and failed body checks', async () => {
    const make = () => signedQuery(origin, 'sts', 'Fail', {}, ROOT);
    const t0 = performance.now();
    const res = await runLoad({ origin, concurrency: 4, maxRequests: 1_000_000, durationMs: 300, makeRequest: make });
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(res.requests).toBeGreaterThan(0);
    expect(res.errors).toBe(res.requests);
    expect(res.statuses['400']).toBe(res.requests);
    expect(res.sampleErrors[0]).toMatch(/^400 /);

    const wrongBody = await runLoad({
      origin,
      concurrency: 1,
      maxRequests: 3,
      durationMs: 5000,
      makeRequest: () => signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ROOT),
      checkBody: () => false,
    });
    expect(wrongBody.errors).toBe(3);
  });

  it('transport failures are errors, not crashes', async () => {
    const port = await freePort(); // nothing listens there
    const res = await runLoad({
      origin: `http://127.0.0.1:${port}`,
      concurrency: 2,
      maxRequests: 4,
      durationMs: 2000,
      makeRequest: () => signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ROOT),
    });
    expect(res.errors).toBe(4);
    expect(res.statuses.ERR).toBe(4);
  });
});

describe('bench/aws-query', () => {
  it('form encoding matches SDK v3 (%20, !\'()* escaped)', () => {
    expect(encodeForm({ Action: 'AssumeRole', RoleSessionName: "s 1!'()*", RoleArn: 'arn:aws:iam::1:role/r' })).toBe(
      'Action=AssumeRole&RoleSessionName=s%201%21%27%28%29%2A&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fr',
    );
  });

  it('xmlField reads and unescapes the first element', () => {
    expect(xmlField('<a><Arn>x&amp;y&lt;</Arn><Arn>2</Arn></a>', 'Arn')).toBe('x&y<');
    expect(xmlField('<a/>', 'Arn')).toBeUndefined();
  });

  it('cachedSigner re-signs only after refreshMs', async () => {
    let n = 0;
    const make = cachedSigner(() => {
      n++;
      return signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ROOT);
    }, 50);
    make();
    make();
    expect(n).toBe(1);
    await new Promise((r) => setTimeout(r, 60));
    make();
    expect(n).toBe(2);
  });

  it('a tampered signed request is rejected by the verifier', async () => {
    const before = rejected;
    const req = signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ROOT);
    const res = await send(origin, { ...req, body: Buffer.from(req.body.toString().replace('GetCallerIdentity', 'GetSessionToken')) });
    expect(res.status).toBe(403);
    expect(rejected - before).toBe(1);
  });
});

describe('bench/server-process with a fake CLI', () => {
  it('spawns, becomes ready, reports RSS, stops by pid', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-bench-'));
    const cli = join(dir, 'cli.mjs');
    writeFileSync(
      cli,
      `import { createServer } from 'node:http';
const port = Number(process.argv[process.argv.indexOf('--port') + 1]);
setTimeout(() => createServer((q, s) => { q.resume(); q.on('end', () => s.end('<GetCallerIdentityResult/>')); })
  .listen(port, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + port)), 50);
process.on('SIGTERM', () => process.exit(0));`,
    );
    const port = await freePort();
    const t0 = performance.now();
    const h = startServer(cli, port);
    try {
      const ms = await waitUntilReady(h, t0, async () => (await send(h.origin, signedQuery(h.origin, 'sts', 'GetCallerIdentity', {}, ROOT), 500)).status === 200);
      expect(ms).toBeGreaterThanOrEqual(50);
      expect(ms).toBeLessThan(10_000);
      const rss = readRssBytes(h.pid);
      expect(rss).toBeGreaterThan(1024 * 1024);
      const sampler = new RssSampler(h.pid);
      sampler.sample();
      expect(sampler.peak).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 50));
      expect(h.output.join('\n')).toContain(`http://127.0.0.1:${port}`);
    } finally {
      await stopServer(h);
    }
    expect(h.child.exitCode ?? h.child.signalCode).not.toBeNull();
    expect(readRssBytes(h.pid)).toBeNull();
  });

  it('a CLI that dies during start-up is reported with its output', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-bench-'));
    const cli = join(dir, 'bad.mjs');
    writeFileSync(cli, `console.error('boom: bad flag'); process.exit(2);`);
    const port = await freePort();
    const h = startServer(cli, port);
    await expect(waitUntilReady(h, performance.now(), async () => false, 5000)).rejects.toThrow(/exited during start-up[\s\S]*boom: bad flag/);
  });
});
