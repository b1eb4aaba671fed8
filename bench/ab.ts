// Owns `npx tsx bench/ab.ts`: two builds of iamlocal (AB_A, default node_modules/.ab/base/cli.js, and
// AB_B, default dist/cli.js) side by side, the same scenarios run against each interleaved round by round
// (A B A B …), and the median ratio of server CPU per request (A ÷ B). For judging an optimisation on a
// machine whose speed swings within minutes; not part of `npm run bench`, never a test.
import { resolve } from 'node:path';
import { median, runLoad } from './load';
import { ALL } from './scenarios';
import { freePort, readCpuMs, startServer, stopServer, waitUntilReady, type ServerHandle } from './server-process';
import { send, signedQuery } from './aws-query';
import { startScriptNodeFlags } from './node-flags';

const A = resolve(process.env.AB_A ?? 'node_modules/.ab/base/cli.js');
const B = resolve(process.env.AB_B ?? 'dist/cli.js');
const ROUNDS = Number(process.env.AB_ROUNDS ?? 4);
const REQUESTS = Number(process.env.AB_REQUESTS ?? 1000);
const C = Number(process.env.AB_CONCURRENCY ?? 8);
const only = (process.env.BENCH_ONLY ?? 'GetCallerIdentity,AssumeRole,GetRole,CreateRole').split(',').filter(Boolean);
const nodeArgs = (process.env.BENCH_NODE_ARGS ?? startScriptNodeFlags()).split(' ').filter(Boolean);

async function launch(cli: string): Promise<ServerHandle> {
  const port = await freePort();
  const h = startServer(cli, port, ['--log-level', 'warn', '--seed', resolve('bench/seed.yaml')], nodeArgs);
  const gci = () => send(h.origin, signedQuery(h.origin, 'sts', 'GetCallerIdentity', {}, { accessKeyId: 'test', secretAccessKey: 'test' }), 2000).then((r) => r.status === 200);
  await waitUntilReady(h, performance.now(), gci);
  return h;
}

const servers = { A: await launch(A), B: await launch(B) };
try {
  for (const sc of ALL.filter((s) => only.some((o) => s.name === o || (o.endsWith('*') && s.name.startsWith(o.slice(0, -1))) || s.name.startsWith(o)))) {
    if (sc.name === 'GetRole denied' && !only.includes('GetRole denied')) continue;
    if (sc.name.startsWith('AssumeRoleWith') && !only.some((o) => o.startsWith('AssumeRoleWith'))) continue;
    const makes = { A: await sc.setup(servers.A.origin, 'iamlocal', 'fresh'), B: await sc.setup(servers.B.origin, 'iamlocal', 'fresh') };
    const us: Record<'A' | 'B', number[]> = { A: [], B: [] };
    for (let r = 0; r < ROUNDS; r++) {
      for (const k of (r % 2 === 0 ? ['A', 'B'] : ['B', 'A']) as ('A' | 'B')[]) {
        const h = servers[k];
        let cpu0: number | null = null;
        const res = await runLoad({
          origin: h.origin, concurrency: C, maxRequests: REQUESTS, durationMs: 60_000, warmupRequests: r === 0 ? 300 : 50,
          makeRequest: makes[k], checkBody: sc.check, expectStatus: sc.status,
          onTick: () => void (cpu0 ??= readCpuMs(h.pid)),
        });
        const cpu1 = readCpuMs(h.pid)!;
        if (res.errors) throw new Error(`${sc.name} ${k}: ${res.errors} errors: ${res.sampleErrors[0]}`);
        us[k].push(((cpu1 - cpu0!) * 1000) / res.requests);
      }
    }
    const ratios = us.A.map((a, i) => a / us.B[i]);
    console.log(`${sc.name.padEnd(26)} A ${us.A.map(Math.round).join('/').padEnd(22)} B ${us.B.map(Math.round).join('/').padEnd(22)} A÷B median ${median(ratios)!.toFixed(2)}× (${ratios.map((x) => x.toFixed(2)).join(' ')})`);
  }
} finally {
  await stopServer(servers.A);
  await stopServer(servers.B);
}
