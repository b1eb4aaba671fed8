// Owns what a running iamlocal is made of (store, clock, ids, config, logger, reset): the one type
// the request pipeline (src/app.ts) and the admin endpoints (src/admin/) share, so neither imports the other's module.
import type { Config, Logger } from './config';
import type { Clock, IdSource } from './runtime';
import type { Store } from './store/store';

export interface AppDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  config: Config;
  logger: Logger;
  /** Wipes state and re-applies the seeds (POST /_iamlocal/reset). */
  reset?: () => Promise<void>;
}
