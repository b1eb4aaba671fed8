// Owns the embedded defaults every store starts from: the default account (000000000000), its root
// user's access key (ROOT_CREDENTIALS unless configured otherwise or switched off), and the IAM user
// `admin` with AdministratorAccess whose key is `test`/`test` — the credentials LocalStack and moto
// users arrive with, so `aws sts assume-role` works at once while root keeps AWS's root-only rules.
// Both keys are ordinary stored access keys, verified by SigV4 like any other.
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

export const DEFAULTS_SOURCE = 'iamlocal defaults';
export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';

/**
 * The default IAM user as a seed document, applied (like every seed: an upsert) before the user's
 * seeds at start-up and on reset; null when switched off.
 */
export function defaultUserSeed(config: Pick<Config, 'defaultUser'>): Record<string, unknown> | null {
  const u = config.defaultUser;
  if (!u) return null;
  return {
    users: [{ name: u.userName, path: '/', accessKeys: [{ accessKeyId: u.accessKeyId, secretAccessKey: u.secretAccessKey }], managedPolicies: [ADMINISTRATOR_ACCESS_ARN] }],
  };
}
