// Owns what a running iamlocal says about itself: the counts of what was loaded, the enforcement mode,
// storage and ports (GET /_iamlocal/health), and the start-up lines the CLI prints from the same data.
import { DEFAULT_USER, ROOT_CREDENTIALS, type Config, type RootCredentials } from './config';
import type { StoreCounts } from './store/store';

export interface ServerSummary {
  counts: StoreCounts;
  enforcement: Config['enforce'];
  storage: 'memory' | 'file';
  /** Absolute data directory; null in memory. */
  dataDir: string | null;
  host: string;
  port: number;
}

/** The start-up summary: what was loaded, then one line saying which credentials exist. */
export function startupLines(url: string, s: ServerSummary, config: Pick<Config, 'defaultAccountId' | 'rootCredentials' | 'defaultUser'>): string[] {
  const c = s.counts;
  const n = (k: number, one: string, many = `${one}s`) => `${k} ${k === 1 ? one : many}`;
  const loaded = [n(c.accounts, 'account'), n(c.users, 'user'), n(c.roles, 'role'), n(c.clusters, 'cluster'), n(c.oidcProviders, 'OIDC provider'), n(c.scps, 'SCP')].join(', ');
  const where = s.storage === 'memory' ? 'in-memory' : `data ${s.dataDir}`;
  const acct = config.defaultAccountId;
  // The documented defaults are printed whole; a secret the operator configured is not.
  const key = (k: RootCredentials, documented: RootCredentials) => (k.accessKeyId === documented.accessKeyId && k.secretAccessKey === documented.secretAccessKey ? `${k.accessKeyId}/${k.secretAccessKey}` : `${k.accessKeyId} (configured secret)`);
  const creds = [
    config.defaultUser ? `${key(config.defaultUser, DEFAULT_USER)} = IAM user ${config.defaultUser.userName} (AdministratorAccess) of ${acct}` : `no default IAM user`,
    config.rootCredentials ? `${key(config.rootCredentials, ROOT_CREDENTIALS)} = root user of ${acct} (admin endpoints; cannot assume roles)` : `no root key`,
  ];
  return [
    `iamlocal listening on ${url} (account ${acct}, ${where}, ${s.enforcement === 'audit' ? 'AUDIT mode: denials are recorded as would-deny and let through' : 'enforce mode'}; loaded ${loaded})`,
    `iamlocal credentials: ${creds.join('; ')}`,
  ];
}
