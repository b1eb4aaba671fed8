// Owns what a running iamlocal is made of (store, clock, ids, config, logger, reset): the one type
// the request pipeline (src/app.ts) and the admin endpoints (src/admin/) share, so neither imports the other's module.
import type { Config, Logger } from './config';
import type { Clock, IdSource } from './runtime';
import type { Store } from './store/store';
import type { ServerSummary } from './summary';
import type { WorkloadEndpoints } from './metadata/listeners';
import type { DecisionLog } from './observe/decisions';
import type { Snapshots } from './store/snapshots';

export interface AppDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  config: Config;
  logger: Logger;
  /** What was loaded and how it runs, for GET /_iamlocal/health (absent in a bare createApp). */
  summary?: () => ServerSummary;
  /** Every authorization decision, with its reasons (src/observe/decisions.ts). */
  decisions: DecisionLog;
  /** Named state snapshots (POST /_iamlocal/snapshots); absent when the server offers none. */
  snapshots?: Snapshots;
  /** Wipes state and re-applies the seeds (POST /_iamlocal/reset). */
  reset?: () => Promise<void>;
  /** The running pod identity webhook (GET /_iamlocal/webhook), or null when it is not served. */
  webhook?: () => { url: string; port: number; caCert: string; sans: string[] } | null;
  /** The IMDS / ECS credential listeners (src/metadata/listeners.ts), when the server runs them. */
  workloads?: WorkloadEndpoints;
}
