// Owns `npm run bench`: starts the built iamlocal CLI as a child process, measures cold start, drives
// signed GetCallerIdentity and AssumeRole at concurrency 1/8/64 over loopback, samples server RSS, runs
// the policy-evaluator bench when present, prints a table, writes bench/results.json. Targets are
// reported, not asserted (exit 0); exit 1 only when the server could not be benchmarked at all.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseSigV4, verifySigV4 } from '../src/auth/sigv4';
import { cachedSigner, call, send, signedQuery, xmlField, type Creds } from './aws-query';
import { runLoad, type LoadResult } from './load';
import { freePort, readCpuMs, readMachineBusyMs, RssSampler, startServer, stopServer, waitUntilReady, type ServerHandle } from './server-process';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
// BENCH_CLI points at another entry (e.g. a local build); default is the package's own bin.
const CLI = process.env.BENCH_CLI ? resolve(process.env.BENCH_CLI) : join(ROOT, 'dist', 'cli.js');
const ACCOUNT = '000000000000';
const ROOT_CREDS: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };

const num = (name: string, dflt: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const CFG = {
  durationMs: num('BENCH_DURATION_MS', 4000),
  maxRequests: num('BENCH_MAX_REQUESTS', 200_000),
  warmupRequests: num('BENCH_WARMUP', 500),
  coldRuns: num('BENCH_COLD_RUNS', 3),
  concurrencies: (process.env.BENCH_CONCURRENCY ?? '1,8,64').split(',').map(Number).filter((n) => n > 0),
  globalTimeoutMs: num('BENCH_TIMEOUT_MS', 10 * 60_000),
  /** Flags for the server's node: by default the ones `npm start` passes (so the bench measures what users
   *  run); BENCH_NODE_ARGS="--max-semi-space-size=8 …" replaces them. */
  nodeArgs: (process.env.BENCH_NODE_ARGS ?? startScriptNodeFlags()).split(' ').filter(Boolean),
};

/** The node flags in package.json's `start` script (`node <flags> dist/cli.js`). */
function startScriptNodeFlags(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  const m = /^node\s+((?:--\S+\s+)*)dist\/cli\.js/.exec(pkg.scripts?.start ?? '');
  return m ? m[1].trim() : '';
}

const TARGETS = {
  getCallerIdentityRps: 5000,
  assumeRoleRps: 3000,
  p99Ms: 25,
  coldStartMs: 500,
  rssMb: 150,
};

interface Point extends LoadResult {
  scenario: string;
  peakRssMb: number;
  /** CPU used during the measured phase, as % of one core: the server process and this load generator. */
  serverCpuPct: number | null;
  clientCpuPct: number;
  /** CPU used by everything else on the machine meanwhile (other processes compete for the cores). */
  otherCpuPct: number | null;
  /** Server CPU time per request (µs): the figure least disturbed by other load on the machine. */
  serverCpuUsPerReq: number | null;
}

const MB = 1024 * 1024;
const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

let current: ServerHandle | undefined;

async function ensureBuilt(): Promise<void> {
  if (process.env.BENCH_CLI) {
    if (!existsSync(CLI)) throw new Error(`BENCH_CLI ${CLI} does not exist`);
    return;
  }
  if (existsSync(CLI) && process.env.BENCH_BUILD !== '1' && statSync(CLI).mtimeMs >= newestMtime(join(ROOT, 'src'))) return;
  if (!existsSync(join(ROOT, 'src', 'cli.ts'))) throw new Error('src/cli.ts does not exist yet: nothing to benchmark');
  console.log('building dist/ (node scripts/build.mjs)…');
  execFileSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs')], { cwd: ROOT, stdio: 'inherit' });
  if (!existsSync(CLI)) throw new Error('build did not produce dist/cli.js');
}

/** Newest modification time of any file under `dir` (to rebuild a stale dist/). */
function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(newest, e.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

async function gciOk(origin: string): Promise<boolean> {
  const res = await send(origin, signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ROOT_CREDS), 2000);
  return res.status === 200 && res.body.includes('<GetCallerIdentityResult>');
}

/** Spawn → first successful signed GetCallerIdentity, `runs` times, default configuration (no seed). */
async function coldStarts(runs: number): Promise<number[]> {
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const { server, readyMs } = await launch([]);
    ms.push(readyMs);
    await stopServer(server);
    current = undefined;
  }
  return ms;
}

async function launch(extraArgs: string[]): Promise<{ server: ServerHandle; readyMs: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const h = startServer(CLI, port, ['--log-level', 'warn', ...extraArgs], CFG.nodeArgs);
  current = h;
  try {
    return { server: h, readyMs: await waitUntilReady(h, t0, () => gciOk(h.origin)) };
  } catch (e) {
    await stopServer(h);
    current = undefined;
    throw e;
  }
}

/** The seeded caller (bench/seed.yaml) and the role it may assume, created through IAM CreateRole. */
const BENCH_SEED = join(HERE, 'seed.yaml');
const BENCH_USER: Creds = { accessKeyId: 'AKIAQAAAAAAABENCH234', secretAccessKey: 'benchBENCHbenchBENCHbenchBENCHbenchBENCH' };

async function setUpAssumeRole(origin: string): Promise<{ creds: Creds; roleArn: string }> {
  const roleName = 'bench-role';
  const trust = JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }],
  });
  const created = await call(origin, 'iam', 'CreateRole', { RoleName: roleName, AssumeRolePolicyDocument: trust }, ROOT_CREDS);
  const roleArn = xmlField(created, 'Arn') ?? `arn:aws:iam::${ACCOUNT}:role/${roleName}`;
  await call(origin, 'sts', 'AssumeRole', { RoleArn: roleArn, RoleSessionName: 'bench-probe' }, BENCH_USER);
  return { creds: BENCH_USER, roleArn };
}

async function loadPoint(
  scenario: string,
  origin: string,
  concurrency: number,
  make: () => ReturnType<typeof signedQuery>,
  check: (b: string) => boolean,
  rss: RssSampler,
): Promise<Point> {
  const pointRss = new RssSampler(rss.pid);
  let cpu0: { server: number | null; client: NodeJS.CpuUsage; machine: number | null } | undefined;
  const res = await runLoad({
    origin,
    concurrency,
    maxRequests: CFG.maxRequests,
    durationMs: CFG.durationMs,
    warmupRequests: Math.min(CFG.warmupRequests, CFG.maxRequests),
    makeRequest: make,
    checkBody: check,
    onTick: () => {
      // The first tick runs when the measured phase starts (after warm-up).
      cpu0 ??= { server: readCpuMs(rss.pid), client: process.cpuUsage(), machine: readMachineBusyMs() };
      rss.sample();
      pointRss.sample();
    },
  });
  const serverCpu1 = readCpuMs(rss.pid);
  const machine1 = readMachineBusyMs();
  const client = process.cpuUsage(cpu0?.client);
  const pct = (ms: number) => r1((ms / res.durationMs) * 100);
  const serverMs = cpu0?.server != null && serverCpu1 !== null ? serverCpu1 - cpu0.server : null;
  const clientMs = (client.user + client.system) / 1000;
  const machineMs = cpu0?.machine != null && machine1 !== null ? machine1 - cpu0.machine : null;
  return {
    scenario,
    ...res,
    peakRssMb: r1(pointRss.peak / MB),
    serverCpuPct: serverMs !== null ? pct(serverMs) : null,
    clientCpuPct: pct(clientMs),
    otherCpuPct: machineMs !== null && serverMs !== null ? Math.max(0, pct(machineMs - serverMs - clientMs)) : null,
    serverCpuUsPerReq: serverMs !== null && res.requests > 0 ? Math.round((serverMs * 1000) / res.requests) : null,
  };
}

/** In-process parse+verify throughput of src/auth/sigv4 (what every request pays). */
function sigv4VerifyRate(): number {
  const origin = 'http://127.0.0.1:4599';
  const req = signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ROOT_CREDS);
  const parts = {
    method: req.method,
    path: req.path,
    rawQuery: '',
    headers: { ...req.headers, host: '127.0.0.1:4599' },
    body: req.body,
  };
  const now = new Date();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < 500) {
    for (let i = 0; i < 200; i++) verifySigV4(parts, parseSigV4(parts)!, 'test', now, 'sts');
    n += 200;
  }
  return n / ((performance.now() - t0) / 1000);
}

async function policyBench(): Promise<unknown> {
  const p = join(HERE, 'policy.ts');
  if (!existsSync(p)) return null;
  const mod = (await import(pathToFileURL(p).href)) as { runPolicyBench?: () => unknown };
  if (typeof mod.runPolicyBench !== 'function') return { error: 'bench/policy.ts has no runPolicyBench export' };
  return await mod.runPolicyBench();
}

function decisionsPerSecond(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) if (typeof x === 'number' && /decision|per.?s|ops|rate/i.test(k)) return x;
  }
  return undefined;
}

function mark(ok: boolean | undefined): string {
  return ok === undefined ? 'n/a' : ok ? 'PASS' : 'FAIL';
}

function table(rows: (string | number)[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (typeof c === 'number' ? String(c).padStart(widths[i]) : String(c).padEnd(widths[i]))).join('  ')).join('\n');
}

async function main(): Promise<number> {
  const started = new Date();
  const results: Record<string, unknown> = {
    startedAt: started.toISOString(),
    node: process.version,
    cpus: (await import('node:os')).cpus().length,
    config: CFG,
    targets: TARGETS,
  };
  const notes: string[] = [];
  let exitCode = 0;

  const verifyRate = sigv4VerifyRate();
  results.sigv4VerifyPerSec = Math.round(verifyRate);

  const points: Point[] = [];
  let coldMs: number[] = [];
  let idleRssMb: number | undefined;
  let peakRssMb: number | undefined;
  try {
    await ensureBuilt();
    coldMs = await coldStarts(CFG.coldRuns);
    const load = await launch(['--seed', BENCH_SEED]);
    results.loadServerStartMs = Math.round(load.readyMs);
    const h = load.server;
    const rss = new RssSampler(h.pid);
    rss.sample();
    idleRssMb = r1(rss.last / MB);

    const gci = cachedSigner((now) => signedQuery(h.origin, 'sts', 'GetCallerIdentity', {}, ROOT_CREDS, now));
    for (const c of CFG.concurrencies) {
      points.push(await loadPoint('GetCallerIdentity', h.origin, c, gci, (b) => b.includes('<GetCallerIdentityResult>'), rss));
    }

    try {
      const setup = await setUpAssumeRole(h.origin);
      const ar = cachedSigner((now) =>
        signedQuery(h.origin, 'sts', 'AssumeRole', { RoleArn: setup.roleArn, RoleSessionName: 'bench' }, setup.creds, now),
      );
      for (const c of CFG.concurrencies) {
        points.push(await loadPoint('AssumeRole', h.origin, c, ar, (b) => b.includes('<AccessKeyId>'), rss));
      }
    } catch (e) {
      notes.push(`AssumeRole not measured: ${(e as Error).message}`);
    }
    rss.sample();
    peakRssMb = r1(rss.peak / MB);
    results.serverOutputTail = h.output.slice(-10);
    await stopServer(h);
    current = undefined;
  } catch (e) {
    notes.push(`server not benchmarked: ${(e as Error).message}`);
    exitCode = 1;
  }

  let policy: unknown = null;
  try {
    policy = await policyBench();
  } catch (e) {
    policy = { error: (e as Error).message };
  }
  const dps = decisionsPerSecond(policy);

  // Per-test isolation: snapshot restore vs reset + re-seeding (bench/snapshot.ts), in process.
  let snapshot: unknown = null;
  try {
    snapshot = await (await import('./snapshot')).runSnapshotBench();
  } catch (e) {
    snapshot = { error: (e as Error).message };
  }
  results.snapshot = snapshot;

  // Targets (at c=64 for throughput and p99; cold start = median of the runs).
  const at64 = (s: string) => points.find((p) => p.scenario === s && p.concurrency === 64);
  const median = (xs: number[]) => (xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] : undefined);
  const coldMedian = median(coldMs);
  const g64 = at64('GetCallerIdentity');
  const a64 = at64('AssumeRole');
  const checks = [
    { target: `GetCallerIdentity ≥ ${TARGETS.getCallerIdentityRps} req/s @c=64`, value: g64 && Math.round(g64.rps), pass: g64 && g64.rps >= TARGETS.getCallerIdentityRps && g64.errors === 0 },
    { target: `AssumeRole ≥ ${TARGETS.assumeRoleRps} req/s @c=64`, value: a64 && Math.round(a64.rps), pass: a64 && a64.rps >= TARGETS.assumeRoleRps && a64.errors === 0 },
    { target: `GetCallerIdentity p99 ≤ ${TARGETS.p99Ms} ms @c=64`, value: g64 && r2(g64.p99Ms), pass: g64 && g64.p99Ms <= TARGETS.p99Ms },
    { target: `AssumeRole p99 ≤ ${TARGETS.p99Ms} ms @c=64`, value: a64 && r2(a64.p99Ms), pass: a64 && a64.p99Ms <= TARGETS.p99Ms },
    { target: `cold start ≤ ${TARGETS.coldStartMs} ms (median of ${coldMs.length})`, value: coldMedian && Math.round(coldMedian), pass: coldMedian !== undefined ? coldMedian <= TARGETS.coldStartMs : undefined },
    { target: `peak RSS ≤ ${TARGETS.rssMb} MB`, value: peakRssMb, pass: peakRssMb !== undefined ? peakRssMb <= TARGETS.rssMb : undefined },
  ];

  Object.assign(results, {
    coldStartMs: coldMs.map(Math.round),
    idleRssMb,
    peakRssMb,
    points: points.map((p) => ({
      scenario: p.scenario,
      concurrency: p.concurrency,
      requests: p.requests,
      errors: p.errors,
      rps: Math.round(p.rps),
      p50Ms: r2(p.p50Ms),
      p90Ms: r2(p.p90Ms),
      p99Ms: r2(p.p99Ms),
      maxMs: r2(p.maxMs),
      peakRssMb: p.peakRssMb,
      serverCpuPct: p.serverCpuPct,
      clientCpuPct: p.clientCpuPct,
      otherCpuPct: p.otherCpuPct,
      serverCpuUsPerReq: p.serverCpuUsPerReq,
      statuses: p.statuses,
      ...(p.sampleErrors.length ? { sampleErrors: p.sampleErrors } : {}),
    })),
    policy,
    checks: checks.map((c) => ({ target: c.target, value: c.value ?? null, result: mark(c.pass) })),
    notes,
    finishedAt: new Date().toISOString(),
  });

  // Report.
  console.log(
    `\niamlocal bench — node ${process.version} ${CFG.nodeArgs.join(' ') || '(no node flags)'}, ${results.cpus} CPU(s), ${CFG.durationMs} ms per point; CPU% is of one core ` +
      `(srv = iamlocal, gen = this load generator, other = every other process on the machine)\n`,
  );
  if (points.length) {
    console.log(
      table([
        ['scenario', 'c', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'max ms', 'errors', 'RSS MB', 'srv CPU%', 'gen CPU%', 'other CPU%', 'srv µs/req'],
        ...points.map((p) => [
          p.scenario,
          p.concurrency,
          p.requests,
          Math.round(p.rps),
          r2(p.p50Ms),
          r2(p.p99Ms),
          r2(p.maxMs),
          p.errors,
          p.peakRssMb,
          p.serverCpuPct ?? 'n/a',
          p.clientCpuPct,
          p.otherCpuPct ?? 'n/a',
          p.serverCpuUsPerReq ?? 'n/a',
        ]),
      ]),
    );
    for (const p of points) if (p.sampleErrors.length) console.log(`  ${p.scenario} c=${p.concurrency} errors e.g.: ${p.sampleErrors[0]}`);
  }
  console.log(`\ncold start (spawn → first signed GetCallerIdentity answered): ${coldMs.map((m) => Math.round(m) + ' ms').join(', ') || 'n/a'}`);
  console.log(`server RSS: idle ${idleRssMb ?? 'n/a'} MB, peak ${peakRssMb ?? 'n/a'} MB`);
  console.log(`SigV4 parse+verify in-process: ${Math.round(verifyRate)} /s`);
  console.log(`state restore: ${JSON.stringify(snapshot)}`);
  console.log(`policy evaluator: ${dps !== undefined ? `${Math.round(dps)} decisions/s` : policy === null ? 'bench/policy.ts not present' : JSON.stringify(policy)}`);
  console.log('\n' + table([['target', 'value', 'result'], ...checks.map((c) => [c.target, c.value ?? 'n/a', mark(c.pass)])]));
  for (const n of notes) console.log(`note: ${n}`);

  const out = join(HERE, 'results.json');
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`\nwrote ${out}`);
  return exitCode;
}

const guard = setTimeout(() => {
  console.error(`bench: global timeout (${CFG.globalTimeoutMs} ms) — stopping`);
  if (current) current.child.kill('SIGKILL');
  process.exit(1);
}, CFG.globalTimeoutMs);
guard.unref();

main()
  .then(async (code) => {
    if (current) await stopServer(current);
    process.exit(code);
  })
  .catch(async (e) => {
    console.error(e);
    if (current) await stopServer(current);
    process.exit(1);
  });
