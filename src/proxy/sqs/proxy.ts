// Owns the SQS authorizing proxy's request pipeline, as the DynamoDB one: read the (bounded) body →
// parse auth → authenticate (the main pipeline's SigV4 verifier, service `sqs`) → resolve principal →
// identify the operation (sqs/operations.ts; AWS JSON 1.0 `X-Amz-Target: AmazonSQS.<Op>`, or the query
// protocol's form-encoded `Action=<Op>`) → resolve the queue and its owner → authorize with the queue
// policy as the resource-based policy (cross-account access needs both sides, as AWS decides it:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html)
// → forward re-signed with the upstream's credentials. Refusals are SQS's own errors in the request's
// protocol (sqs/errors.ts) and reach no upstream. Queue URLs in answers are rewritten to the proxy's
// address and the owning account, so clients keep calling through the proxy.
// Wire protocol: https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-making-api-requests-json.html
import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { authenticate, type Credential } from '../../auth/authenticate';
import { ANONYMOUS, type Principal } from '../../auth/principal';
import { resolvePrincipal } from '../../auth/resolve-principal';
import { parseSigV4, signRequest, type SignedRequestParts, type SigV4Auth } from '../../auth/sigv4';
import { awsError, AwsError } from '../../aws/errors';
import { authorize, type AuthzRecording } from '../../authz/authorize';
import { withOrgMemo } from '../../authz/org-memo';
import { buildRequestContext } from '../../authz/request-context';
import { recordDecision } from '../../observe/request-record';
import { recordLastAccess } from '../../observe/last-accessed';
import type { PolicySource, RequestContext } from '../../policy/types';
import type { ProxyDeps } from '../deps';
import { policiesMention } from '../policy-facts';
import { responseHeaders, stripAuthQuery, upstreamTime } from '../upstream';
import type { ProxyUpstream } from '../upstream-spec';
import { JSON_10, sqsErrorResponse } from './errors';
import { jsonInput, parseQueueArn, parseQueueUrl, queryInput, SQS_OPERATIONS, tagKeys, taskHandleSource, type SqsInput, type SqsOperation } from './operations';
import { QueueState } from './queue-state';
import { monotonicMs } from '../../runtime';

const TARGET_PREFIX = 'AmazonSQS.';
const FORM = 'application/x-www-form-urlencoded';
/**
 * The largest request the proxy reads: SQS's payload limit is 1 MiB for a message or a whole batch
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/quotas-messages.html);
 * JSON escaping and form encoding can triple it.
 */
export const MAX_SQS_BODY = 4 * 1024 * 1024;

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(header(req, 'content-length') ?? '0');
  if (declared > MAX_SQS_BODY) throw awsError('RequestEntityTooLarge', `Request size ${declared} exceeded ${MAX_SQS_BODY} bytes`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_SQS_BODY) throw awsError('RequestEntityTooLarge', `Request size exceeded ${MAX_SQS_BODY} bytes`);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

const noQueue = () => awsError('QueueDoesNotExist', 'The specified queue does not exist.');

interface State {
  requestId: string;
  now: Date;
  req: IncomingMessage;
  protocol: 'json' | 'query';
  parts?: SignedRequestParts;
  auth: SigV4Auth | null;
  credential?: Credential;
  principal: Principal;
  op?: SqsOperation;
  input?: SqsInput;
  /** The parameters as decided: what is forwarded is re-encoded from them, so the upstream sees nothing else. */
  params?: Record<string, unknown> | URLSearchParams;
  /** The queue the call acts on (null: account-level, resource `*`) and its owner. */
  queue?: string | null;
  owner?: string;
  decision?: 'allowed' | 'denied' | 'would-deny';
  auditDenied?: boolean;
}

export class SqsProxy {
  readonly queues: QueueState;

  constructor(
    private readonly deps: ProxyDeps,
    readonly upstream: ProxyUpstream,
  ) {
    this.queues = new QueueState(upstream, deps.config.defaultAccountId, (operation, input) => this.call(operation, input));
  }

  private callerAccount(s: State): string {
    return s.principal.accountId ?? this.deps.config.defaultAccountId;
  }

  private readonly stages: { name: string; run(s: State): void | Promise<void> }[] = [
    {
      name: 'read-body',
      run: async (s) => {
        const url = s.req.url ?? '/';
        const q = url.indexOf('?');
        const body = await readBody(s.req);
        s.parts = { method: s.req.method ?? 'POST', path: q === -1 ? url : url.slice(0, q), rawQuery: q === -1 ? '' : url.slice(q + 1), headers: s.req.headers as Record<string, string | string[]>, body };
        s.protocol = header(s.req, 'x-amz-target') === undefined && (header(s.req, 'content-type') ?? '').startsWith(FORM) ? 'query' : s.parts.method === 'GET' && /Action=/.test(s.parts.rawQuery) ? 'query' : 'json';
      },
    },
    {
      name: 'parse-auth',
      run: (s) => {
        s.auth = parseSigV4(s.parts!);
        if (!s.auth) throw awsError('MissingAuthenticationToken', 'Request is missing Authentication Token');
      },
    },
    {
      name: 'authenticate',
      run: (s) => {
        s.credential = authenticate(this.deps.store, s.parts!, s.auth!, s.now, 'sqs', new Date()).credential;
        s.principal = resolvePrincipal(this.deps.store, s.credential);
      },
    },
    {
      name: 'identify-operation',
      run: (s) => {
        const p = s.parts!;
        if (s.protocol === 'json') {
          const target = header(s.req, 'x-amz-target') ?? '';
          const op = target.startsWith(TARGET_PREFIX) && p.method === 'POST' ? SQS_OPERATIONS.get(target.slice(TARGET_PREFIX.length)) : undefined;
          if (!op) throw awsError('InvalidAction', `iamlocal's SQS proxy does not know the operation ${JSON.stringify(target)}; it is refused, not forwarded unauthorized.`);
          s.op = op;
          try {
            const parsed = JSON.parse(p.body.toString('utf8') || '{}');
            if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
            s.params = parsed as Record<string, unknown>;
            s.input = jsonInput(s.params);
          } catch {
            throw awsError('SerializationException', 'Start of structure or map found where not expected.');
          }
        } else {
          const params = new URLSearchParams(stripAuthQuery(p.rawQuery));
          for (const [k, v] of new URLSearchParams(p.body.toString('utf8'))) params.append(k, v);
          // A parameter given twice (query string and body, or repeated) could be read one way here and another upstream: refused.
          const names = [...params.keys()];
          const twice = names.find((k, i) => names.indexOf(k) !== i);
          if (twice !== undefined) throw awsError('InvalidParameterValue', `The request names the parameter ${twice} more than once.`);
          s.params = params;
          const action = params.get('Action') ?? '';
          const op = SQS_OPERATIONS.get(action);
          if (!op) throw awsError('InvalidAction', `iamlocal's SQS proxy does not know the action ${JSON.stringify(action)}; it is refused, not forwarded unauthorized.`);
          s.op = op;
          s.input = queryInput(params, p.path);
        }
      },
    },
    {
      name: 'resolve-queue',
      run: (s) => {
        const op = s.op!;
        const input = s.input!;
        const caller = this.callerAccount(s);
        switch (op.queue) {
          case 'url': {
            // The URL's account names whose queue it is; a queue of that name owned by another account is, in AWS, another queue (here: none).
            const u = parseQueueUrl(input.QueueUrl ?? '');
            if (!u || u.account !== this.queues.ownerOf(u.name)) throw noQueue();
            s.queue = u.name;
            break;
          }
          case 'name': {
            const name = input.QueueName ?? '';
            if (!/^[A-Za-z0-9_-]{1,80}(\.fifo)?$/.test(name)) throw awsError('InvalidParameterValue', `Value ${name} for parameter QueueName is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.`);
            if (op.name === 'CreateQueue') {
              // A queue is created in the caller's account (whether the name is free is asked once the call is authorized).
              s.owner = caller;
            } else {
              // GetQueueUrl looks in the caller's account unless QueueOwnerAWSAccountId names another.
              const wanted = input.QueueOwnerAWSAccountId ?? caller;
              if (wanted !== this.queues.ownerOf(name)) throw noQueue();
            }
            s.queue = name;
            break;
          }
          case 'source-arn': {
            const a = parseQueueArn(input.SourceArn ?? '');
            if (!a || a.account !== this.queues.ownerOf(a.name)) throw noQueue();
            s.queue = a.name;
            break;
          }
          case 'task-handle': {
            const a = parseQueueArn(taskHandleSource(input.TaskHandle ?? '') ?? '');
            s.queue = a && a.account === this.queues.ownerOf(a.name) ? a.name : null;
            break;
          }
          case 'none':
            s.queue = null;
        }
        s.owner ??= s.queue ? this.queues.ownerOf(s.queue) : caller;
      },
    },
    {
      name: 'authorize',
      run: async (s) => {
        const op = s.op!;
        const region = s.auth!.region;
        const queue = s.queue!;
        const owner = s.owner!;
        const resource = queue === null ? '*' : `arn:aws:sqs:${region}:${owner}:${queue}`;
        const creating = op.name === 'CreateQueue';
        // CreateQueue makes a queue of the caller's own account: there is no queue policy to ask yet.
        const policy = queue === null || creating ? null : await this.queues.policy(queue, region);
        const ctx: RequestContext = { ...tagKeys(op, s.input!) };
        if (queue !== null && !creating && policiesMention(this.deps.store, s.principal, owner, policy, 'aws:ResourceTag/')) {
          for (const [k, v] of Object.entries(await this.queues.tags(queue))) ctx[`aws:ResourceTag/${k}`] = v;
        }
        this.decide(s, op.action, resource, owner, policy, ctx);
        s.decision = s.auditDenied ? 'would-deny' : 'allowed';
      },
    },
    {
      name: 'claim-name',
      run: async (s) => {
        if (s.op!.name !== 'CreateQueue') return;
        // The upstream keeps one queue per name: a name another account holds is refused, not handed over.
        const name = s.queue!;
        let holder = this.queues.createdBy(name);
        // A queue the upstream already holds (not created through the proxy) is the configured account's.
        if (holder === undefined && s.owner !== this.queues.ownerOf(name) && (await this.call('GetQueueUrl', { QueueName: name })).status === 200) holder = this.queues.ownerOf(name);
        if (holder !== undefined && holder !== s.owner) throw awsError('QueueNameExists', `A queue named ${name} already exists in another account behind this proxy; the upstream keeps one queue per name.`);
      },
    },
  ];

  private decide(s: State, action: string, resource: string, owner: string, policy: PolicySource | null, context: RequestContext): void {
    const { store } = this.deps;
    const p = s.principal;
    const record = { time: s.now.toISOString(), principalArn: p.arn, roleArn: p.kind === 'assumed-role' ? p.roleArn : undefined, action, resource };
    // The decision log sees the call like any other; in audit mode a denial is recorded as would-deny and the request goes on.
    const rec: AuthzRecording = { log: this.deps.decisions, requestId: s.requestId, time: s.now, mode: this.deps.config.enforce };
    try {
      withOrgMemo(() => {
        const base = buildRequestContext(store, p, {
          now: s.now,
          region: s.auth!.region,
          sourceIp: (s.req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
          secureTransport: false,
          userAgent: header(s.req, 'user-agent') ?? null,
        });
        authorize(store, { principal: p, action, resource, resourceAccount: owner, resourcePolicy: policy, context: { ...base, ...context } }, rec);
      }, store);
    } catch (e) {
      if (e instanceof AwsError && e.code === 'AccessDenied') {
        recordDecision(store, { ...record, decision: 'denied' });
        s.decision = 'denied';
        throw awsError('AccessDenied', e.message);
      }
      throw e;
    }
    if (rec.denied) s.auditDenied = true;
    recordDecision(store, { ...record, decision: 'allowed' });
    recordLastAccess(store, p, action, s.auth!.region, s.now);
  }

  /** One request to the upstream, signed with its credentials (service `sqs`, the upstream's region). */
  private send(path: string, headers: Record<string, string>, body: Buffer, now: Date): Promise<IncomingMessage> {
    const target = new URL(this.upstream.url);
    const auth = signRequest({ method: 'POST', url: `${this.upstream.url}${path}`, headers, body }, this.upstream.credentials, { region: this.upstream.region, service: 'sqs', now });
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: target.hostname, port: target.port || 80, method: 'POST', path, headers: { ...headers, ...auth, host: target.host, 'content-length': String(body.length) } });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
  }

  /** A JSON 1.0 call of the proxy's own (a queue's policy or tags), answered parsed. */
  private async call(operation: string, input: Record<string, unknown>): Promise<{ status: number; body: Record<string, unknown> }> {
    const res = await this.send('/', { 'content-type': JSON_10, 'x-amz-target': `${TARGET_PREFIX}${operation}` }, Buffer.from(JSON.stringify(input)), upstreamTime());
    const text = await readAll(res, 1024 * 1024);
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(text || '{}') as Record<string, unknown>;
    } catch {
      /* a non-JSON answer: judged by its status */
    }
    return { status: res.statusCode ?? 502, body };
  }

  /**
   * The body sent upstream, re-encoded from the parameters that were decided (a query-protocol GET's
   * query string becomes a form body), the queue URL pointed at the upstream.
   */
  private forwardBody(s: State): Buffer {
    const upstreamUrl = s.queue && s.op!.queue === 'url' ? this.queues.upstreamUrl(s.queue) : undefined;
    if (s.params instanceof URLSearchParams) {
      // A queue named by the path (`POST /<account>/<queue>`) is sent as QueueUrl to `/`: the upstream reads the queue the proxy decided on.
      if (upstreamUrl) s.params.set('QueueUrl', upstreamUrl);
      return Buffer.from(s.params.toString());
    }
    const o = { ...s.params };
    if (upstreamUrl && typeof o.QueueUrl === 'string') o.QueueUrl = upstreamUrl;
    return Buffer.from(JSON.stringify(o));
  }

  /** `http://<host the client called>/<owner>/<queue>` for an upstream queue URL. */
  private clientUrl(s: State, upstreamUrl: string): string | null {
    const name = /\/([^/]+)\/?$/.exec(upstreamUrl)?.[1];
    if (!name) return upstreamUrl;
    return `http://${header(s.req, 'host') ?? '127.0.0.1'}/${this.queues.ownerOf(name)}/${name}`;
  }

  /**
   * The answer with its queue URLs rewritten (ListQueues keeps only the caller's account's queues, as
   * AWS lists an account's own; https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ListQueues.html).
   */
  private rewriteUrls(s: State, text: string): string {
    const listing = s.op!.name === 'ListQueues';
    const caller = this.callerAccount(s);
    const keep = (u: string) => !listing || this.queues.ownerOf(/\/([^/]+)\/?$/.exec(u)?.[1] ?? '') === caller;
    if (s.protocol === 'query') {
      return text
        .replace(/<QueueUrl>([^<]*)<\/QueueUrl>/g, (_, u: string) => (keep(u) ? `<QueueUrl>${this.clientUrl(s, u)}</QueueUrl>` : ''))
        .replace(/(<Name>QueueArn<\/Name>\s*<Value>)[^<]*(<\/Value>)/, (_, a: string, b: string) => `${a}arn:aws:sqs:${s.auth!.region}:${s.owner}:${s.queue}${b}`);
    }
    const o = JSON.parse(text) as Record<string, unknown>;
    if (typeof o.QueueUrl === 'string') o.QueueUrl = this.clientUrl(s, o.QueueUrl);
    // GetQueueAttributes' QueueArn names the owning account, not the upstream's placeholder one.
    const attrs = o.Attributes as Record<string, unknown> | undefined;
    if (s.queue && typeof attrs?.QueueArn === 'string') attrs.QueueArn = `arn:aws:sqs:${s.auth!.region}:${s.owner}:${s.queue}`;
    for (const k of ['QueueUrls', 'queueUrls']) {
      if (Array.isArray(o[k])) o[k] = (o[k] as unknown[]).filter((u): u is string => typeof u === 'string' && keep(u)).map((u) => this.clientUrl(s, u));
    }
    return JSON.stringify(o);
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const s: State = { requestId: this.deps.ids.requestId(), now: this.deps.clock.now(), req, protocol: 'json', auth: null, principal: ANONYMOUS };
    const started = monotonicMs();
    let status = 500;
    let error: string | undefined;
    try {
      for (const stage of this.stages) await stage.run(s);
      const op = s.op!;
      if (op.changesPolicy && s.queue) this.queues.invalidate(s.queue);
      const headers: Record<string, string> = s.protocol === 'json'
        ? { 'content-type': JSON_10, 'x-amz-target': `${TARGET_PREFIX}${op.name}` }
        : { 'content-type': `${FORM}; charset=utf-8` };
      const upstream = await this.send('/', headers, this.forwardBody(s), upstreamTime());
      status = upstream.statusCode ?? 502;
      if (status === 200 && s.queue) {
        if (op.name === 'CreateQueue') this.queues.setOwner(s.queue, s.owner!);
        if (op.name === 'DeleteQueue') this.queues.forget(s.queue);
        if (op.changesPolicy) this.queues.invalidate(s.queue);
      }
      if (op.answersUrls && status === 200) {
        const out = Buffer.from(this.rewriteUrls(s, await readAll(upstream, MAX_SQS_BODY)));
        res.writeHead(status, { ...responseHeaders(upstream.headers), 'content-length': String(out.length) });
        res.end(out);
        return;
      }
      res.writeHead(status, responseHeaders(upstream.headers));
      upstream.pipe(res);
      await new Promise<void>((resolve) => res.once('close', resolve));
    } catch (e) {
      let err: AwsError;
      if (e instanceof AwsError) err = e;
      else {
        this.deps.logger.error('proxy error', { requestId: s.requestId, error: e instanceof Error ? e.stack : String(e) });
        const code = (e as NodeJS.ErrnoException).code;
        err = code === 'ECONNREFUSED' || code === 'ECONNRESET' ? awsError('BadGateway', `iamlocal could not reach the upstream ${this.upstream.url} (${code}).`) : awsError('InternalServerException', 'Internal server error');
      }
      error = err.code;
      status = err.status;
      if (res.headersSent) res.destroy();
      else {
        const out = sqsErrorResponse(err, s.protocol, s.requestId);
        res.writeHead(status, { ...out.headers, 'content-length': String(Buffer.byteLength(out.body)), ...(req.readableEnded ? {} : { connection: 'close' }) });
        res.end(out.body);
        if (!req.readableEnded) req.resume();
      }
    } finally {
      this.deps.logger.info('proxy request', { requestId: s.requestId, service: 'sqs', operation: s.op?.name ?? null, principal: s.principal.arn, accessKeyId: s.auth?.accessKeyId ?? null, decision: s.decision ?? null, status, ms: Math.round((monotonicMs() - started) * 100) / 100, ...(error ? { error } : {}) });
    }
  }
}

async function readAll(res: IncomingMessage, limit: number): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of res as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > limit) {
      res.destroy();
      throw new Error(`upstream answer larger than ${limit} bytes`);
    }
    parts.push(c);
  }
  return Buffer.concat(parts).toString('utf8');
}
