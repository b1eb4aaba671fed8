// Owns what a running iamlocal is made of (store, clock, ids, config, logger, reset): the one type
// the request pipeline (src/app.ts) and the admin endpoints (src/admin/) share, so neither imports the other's module.
import type { Config, Logger } from './config';
import type { Clock, IdSource } from './runtime';
import type { Store } from './store/store';
import type { ServerSummary } from './summary';
import type { WorkloadEndpoints } from './metadata/listeners';
import type { DecisionLog } from './observe/decisions';
import type { Snapshots } from './store/snapshots';
import type { Call } from './services/types';

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

/** A request's own facts; the rest of a handler's Call is the running server's injected I/O. */
export type CallFacts = Pick<Call, 'requestId' | 'now' | 'service' | 'region' | 'principal' | 'sourceIp' | 'userAgent'>;

/** The Call a handler gets, for the pipeline and for the admin endpoints that run an operation's handler. */
export function callFromDeps(deps: AppDeps, facts: CallFacts): Call {
  return {
    requestId: facts.requestId,
    now: facts.now,
    service: facts.service,
    region: facts.region,
    principal: facts.principal,
    sourceIp: facts.sourceIp,
    userAgent: facts.userAgent,
    // iamlocal listens on plain HTTP: aws:SecureTransport is false for every request it answers.
    secureTransport: false,
    store: deps.store,
    clock: deps.clock,
    ids: deps.ids,
    config: deps.config,
    logger: deps.logger,
    decisions: deps.decisions,
  };
}
