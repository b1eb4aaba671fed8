// Owns the per-test isolation bench: how long bringing the state back takes with
// POST /_iamlocal/snapshots/{name}/restore versus POST /_iamlocal/reset (wipe + defaults + re-seeding),
// in process against the same store, with a seed of a realistic size (BENCH_SNAPSHOT_ENTITIES roles and
// users, each with an inline policy, plus bench/seed.yaml). `npx tsx bench/snapshot.ts` runs it alone;
// `npm run bench` runs it after the load phase.
import { fileURLToPath } from 'node:url';
import { defaults, silentLogger } from '../src/config';
import { startServer } from '../src/server';
import { median } from './load';

export interface SnapshotBenchResult {
  entities: number;
  runs: number;
  resetMedianMs: number;
  restoreMedianMs: number;
  saveMedianMs: number;
  /** resetMedianMs / restoreMedianMs. */
  speedup: number;
}


export async function runSnapshotBench(opts: { entities?: number; runs?: number } = {}): Promise<SnapshotBenchResult> {
  const entities = opts.entities ?? (Number(process.env.BENCH_SNAPSHOT_ENTITIES) || 200);
  const runs = opts.runs ?? (Number(process.env.BENCH_SNAPSHOT_RUNS) || 7);
  const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 'dynamodb:Query'], Resource: '*' }] };
  const seed = {
    roles: Array.from({ length: entities }, (_, i) => ({
      name: `bench-role-${i}`,
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: { p: policy },
    })),
    users: Array.from({ length: entities }, (_, i) => ({ name: `bench-user-${i}`, inlinePolicies: { p: policy } })),
  };
  const server = await startServer({
    config: { ...defaults, port: 0, inMemory: true, logLevel: 'silent', seeds: [fileURLToPath(new URL('./seed.yaml', import.meta.url))] },
    logger: silentLogger,
    extraSeeds: [seed],
  });
  try {
    const save: number[] = [];
    const reset: number[] = [];
    const restore: number[] = [];
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      server.snapshots.save('bench');
      save.push(performance.now() - t);
      t = performance.now();
      await server.reset();
      reset.push(performance.now() - t);
      t = performance.now();
      await server.snapshots.restore('bench');
      restore.push(performance.now() - t);
    }
    const r = { entities, runs, resetMedianMs: median(reset)!, restoreMedianMs: median(restore)!, saveMedianMs: median(save)!, speedup: 0 };
    r.speedup = r.resetMedianMs / r.restoreMedianMs;
    for (const k of ['resetMedianMs', 'restoreMedianMs', 'saveMedianMs', 'speedup'] as const) r[k] = Math.round(r[k] * 100) / 100;
    return r;
  } finally {
    await server.stop();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  runSnapshotBench().then((r) => console.log(JSON.stringify(r, null, 2)));
}
