// Owns running iamlocal as an HTTP server: open the store, apply defaults and seeds, serve the app,
// and stop gracefully (stop accepting, let in-flight requests finish, close the database).
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { createApp } from './app';
import { join } from 'node:path';
import { startWorkloadListeners, type WorkloadEndpoints } from './metadata/listeners';
import { dataFile, type Config, type Logger } from './config';
import { SqliteDecisionStore } from './observe/decision-store';
import { DecisionLog } from './observe/decisions';
import { AdjustableClock, randomIds, type IdSource } from './runtime';
import { bootstrapDefaults } from './store/bootstrap';
import { applySeedDocuments, loadSeedSources, type SeedSource, type LoadedSeed } from './store/seed-load';
import { Snapshots } from './store/snapshots';
import { Store } from './store/store';

const SESSION_RETENTION_MS = 24 * 3600 * 1000;
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  store: Store;
  clock: AdjustableClock;
  decisions: DecisionLog;
  snapshots: Snapshots;
  /** Wipes state and re-applies defaults and seeds (what POST /_iamlocal/reset does). */
  reset(): Promise<void>;
  /** Base URL of the shared IMDS listener (config.imdsPort), or null. */
  imdsUrl: string | null;
  /** Base URL of the ECS credentials listener (config.ecsPort), or null. */
  ecsUrl: string | null;
  workloads: WorkloadEndpoints;
  stop(): Promise<void>;
}

export interface ServerOptions {
  config: Config;
  logger: Logger;
  clock?: AdjustableClock;
  ids?: IdSource;
  /** Seeds given programmatically (objects or paths); config.seeds are loaded too, first. */
  extraSeeds?: SeedSource[];
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { config, logger } = opts;
  const clock = opts.clock ?? new AdjustableClock();
  const ids = opts.ids ?? randomIds;
  // Seeds are read and validated before anything is served: a bad seed stops start-up.
  const seeds: LoadedSeed[] = await loadSeedSources([...config.seeds, ...(opts.extraSeeds ?? [])]);
  const store = new Store({ filename: dataFile(config) });

  const applyAll = async () => {
    bootstrapDefaults(store, config, clock.now());
    await applySeedDocuments(store, seeds, { ids, now: clock.now(), config });
  };
  const decisions = new DecisionLog({
    size: config.decisionLogSize,
    persistence: config.decisionLogPersist && !config.inMemory ? new SqliteDecisionStore(store.db) : null,
  });
  let workloads: WorkloadEndpoints;
  try {
    await applyAll();
    workloads = await startWorkloadListeners({ store, clock, ids, config, logger, decisions }, { host: config.host, imdsPort: config.imdsPort, ecsPort: config.ecsPort });
  } catch (e) {
    store.close();
    throw e;
  }

  // Snapshot files live next to the data file (kept across restarts), or in a temporary directory in memory mode.
  // A restore, like a reset, re-reads the mock instances and tasks the metadata listeners serve.
  const snapshots = new Snapshots(store.db, config.inMemory ? null : join(config.dataDir, 'snapshots'), async () => {
    workloads.clear();
    await workloads.sync();
  });
  const reset = async () => {
    store.wipe();
    await applyAll();
    workloads.clear();
    await workloads.sync();
  };
  const app = createApp({ store, clock, ids, config, logger, workloads, decisions, snapshots, reset });

  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, () => resolve(s));
    s.once('error', (e) => {
      void workloads.close().then(() => {
        store.close();
        reject(e);
      });
    });
  });
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${hostForUrl === '0.0.0.0' || hostForUrl === '[::]' ? '127.0.0.1' : hostForUrl}:${addr.port}`;

  // Housekeeping: sessions that expired more than a day ago are dropped (until then they answer ExpiredToken).
  const purge = setInterval(() => {
    try {
      const removed = store.sessions.purgeExpired(new Date(clock.now().getTime() - SESSION_RETENTION_MS).toISOString());
      if (removed > 0) logger.debug('purged expired sessions', { removed });
    } catch (e) {
      logger.warn('session purge failed', { error: (e as Error).message });
    }
  }, PURGE_INTERVAL_MS);
  purge.unref();

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= new Promise<void>((resolve) => {
      // close() stops accepting and resolves once in-flight requests have finished.
      clearInterval(purge);
      let pending = 2;
      const done = () => {
        if (--pending > 0) return;
        decisions.flush();
        snapshots.dispose();
        store.close();
        resolve();
      };
      server.close(done);
      void workloads.close().then(done);
      const s = server as unknown as { closeIdleConnections?: () => void };
      s.closeIdleConnections?.();
    }));

  return { url, port: addr.port, host: config.host, store, clock, decisions, snapshots, reset, imdsUrl: workloads.imdsUrl, ecsUrl: workloads.ecsUrl, workloads, stop };
}
