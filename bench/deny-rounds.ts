// Owns measuring the issue-18 denial target the way the other ratios are measured: interleaved on ONE
// server. `GetRole denied` and `GetRole` alternate round by round (A B, B A, …); each round's figure is
// the server's CPU per request from /proc, and the result is the median of the per-round ratios. Used by
// the `deny` phase of bench/run.ts and by `npx tsx bench/deny-ratio.ts`. Two load points minutes apart
// (the load phase's own GetRole and GetRole denied) say little on a machine whose speed swings 2×.
import { median, runLoad } from './load';
import { ALL, type Scenario } from './scenarios';
import { readCpuMs } from './server-process';

export interface DenialRoundsOptions {
  origin: string;
  pid: number;
  rounds: number;
  /** Measured requests of each scenario a round. */
  requests: number;
  concurrency: number;
  /** Requests of each scenario before the first round (JIT, caches). */
  warmup: number;
  denied?: string;
  allowed?: string;
}

export interface DenialRounds {
  denied: string;
  allowed: string;
  /** Server CPU µs per request, round by round. */
  deniedUs: number[];
  allowedUs: number[];
  /** denied ÷ allowed of each round. */
  ratios: number[];
  /** Median of `ratios`. */
  ratio: number;
}


function scenario(name: string): Scenario {
  const sc = ALL.find((s) => s.name === name);
  if (!sc) throw new Error(`no scenario ${JSON.stringify(name)}`);
  return sc;
}

export async function denialRounds(o: DenialRoundsOptions): Promise<DenialRounds> {
  const names = [o.denied ?? 'GetRole denied', o.allowed ?? 'GetRole'] as const;
  const scenarios = names.map(scenario);
  const makes = await Promise.all(scenarios.map((sc) => sc.setup(o.origin, 'iamlocal', 'fresh')));
  const us: [number[], number[]] = [[], []];
  for (let r = 0; r < o.rounds; r++) {
    for (const i of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const sc = scenarios[i];
      let cpu0: number | null = null;
      const res = await runLoad({
        origin: o.origin, concurrency: o.concurrency, maxRequests: o.requests, durationMs: 60_000, warmupRequests: r === 0 ? o.warmup : 50,
        makeRequest: makes[i], checkBody: sc.check, expectStatus: sc.status,
        onTick: () => void (cpu0 ??= readCpuMs(o.pid)),
      });
      const cpu1 = readCpuMs(o.pid);
      if (res.errors) throw new Error(`${sc.name}: ${res.errors} errors: ${res.sampleErrors[0]}`);
      if (cpu0 === null || cpu1 === null || res.requests === 0) throw new Error(`${sc.name}: no server CPU reading`);
      us[i].push(((cpu1 - cpu0) * 1000) / res.requests);
    }
  }
  const ratios = us[0].map((d, i) => d / us[1][i]);
  return { denied: names[0], allowed: names[1], deniedUs: us[0], allowedUs: us[1], ratios, ratio: median(ratios)! };
}
