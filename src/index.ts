// Owns the package's programmatic API: startIamLocal() for test runners (no Docker), plus createApp
// and the types needed to embed iamlocal.
import { createLogger, defaults, type Config, type DefaultUser, type LogLevel, type RootCredentials } from './config';
import { AdjustableClock, type Clock } from './runtime';
import { startServer } from './server';
import { parseProxyUpstream, type ProxyService } from './proxy/upstream-spec';
import type { DecisionFilter, DecisionRecord, EnforceMode } from './observe/decisions';
import type { SeedSource } from './store/seed-load';
import type { PodIdentityAssociations } from './webhook/identities';
import type { SnapshotInfo } from './store/snapshots';

export interface StartOptions {
  /** Listen port; 0 (default) picks a free one. */
  port?: number;
  host?: string;
  /** Seed file/directory path(s), `iamlocal:examples` (the seeds shipped in the package), or seed document object(s). */
  seed?: SeedSource | SeedSource[];
  /** Default true: state lives in memory and disappears on stop(). */
  inMemory?: boolean;
  /** Directory for the data file when inMemory is false. */
  dataDir?: string;
  /** Start time source; an AdjustableClock is used as is, any other Clock's time becomes the start time. */
  clock?: Clock;
  logLevel?: LogLevel;
  /** The default account's root key; false for none. Default AKIAIAMLOCALROOTUSER / root. */
  rootCredentials?: RootCredentials | false;
  /** The IAM user `admin` (AdministratorAccess) and its key; false for none. Default test/test. */
  defaultUser?: DefaultUser | false;
  /** Serve the pod identity webhook over HTTPS on this port (0 = a free one); default: not served. */
  webhookPort?: number;
  /** Extra SANs for the webhook's serving certificate. */
  webhookSans?: string[];
  /** Where the webhook finds EKS Pod Identity associations (default: none). */
  podIdentityAssociations?: PodIdentityAssociations;
  /** `audit` lets denied requests through and records them as would-deny. Default `enforce`. */
  enforce?: EnforceMode;
  /** Decisions kept in memory. Default 1000. */
  decisionLogSize?: number;
  /** Serve the instance metadata service of the mock EC2 instances (0 = any free port). Default off. */
  imdsPort?: number;
  /** Serve the ECS task credentials endpoint (0 = any free port). Default off. */
  ecsPort?: number;
  /** Authorizing proxies: `s3=http://127.0.0.1:9000[,port=N][,account=ID]` specs (see `--proxy-upstream`). */
  proxyUpstreams?: string[];
}

export interface IamLocal {
  endpoint: string;
  region: 'us-east-1';
  accountId: '000000000000';
  /** The default IAM user's key (`test`/`test`, user `admin` with AdministratorAccess; empty strings when switched off). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The root user's key (admin endpoints, root-only behaviour; empty strings when switched off). */
  rootCredentials: { accessKeyId: string; secretAccessKey: string };
  clock: AdjustableClock;
  /** The pod identity webhook (https URL, its CA's PEM), when webhookPort was given. */
  webhook: { url: string; port: number; caCert: string } | null;
  /** Saves the whole state as snapshot `name` (replacing one of that name). */
  snapshot(name: string): Promise<SnapshotInfo>;
  /** Brings snapshot `name` back (the decision log is kept). */
  restore(name: string): Promise<void>;
  /** Wipes the state and re-applies defaults and seeds. */
  reset(): Promise<void>;
  /** Decision records, oldest first, that pass the filter (all of the ring by default). */
  decisions(filter?: DecisionFilter): DecisionRecord[];
  /** Base URL for AWS_EC2_METADATA_SERVICE_ENDPOINT (when imdsPort was given). */
  imdsEndpoint: string | null;
  /** Base URL of the ECS credentials endpoint; AWS_CONTAINER_CREDENTIALS_FULL_URI = this + /v2/credentials/<id>. */
  ecsEndpoint: string | null;
  /** Endpoint of each authorizing proxy by service (`s3`), when proxyUpstreams were given. */
  proxyEndpoints: Partial<Record<ProxyService, string>>;
  stop(): Promise<void>;
}

export async function startIamLocal(opts: StartOptions = {}): Promise<IamLocal> {
  const config: Config = {
    ...defaults,
    port: opts.port ?? 0,
    host: opts.host ?? defaults.host,
    inMemory: opts.inMemory ?? true,
    dataDir: opts.dataDir ?? defaults.dataDir,
    logLevel: opts.logLevel ?? 'silent',
    rootCredentials: opts.rootCredentials === undefined ? defaults.rootCredentials : opts.rootCredentials,
    defaultUser: opts.defaultUser === undefined ? defaults.defaultUser : opts.defaultUser,
    seeds: [],
    webhookPort: opts.webhookPort ?? null,
    webhookSans: opts.webhookSans ?? [],
    enforce: opts.enforce ?? 'enforce',
    decisionLogSize: opts.decisionLogSize ?? defaults.decisionLogSize,
    imdsPort: opts.imdsPort ?? null,
    ecsPort: opts.ecsPort ?? null,
    proxyUpstreams: (opts.proxyUpstreams ?? []).map(parseProxyUpstream),
  };
  let clock: AdjustableClock;
  if (opts.clock instanceof AdjustableClock) clock = opts.clock;
  else {
    clock = new AdjustableClock();
    if (opts.clock) clock.set(opts.clock.now());
  }
  const seeds = opts.seed === undefined ? [] : Array.isArray(opts.seed) ? opts.seed : [opts.seed];
  const server = await startServer({ config, logger: createLogger(config.logLevel), clock, extraSeeds: seeds, podIdentityAssociations: opts.podIdentityAssociations });
  const pair = (k: RootCredentials | false) => (k ? { accessKeyId: k.accessKeyId, secretAccessKey: k.secretAccessKey } : { accessKeyId: '', secretAccessKey: '' });
  return {
    endpoint: server.url,
    region: 'us-east-1',
    accountId: '000000000000',
    credentials: pair(config.defaultUser),
    rootCredentials: pair(config.rootCredentials),
    clock: server.clock,
    webhook: server.webhook ? { url: server.webhook.url, port: server.webhook.port, caCert: server.webhook.caCert } : null,
    snapshot: async (name) => server.snapshots.save(name),
    restore: async (name) => server.snapshots.restore(name),
    reset: () => server.reset(),
    decisions: (filter = {}) => {
      const out: DecisionRecord[] = [];
      let page = server.decisions.query({ ...filter, limit: 1000 });
      out.push(...page.decisions);
      while (page.nextToken && (filter.limit === undefined || out.length < filter.limit)) {
        page = server.decisions.query({ ...filter, after: Number(page.nextToken), limit: 1000 });
        out.push(...page.decisions);
      }
      return filter.limit === undefined ? out : out.slice(0, filter.limit);
    },
    imdsEndpoint: server.imdsUrl,
    ecsEndpoint: server.ecsUrl,
    proxyEndpoints: Object.fromEntries(server.proxies.map((p) => [p.service, p.url])),
    stop: server.stop,
  };
}

export { createApp, type AppDeps } from './app';
export { createLogger, DEFAULT_USER, defaults as configDefaults, ROOT_CREDENTIALS, type Config, type DefaultUser, type LogLevel, type Logger, type RootCredentials } from './config';
export { AdjustableClock, fixedClock, randomIds, seededIds, type Clock, type IdSource } from './runtime';
export { Store, openStore } from './store/store';
export { SeedError } from './store/seed-schema';
export type { SeedSource } from './store/seed-load';
export { AwsError } from './aws/errors';
export type { PodIdentityAssociations } from './webhook/identities';
export { DecisionLog, formatDecisionLine, type DecisionRecord, type DecisionFilter, type DecisionPrincipal, type DecisionOutcome, type EnforceMode } from './observe/decisions';
export type { SnapshotInfo } from './store/snapshots';
