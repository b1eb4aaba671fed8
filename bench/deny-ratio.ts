// Owns `npx tsx bench/deny-ratio.ts`: the issue-18 denial target (AccessDenied ≤ 1.1× the same call
// allowed) measured interleaved on ONE server: `GetRole denied` and `GetRole` alternate round by round
// (A B, B A, …) and the median of the per-round ratios of server CPU per request is printed. The load
// phase of bench/run.ts measures the two scenarios minutes apart, which on a shared machine whose speed
// swings 2× says little; this is the same question asked the way bench/ab.ts asks it of two builds.
// Knobs: BENCH_CLI (default dist/cli.js), DR_ROUNDS (6), DR_REQUESTS (2000), DR_CONCURRENCY (8),
// DR_WARMUP (requests of each scenario before the first round, 2000), DR_DENIED / DR_ALLOWED
// (scenario names). A tool, never a test.
import { resolve } from 'node:path';
import { runLoad } from './load';
import { ALL } from './scenarios';
import { freePort, readCpuMs, startServer, stopServer, waitUntilReady } from './server-process';
import { send, signedQuery } from './aws-query';
import { startScriptNodeFlags } from './node-flags';

const CLI = resolve(process.env.BENCH_CLI ?? 'dist/cli.js');
const ROUNDS = Number(process.env.DR_ROUNDS ?? 6);
const REQUESTS = Number(process.env.DR_REQUESTS ?? 2000);
const C = Number(process.env.DR_CONCURRENCY ?? 8);
const WARMUP = Number(process.env.DR_WARMUP ?? 2000);
const names = [process.env.DR_DENIED ?? 'GetRole denied', process.env.DR_ALLOWED ?? 'GetRole'] as const;
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? startScriptNodeFlags()).split(' ').filter(Boolean);
const scenarios = names.map((n) => {
  const sc = ALL.find((s) => s.name === n);
  if (!sc) throw new Error(`no scenario ${JSON.stringify(n)}`);
  return sc;
});

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const port = await freePort();
const h = startServer(CLI, port, ['--log-level', 'warn', '--seed', resolve('bench/seed.yaml')], nodeArgs);
try {
  await waitUntilReady(h, performance.now(), () =>
    send(h.origin, signedQuery(h.origin, 'sts', 'GetCallerIdentity', {}, { accessKeyId: 'test', secretAccessKey: 'test' }), 2000).then((r) => r.status === 200));
  const makes = await Promise.all(scenarios.map((sc) => sc.setup(h.origin, 'iamlocal', 'fresh')));
  const us: number[][] = [[], []];
  for (let r = 0; r < ROUNDS; r++) {
    for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const sc = scenarios[i];
      let cpu0: number | null = null;
      const res = await runLoad({
        origin: h.origin, concurrency: C, maxRequests: REQUESTS, durationMs: 60_000, warmupRequests: r === 0 ? WARMUP : 50,
        makeRequest: makes[i], checkBody: sc.check, expectStatus: sc.status,
        onTick: () => void (cpu0 ??= readCpuMs(h.pid)),
      });
      const cpu1 = readCpuMs(h.pid)!;
      if (res.errors) throw new Error(`${sc.name}: ${res.errors} errors: ${res.sampleErrors[0]}`);
      us[i].push(((cpu1 - cpu0!) * 1000) / res.requests);
    }
  }
  const ratios = us[0].map((d, i) => d / us[1][i]);
  console.log(`${CLI}: ${names[0]} ${us[0].map(Math.round).join('/')} µs, ${names[1]} ${us[1].map(Math.round).join('/')} µs (server CPU/request, c=${C}, ${REQUESTS} a round)`);
  console.log(`${names[0]} ÷ ${names[1]}: median ${median(ratios).toFixed(2)}× (${ratios.map((x) => x.toFixed(2)).join(' ')})`);
} finally {
  await stopServer(h);
}
