// Owns what the authorizing proxy needs of a running iamlocal: its store (credentials, policies),
// clock, ids, configuration and logger — the same instances the main pipeline uses.
import type { Config, Logger } from '../config';
import type { Clock, IdSource } from '../runtime';
import type { Store } from '../store/store';

export interface ProxyDeps {
  store: Store;
  clock: Clock;
  ids: IdSource;
  config: Config;
  logger: Logger;
}
