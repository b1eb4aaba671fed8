// Owns an in-process iamlocal for tests that need the whole pipeline (authentication, authorization,
// handler, XML) without a socket: createApp over a fresh store, a frozen adjustable clock, seeded ids.
import { DecisionLog } from '../../src/observe/decisions';
import { createApp } from '../../src/app';
import { signRequest } from '../../src/auth/sigv4';
import { defaults, silentLogger, type Config, type Logger } from '../../src/config';
import { fixedClock, seededIds, type AdjustableClock } from '../../src/runtime';
import { bootstrapDefaults } from '../../src/store/bootstrap';
import { applySeedDocuments, loadSeedSources } from '../../src/store/seed-load';
import { Store } from '../../src/store/store';
import { errorOf, form, type Creds } from './raw-client';

export interface Pipeline {
  store: Store;
  clock: AdjustableClock;
  /** An unsigned awsQuery POST (AssumeRoleWithWebIdentity). */
  unsigned(params: Record<string, string>): Promise<PipelineResponse>;
  /** A SigV4-signed awsQuery POST, signed at the server's current time. */
  /** (`service` is the signing name: 'sts' or 'iam', or another to see how a mis-scoped awsQuery request is answered.) */
  signed(params: Record<string, string>, creds: Creds, service?: string, extraHeaders?: Record<string, string>): Promise<PipelineResponse>;
  /** A SigV4-signed AWS JSON 1.1 POST (Organizations: `X-Amz-Target: AWSOrganizationsV20161128.{operation}`). */
  json(target: string, input: Record<string, unknown>, creds: Creds, service?: string): Promise<PipelineResponse>;
  /** A SigV4-signed restJson1 request (`service` is the signing name). */
  rest(method: string, path: string, input: Record<string, unknown> | undefined, creds: Creds, service: string): Promise<PipelineResponse>;
}

export interface PipelineResponse {
  status: number;
  body: string;
  headers: Headers;
  error: { code: string; message: string };
  /** Text of the first <Tag>…</Tag> in the body. */
  tag(name: string): string | undefined;
}

async function wrap(res: Response): Promise<PipelineResponse> {
  const body = await res.text();
  return {
    status: res.status,
    body,
    headers: res.headers,
    error: errorOf(body),
    tag: (name) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(body)?.[1],
  };
}

export async function pipeline(
  seed: Record<string, unknown> | Record<string, unknown>[],
  at: string | Date = '2026-11-29T12:00:00Z',
  opts: { logger?: Logger; decisions?: DecisionLog; config?: Partial<Config> } = {},
): Promise<Pipeline> {
  const store = new Store();
  const clock = fixedClock(at);
  const ids = seededIds(7);
  bootstrapDefaults(store, defaults, clock.now());
  await applySeedDocuments(store, await loadSeedSources(Array.isArray(seed) ? seed : [seed]), { ids, now: clock.now(), config: defaults });
  const app = createApp({ store, clock, ids, config: { ...defaults, ...opts.config }, logger: opts.logger ?? silentLogger, decisions: opts.decisions ?? new DecisionLog() });
  const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
  const url = 'http://localhost/';
  return {
    store,
    clock,
    async unsigned(params) {
      return wrap(await app.request(url, { method: 'POST', headers, body: form(params) }));
    },
    async signed(params, creds, service = 'sts', extraHeaders = {}) {
      const body = form(params);
      const all = { ...headers, ...extraHeaders };
      const sig = signRequest({ method: 'POST', url, headers: all, body }, creds, { region: 'us-east-1', service, now: clock.now() });
      return wrap(await app.request(url, { method: 'POST', headers: { ...all, host: 'localhost', ...sig }, body }));
    },
    async rest(method, path, input, creds, service) {
      const body = input === undefined ? '' : JSON.stringify(input);
      const restHeaders: Record<string, string> = input === undefined ? {} : { 'content-type': 'application/json' };
      const target = `http://localhost${path}`;
      const sig = signRequest({ method, url: target, headers: restHeaders, body }, creds, { region: 'us-east-1', service, now: clock.now() });
      return wrap(await app.request(target, { method, headers: { ...restHeaders, host: 'localhost', ...sig }, body: method === 'GET' || method === 'HEAD' ? undefined : body }));
    },
    async json(target, input, creds, service = 'organizations') {
      const body = JSON.stringify(input);
      const jsonHeaders = { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target };
      const sig = signRequest({ method: 'POST', url, headers: jsonHeaders, body }, creds, { region: 'us-east-1', service, now: clock.now() });
      return wrap(await app.request(url, { method: 'POST', headers: { ...jsonHeaders, host: 'localhost', ...sig }, body }));
    },
  };
}
