// Owns `npx tsx bench/deny-ratio.ts`: the issue-18 denial target (AccessDenied ≤ 1.1× the same call
// allowed) on a server of its own, by bench/deny-rounds.ts (the `deny` phase of bench/run.ts asks the same
// of the load server).
// Knobs: BENCH_CLI (default dist/cli.js), DR_ROUNDS (6), DR_REQUESTS (2000), DR_CONCURRENCY (8),
// DR_WARMUP (requests of each scenario before the first round, 2000), DR_DENIED / DR_ALLOWED
// (scenario names). A tool, never a test.
import { resolve } from 'node:path';
import { denialRounds } from './deny-rounds';
import { freePort, startServer, stopServer, waitUntilReady } from './server-process';
import { send, signedQuery } from './aws-query';
import { startScriptNodeFlags } from './node-flags';

const CLI = resolve(process.env.BENCH_CLI ?? 'dist/cli.js');
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? startScriptNodeFlags()).split(' ').filter(Boolean);
const port = await freePort();
const h = startServer(CLI, port, ['--log-level', 'warn', '--seed', resolve('bench/seed.yaml')], nodeArgs);
try {
  await waitUntilReady(h, performance.now(), () =>
    send(h.origin, signedQuery(h.origin, 'sts', 'GetCallerIdentity', {}, { accessKeyId: 'test', secretAccessKey: 'test' }), 2000).then((r) => r.status === 200));
  const C = Number(process.env.DR_CONCURRENCY ?? 8);
  const REQUESTS = Number(process.env.DR_REQUESTS ?? 2000);
  const d = await denialRounds({
    origin: h.origin, pid: h.pid, rounds: Number(process.env.DR_ROUNDS ?? 6), requests: REQUESTS, concurrency: C,
    warmup: Number(process.env.DR_WARMUP ?? 2000), denied: process.env.DR_DENIED, allowed: process.env.DR_ALLOWED,
  });
  console.log(`${CLI}: ${d.denied} ${d.deniedUs.map(Math.round).join('/')} µs, ${d.allowed} ${d.allowedUs.map(Math.round).join('/')} µs (server CPU/request, c=${C}, ${REQUESTS} a round)`);
  console.log(`${d.denied} ÷ ${d.allowed}: median ${d.ratio.toFixed(2)}× (${d.ratios.map((x) => x.toFixed(2)).join(' ')})`);
} finally {
  await stopServer(h);
}
