// Owns running iamlocal as an HTTP server: open the store, apply defaults and seeds, serve the app,
// and stop gracefully (stop accepting, let in-flight requests finish, close the database).
import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import { createApp } from './app';
import { DATA_FILE_NAME, dataFile, type Config, type Logger } from './config';
import { startWorkloadListeners, type WorkloadEndpoints } from './metadata/listeners';
import { AdjustableClock, randomIds, type IdSource } from './runtime';
import { bootstrapDefaults, DEFAULTS_SOURCE, defaultUserSeed } from './store/bootstrap';
import { ensureWritableDataDir } from './store/data-dir';
import { applySeedDocuments, loadSeedSources, type SeedSource, type LoadedSeed } from './store/seed-load';
import { parseSeedDocument } from './store/seed-schema';
import { Store } from './store/store';
import type { ServerSummary } from './summary';

const SESSION_RETENTION_MS = 24 * 3600 * 1000;
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

export interface RunningServer {
  url: string;
  port: number;
  host: string;
  store: Store;
  clock: AdjustableClock;
  /** What was loaded and how it runs (GET /_iamlocal/health, the start-up summary). */
  summary(): ServerSummary;
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
  const defaultUser = defaultUserSeed(config);
  const seeds: LoadedSeed[] = [
    ...(defaultUser ? [parseSeedDocument(defaultUser, DEFAULTS_SOURCE, config.defaultAccountId)] : []),
    ...(await loadSeedSources([...config.seeds, ...(opts.extraSeeds ?? [])], config.defaultAccountId)),
  ];
  if (!config.inMemory) ensureWritableDataDir(config.dataDir, DATA_FILE_NAME);
  const store = new Store({ filename: dataFile(config) });

  const applyAll = async () => {
    bootstrapDefaults(store, config, clock.now());
    await applySeedDocuments(store, seeds, { ids, now: clock.now(), config });
  };
  let workloads: WorkloadEndpoints;
  try {
    await applyAll();
    workloads = await startWorkloadListeners({ store, clock, ids, config, logger }, { host: config.host, imdsPort: config.imdsPort, ecsPort: config.ecsPort });
  } catch (e) {
    store.close();
    throw e;
  }

  let summary: () => ServerSummary = () => {
    throw new Error('not listening yet');
  };
  const app = createApp({
    store,
    clock,
    ids,
    config,
    logger,
    summary: () => summary(),
    workloads,
    reset: async () => {
      store.wipe();
      await applyAll();
      workloads.clear();
      await workloads.sync();
    },
  });

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

  summary = () => ({
    counts: store.counts(),
    enforcement: config.enforcement,
    storage: config.inMemory ? 'memory' : 'file',
    dataDir: config.inMemory ? null : resolve(config.dataDir),
    host: config.host,
    port: addr.port,
  });

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
        store.close();
        resolve();
      };
      server.close(done);
      void workloads.close().then(done);
      const s = server as unknown as { closeIdleConnections?: () => void };
      s.closeIdleConnections?.();
    }));

  return { url, port: addr.port, host: config.host, store, clock, summary: () => summary(), imdsUrl: workloads.imdsUrl, ecsUrl: workloads.ecsUrl, workloads, stop };
}
