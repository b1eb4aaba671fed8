// Owns `npx tsx bench/profile.ts <scenario> [requests]`: one server (dist/cli.js, or BENCH_CLI) started
// with `--cpu-prof`, one scenario of bench/scenarios.ts run against it at PROFILE_CONCURRENCY (default 8)
// for the given number of requests after a warm-up, then the server stopped so V8 writes the profile into
// PROFILE_DIR (default /tmp/iamlocal-prof). Prints the profile's path and the server CPU µs per request.
// A tool for finding where a request's CPU goes; never a test, never part of `npm run bench`.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { runLoad } from './load';
import { ALL } from './scenarios';
import { freePort, readCpuMs, startServer, stopServer, waitUntilReady } from './server-process';
import { send, signedQuery } from './aws-query';
import { startScriptNodeFlags } from './node-flags';

const [name, n] = process.argv.slice(2);
const sc = ALL.find((s) => s.name === name);
if (!sc) {
  console.error(`usage: npx tsx bench/profile.ts <scenario> [requests]; scenarios: ${ALL.map((s) => JSON.stringify(s.name)).join(', ')}`);
  process.exit(2);
}
const dir = resolve(process.env.PROFILE_DIR ?? '/tmp/iamlocal-prof');
mkdirSync(dir, { recursive: true });
const port = await freePort();
const h = startServer(resolve(process.env.BENCH_CLI ?? 'dist/cli.js'), port, ['--log-level', 'warn', '--seed', resolve('bench/seed.yaml')], [
  ...startScriptNodeFlags().split(' ').filter(Boolean), '--cpu-prof', `--cpu-prof-dir=${dir}`, ...(process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean),
]);
try {
  await waitUntilReady(h, performance.now(), () =>
    send(h.origin, signedQuery(h.origin, 'sts', 'GetCallerIdentity', {}, { accessKeyId: 'test', secretAccessKey: 'test' }), 2000).then((r) => r.status === 200));
  const make = await sc.setup(h.origin, 'iamlocal', 'fresh');
  let cpu0: number | null = null;
  const res = await runLoad({
    origin: h.origin, concurrency: Number(process.env.PROFILE_CONCURRENCY ?? 8), maxRequests: Number(n ?? 5000), durationMs: 120_000,
    warmupRequests: 500, makeRequest: make, checkBody: sc.check, expectStatus: sc.status, onTick: () => void (cpu0 ??= readCpuMs(h.pid)),
  });
  const cpu1 = readCpuMs(h.pid)!;
  console.log(`${sc.name}: ${res.requests} requests, ${res.errors} errors, server CPU ${(((cpu1 - cpu0!) * 1000) / res.requests).toFixed(0)} µs/request`);
} finally {
  await stopServer(h);
}
console.log(`profile written to ${dir} (open it in Chrome DevTools, or summarise it by function)`);
