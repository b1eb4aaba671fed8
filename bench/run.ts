// Owns `npm run bench`: starts the built iamlocal CLI as a child process, measures cold start (in memory,
// with the shipped seeds, with a data dir of 10k roles), drives every scenario of bench/scenarios.ts at
// concurrency 1/8/64 over loopback with every request freshly signed (as SDKs sign), reports the server's
// CPU µs per request from /proc, measures GetRole denied against GetRole allowed in interleaved rounds
// (bench/deny-rounds.ts), compares with a bare Hono server and (when MOTO_ENDPOINT/MOTO_PID are
// set) with moto, interleaved A/B/A/B, runs a session-heavy phase, the policy-evaluator bench, prints a
// table, writes bench/results.json. Targets are reported, not asserted (exit 0); exit 1 only when the
// server could not be benchmarked at all.
import { npmStartEnv, startScriptNodeFlags } from './node-flags';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseSigV4, verifySigV4 } from '../src/auth/sigv4';
import { send, signedQuery, type Creds } from './aws-query';
import { denialRounds, type DenialRounds } from './deny-rounds';
import { median, runLoad, type LoadRequest, type LoadResult } from './load';
import { ALL, assumeRole, getCallerIdentity, sessionCreds, sessionGetCallerIdentity, type Scenario, type Signing, type Target } from './scenarios';
import { makeRolesSeed } from './roles-seed';
import { freePort, readCpuMs, readMachineBusyMs, RssSampler, startServer, stopServer, waitUntilReady, type ServerHandle } from './server-process';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '..');
// BENCH_CLI points at another entry (e.g. a local build); default is the package's own bin.
const CLI = process.env.BENCH_CLI ? resolve(process.env.BENCH_CLI) : join(ROOT, 'dist', 'cli.js');
const ACCOUNT = '000000000000';
const ADMIN_CREDS: Creds = { accessKeyId: 'test', secretAccessKey: 'test' };

const num = (name: string, dflt: number) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && v > 0 ? v : dflt;
};
const CFG = {
  durationMs: num('BENCH_DURATION_MS', 4000),
  maxRequests: num('BENCH_MAX_REQUESTS', 200_000),
  warmupRequests: num('BENCH_WARMUP', 500),
  /** Rounds of cold starts (each round starts every configuration once, interleaved). */
  coldRuns: num('BENCH_COLD_RUNS', 5),
  concurrencies: (process.env.BENCH_CONCURRENCY ?? '1,8,64').split(',').map(Number).filter((n) => n > 0),
  globalTimeoutMs: num('BENCH_TIMEOUT_MS', 20 * 60_000),
  /** 'fresh' (default): every request signed anew, as SDKs do; BENCH_SIGN=once re-signs at most once a second. */
  signing: (process.env.BENCH_SIGN === 'once' ? 'once-per-second' : 'fresh') as Signing,
  /** Interleaved A/B rounds for the comparisons (bare Hono, moto). */
  rounds: num('BENCH_ROUNDS', 3),
  /** Sessions minted in the session-heavy phase. */
  sessions: num('BENCH_SESSIONS', 100_000),
  /** Scenario names to run (comma-separated substrings); all by default. */
  only: (process.env.BENCH_ONLY ?? '').split(',').map((x) => x.trim()).filter(Boolean),
  moto: process.env.MOTO_ENDPOINT ? { origin: process.env.MOTO_ENDPOINT, pid: Number(process.env.MOTO_PID) } : null,
  /** Flags for the server's node: by default the ones `npm start` passes (so the bench measures what users
   *  run); BENCH_NODE_ARGS="--max-semi-space-size=8 …" replaces them. */
  nodeArgs: (process.env.BENCH_NODE_ARGS ?? startScriptNodeFlags()).split(' ').filter(Boolean),
  /**
   * Interleaved rounds of the denial target (GetRole denied / GetRole on the load server), and requests a round.
   * 12 of 4000: /proc counts CPU in 10 ms ticks, so a round's figure moves in steps of ~2.5 µs (5 µs at 2000),
   * and 8 rounds of 2000 gave medians from 1.00× to 1.12× on the same build (bench/README.md, eighth pass).
   */
  denyRounds: num('BENCH_DENY_ROUNDS', 12),
  denyRequests: num('BENCH_DENY_REQUESTS', 4000),
  /** Phases to run (comma-separated): cold, load, deny, bare, moto, sessions, policy; all by default. */
  phases: new Set((process.env.BENCH_PHASES ?? 'cold,load,deny,bare,moto,sessions,policy').split(',').map((x) => x.trim()).filter(Boolean)),
};
const phase = (name: string) => CFG.phases.has(name);


const TARGETS = {
  /** Server CPU per request, iamlocal vs moto (moto µs ÷ iamlocal µs), every request freshly signed. */
  vsMoto: { GetCallerIdentity: 30, AssumeRole: 20, GetRole: 20, 'CreateRole+DeleteRole': 10 } as Record<string, number>,
  /** AccessDenied costs at most this × the same call allowed (server CPU µs per request). */
  deniedOverAllowed: 1.1,
  /** GetCallerIdentity req/s at c=64 ÷ a bare Hono server's fixed answer, same run. */
  vsBareHono: 0.4,
  coldStartMs: 300,
  rssMb: 150,
};

interface Point extends LoadResult {
  scenario: string;
  target: Target | 'bare-hono' | 'bare-node-http';
  signing: Signing;
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
  const res = await send(origin, signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ADMIN_CREDS), 2000);
  return res.status === 200 && res.body.includes('<GetCallerIdentityResult>');
}

async function launch(extraArgs: string[], cli = CLI, probe: (origin: string) => Promise<boolean> = gciOk): Promise<{ server: ServerHandle; readyMs: number }> {
  const port = await freePort();
  const t0 = performance.now();
  const h = startServer(cli, port, ['--log-level', 'warn', ...extraArgs], CFG.nodeArgs);
  current = h;
  try {
    return { server: h, readyMs: await waitUntilReady(h, t0, () => probe(h.origin)) };
  } catch (e) {
    await stopServer(h);
    current = undefined;
    throw e;
  }
}

/** Spawn → first successful signed GetCallerIdentity, `runs` times. */
/** CPU (user + system) each cold start's server spent up to its first answer, by the same keys as `cold`. */
const coldCpu: Record<string, number[]> = {};
/**
 * A bare `node -e 0` per round, spawn to exit, in the environment the servers get (npm start's): the floor of
 * any cold start on this machine right now.
 */
const nodeFloor: number[] = [];
/** The same with the bench's own environment, when that has NODE_EXTRA_CA_CERTS (which npm start moves). */
const nodeFloorInherited: number[] = [];

/**
 * Spawn → first successful signed GetCallerIdentity for each configuration, `runs` rounds, the
 * configurations interleaved within each round (in memory, seeded, data dir, in memory, …) so a slow
 * phase of the machine falls on all of them alike; returns each one's start times (and records the
 * server's CPU ms to get there in coldCpu). Each round also times a bare `node -e 0`. A configuration whose
 * server does not start is noted and left out of the rounds after.
 */
async function coldStarts(runs: number, configs: { label: string; args: string[] }[], notes: string[]): Promise<Record<string, number[]>> {
  const ms: Record<string, number[]> = Object.fromEntries(configs.map((c) => [c.label, [] as number[]]));
  const failed = new Set<string>();
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    execFileSync(process.execPath, ['-e', '0'], { env: npmStartEnv(process.env) });
    nodeFloor.push(Math.round(performance.now() - t0));
    if (process.env.NODE_EXTRA_CA_CERTS) {
      const t1 = performance.now();
      execFileSync(process.execPath, ['-e', '0']);
      nodeFloorInherited.push(Math.round(performance.now() - t1));
    }
    for (const { label, args } of configs) {
      if (failed.has(label)) continue;
      let started: Awaited<ReturnType<typeof launch>>;
      try {
        started = await launch(args);
      } catch (e) {
        // A configuration that does not start is reported and left out; the others go on.
        failed.add(label);
        delete ms[label];
        delete coldCpu[label];
        notes.push(`cold start ${label} not measured: ${(e as Error).message}`);
        continue;
      }
      const { server, readyMs } = started;
      ms[label]!.push(Math.round(readyMs));
      const cpu = readCpuMs(server.pid);
      if (cpu !== null) (coldCpu[label] ??= []).push(Math.round(cpu));
      await stopServer(server);
      current = undefined;
    }
  }
  return ms;
}

const BENCH_SEED = join(HERE, 'seed.yaml');

async function loadPoint(
  scenario: string,
  target: Target | 'bare-hono' | 'bare-node-http',
  origin: string,
  pid: number,
  concurrency: number,
  make: (w: number) => LoadRequest,
  check: (b: string) => boolean,
  rss: RssSampler | null,
  expectStatus?: number,
  limits: { durationMs?: number; maxRequests?: number } = {},
): Promise<Point> {
  const pointRss = new RssSampler(pid);
  let cpu0: { server: number | null; client: NodeJS.CpuUsage; machine: number | null } | undefined;
  const res = await runLoad({
    origin,
    concurrency,
    maxRequests: limits.maxRequests ?? CFG.maxRequests,
    durationMs: limits.durationMs ?? CFG.durationMs,
    warmupRequests: Math.min(CFG.warmupRequests, CFG.maxRequests),
    makeRequest: make,
    checkBody: check,
    expectStatus,
    onTick: () => {
      // The first tick runs when the measured phase starts (after warm-up).
      cpu0 ??= { server: readCpuMs(pid), client: process.cpuUsage(), machine: readMachineBusyMs() };
      rss?.sample();
      pointRss.sample();
    },
  });
  const serverCpu1 = readCpuMs(pid);
  const machine1 = readMachineBusyMs();
  const client = process.cpuUsage(cpu0?.client);
  const pct = (ms: number) => r1((ms / res.durationMs) * 100);
  const serverMs = cpu0?.server != null && serverCpu1 !== null ? serverCpu1 - cpu0.server : null;
  const clientMs = (client.user + client.system) / 1000;
  const machineMs = cpu0?.machine != null && machine1 !== null ? machine1 - cpu0.machine : null;
  return {
    scenario,
    target,
    signing: CFG.signing,
    ...res,
    peakRssMb: r1(pointRss.peak / MB),
    serverCpuPct: serverMs !== null ? pct(serverMs) : null,
    clientCpuPct: pct(clientMs),
    otherCpuPct: machineMs !== null && serverMs !== null ? Math.max(0, pct(machineMs - serverMs - clientMs)) : null,
    serverCpuUsPerReq: serverMs !== null && res.requests > 0 ? Math.round((serverMs * 1000) / res.requests) : null,
  };
}

async function scenarioPoint(sc: Scenario, target: Target, origin: string, pid: number, c: number, rss: RssSampler | null, signing = CFG.signing): Promise<Point> {
  const make = await sc.setup(origin, target, signing);
  const p = await loadPoint(sc.name, target, origin, pid, c, make, target === 'moto' ? () => true : sc.check, rss, target === 'moto' ? undefined : sc.status);
  return { ...p, signing };
}

/** In-process parse+verify throughput of src/auth/sigv4 (what every request pays). */
function sigv4VerifyRate(): number {
  const origin = 'http://127.0.0.1:4599';
  const req = signedQuery(origin, 'sts', 'GetCallerIdentity', {}, ADMIN_CREDS);
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

const selected = (sc: Scenario) => CFG.only.length === 0 || CFG.only.some((o) => sc.name.includes(o));

/** Starts a fixed-body server (bench/bare-*.mjs), runs `fn` against it and stops it; a failure becomes a note. */
async function withFixedBodyServer(script: string, what: string, notes: string[], fn: (server: ServerHandle) => Promise<void>): Promise<void> {
  let server: ServerHandle | undefined;
  try {
    const port = await freePort();
    const t0 = performance.now();
    server = startServer(join(HERE, script), port, [], CFG.nodeArgs);
    await waitUntilReady(server, t0, async () => (await send(server!.origin, { method: 'POST', path: '/', headers: {}, body: Buffer.alloc(0) }, 2000)).status === 200);
    await fn(server);
  } catch (e) {
    notes.push(`${what} not measured: ${(e as Error).message}`);
  } finally {
    if (server) await stopServer(server);
  }
}

const fixedBodyCheck = (x: string) => x.includes('<GetCallerIdentityResult>');

/**
 * A bare Hono server (bench/bare-hono.mjs) answering a fixed GetCallerIdentity body, the floor of any Hono app
 * (req/s at c=64); then a bare node:http server (bench/bare-node-http.mjs), server CPU per request at c=8 (the
 * moto comparison's point), reported as context, not a target: what iamlocal spends above it is its own work.
 */
async function bareHonoVsIamlocal(
  iam: ServerHandle,
  notes: string[],
): Promise<{ rounds: { iamlocalRps: number; bareRps: number }[]; ratio: number | undefined; nodeHttpFloor: { iamlocalUs: number[]; nodeHttpUs: number[] } }> {
  const rounds: { iamlocalRps: number; bareRps: number }[] = [];
  const nodeHttpFloor = { iamlocalUs: [] as number[], nodeHttpUs: [] as number[] };
  const gciMake = await getCallerIdentity.setup(iam.origin, 'iamlocal', CFG.signing);
  // The same freshly signed request to both: the bare server ignores it, iamlocal verifies it.
  const bareMake = (w: number) => ({ ...gciMake(w), headers: { ...gciMake(w).headers } });
  await withFixedBodyServer('bare-hono.mjs', 'bare Hono comparison', notes, async (bare) => {
    for (let r = 0; r < CFG.rounds; r++) {
      const a = await loadPoint('GetCallerIdentity', 'iamlocal', iam.origin, iam.pid, 64, gciMake, getCallerIdentity.check, null);
      const b = await loadPoint('fixed body', 'bare-hono', bare.origin, bare.pid, 64, bareMake, fixedBodyCheck, null);
      rounds.push({ iamlocalRps: Math.round(a.rps), bareRps: Math.round(b.rps) });
    }
  });
  await withFixedBodyServer('bare-node-http.mjs', 'bare node:http floor', notes, async (floor) => {
    for (let r = 0; r < CFG.rounds; r++) {
      const a = await loadPoint('GetCallerIdentity', 'iamlocal', iam.origin, iam.pid, 8, gciMake, getCallerIdentity.check, null);
      const b = await loadPoint('fixed body', 'bare-node-http', floor.origin, floor.pid, 8, bareMake, fixedBodyCheck, null);
      if (a.serverCpuUsPerReq !== null && b.serverCpuUsPerReq !== null) {
        nodeHttpFloor.iamlocalUs.push(a.serverCpuUsPerReq);
        nodeHttpFloor.nodeHttpUs.push(b.serverCpuUsPerReq);
      }
    }
  });
  const ratios = rounds.map((x) => x.iamlocalRps / x.bareRps);
  return { rounds, ratio: ratios.length ? r2(median(ratios)!) : undefined, nodeHttpFloor };
}

/** The same points against moto and iamlocal, interleaved A/B/A/B; ratio = moto µs/req ÷ iamlocal µs/req. */
async function vsMoto(iam: ServerHandle, notes: string[]): Promise<Record<string, { iamlocalUs: number[]; motoUs: number[]; ratio: number | undefined }>> {
  const out: Record<string, { iamlocalUs: number[]; motoUs: number[]; ratio: number | undefined }> = {};
  const moto = CFG.moto!;
  assertMotoLoopback(moto.origin);
  if (!Number.isInteger(moto.pid) || moto.pid <= 0 || readCpuMs(moto.pid) === null) {
    notes.push(`moto comparison skipped: MOTO_PID ${process.env.MOTO_PID ?? '(unset)'} is not a running process`);
    return out;
  }
  for (const sc of ALL.filter((x) => x.targets.includes('moto') && selected(x))) {
    const iamlocalUs: number[] = [];
    const motoUs: number[] = [];
    for (let r = 0; r < CFG.rounds; r++) {
      // moto serves one request at a time; c=8 keeps both busy without queueing timeouts.
      const a = await scenarioPoint(sc, 'iamlocal', iam.origin, iam.pid, 8, null);
      const b = await scenarioPoint(sc, 'moto', moto.origin, moto.pid, 8, null);
      if (a.serverCpuUsPerReq !== null) iamlocalUs.push(a.serverCpuUsPerReq);
      if (b.serverCpuUsPerReq !== null && b.errors === 0) motoUs.push(b.serverCpuUsPerReq);
      else if (b.errors) notes.push(`moto ${sc.name}: ${b.errors} errors, e.g. ${b.sampleErrors[0] ?? ''}`);
    }
    const ia = median(iamlocalUs);
    const mo = median(motoUs);
    out[sc.name] = { iamlocalUs, motoUs, ratio: ia && mo ? r1(mo / ia) : undefined };
  }
  return out;
}

function assertMotoLoopback(origin: string): void {
  const h = new URL(origin).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(h)) throw new Error(`bench: refusing non-loopback MOTO_ENDPOINT ${origin}`);
}

/** Mints `n` sessions (AssumeRole at c=64), then measures a session's GetCallerIdentity again: no slowdown, bounded RSS. */
async function sessionHeavy(h: ServerHandle, rss: RssSampler): Promise<Record<string, unknown>> {
  const creds = await sessionCreds(h.origin);
  const probe = sessionGetCallerIdentity(creds);
  const before = await scenarioPoint(probe, 'iamlocal', h.origin, h.pid, 8, rss);
  const make = await assumeRole.setup(h.origin, 'iamlocal', CFG.signing);
  const t0 = performance.now();
  const minted = await loadPoint('AssumeRole (session-heavy)', 'iamlocal', h.origin, h.pid, 64, make, assumeRole.check, rss, undefined, {
    durationMs: 10 * 60_000,
    maxRequests: CFG.sessions,
  });
  const mintMs = performance.now() - t0;
  const after = await scenarioPoint(probe, 'iamlocal', h.origin, h.pid, 8, rss);
  rss.sample();
  return {
    sessions: minted.requests,
    mintSeconds: r1(mintMs / 1000),
    mintRps: Math.round(minted.rps),
    mintErrors: minted.errors,
    sessionGciUsBefore: before.serverCpuUsPerReq,
    sessionGciUsAfter: after.serverCpuUsPerReq,
    sessionGciRpsBefore: Math.round(before.rps),
    sessionGciRpsAfter: Math.round(after.rps),
    peakRssMb: r1(rss.peak / MB),
  };
}

/** A data dir holding `n` roles (made once through a seed, then started without it). */
async function dataDirWithRoles(n: number): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'iamlocal-bench-'));
  const seed = join(dir, 'roles.yaml');
  writeFileSync(seed, makeRolesSeed(n));
  const { server } = await launch(['--data', join(dir, 'data'), '--seed', seed].filter((a) => a !== '--in-memory'));
  await stopServer(server);
  current = undefined;
  return join(dir, 'data');
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
  const cold: Record<string, number[]> = {};
  let idleRssMb: number | undefined;
  let peakRssMb: number | undefined;
  let bare: Awaited<ReturnType<typeof bareHonoVsIamlocal>> | undefined;
  let moto: Awaited<ReturnType<typeof vsMoto>> | undefined;
  let heavy: Record<string, unknown> | undefined;
  let denial: DenialRounds | undefined;
  try {
    await ensureBuilt();
    if (phase('cold')) {
      const configs = [{ label: 'in memory', args: [] as string[] }, { label: '--seed seed/', args: ['--seed', join(ROOT, 'seed')] }];
      try {
        // startServer passes --in-memory first; a later --data turns the file store back on.
        configs.push({ label: 'data dir, 10k roles', args: ['--data', await dataDirWithRoles(10_000)] });
      } catch (e) {
        notes.push(`cold start with 10k roles not measured: ${(e as Error).message}`);
      }
      Object.assign(cold, await coldStarts(CFG.coldRuns, configs, notes));
    }

    const load = await launch(['--seed', BENCH_SEED]);
    results.loadServerStartMs = Math.round(load.readyMs);
    const h = load.server;
    const rss = new RssSampler(h.pid);
    rss.sample();
    idleRssMb = r1(rss.last / MB);

    for (const sc of phase('load') ? ALL.filter(selected) : []) {
      for (const c of CFG.concurrencies) {
        try {
          points.push(await scenarioPoint(sc, 'iamlocal', h.origin, h.pid, c, rss));
        } catch (e) {
          notes.push(`${sc.name} c=${c} not measured: ${(e as Error).message}`);
          break;
        }
      }
    }
    // The old sign-once-a-second figure, labelled, for comparison with earlier results.
    if (phase('load') && CFG.signing === 'fresh' && selected(getCallerIdentity)) points.push(await scenarioPoint(getCallerIdentity, 'iamlocal', h.origin, h.pid, 64, rss, 'once-per-second'));

    if (phase('deny')) {
      try {
        denial = await denialRounds({ origin: h.origin, pid: h.pid, rounds: CFG.denyRounds, requests: CFG.denyRequests, concurrency: 8, warmup: CFG.warmupRequests });
      } catch (e) {
        notes.push(`denial rounds not measured: ${(e as Error).message}`);
      }
    }
    if (phase('bare')) bare = await bareHonoVsIamlocal(h, notes);
    if (!phase('moto')) notes.push('moto comparison not run (BENCH_PHASES)');
    else if (CFG.moto) moto = await vsMoto(h, notes);
    else notes.push('moto comparison skipped: set MOTO_ENDPOINT and MOTO_PID (see bench/README.md)');
    rss.sample();
    results.loadServerPeakRssMb = r1(rss.peak / MB);
    results.serverOutputTail = h.output.slice(-10);
    await stopServer(h);
    current = undefined;

    // The session-heavy run on a server of its own, started as the load server was: its peak RSS is the
    // target's figure ("through the session-heavy run"), not inflated by the load points' own sessions
    // (each AssumeRole point mints thousands more). The load server's peak is reported beside it.
    if (phase('sessions')) {
      const own = await launch(['--seed', BENCH_SEED]);
      const sessionsRss = new RssSampler(own.server.pid);
      sessionsRss.sample();
      try {
        heavy = await sessionHeavy(own.server, sessionsRss);
        sessionsRss.sample();
        peakRssMb = r1(sessionsRss.peak / MB);
      } finally {
        await stopServer(own.server);
        current = undefined;
      }
    }
  } catch (e) {
    notes.push(`server not benchmarked: ${(e as Error).stack ?? (e as Error).message}`);
    exitCode = 1;
  }

  let policy: unknown = null;
  try {
    if (phase('policy')) policy = await policyBench();
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

  // The denial target is the interleaved rounds' median (deny phase); the load phase's two points are
  // printed beside it, but they were measured minutes apart.
  const deniedRatio = denial ? r2(denial.ratio) : undefined;
  const checks: { target: string; value: unknown; pass: boolean | undefined }[] = [];
  for (const [name, want] of Object.entries(TARGETS.vsMoto)) {
    const r = moto?.[name]?.ratio;
    checks.push({ target: `${name}: server CPU/request ≥ ${want}× less than moto`, value: r === undefined ? undefined : `${r}×`, pass: r === undefined ? undefined : r >= want });
  }
  checks.push({ target: `AccessDenied ≤ ${TARGETS.deniedOverAllowed}× the allowed call (GetRole, CPU/request, c=8, median of ${denial?.ratios.length ?? '?'} interleaved rounds)`, value: deniedRatio === undefined ? undefined : `${deniedRatio}×`, pass: deniedRatio === undefined ? undefined : deniedRatio <= TARGETS.deniedOverAllowed });
  checks.push({ target: `GetCallerIdentity @c=64 ≥ ${TARGETS.vsBareHono}× a bare Hono server`, value: bare?.ratio === undefined ? undefined : `${bare.ratio}×`, pass: bare?.ratio === undefined ? undefined : bare.ratio >= TARGETS.vsBareHono });
  for (const [k, ms] of Object.entries(cold)) {
    const m = median(ms);
    checks.push({ target: `cold start ${k} ≤ ${TARGETS.coldStartMs} ms (median of ${ms.length})`, value: m, pass: m === undefined ? undefined : m <= TARGETS.coldStartMs });
  }
  checks.push({ target: `peak RSS ≤ ${TARGETS.rssMb} MB (through ${heavy?.sessions ?? '?'} sessions)`, value: peakRssMb, pass: peakRssMb !== undefined ? peakRssMb <= TARGETS.rssMb : undefined });

  Object.assign(results, {
    coldStartMs: cold,
    coldStartServerCpuMs: coldCpu,
    nodeSpawnFloorMs: nodeFloor,
    ...(nodeFloorInherited.length ? { nodeSpawnFloorWithNodeExtraCaCertsMs: nodeFloorInherited } : {}),
    idleRssMb,
    peakRssMb,
    points: points.map((p) => ({
      scenario: p.scenario,
      target: p.target,
      signing: p.signing,
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
    bareHono: bare,
    moto,
    sessionHeavy: heavy,
    deniedOverAllowed: deniedRatio,
    denialRounds: denial && { deniedUs: denial.deniedUs.map(Math.round), allowedUs: denial.allowedUs.map(Math.round), ratios: denial.ratios.map(r2) },
    policy,
    checks: checks.map((c) => ({ target: c.target, value: c.value ?? null, result: mark(c.pass) })),
    notes,
    finishedAt: new Date().toISOString(),
  });

  // Report.
  console.log(
    `\niamlocal bench — node ${process.version} ${CFG.nodeArgs.join(' ') || '(no node flags)'}, ${results.cpus} CPU(s), ${CFG.durationMs} ms per point, ` +
      `requests ${CFG.signing === 'fresh' ? 'freshly signed each' : 're-signed once a second'}; CPU% is of one core ` +
      `(srv = iamlocal, gen = this load generator, other = every other process on the machine)\n`,
  );
  if (points.length) {
    console.log(
      table([
        ['scenario', 'signing', 'c', 'requests', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'RSS MB', 'srv CPU%', 'gen CPU%', 'other CPU%', 'srv µs/req'],
        ...points.map((p) => [p.scenario, p.signing, p.concurrency, p.requests, Math.round(p.rps), r2(p.p50Ms), r2(p.p99Ms), p.errors, p.peakRssMb, p.serverCpuPct ?? 'n/a', p.clientCpuPct, p.otherCpuPct ?? 'n/a', p.serverCpuUsPerReq ?? 'n/a']),
      ]),
    );
    for (const p of points) if (p.sampleErrors.length) console.log(`  ${p.scenario} c=${p.concurrency} errors e.g.: ${p.sampleErrors[0]}`);
  }
  if (bare?.rounds.length) console.log(`\nbare Hono vs iamlocal, GetCallerIdentity c=64, req/s per round (iamlocal/bare): ${bare.rounds.map((r) => `${r.iamlocalRps}/${r.bareRps}`).join(', ')} → ${bare.ratio}×`);
  const floorUs = bare?.nodeHttpFloor.nodeHttpUs.length ? median(bare.nodeHttpFloor.nodeHttpUs)! : undefined;
  if (bare && floorUs !== undefined) {
    const f = bare.nodeHttpFloor;
    console.log(`server CPU µs/request, GetCallerIdentity c=8, per round: iamlocal ${f.iamlocalUs.join('/')}, bare node:http fixed body ${f.nodeHttpUs.join('/')} (Node's HTTP server and the kernel; iamlocal's own work is the difference)`);
  }
  if (moto) {
    console.log('\nvs moto (server CPU µs/request, interleaved rounds, c=8):');
    console.log(table([['scenario', 'iamlocal µs', 'moto µs', 'moto ÷ iamlocal'], ...Object.entries(moto).map(([k, v]) => [k, v.iamlocalUs.join('/'), v.motoUs.join('/'), v.ratio ?? 'n/a'])]));
    const gci = moto['GetCallerIdentity'];
    if (gci?.motoUs.length && floorUs) console.log(`(moto's GetCallerIdentity ÷ the bare node:http floor: ${r1(median(gci.motoUs)! / floorUs)}×, the ratio a server doing no work at all would show)`);
  }
  if (denial) {
    console.log(`\nGetRole denied ÷ GetRole, interleaved on the load server (server CPU µs/request, c=8, ${CFG.denyRequests} a round): ` +
      `denied ${denial.deniedUs.map(Math.round).join('/')}, allowed ${denial.allowedUs.map(Math.round).join('/')} → per round ${denial.ratios.map((x) => x.toFixed(2)).join(' ')}, median ${denial.ratio.toFixed(2)}×`);
  }
  if (heavy) console.log(`\nsession-heavy: ${JSON.stringify(heavy)}`);
  console.log(`\ncold start (spawn → first signed GetCallerIdentity answered): ${Object.entries(cold).map(([k, v]) => `${k}: ${v.join(', ')} ms`).join('; ') || 'n/a'}`);
  if (Object.keys(coldCpu).length) console.log(`cold start server CPU to the first answer: ${Object.entries(coldCpu).map(([k, v]) => `${k}: ${v.join(', ')} ms`).join('; ')}; bare \`node -e 0\` spawn → exit meanwhile: ${nodeFloor.join(', ')} ms${nodeFloorInherited.length ? ` (with this shell's NODE_EXTRA_CA_CERTS, which npm start hands to iamlocal instead: ${nodeFloorInherited.join(', ')} ms)` : ''}`);
  console.log(`server RSS: idle ${idleRssMb ?? 'n/a'} MB, load server peak ${results.loadServerPeakRssMb ?? 'n/a'} MB, session-heavy server peak ${peakRssMb ?? 'n/a'} MB`);
  console.log(`SigV4 parse+verify in-process: ${Math.round(verifyRate)} /s`);
  console.log(`state restore: ${JSON.stringify(snapshot)}`);
  console.log(`policy evaluator: ${dps !== undefined ? `${Math.round(dps)} decisions/s` : policy === null ? 'bench/policy.ts not present' : JSON.stringify(policy)}`);
  console.log('\n' + table([['target', 'value', 'result'], ...checks.map((c) => [c.target, String(c.value ?? 'n/a'), mark(c.pass)])]));
  for (const n of notes) console.log(`note: ${n}`);

  const out = process.env.BENCH_OUT ? resolve(process.env.BENCH_OUT) : join(HERE, 'results.json');
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
