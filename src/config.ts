// Owns iamlocal's configuration: every default in one place, the CLI flags and IAMLOCAL_* environment
// variables that override them, and the structured JSON logger the levels drive.
import { join } from 'node:path';
import { applyOptions, formatOptions, type OptionSpec } from './cli-args';
import { parseProxyUpstream, type ProxyUpstream } from './proxy/upstream-spec';
import type { EnforceMode } from './observe/decisions';

export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The IAM user every fresh store has (LocalStack's and moto's `test`/`test` work as an administrator). */
export interface DefaultUser extends RootCredentials {
  userName: string;
}

export interface Config {
  port: number;
  host: string;
  /** Directory of the data file (`iamlocal.db`); ignored when inMemory. */
  dataDir: string;
  inMemory: boolean;
  /** Seed files or directories, applied in order at start-up and on reset. */
  seeds: string[];
  logLevel: LogLevel;
  /** The default account's root user key (ROOT_CREDENTIALS), or false to issue none. */
  rootCredentials: RootCredentials | false;
  /** The IAM user `admin` (AdministratorAccess) with key `test`/`test`, or false for none. */
  defaultUser: DefaultUser | false;
  /** The IAM user `admin` (AdministratorAccess) with key `test`/`test`, or false for none. */
  defaultAccountId: string;
  /**
   * The account whose principals may call the admin endpoints (/_iamlocal/reset, clock, clusters):
   * its root user, and its IAM users / role sessions allowed `iamlocal:<Name>` by their policies.
   */
  adminAccountId: string;
  defaultRegion: string;
  /** Largest request body accepted; larger ones get 413 RequestEntityTooLarge. */
  maxBodyBytes: number;
  /** HTTPS port of the pod identity webhook (src/webhook/); null = not served. 0 picks a free port. */
  webhookPort: number | null;
  /** Extra DNS names / IPs for the webhook's serving certificate (beside the kind Service names and loopback). */
  webhookSans: string[];
  /** `enforce` (default) refuses denied requests; `audit` records them as would-deny and lets them through.
   *  SigV4 and token verification are never relaxed. */
  enforce: EnforceMode;
  /** Decisions kept in memory (GET /_iamlocal/decisions). */
  decisionLogSize: number;
  /** Also keep decisions in the data file (ignored in memory). */
  decisionLogPersist: boolean;
  /** The shared instance metadata (IMDS) listener; null = off (0 = any free port). */
  imdsPort: number | null;
  /** The ECS container credentials listener (/v2/credentials/<id>); null = off (0 = any free port). */
  ecsPort: number | null;
  /**
   * Upstream emulators the authorizing proxy fronts, one listener each (src/proxy/): every request is
   * SigV4-verified and decided by the evaluator before it is re-signed and forwarded.
   */
  proxyUpstreams: ProxyUpstream[];
  /**
   * PEM file of CA certificates iamlocal's outbound HTTPS (OIDC discovery) trusts beside Node's bundled
   * CAs, read on the first outbound connection (src/http/outbound-tls.ts); null = Node's own store.
   */
  extraCaCerts: string | null;
}

/** The documented root key of account 000000000000 (admin endpoints, root-only behaviour). */
export const ROOT_CREDENTIALS: RootCredentials = { accessKeyId: 'AKIAIAMLOCALROOTUSER', secretAccessKey: 'root' };
/** The out-of-the-box credentials: `test`/`test`, the IAM user `admin` with AdministratorAccess. */
export const DEFAULT_USER: DefaultUser = { userName: 'admin', accessKeyId: 'test', secretAccessKey: 'test' };

export const defaults: Config = {
  port: 4599,
  host: '127.0.0.1',
  dataDir: './.iamlocal',
  inMemory: false,
  seeds: [],
  logLevel: 'info',
  rootCredentials: ROOT_CREDENTIALS,
  defaultUser: DEFAULT_USER,
  defaultAccountId: DEFAULT_ACCOUNT_ID,
  adminAccountId: DEFAULT_ACCOUNT_ID,
  defaultRegion: DEFAULT_REGION,
  maxBodyBytes: 1024 * 1024,
  webhookPort: null,
  webhookSans: [],
  enforce: 'enforce',
  decisionLogSize: 1000,
  decisionLogPersist: false,
  imdsPort: null,
  ecsPort: null,
  proxyUpstreams: [],
  extraCaCerts: null,
};

export const DATA_FILE_NAME = 'iamlocal.db';

export function dataFile(config: Pick<Config, 'dataDir' | 'inMemory'>): string {
  return config.inMemory ? ':memory:' : join(config.dataDir, DATA_FILE_NAME);
}

export class ConfigError extends Error {}

const truthy = (v: string) => /^(1|true|yes|on)$/i.test(v.trim());
const offValue = (v: string) => /^(|off|false|none|0|disabled)$/i.test(v.trim());

function parsePort(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new ConfigError(`${what}: not a port number: ${JSON.stringify(v)}`);
  return n;
}

function parseAccount(v: string, what: string): string {
  if (!/^\d{12}$/.test(v.trim())) throw new ConfigError(`${what}: an account id is 12 digits, got ${JSON.stringify(v)}`);
  return v.trim();
}

function parseEnforce(v: string, what: string): EnforceMode {
  const m = v.trim().toLowerCase();
  if (m !== 'enforce' && m !== 'audit') throw new ConfigError(`${what}: expected enforce or audit, got ${JSON.stringify(v)}`);
  return m;
}

function parseCount(v: string, what: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1_000_000) throw new ConfigError(`${what}: expected a whole number from 1 to 1000000, got ${JSON.stringify(v)}`);
  return n;
}

function parseLevel(v: string, what: string): LogLevel {
  if (!(v in LEVELS)) throw new ConfigError(`${what}: expected one of ${Object.keys(LEVELS).join(', ')}, got ${JSON.stringify(v)}`);
  return v as LogLevel;
}

/** A port, or null for `off` (the workload listeners are off unless asked for). */
function parseOptionalPort(v: string, what: string): number | null {
  return offValue(v) && v.trim() !== '0' ? null : parsePort(v, what);
}

/** Splits IAMLOCAL_SEED on commas (and on colons, PATH-style, except in `iamlocal:examples[/FILE]`). */
function splitSeedList(v: string): string[] {
  return v
    .split(',')
    .flatMap((part) => (part.trim().startsWith('iamlocal:') ? [part] : part.split(':')))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A key pair from two environment variables (the id is set): `off` issues none; the secret is then required. */
function keyFromEnv(env: NodeJS.ProcessEnv, idVar: string, secretVar: string): RootCredentials | false {
  const id = env[idVar]!;
  if (offValue(id)) return false;
  const secret = env[secretVar];
  if (!secret) throw new ConfigError(`${idVar} is set but ${secretVar} is not`);
  return { accessKeyId: id.trim(), secretAccessKey: secret };
}

function upstream(v: string, what: string): ProxyUpstream {
  try {
    return parseProxyUpstream(v);
  } catch (e) {
    throw new ConfigError(`${what}: ${(e as Error).message}`);
  }
}

export type ResolvedConfig = Config & { help: boolean; cliSeeds: string[] | null };

/**
 * The server's options, in the order `--help` lists them: the one place a flag or IAMLOCAL_* variable
 * is declared. resolveConfig reads them and USAGE is generated from them.
 */
export const SERVER_OPTIONS: OptionSpec<ResolvedConfig>[] = [
  { flag: '--port', value: 'N', env: 'IAMLOCAL_PORT', default: String(defaults.port), help: 'listen port (0 picks a free one)',
    fromFlag: (c, v) => void (c.port = parsePort(v, '--port')), fromEnv: (c, v) => void (v && (c.port = parsePort(v, 'IAMLOCAL_PORT'))) },
  { flag: '--host', value: 'H', env: 'IAMLOCAL_HOST', default: `${defaults.host}; 0.0.0.0 in the image`, help: 'listen address',
    fromFlag: (c, v) => void (c.host = v), fromEnv: (c, v) => void (v && (c.host = v)) },
  { flag: '--data', value: 'DIR', env: 'IAMLOCAL_DATA_DIR', default: `${defaults.dataDir}; /data in the image`, help: `directory of the data file ${DATA_FILE_NAME}`,
    fromFlag: (c, v) => void ((c.dataDir = v), (c.inMemory = false)), fromEnv: (c, v) => void (v && (c.dataDir = v)) },
  { flag: '--in-memory', env: 'IAMLOCAL_IN_MEMORY', help: 'keep state in memory only (env value 1/true/yes/on)',
    fromFlag: (c) => void (c.inMemory = true), fromEnv: (c, v) => void (c.inMemory = truthy(v)) },
  { flag: '--seed', value: 'FILE|DIR|iamlocal:examples', repeatable: true, env: 'IAMLOCAL_SEED', help: 'seed file or directory of *.yaml/*.yml/*.json (env: comma-separated)',
    fromFlag: (c, v) => void (c.cliSeeds ??= []).push(v), fromEnv: (c, v) => void (v && c.seeds.push(...splitSeedList(v))) },
  { flag: '--log-level', value: 'L', env: 'IAMLOCAL_LOG_LEVEL', default: defaults.logLevel, help: `${Object.keys(LEVELS).join(' | ')}; one JSON line per request`,
    fromFlag: (c, v) => void (c.logLevel = parseLevel(v, '--log-level')), fromEnv: (c, v) => void (v && (c.logLevel = parseLevel(v, 'IAMLOCAL_LOG_LEVEL'))) },
  { flag: '--enforce', value: 'MODE', env: 'IAMLOCAL_ENFORCE', default: 'enforce', help: 'enforce | audit: audit records denials as would-deny and lets them through (SigV4 and tokens are still verified)',
    fromFlag: (c, v) => void (c.enforce = parseEnforce(v, '--enforce')), fromEnv: (c, v) => void (v && (c.enforce = parseEnforce(v, 'IAMLOCAL_ENFORCE'))) },
  { flag: '--decision-log', value: 'N', env: 'IAMLOCAL_DECISION_LOG', default: String(defaults.decisionLogSize), help: 'decisions kept in memory for /_iamlocal/decisions',
    fromFlag: (c, v) => void (c.decisionLogSize = parseCount(v, '--decision-log')), fromEnv: (c, v) => void (v && (c.decisionLogSize = parseCount(v, 'IAMLOCAL_DECISION_LOG'))) },
  { flag: '--decision-log-persist', env: 'IAMLOCAL_DECISION_LOG_PERSIST', help: 'also keep decisions in the data file (env value 1/true/yes/on)',
    fromFlag: (c) => void (c.decisionLogPersist = true), fromEnv: (c, v) => void (c.decisionLogPersist = truthy(v)) },
  { env: 'IAMLOCAL_ROOT_ACCESS_KEY_ID', value: 'ID|off', default: ROOT_CREDENTIALS.accessKeyId, help: 'root user key of account 000000000000 (off: no root key)',
    fromEnv: (c, _v, env) => void (c.rootCredentials = keyFromEnv(env, 'IAMLOCAL_ROOT_ACCESS_KEY_ID', 'IAMLOCAL_ROOT_SECRET_ACCESS_KEY')) },
  { env: 'IAMLOCAL_ROOT_SECRET_ACCESS_KEY', value: 'SECRET', default: ROOT_CREDENTIALS.secretAccessKey, help: 'its secret',
    fromEnv: (c, v, env) => void (env.IAMLOCAL_ROOT_ACCESS_KEY_ID === undefined && v && (c.rootCredentials = { accessKeyId: ROOT_CREDENTIALS.accessKeyId, secretAccessKey: v })) },
  { env: 'IAMLOCAL_ADMIN_ACCESS_KEY_ID', value: 'ID|off', default: DEFAULT_USER.accessKeyId, help: 'key of the IAM user admin (AdministratorAccess) of 000000000000 (off: no such user)',
    fromEnv: (c, _v, env) => {
      const k = keyFromEnv(env, 'IAMLOCAL_ADMIN_ACCESS_KEY_ID', 'IAMLOCAL_ADMIN_SECRET_ACCESS_KEY');
      c.defaultUser = k && { userName: DEFAULT_USER.userName, ...k };
    } },
  { env: 'IAMLOCAL_ADMIN_SECRET_ACCESS_KEY', value: 'SECRET', default: DEFAULT_USER.secretAccessKey, help: 'its secret',
    fromEnv: (c, v, env) => void (env.IAMLOCAL_ADMIN_ACCESS_KEY_ID === undefined && v && (c.defaultUser = { ...DEFAULT_USER, secretAccessKey: v })) },
  { flag: '--admin-account', value: 'ID', env: 'IAMLOCAL_ADMIN_ACCOUNT_ID', default: '000000000000', help: 'account whose root and authorized IAM principals may call the /_iamlocal/* admin endpoints',
    fromFlag: (c, v) => void (c.adminAccountId = parseAccount(v, '--admin-account')), fromEnv: (c, v) => void (c.adminAccountId = parseAccount(v, 'IAMLOCAL_ADMIN_ACCOUNT_ID')) },
  { flag: '--webhook-port', value: 'N|off', env: 'IAMLOCAL_WEBHOOK_PORT', default: 'off', help: 'serve the pod identity webhook over HTTPS on port N (4600 in docs/irsa.md; 0 = any free port)',
    fromFlag: (c, v) => void (c.webhookPort = parsePort(v, '--webhook-port')), fromEnv: (c, v) => void (c.webhookPort = offValue(v) && v.trim() !== '0' ? null : parsePort(v, 'IAMLOCAL_WEBHOOK_PORT')) },
  { flag: '--webhook-san', value: 'NAME', env: 'IAMLOCAL_WEBHOOK_SANS', help: "extra DNS name or IP for the webhook's certificate; repeatable (env: comma-separated)",
    fromFlag: (c, v) => void c.webhookSans.push(v), fromEnv: (c, v) => void c.webhookSans.push(...v.split(',').map((x) => x.trim()).filter(Boolean)) },
  { flag: '--imds-port', value: 'N|off', env: 'IAMLOCAL_IMDS_PORT', default: 'off', help: 'serve the instance metadata service (IMDSv2/v1) of the mock EC2 instances on port N (0 = any free port)',
    fromFlag: (c, v) => void (c.imdsPort = parseOptionalPort(v, '--imds-port')), fromEnv: (c, v) => void (c.imdsPort = parseOptionalPort(v, 'IAMLOCAL_IMDS_PORT')) },
  { flag: '--ecs-port', value: 'N|off', env: 'IAMLOCAL_ECS_PORT', default: 'off', help: 'serve the ECS task credentials endpoint /v2/credentials/<id> on port N (0 = any free port)',
    fromFlag: (c, v) => void (c.ecsPort = parseOptionalPort(v, '--ecs-port')), fromEnv: (c, v) => void (c.ecsPort = parseOptionalPort(v, 'IAMLOCAL_ECS_PORT')) },
  { flag: '--proxy-upstream', value: 'SERVICE=URL[,port=N][,region=R][,account=ID]', repeatable: true, env: 'IAMLOCAL_PROXY_UPSTREAMS',
    help: "authorizing proxy in front of an S3 (s3=), DynamoDB (dynamodb=) or SQS (sqs=) emulator: listen on port N, decide every request with iamlocal's IAM, forward it re-signed with the URL's user:password (default S3RVER:S3RVER); env: space-separated",
    fromFlag: (c, v) => void c.proxyUpstreams.push(upstream(v, '--proxy-upstream')),
    fromEnv: (c, v) => void c.proxyUpstreams.push(...v.split(/\s+/).filter(Boolean).map((x) => upstream(x, 'IAMLOCAL_PROXY_UPSTREAMS'))) },
  { flag: '--extra-ca-certs', value: 'FILE', env: 'IAMLOCAL_EXTRA_CA_CERTS', help: "PEM CA certificates trusted beside Node's bundled CAs by iamlocal's outbound HTTPS (OIDC discovery), read on first use; npm start passes NODE_EXTRA_CA_CERTS here, which node would parse at every start",
    fromFlag: (c, v) => void (c.extraCaCerts = v), fromEnv: (c, v) => void (c.extraCaCerts = v.trim() === '' ? null : v) },
  { flag: '--help', aliases: ['-h'], help: 'this text', fromFlag: (c) => void (c.help = true) },
];

export const USAGE = `Usage: iamlocal [options]
       iamlocal mint-token --cluster C --namespace NS --service-account SA [options]   (iamlocal mint-token --help)
       iamlocal mint-saml --idp NAME --subject NAMEID --role ROLE_ARN [options]   (iamlocal mint-saml --help)
       iamlocal kind --cluster C [--out DIR] [options]   kind config, keys and manifests for IRSA (iamlocal kind --help)
       iamlocal health [--endpoint URL]   exit 0 when a running iamlocal is healthy (iamlocal health --help)
       iamlocal proxy --upstream s3=URL[,port=N] [options]   the server with an authorizing S3 (or dynamodb=, sqs=) proxy (same as --proxy-upstream)
       iamlocal decisions [--follow] [--denied] [--principal ARN] [--action A]   a running server's decisions, one line each with its reason
       iamlocal reset | iamlocal clock [--set ISO | --advance SECONDS | --reset] | iamlocal snapshot save|restore|delete NAME | iamlocal snapshot list

A local AWS STS/IAM emulator. Flags win over the environment.

${formatOptions(SERVER_OPTIONS)}

Out of the box account 000000000000 has the IAM user admin (AdministratorAccess) with key ${DEFAULT_USER.accessKeyId} / ${DEFAULT_USER.secretAccessKey},
and its root user has the key ${ROOT_CREDENTIALS.accessKeyId} / ${ROOT_CREDENTIALS.secretAccessKey} (admin endpoints /_iamlocal/*, root-only behaviour).`;

/** Config from defaults ← environment ← command-line flags. Throws ConfigError on bad input. */
export function resolveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config & { help: boolean } {
  const c: ResolvedConfig = { ...defaults, seeds: [], webhookSans: [], proxyUpstreams: [], help: false, cliSeeds: null };
  applyOptions(SERVER_OPTIONS, c, argv, env, {
    missing: (flag) => new ConfigError(`${flag} needs a value`),
    unknown: (arg) => new ConfigError(`unknown option ${JSON.stringify(arg)}\n\n${USAGE}`),
  });
  // Flags replace the environment's seed list rather than adding to it.
  const { cliSeeds, ...config } = c;
  if (cliSeeds) config.seeds = cliSeeds;
  return config;
}

// ---------------------------------------------------------------- logging

export interface Logger {
  level: LogLevel;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** One JSON object per line: {time, level, msg, …fields}. */
export function createLogger(level: LogLevel, write: (line: string) => void = (l) => process.stdout.write(l + '\n')): Logger {
  const min = LEVELS[level];
  const emit = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (LEVELS[lvl] < min) return;
    write(JSON.stringify({ time: new Date().toISOString(), level: lvl, msg, ...fields }));
  };
  return { level, debug: emit('debug'), info: emit('info'), warn: emit('warn'), error: emit('error') };
}

export const silentLogger: Logger = createLogger('silent');
