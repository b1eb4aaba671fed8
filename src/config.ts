// Owns iamlocal's configuration: every default in one place, the CLI flags and IAMLOCAL_* environment
// variables that override them, and the structured JSON logger the levels drive.
import { join } from 'node:path';
import { cliFlags } from './cli-args';
import type { EnforceMode } from './observe/decisions';

export const DEFAULT_ACCOUNT_ID = '000000000000';
export const DEFAULT_REGION = 'us-east-1';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

export interface RootCredentials {
  accessKeyId: string;
  secretAccessKey: string;
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
  /** The default account's root user key (`test`/`test`), or false to issue none. */
  rootCredentials: RootCredentials | false;
  defaultAccountId: string;
  defaultRegion: string;
  /** Largest request body accepted; larger ones get 413 RequestEntityTooLarge. */
  maxBodyBytes: number;
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
}

export const defaults: Config = {
  port: 4599,
  host: '127.0.0.1',
  dataDir: './.iamlocal',
  inMemory: false,
  seeds: [],
  logLevel: 'info',
  rootCredentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  defaultAccountId: DEFAULT_ACCOUNT_ID,
  defaultRegion: DEFAULT_REGION,
  maxBodyBytes: 1024 * 1024,
  enforce: 'enforce',
  decisionLogSize: 1000,
  decisionLogPersist: false,
  imdsPort: null,
  ecsPort: null,
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

/** Splits IAMLOCAL_SEED on commas (and colons that are not part of a Windows drive letter). */
function splitSeedList(v: string): string[] {
  return v
    .split(/[,:]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export const USAGE = `Usage: iamlocal [options]

  --port N            listen port (default 4599; env IAMLOCAL_PORT)
  --host H            listen address (default 127.0.0.1; env IAMLOCAL_HOST)
  --data DIR          directory of the data file iamlocal.db (default ./.iamlocal; env IAMLOCAL_DATA_DIR)
  --in-memory         keep state in memory only (env IAMLOCAL_IN_MEMORY=1)
  --seed FILE|DIR     seed file or directory of *.yaml/*.yml/*.json; repeatable (env IAMLOCAL_SEED, comma-separated)
  --log-level L       debug | info | warn | error | silent (default info; env IAMLOCAL_LOG_LEVEL)
  --enforce MODE      enforce | audit: audit records denials as would-deny and lets them through; SigV4 and
                      tokens are still verified (default enforce; env IAMLOCAL_ENFORCE)
  --decision-log N    decisions kept in memory for /_iamlocal/decisions (default 1000; env IAMLOCAL_DECISION_LOG)
  --decision-log-persist  also keep decisions in the data file (env IAMLOCAL_DECISION_LOG_PERSIST=1)
  --imds-port N|off   serve the instance metadata service (IMDSv2/v1) of the mock EC2 instances on port N
                      (default off; 0 = any free port; env IAMLOCAL_IMDS_PORT)
  --ecs-port N|off    serve the ECS task credentials endpoint /v2/credentials/<id> on port N
                      (default off; 0 = any free port; env IAMLOCAL_ECS_PORT)
  --help              this text

  iamlocal mint-token --cluster C --namespace NS --service-account SA [--out FILE]
                      mint a projected service-account token from a running server (mint-token --help)
  iamlocal decisions [--follow] [--denied] [--principal ARN] [--action A]
                      print a running server's decisions, one line each with its reason
  iamlocal reset | iamlocal clock [--set ISO | --advance SECONDS | --reset]
  iamlocal snapshot save|restore|delete NAME | iamlocal snapshot list
                      admin calls against a running server (--endpoint URL, default IAMLOCAL_ENDPOINT or http://127.0.0.1:4599)

  Root credentials of account 000000000000: IAMLOCAL_ROOT_ACCESS_KEY_ID / IAMLOCAL_ROOT_SECRET_ACCESS_KEY
  (default test / test; set IAMLOCAL_ROOT_ACCESS_KEY_ID=off to issue none).`;

/** Config from defaults ← environment ← command-line flags. Throws ConfigError on bad input. */
export function resolveConfig(argv: string[], env: NodeJS.ProcessEnv = process.env): Config & { help: boolean } {
  const c: Config & { help: boolean } = { ...defaults, seeds: [], help: false };
  if (env.IAMLOCAL_PORT) c.port = parsePort(env.IAMLOCAL_PORT, 'IAMLOCAL_PORT');
  if (env.IAMLOCAL_HOST) c.host = env.IAMLOCAL_HOST;
  if (env.IAMLOCAL_DATA_DIR) c.dataDir = env.IAMLOCAL_DATA_DIR;
  if (env.IAMLOCAL_IN_MEMORY !== undefined) c.inMemory = truthy(env.IAMLOCAL_IN_MEMORY);
  if (env.IAMLOCAL_SEED) c.seeds.push(...splitSeedList(env.IAMLOCAL_SEED));
  if (env.IAMLOCAL_LOG_LEVEL) c.logLevel = parseLevel(env.IAMLOCAL_LOG_LEVEL, 'IAMLOCAL_LOG_LEVEL');
  if (env.IAMLOCAL_ENFORCE) c.enforce = parseEnforce(env.IAMLOCAL_ENFORCE, 'IAMLOCAL_ENFORCE');
  if (env.IAMLOCAL_DECISION_LOG) c.decisionLogSize = parseCount(env.IAMLOCAL_DECISION_LOG, 'IAMLOCAL_DECISION_LOG');
  if (env.IAMLOCAL_DECISION_LOG_PERSIST !== undefined) c.decisionLogPersist = truthy(env.IAMLOCAL_DECISION_LOG_PERSIST);
  if (env.IAMLOCAL_IMDS_PORT !== undefined) c.imdsPort = parseOptionalPort(env.IAMLOCAL_IMDS_PORT, 'IAMLOCAL_IMDS_PORT');
  if (env.IAMLOCAL_ECS_PORT !== undefined) c.ecsPort = parseOptionalPort(env.IAMLOCAL_ECS_PORT, 'IAMLOCAL_ECS_PORT');
  if (env.IAMLOCAL_ROOT_ACCESS_KEY_ID !== undefined) {
    if (offValue(env.IAMLOCAL_ROOT_ACCESS_KEY_ID)) c.rootCredentials = false;
    else {
      const secret = env.IAMLOCAL_ROOT_SECRET_ACCESS_KEY;
      if (!secret) throw new ConfigError('IAMLOCAL_ROOT_ACCESS_KEY_ID is set but IAMLOCAL_ROOT_SECRET_ACCESS_KEY is not');
      c.rootCredentials = { accessKeyId: env.IAMLOCAL_ROOT_ACCESS_KEY_ID.trim(), secretAccessKey: secret };
    }
  } else if (env.IAMLOCAL_ROOT_SECRET_ACCESS_KEY) {
    c.rootCredentials = { accessKeyId: 'test', secretAccessKey: env.IAMLOCAL_ROOT_SECRET_ACCESS_KEY };
  }

  let cliSeeds: string[] | null = null;
  for (const { arg, flag, value } of cliFlags(argv, (flag) => new ConfigError(`${flag} needs a value`))) {
    switch (flag) {
      case '--port': c.port = parsePort(value(), '--port'); break;
      case '--host': c.host = value(); break;
      case '--data': c.dataDir = value(); c.inMemory = false; break;
      case '--in-memory': c.inMemory = true; break;
      case '--seed': (cliSeeds ??= []).push(value()); break;
      case '--log-level': c.logLevel = parseLevel(value(), '--log-level'); break;
      case '--enforce': c.enforce = parseEnforce(value(), '--enforce'); break;
      case '--decision-log': c.decisionLogSize = parseCount(value(), '--decision-log'); break;
      case '--decision-log-persist': c.decisionLogPersist = true; break;
      case '--imds-port': c.imdsPort = parseOptionalPort(value(), '--imds-port'); break;
      case '--ecs-port': c.ecsPort = parseOptionalPort(value(), '--ecs-port'); break;
      case '--help': case '-h': c.help = true; break;
      default: throw new ConfigError(`unknown option ${JSON.stringify(arg)}\n\n${USAGE}`);
    }
  }
  // Flags replace the environment's seed list rather than adding to it.
  if (cliSeeds) c.seeds = cliSeeds;
  return c;
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
