// Owns what the authorizing proxy needs of a running iamlocal: its store (credentials, policies),
// clock, ids, configuration, logger and decision log — the same instances the main pipeline uses.
import type { Config, Logger } from '../config';
import type { DecisionLog } from '../observe/decisions';
import type { Clock, IdSource } from '../runtime';
import type { Store } from '../store/store';

export interface ProxyDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  config: Config;
  logger: Logger;
  /** The decision log (src/observe/decisions.ts): proxied calls are recorded like every other, audit mode included. */
  decisions: DecisionLog;
}
