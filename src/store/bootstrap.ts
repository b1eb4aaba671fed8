// Owns the embedded defaults every store starts from: the default account (000000000000) and its root
// user's access key (`test`/`test` unless configured otherwise or switched off). The root key is an
// ordinary stored access key, verified by SigV4 like any other.
import type { Config } from '../config';
import type { Store } from './store';

export function bootstrapDefaults(store: Store, config: Pick<Config, 'defaultAccountId' | 'rootCredentials'>, now: Date): void {
  store.transaction(() => {
    const at = now.toISOString();
    store.accounts.ensure({ id: config.defaultAccountId, createdAt: at });
    const wanted = config.rootCredentials;
    for (const k of store.accessKeys.listFor(config.defaultAccountId, null)) {
      // A persisted data file keeps the root key it was started with; replace it when the configuration changed.
      if (!wanted || k.id !== wanted.accessKeyId || k.secret !== wanted.secretAccessKey) store.accessKeys.delete(k.id);
    }
    if (wanted && !store.accessKeys.get(wanted.accessKeyId)) {
      store.accessKeys.create({ id: wanted.accessKeyId, secret: wanted.secretAccessKey, accountId: config.defaultAccountId, userId: null, createdAt: at });
    }
  });
}
