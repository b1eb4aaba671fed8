// Owns running iamlocal as an HTTP server: open the store, apply defaults and seeds, serve the app,
// and stop gracefully (stop accepting, let in-flight requests finish, close the database).
import type { ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { recorderFor } from './observe/request-record';
import { createApp, handleAwsRequest } from './app';
import type { AppDeps } from './app-deps';
import { listenWithFastPath } from './http/node-fast-path';
import { ADMIN_PREFIX } from './admin/routes';
import { POD_IDENTITY_AGENT_PATH } from './metadata/pod-identity-agent';
import { DATA_FILE_NAME, dataFile, type Config, type Logger } from './config';
import { startWorkloadListeners, type WorkloadEndpoints } from './metadata/listeners';
import { SqliteDecisionStore } from './observe/decision-store';
import { DecisionLog } from './observe/decisions';
import { AdjustableClock, randomIds, type IdSource } from './runtime';
import { bootstrapDefaults, DEFAULTS_SOURCE, defaultUserSeed } from './store/bootstrap';
import { ensureWritableDataDir } from './store/data-dir';
import { applySeedDocuments, loadSeedSources, type SeedSource, type LoadedSeed } from './store/seed-load';
import { parseSeedDocument } from './store/seed-schema';
import { Snapshots } from './store/snapshots';
import { Store } from './store/store';
import type { ServerSummary } from './summary';
import { restoreVaultedClusters } from './store/cluster-vault';
import type { WebhookTlsRecord } from './store/repos/webhook';
import type { PodIdentityAssociations } from './webhook/identities';
// The webhook (node-forge, HTTPS) and the authorizing proxies are loaded only when configured (`await
// import()`: a chunk of their own in dist/, scripts/build.mjs), so a server without them starts faster.
import type { RunningWebhook } from './webhook/server';
import type { ProxyListeners, RunningProxy } from './proxy/listeners';

const SESSION_RETENTION_MS = 24 * 3600 * 1000;
const PURGE_INTERVAL_MS = 10 * 60 * 1000;

export interface RunningServer {
  url: string;
  /** The pod identity webhook, when config.webhookPort is set. */
  webhook: (RunningWebhook & { caCert: string }) | null;
  port: number;
  host: string;
  store: Store;
  clock: AdjustableClock;
  /** What was loaded and how it runs (GET /_iamlocal/health, the start-up summary). */
  summary(): ServerSummary;
  decisions: DecisionLog;
  snapshots: Snapshots;
  /** Wipes state and re-applies defaults and seeds (what POST /_iamlocal/reset does). */
  reset(): Promise<void>;
  /** Base URL of the shared IMDS listener (config.imdsPort), or null. */
  imdsUrl: string | null;
  /** Base URL of the ECS credentials listener (config.ecsPort), or null. */
  ecsUrl: string | null;
  workloads: WorkloadEndpoints;
  /** The authorizing proxies (config.proxyUpstreams), one listener each. */
  proxies: RunningProxy[];
  stop(): Promise<void>;
}

export interface ServerOptions {
  config: Config;
  logger: Logger;
  clock?: AdjustableClock;
  ids?: IdSource;
  /** Seeds given programmatically (objects or paths); config.seeds are loaded too, first. */
  extraSeeds?: SeedSource[];
  /** Where the webhook finds EKS Pod Identity associations (default: none). */
  podIdentityAssociations?: PodIdentityAssociations;
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
    // Clusters made through the admin API (e.g. by `iamlocal kind`) come back after a reset with their key.
    const restored = restoreVaultedClusters(store, clock.now());
    if (restored > 0) logger.debug('restored clusters from their kept keys', { restored });
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

  let summary: () => ServerSummary = () => {
    throw new Error('not listening yet');
  };
  // The webhook's CA and serving certificate are made (or re-issued for new SANs) before anything is served.
  let webhookTls: WebhookTlsRecord | null = null;
  if (config.webhookPort !== null) {
    const specific = config.host !== '0.0.0.0' && config.host !== '::' ? [config.host] : [];
    const { DEFAULT_WEBHOOK_SANS, ensureWebhookTls } = await import('./webhook/tls');
    const { tls, changed } = await ensureWebhookTls(store.webhook.tls(), [...DEFAULT_WEBHOOK_SANS, ...specific, ...config.webhookSans], clock.now(), ids);
    if (changed) store.transaction(() => store.webhook.putTls(tls));
    webhookTls = tls;
  }
  let webhook: RunningServer['webhook'] = null;

  // Snapshot files live next to the data file (kept across restarts), or in a temporary directory in memory mode.
  // A restore, like a reset, re-reads the mock instances and tasks the metadata listeners serve.
  const snapshots = new Snapshots(store.db, config.inMemory ? null : join(config.dataDir, 'snapshots'), async () => {
    workloads.clear();
    await workloads.sync();
  });
  const reset = async () => {
    store.wipe();
    // The request record is state too: a reset forgets what was requested before it.
    recorderFor(store).clear();
    await applyAll();
    workloads.clear();
    await workloads.sync();
  };

  const deps: AppDeps = {
    webhook: () => (webhook && webhookTls ? { url: webhook.url, port: webhook.port, caCert: webhookTls.caCert, sans: webhookTls.sans } : null),
    store,
    clock,
    ids,
    config,
    logger,
    summary: () => summary(),
    workloads,
    decisions,
    snapshots,
    reset,
  };
  const app = createApp(deps);

  const server: ServerType = await new Promise((resolve, reject) => {
    // AWS requests skip Hono's Fetch conversion (src/http/node-fast-path.ts); admin and agent paths do not.
    // (@hono/node-server's listener for the rest is loaded on the first request that needs it.)
    const s = listenWithFastPath((c) => handleAwsRequest(deps, c), [ADMIN_PREFIX, POD_IDENTITY_AGENT_PATH], app.fetch, config.port, config.host, () => resolve(s));
    s.once('error', (e) => {
      void workloads.close().then(() => {
        store.close();
        reject(e);
      });
    });
  });
  if (config.webhookPort !== null && webhookTls) {
    try {
      const { startWebhookServer } = await import('./webhook/server');
      const running = await startWebhookServer({ store, clock, ids, logger, host: config.host, port: config.webhookPort, tls: { cert: webhookTls.servingCert, key: webhookTls.servingKey }, podIdentityAssociations: opts.podIdentityAssociations });
      webhook = { ...running, caCert: webhookTls.caCert };
    } catch (e) {
      await new Promise<void>((r) => server.close(() => r()));
      await workloads.close();
      store.close();
      throw e;
    }
  }
  let proxyListeners: ProxyListeners;
  try {
    proxyListeners =
      config.proxyUpstreams.length === 0
        ? { proxies: [], close: () => Promise.resolve() }
        : await (await import('./proxy/listeners')).startProxyListeners({ store, clock, ids, config, logger, decisions }, config.host, config.proxyUpstreams);
  } catch (e) {
    await new Promise<void>((r) => server.close(() => r()));
    await workloads.close();
    if (webhook) await webhook.stop();
    store.close();
    throw e;
  }
  const addr = server.address() as AddressInfo;
  const hostForUrl = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  const url = `http://${hostForUrl === '0.0.0.0' || hostForUrl === '[::]' ? '127.0.0.1' : hostForUrl}:${addr.port}`;

  summary = () => ({
    counts: store.counts(),
    enforcement: config.enforce,
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
      let pending = 4;
      const done = () => {
        if (--pending > 0) return;
        decisions.flush();
        snapshots.dispose();
        store.close();
        resolve();
      };
      server.close(done);
      void workloads.close().then(done);
      void proxyListeners.close().then(done);
      void (webhook ? webhook.stop() : Promise.resolve()).then(done);
      const s = server as unknown as { closeIdleConnections?: () => void };
      s.closeIdleConnections?.();
    }));

  return { url, port: addr.port, host: config.host, store, clock, summary: () => summary(), webhook, decisions, snapshots, reset, imdsUrl: workloads.imdsUrl, ecsUrl: workloads.ecsUrl, workloads, proxies: proxyListeners.proxies, stop };
}
