// Owns the DynamoDB authorizing proxy's request pipeline, as the S3 one: read the (bounded) JSON body →
// parse auth → authenticate (the main pipeline's SigV4 verifier, service `dynamodb`) → resolve principal →
// identify the operation (dynamodb/operations.ts) → authorize every table it touches, with
// dynamodb:LeadingKeys from the table's key schema → forward re-signed with the upstream's credentials.
// Refusals are DynamoDB's own AWS JSON 1.0 errors (`AccessDeniedException`, 400) and reach no upstream.
// Wire protocol: https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Programming.LowLevelAPI.html
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
import type { RequestContext } from '../../policy/types';
import type { ProxyDeps } from '../deps';
import { policiesMention } from '../policy-facts';
import { responseHeaders, upstreamTime } from '../upstream';
import type { ProxyUpstream } from '../upstream-spec';
import { DYNAMODB_OPERATIONS, queryLeadingKeys, scalar, type DynamoOperation, type Json } from './operations';
import { monotonicMs } from '../../runtime';

const TARGET_PREFIX = 'DynamoDB_20120810.';
/** DynamoDB's largest request (BatchWriteItem: 16 MB; https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html). */
export const MAX_DYNAMODB_BODY = 16 * 1024 * 1024;
const JSON_10 = 'application/x-amz-json-1.0';

/** The pipeline's codes as DynamoDB names them (it has its own `…Exception` vocabulary). */
function toDynamoError(e: AwsError): AwsError {
  switch (e.code) {
    case 'InvalidClientTokenId':
      return awsError('UnrecognizedClientException', 'The security token included in the request is invalid.');
    case 'SignatureDoesNotMatch':
      return awsError('InvalidSignatureException', e.message);
    case 'IncompleteSignature':
      return awsError('IncompleteSignatureException', e.message);
    case 'MissingAuthenticationToken':
      return awsError('MissingAuthenticationTokenException', 'Request is missing Authentication Token');
    case 'ExpiredToken':
      return awsError('ExpiredTokenException', 'The security token included in the request is expired');
    case 'AccessDenied':
      return awsError('AccessDeniedException', e.message);
    default:
      return e;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = Number(header(req, 'content-length') ?? '0');
  if (declared > MAX_DYNAMODB_BODY) throw awsError('RequestEntityTooLarge', `Request size ${declared} exceeded ${MAX_DYNAMODB_BODY} bytes`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const c of req as AsyncIterable<Buffer>) {
    size += c.length;
    if (size > MAX_DYNAMODB_BODY) throw awsError('RequestEntityTooLarge', `Request size exceeded ${MAX_DYNAMODB_BODY} bytes`);
    parts.push(c);
  }
  return Buffer.concat(parts);
}

interface State {
  requestId: string;
  now: Date;
  req: IncomingMessage;
  parts?: SignedRequestParts;
  auth: SigV4Auth | null;
  credential?: Credential;
  principal: Principal;
  op?: DynamoOperation;
  input?: Json;
  decision?: 'allowed' | 'denied' | 'would-deny';
  /** Audit mode let a denial through. */
  auditDenied?: boolean;
}

export class DynamoProxy {
  /** Partition-key attribute of each table (DescribeTable on the upstream), for dynamodb:LeadingKeys. */
  private readonly hashKeys = new Map<string, string | null>();

  constructor(
    private readonly deps: ProxyDeps,
    readonly upstream: ProxyUpstream,
  ) {}

  private owner(): string {
    return this.upstream.account ?? this.deps.config.defaultAccountId;
  }

  private readonly stages: { name: string; run(s: State): void | Promise<void> }[] = [
    {
      name: 'read-body',
      run: async (s) => {
        const url = s.req.url ?? '/';
        const q = url.indexOf('?');
        const body = await readBody(s.req);
        s.parts = { method: s.req.method ?? 'POST', path: q === -1 ? url : url.slice(0, q), rawQuery: q === -1 ? '' : url.slice(q + 1), headers: s.req.headers as Record<string, string | string[]>, body };
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
        s.credential = authenticate(this.deps.store, s.parts!, s.auth!, s.now, 'dynamodb', new Date()).credential;
        s.principal = resolvePrincipal(this.deps.store, s.credential);
      },
    },
    {
      name: 'identify-operation',
      run: (s) => {
        const target = header(s.req, 'x-amz-target') ?? '';
        const op = target.startsWith(TARGET_PREFIX) ? DYNAMODB_OPERATIONS.get(target.slice(TARGET_PREFIX.length)) : undefined;
        if (!op || s.parts!.method !== 'POST') throw awsError('UnknownOperationException', `iamlocal's DynamoDB proxy does not know the operation ${JSON.stringify(target)}; it is refused, not forwarded unauthorized.`);
        s.op = op;
        try {
          const parsed = JSON.parse(s.parts!.body.toString('utf8') || '{}');
          if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('not an object');
          s.input = parsed as Json;
        } catch {
          throw awsError('SerializationException', 'Start of structure or map found where not expected.');
        }
      },
    },
    {
      name: 'authorize',
      run: async (s) => {
        const op = s.op!;
        const region = s.auth!.region;
        const checks = op.checks(s.input!);
        const action = `dynamodb:${op.name}`;
        if (checks.length === 0) this.decide(s, action, '*', {});
        for (const c of checks) {
          const tableArn = `arn:aws:dynamodb:${region}:${this.owner()}:table/${c.table}`;
          const resource = c.arn !== undefined ? c.arn : c.index ? `${tableArn}/index/${c.index}` : tableArn;
          const ctx: RequestContext = { ...c.context };
          if ((c.keys || c.query) && policiesMention(this.deps.store, s.principal, this.owner(), null, 'dynamodb:LeadingKeys')) {
            const hash = await this.hashKey(c.table, upstreamTime());
            if (hash) {
              const values = c.query ? queryLeadingKeys(c.query, hash) : c.keys!.map((k) => scalar(k[hash])).filter((v): v is string => v !== undefined);
              if (values && values.length) ctx['dynamodb:LeadingKeys'] = [...new Set(values)];
            }
          }
          this.decide(s, c.action ?? action, resource, ctx);
        }
        s.decision = s.auditDenied ? 'would-deny' : 'allowed';
      },
    },
  ];

  private decide(s: State, action: string, resource: string, context: RequestContext): void {
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
        authorize(store, { principal: p, action, resource, resourceAccount: this.owner(), resourcePolicy: null, context: { ...base, ...context } }, rec);
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
    // Access Advisor's last-accessed data covers what the proxy authorized too (migration 016).
    recordLastAccess(store, p, action, s.auth!.region, s.now);
  }

  /** The table's partition-key attribute, from DescribeTable with the upstream's credentials (cached). */
  private async hashKey(table: string, now: Date): Promise<string | null> {
    if (this.hashKeys.has(table)) return this.hashKeys.get(table)!;
    const res = await this.send('DescribeTable', Buffer.from(JSON.stringify({ TableName: table })), now);
    const parts: Buffer[] = [];
    for await (const c of res as AsyncIterable<Buffer>) parts.push(c);
    let key: string | null = null;
    if (res.statusCode === 200) {
      const d = JSON.parse(Buffer.concat(parts).toString('utf8')) as { Table?: { KeySchema?: { AttributeName: string; KeyType: string }[] } };
      key = d.Table?.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName ?? null;
      this.hashKeys.set(table, key);
    } else if (res.statusCode !== 400) {
      throw awsError('BadGateway', `iamlocal could not read the key schema of ${table} from the upstream (HTTP ${res.statusCode}); the request is refused rather than decided without dynamodb:LeadingKeys.`);
    }
    return key;
  }

  /** One JSON 1.0 call to the upstream, signed with its credentials. */
  private send(operation: string, body: Buffer, now: Date): Promise<IncomingMessage> {
    const target = new URL(this.upstream.url);
    const headers = { 'content-type': JSON_10, 'x-amz-target': `${TARGET_PREFIX}${operation}` };
    const auth = signRequest({ method: 'POST', url: `${this.upstream.url}/`, headers, body }, this.upstream.credentials, { region: this.upstream.region, service: 'dynamodb', now });
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: target.hostname, port: target.port || 80, method: 'POST', path: '/', headers: { ...headers, ...auth, host: target.host, 'content-length': String(body.length) } });
      req.once('response', resolve);
      req.once('error', reject);
      req.end(body);
    });
  }

  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const s: State = { requestId: this.deps.ids.requestId(), now: this.deps.clock.now(), req, auth: null, principal: ANONYMOUS };
    const started = monotonicMs();
    let status = 500;
    let error: string | undefined;
    try {
      for (const stage of this.stages) await stage.run(s);
      if (s.op!.changesTables) this.hashKeys.delete(String(s.input!.TableName ?? ''));
      const upstream = await this.send(s.op!.name, s.parts!.body, upstreamTime());
      status = upstream.statusCode ?? 502;
      res.writeHead(status, responseHeaders(upstream.headers));
      upstream.pipe(res);
      await new Promise<void>((resolve) => res.once('close', resolve));
    } catch (e) {
      let err: AwsError;
      if (e instanceof AwsError) err = toDynamoError(e);
      else {
        this.deps.logger.error('proxy error', { requestId: s.requestId, error: e instanceof Error ? e.stack : String(e) });
        const code = (e as NodeJS.ErrnoException).code;
        err = code === 'ECONNREFUSED' || code === 'ECONNRESET' ? awsError('BadGateway', `iamlocal could not reach the upstream ${this.upstream.url} (${code}).`) : awsError('InternalServerException', 'Internal server error');
      }
      error = err.code;
      status = err.status;
      if (res.headersSent) res.destroy();
      else {
        const body = JSON.stringify({ __type: `com.amazonaws.dynamodb.v20120810#${err.code}`, message: err.message });
        res.writeHead(status, { 'content-type': JSON_10, 'x-amzn-requestid': s.requestId, 'content-length': String(Buffer.byteLength(body)), ...(req.readableEnded ? {} : { connection: 'close' }) });
        res.end(body);
        if (!req.readableEnded) req.resume();
      }
    } finally {
      this.deps.logger.info('proxy request', { requestId: s.requestId, service: 'dynamodb', operation: s.op?.name ?? null, principal: s.principal.arn, accessKeyId: s.auth?.accessKeyId ?? null, decision: s.decision ?? null, status, ms: Math.round((monotonicMs() - started) * 100) / 100, ...(error ? { error } : {}) });
    }
  }
}
