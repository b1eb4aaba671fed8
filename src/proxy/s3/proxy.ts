// Owns the S3 authorizing proxy's request pipeline: one ordered list of named stages, as the main
// pipeline in src/app.ts — parse → parse auth → authenticate (SigV4, S3 flavour) → resolve principal →
// identify the operation (s3/operations.ts) → authorize (the same evaluator, with the bucket policy)
// → forward (re-signed with the upstream's credentials, streamed). A request that fails any stage is
// answered with S3's own XML error and nothing of it reaches the upstream.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { XMLParser } from 'fast-xml-parser';
import { lookupCredential, type Credential } from '../../auth/authenticate';
import { ANONYMOUS, type Principal } from '../../auth/principal';
import { resolvePrincipal } from '../../auth/resolve-principal';
import { ChecksumCheck, requestedChecksum } from '../../auth/s3-checksum';
import { AwsChunkedDecoder, Sha256Check } from '../../auth/s3-chunked';
import { parseSigV4, verifyS3SigV4, type S3Verified, type SigV4Auth } from '../../auth/sigv4';
import { awsError, AwsError } from '../../aws/errors';
import { authorize, type AuthzRecording } from '../../authz/authorize';
import { withOrgMemo } from '../../authz/org-memo';
import { buildRequestContext } from '../../authz/request-context';
import { recordDecision } from '../../observe/request-record';
import { recordLastAccess } from '../../observe/last-accessed';
import type { PolicySource, RequestContext } from '../../policy/types';
import type { ProxyDeps } from '../deps';
import { policiesMention, sameOrganization } from '../policy-facts';
import { fetchSmall, forward, responseHeaders, stripAuthQuery, upstreamTime, type ForwardRequest, type ProxyUpstream } from '../upstream';
import { resolveS3Address, type S3Address } from './addressing';
import { BucketState, MAX_BUCKET_POLICY_BYTES } from './bucket-state';
import { encodeS3Error, toS3Error, xmlEscape } from './errors';
import { bucketArn, commonS3Keys, identifyS3Operation, objectArn, type S3Check, type S3Operation, type S3Request } from './operations';
import { monotonicMs } from '../../runtime';

/** Signed bodies up to this size are verified whole before they are forwarded (see smallSignedBody). */
export const SMALL_BODY_BYTES = 1024 * 1024;
const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** DeleteObjects names at most 1000 keys (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
const MAX_DELETE_OBJECTS_BODY = 2 * 1024 * 1024;
/** The upstream's DeleteResult for at most 1000 keys is read whole to add the refused keys to it. */
const MAX_DELETE_RESULT_BODY = 4 * 1024 * 1024;
const S3_XMLNS = 'http://s3.amazonaws.com/doc/2006-03-01/';

/** One object a DeleteObjects body names. */
interface DeleteKey {
  key: string;
  versionId: string | null;
}

interface ProxyState {
  requestId: string;
  now: Date;
  req: IncomingMessage;
  res: ServerResponse;
  /** The client sent `Expect: 100-continue`: 100 Continue is written only once the request is authorized. */
  expectContinue: boolean;
  /** A small control body (PutBucketPolicy, DeleteObjects) read and verified before forwarding. */
  bufferedBody?: Buffer;
  bodyConsumed?: boolean;
  method: string;
  rawPath: string;
  rawQuery: string;
  host: string;
  address?: S3Address;
  s3?: S3Request;
  auth: SigV4Auth | null;
  credential?: Credential;
  verified?: S3Verified;
  principal: Principal;
  op?: S3Operation;
  decision?: 'allowed' | 'denied' | 'would-deny';
  /** Audit mode let a denial through. */
  auditDenied?: boolean;
  /**
   * DeleteObjects: the objects named and those the caller may not delete. S3 decides s3:DeleteObject per
   * key and answers a refused key inside the 200 DeleteResult (`<Error>…<Code>AccessDenied</Code>`),
   * deleting the others (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
   */
  deleteObjects?: { quiet: boolean; objects: DeleteKey[]; denied: DeleteKey[] };
}

type Stage = { name: string; run(s: ProxyState): void | Promise<void> };

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

function sourceIp(req: IncomingMessage): string {
  const a = req.socket.remoteAddress ?? '127.0.0.1';
  return a.startsWith('::ffff:') ? a.slice(7) : a;
}

/** Tags of an object as `s3:ExistingObjectTag/<key>` (GetObjectTagging with the upstream's credentials). */
async function existingObjectTags(up: ProxyUpstream, address: S3Address, now: Date): Promise<RequestContext> {
  const r = await fetchSmall(up, 'GET', upstreamPath(address), 'tagging', now);
  // No such object (or no tagging in the upstream): there are no tags to condition on.
  if (r.status === 404 || r.status === 501) return {};
  if (r.status !== 200) throw awsError('BadGateway', `iamlocal could not read the object's tags from the upstream (HTTP ${r.status}); the request is refused rather than decided without them.`);
  const doc = new XMLParser({ isArray: (name) => name === 'Tag', parseTagValue: false }).parse(r.body) as { Tagging?: { TagSet?: { Tag?: { Key: string; Value: string }[] } } };
  const ctx: RequestContext = {};
  for (const t of doc.Tagging?.TagSet?.Tag ?? []) ctx[`s3:ExistingObjectTag/${String(t.Key)}`] = String(t.Value ?? '');
  return ctx;
}

/** The path-style path on the upstream, keeping the key's encoding as the client sent it. */
function upstreamPath(a: S3Address): string {
  if (a.bucket === null) return '/';
  return `/${encodeURIComponent(a.bucket)}${a.key === null ? '' : `/${a.rawKeyPath}`}`;
}

export class S3Proxy {
  readonly buckets: BucketState;

  constructor(
    private readonly deps: ProxyDeps,
    readonly upstream: ProxyUpstream,
  ) {
    this.buckets = new BucketState(upstream, deps.config.defaultAccountId, deps.store.proxyBuckets, () => deps.clock.now());
  }

  private readonly stages: Stage[] = [
    {
      name: 'parse-request',
      run: (s) => {
        const address = resolveS3Address(s.host, s.rawPath);
        if (!address) throw awsError('InvalidArgument', 'The request path is not validly percent-encoded.');
        s.address = address;
        s.s3 = { method: s.method, bucket: address.bucket, key: address.key, query: new URLSearchParams(s.rawQuery), headers: s.req.headers };
      },
    },
    {
      name: 'parse-auth',
      run: (s) => {
        // Signature Version 2 (`Authorization: AWS key:sig`, `?AWSAccessKeyId=…&Signature=…`) is refused as S3
        // refuses it where it is retired (https://docs.aws.amazon.com/AmazonS3/latest/API/Appendix-Sigv2.html),
        // rather than being taken for an anonymous request.
        const authz = headerOf(s.req, 'authorization');
        const q = s.s3!.query;
        if ((authz !== undefined && /^AWS\s/.test(authz)) || (q.has('AWSAccessKeyId') && q.has('Signature'))) {
          throw awsError('InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.');
        }
        // A request without SigV4 material is anonymous: S3 decides it by the bucket policy alone.
        s.auth = parseSigV4({ method: s.method, path: s.rawPath, rawQuery: s.rawQuery, headers: s.req.headers as Record<string, string | string[]>, body: Buffer.alloc(0) });
      },
    },
    {
      name: 'authenticate',
      run: (s) => {
        if (!s.auth) return;
        const { credential, secret } = lookupCredential(this.deps.store, s.auth, s.now);
        s.credential = credential;
        s.verified = verifyS3SigV4({ method: s.method, path: s.rawPath, rawQuery: s.rawQuery, headers: s.req.headers as Record<string, string | string[]> }, s.auth, secret, s.now, new Date());
      },
    },
    {
      name: 'resolve-principal',
      run: (s) => {
        s.principal = s.credential ? resolvePrincipal(this.deps.store, s.credential) : ANONYMOUS;
      },
    },
    {
      name: 'identify-operation',
      run: (s) => {
        const id = identifyS3Operation(s.s3!);
        if ('unknown' in id) {
          throw awsError('NotImplemented', `iamlocal's S3 proxy does not know this operation (${id.unknown}); it is refused, not forwarded unauthorized.`);
        }
        s.op = id.op;
      },
    },
    {
      name: 'authorize',
      run: async (s) => {
        const op = s.op!;
        const r = s.s3!;
        const a = s.address!;
        const checks: (S3Check & { existingTags?: boolean })[] = [];
        const resource = a.bucket === null ? '*' : a.key === null ? bucketArn(a.bucket) : objectArn(a.bucket, a.key);
        if (op.name === 'DeleteObjects') {
          await this.authorizeDeleteObjects(s);
          return;
        }
        checks.push({ action: op.action(r), resource, context: op.conditionKeys?.(r) ?? {}, existingTags: op.existingObjectTags });
        for (const c of op.extraChecks?.(r) ?? []) checks.push(c);
        const region = this.region(s);
        for (const c of checks) {
          const bucket = c.bucket ?? a.bucket;
          // CreateBucket makes a bucket of the caller's own account: there is no owner or bucket policy to ask yet.
          const own = bucket === null || (op.createsBucket && c.bucket === undefined);
          const owner = own ? (s.principal.accountId ?? this.deps.config.defaultAccountId) : this.buckets.ownerOf(bucket);
          const policy: PolicySource | null = own ? null : await this.buckets.policy(bucket, upstreamTime());
          const tags = c.existingTags && a.key !== null && policiesMention(this.deps.store, s.principal, owner, policy, 's3:ExistingObjectTag/')
            ? await existingObjectTags(this.upstream, a, upstreamTime())
            : {};
          this.decide(s, { ...c, owner, policy, region, context: { ...commonS3Keys(r, s.auth, s.now), 's3:ResourceAccount': owner, ...tags, ...c.context } });
        }
        s.decision = s.auditDenied ? 'would-deny' : 'allowed';
      },
    },
  ];

  private region(s: ProxyState): string {
    return s.auth?.region ?? this.upstream.region;
  }

  /** DeleteObjects: one s3:DeleteObject (or …Version) per key named in the body, read (bounded) before anything is forwarded. */
  private async authorizeDeleteObjects(s: ProxyState): Promise<void> {
    const bucket = s.address!.bucket!;
    const body = await this.deleteObjectsBody(s);
    const owner = this.buckets.ownerOf(bucket);
    const policy = await this.buckets.policy(bucket, upstreamTime());
    const denied: DeleteKey[] = [];
    for (const k of body.objects) {
      const context: RequestContext = k.versionId ? { 's3:versionid': k.versionId } : {};
      const c = { action: k.versionId ? 's3:DeleteObjectVersion' : 's3:DeleteObject', resource: objectArn(bucket, k.key), context };
      try {
        this.decide(s, { ...c, owner, policy, region: this.region(s), context: { ...commonS3Keys(s.s3!, s.auth, s.now), 's3:ResourceAccount': owner, ...c.context } });
      } catch (e) {
        if (!(e instanceof AwsError && e.code === 'AccessDenied')) throw e;
        denied.push(k);
      }
    }
    s.deleteObjects = { ...body, denied };
    s.decision = denied.length === body.objects.length ? 'denied' : s.auditDenied ? 'would-deny' : 'allowed';
  }

  /** One authorization through the shared authorizer, recorded in the decision log. */
  private decide(s: ProxyState, c: { action: string; resource: string; owner: string; policy: PolicySource | null; region: string; context: RequestContext }): void {
    const { store } = this.deps;
    const p = s.principal;
    const record = { time: s.now.toISOString(), principalArn: p.arn, roleArn: p.kind === 'assumed-role' ? p.roleArn : undefined, action: c.action, resource: c.resource };
    // The decision log sees the call like any other; in audit mode a denial is recorded as would-deny and the request goes on.
    const rec: AuthzRecording = { log: this.deps.decisions, requestId: s.requestId, time: s.now, mode: this.deps.config.enforce };
    try {
      withOrgMemo(() => {
        const base = buildRequestContext(store, p, {
          now: s.now,
          region: c.region,
          sourceIp: sourceIp(s.req),
          secureTransport: false,
          userAgent: headerOf(s.req, 'user-agent') ?? null,
        });
        authorize(store, {
          principal: p,
          action: c.action,
          resource: c.resource,
          resourceAccount: c.owner,
          resourcePolicy: c.policy,
          context: { ...base, ...c.context },
          // S3 quotes the resource in its AccessDenied text.
          resourceLabel: c.resource === '*' ? '*' : `"${c.resource}"`,
        }, rec);
      }, store);
    } catch (e) {
      if (e instanceof AwsError && e.code === 'AccessDenied') {
        recordDecision(store, { ...record, decision: 'denied' });
        s.decision = 'denied';
        // S3 gives the reason only within the bucket owner's account or organization; otherwise `Access Denied`
        // (https://docs.aws.amazon.com/AmazonS3/latest/userguide/troubleshoot-403-errors.html#access-denied-message-examples).
        const sameOrg = p.accountId !== null && (p.accountId === c.owner || sameOrganization(store, p.accountId, c.owner));
        throw awsError('AccessDenied', sameOrg ? e.message : 'Access Denied');
      }
      throw e;
    }
    if (rec.denied) s.auditDenied = true;
    recordDecision(store, { ...record, decision: 'allowed' });
    // Access Advisor's last-accessed data covers what the proxy authorized too (migration 016).
    recordLastAccess(store, p, c.action, c.region, s.now);
  }

  /** The objects a DeleteObjects body names and its Quiet flag (the body is kept for forwarding). */
  private async deleteObjectsBody(s: ProxyState): Promise<{ quiet: boolean; objects: DeleteKey[] }> {
    const body = await this.readBounded(s, MAX_DELETE_OBJECTS_BODY);
    s.bufferedBody = body;
    let doc: { Delete?: { Quiet?: unknown; Object?: { Key?: unknown; VersionId?: unknown }[] } };
    try {
      doc = new XMLParser({ isArray: (n) => n === 'Object', parseTagValue: false }).parse(body.toString('utf8'));
    } catch {
      throw awsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    }
    const objects = doc.Delete?.Object ?? [];
    if (objects.length === 0 || objects.length > 1000) throw awsError('MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
    return {
      quiet: String(doc.Delete?.Quiet ?? '').trim().toLowerCase() === 'true',
      objects: objects.map((o) => ({ key: String(o.Key ?? ''), versionId: o.VersionId === undefined ? null : String(o.VersionId) })),
    };
  }

  /** The request body, checked against its signature, read whole up to `limit` bytes (small control documents only). */
  private async readBounded(s: ProxyState, limit: number): Promise<Buffer> {
    const stream = this.verifiedBody(s);
    const parts: Buffer[] = [];
    let size = 0;
    if (s.expectContinue) s.res.writeContinue();
    for await (const c of stream as AsyncIterable<Buffer>) {
      size += c.length;
      if (size > limit) throw awsError('InvalidRequest', `The request body is larger than the ${limit} bytes this operation accepts.`);
      parts.push(c);
    }
    s.expectContinue = false;
    return Buffer.concat(parts);
  }

  /**
   * The client's body as the upstream gets it: aws-chunked decoded and every chunk verified, or checked
   * against the signed hash; and against the x-amz-checksum-* it came with (header or trailer), as S3 does.
   */
  private verifiedBody(s: ProxyState): Readable {
    const v = s.verified;
    const checksum = requestedChecksum(s.req.headers);
    const withChecksum = (body: Readable, trailer?: AwsChunkedDecoder): Readable => {
      if (checksum === null) return body;
      const check = new ChecksumCheck(checksum, () => checksum.value ?? trailer?.trailer(checksum.header) ?? null);
      // The stage before's error (a chunk signature, the payload hash) ends this one with it (not the socket: S3's error still goes back).
      if (body !== s.req) body.once('error', (e) => check.destroy(e));
      return body.pipe(check);
    };
    if (!v) return withChecksum(s.req);
    switch (v.payload.kind) {
      case 'unsigned':
        return withChecksum(s.req);
      case 'hash':
        return withChecksum(s.req.pipe(new Sha256Check(v.payload.sha256)));
      case 'streaming-signed':
      case 'streaming-unsigned-trailer': {
        const raw = headerOf(s.req, 'x-amz-decoded-content-length');
        const n = raw === undefined ? NaN : Number(raw);
        if (!Number.isInteger(n) || n < 0) throw awsError('InvalidRequest', 'Missing required header for this request: x-amz-decoded-content-length');
        const decoder = new AwsChunkedDecoder(v, n);
        return withChecksum(s.req.pipe(decoder), decoder);
      }
    }
  }

  private forwardRequest(s: ProxyState): { f: ForwardRequest; body: Readable | null } {
    const req = s.req;
    const hasBody = headerOf(req, 'transfer-encoding') !== undefined || Number(headerOf(req, 'content-length') ?? '0') > 0;
    const f: ForwardRequest = {
      method: s.method,
      path: upstreamPath(s.address!),
      rawQuery: stripAuthQuery(s.rawQuery),
      headers: req.headers,
      contentLength: null,
      payloadHash: 'UNSIGNED-PAYLOAD',
    };
    if (s.bufferedBody) {
      f.contentLength = s.bufferedBody.length;
      f.payloadHash = createHash('sha256').update(s.bufferedBody).digest('hex');
      if (headerOf(req, 'content-encoding') !== undefined) f.contentEncoding = remainingEncoding(headerOf(req, 'content-encoding')!);
      return { f, body: null };
    }
    if (!hasBody) {
      f.payloadHash = s.verified?.payload.kind === 'hash' ? s.verified.payload.sha256 : EMPTY_SHA256;
      f.contentLength = s.method === 'PUT' || s.method === 'POST' ? 0 : null;
      if (s.verified?.payload.kind === 'hash' && s.verified.payload.sha256 !== EMPTY_SHA256) {
        throw awsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
      }
      return { f, body: null };
    }
    const kind = s.verified?.payload.kind ?? 'unsigned';
    if (kind === 'streaming-signed' || kind === 'streaming-unsigned-trailer') {
      f.contentLength = Number(headerOf(req, 'x-amz-decoded-content-length'));
      f.contentEncoding = remainingEncoding(headerOf(req, 'content-encoding') ?? '');
    } else {
      const cl = headerOf(req, 'content-length');
      f.contentLength = cl === undefined ? null : Number(cl);
      if (kind === 'hash') f.payloadHash = (s.verified!.payload as { sha256: string }).sha256;
    }
    return { f, body: this.verifiedBody(s) };
  }

  /** Handles one client request end to end. */
  async handle(req: IncomingMessage, res: ServerResponse, expectContinue = false): Promise<void> {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const s: ProxyState = {
      requestId: this.deps.ids.base32(16),
      now: this.deps.clock.now(),
      req,
      res,
      expectContinue,
      method: (req.method ?? 'GET').toUpperCase(),
      rawPath: q === -1 ? url : url.slice(0, q),
      rawQuery: q === -1 ? '' : url.slice(q + 1),
      host: headerOf(req, 'host') ?? '',
      auth: null,
      principal: ANONYMOUS,
    };
    const started = monotonicMs();
    let status = 500;
    let error: string | undefined;
    try {
      for (const stage of this.stages) await stage.run(s);
      status = await this.forwardStage(s);
    } catch (e) {
      const err = this.asS3Error(e, s);
      error = err.code;
      status = this.sendError(s, err);
    } finally {
      this.deps.logger.info('proxy request', {
        requestId: s.requestId,
        service: 's3',
        operation: s.op?.name ?? null,
        principal: s.principal.arn ?? (s.auth ? null : 'anonymous'),
        accessKeyId: s.auth?.accessKeyId ?? null,
        decision: s.decision ?? null,
        status,
        ms: Math.round((monotonicMs() - started) * 100) / 100,
        ...(error ? { error } : {}),
      });
    }
  }

  private asS3Error(e: unknown, s: ProxyState): AwsError {
    if (e instanceof AwsError) return toS3Error(e, { accessKeyId: s.auth?.accessKeyId, hadToken: s.auth?.securityToken !== undefined, form: s.auth?.form });
    this.deps.logger.error('proxy error', { requestId: s.requestId, error: e instanceof Error ? e.stack : String(e) });
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
      return awsError('BadGateway', `iamlocal could not reach the upstream ${this.upstream.url} (${code}).`);
    }
    return awsError('ServiceFailure', 'We encountered an internal error. Please try again.');
  }

  private sendError(s: ProxyState, err: AwsError): number {
    const { res, req } = s;
    const enc = encodeS3Error(err, s.requestId, Buffer.from(s.requestId).toString('base64'));
    if (res.headersSent) {
      res.destroy();
      return enc.status;
    }
    const body = s.method === 'HEAD' ? '' : enc.body;
    // A refused request's body is not read: the connection is closed after the answer rather than draining it.
    const unread = !req.readableEnded && !s.bodyConsumed;
    res.writeHead(enc.status, { ...enc.headers, 'content-length': String(Buffer.byteLength(body)), ...(unread ? { connection: 'close' } : {}) });
    res.end(body);
    if (unread) req.resume();
    return enc.status;
  }

  /** Forwards an authorized request and streams the answer back; the bucket-policy and bucket-owner bookkeeping. */
  private async forwardStage(s: ProxyState): Promise<number> {
    const op = s.op!;
    const a = s.address!;
    if (s.deleteObjects && s.deleteObjects.denied.length > 0 && !s.auditDenied) return this.deleteAllowedObjects(s, s.deleteObjects);
    if (op.bucketPolicy === 'put') s.bufferedBody = await this.readBoundedPolicy(s);
    else if (s.bufferedBody === undefined && this.smallSignedBody(s)) s.bufferedBody = await this.readBounded(s, SMALL_BODY_BYTES);
    const { f, body } = this.forwardRequest(s);
    if (s.expectContinue && body) s.res.writeContinue();
    s.bodyConsumed = body !== null || s.bufferedBody !== undefined;
    if (op.bucketPolicy && this.buckets.upstreamLacksPolicies) return this.localPolicy(s, op.bucketPolicy);
    const upstream = await forward(this.upstream, f, s.bufferedBody ?? body, upstreamTime());
    const status = upstream.statusCode ?? 502;
    if (op.bucketPolicy) {
      this.buckets.invalidate(a.bucket!);
      if (status === 501 || status === 405) {
        upstream.resume();
        this.buckets.upstreamLacksPolicies = true;
        return this.localPolicy(s, op.bucketPolicy);
      }
    }
    if (op.createsBucket && status < 300) this.buckets.setOwner(a.bucket!, s.principal.accountId ?? this.deps.config.defaultAccountId);
    if (op.deletesBucket && status < 300) this.buckets.forget(a.bucket!);
    s.res.writeHead(status, responseHeaders(upstream.headers));
    upstream.pipe(s.res);
    await new Promise<void>((resolve) => {
      s.res.once('close', resolve);
      upstream.once('error', () => {
        s.res.destroy();
        resolve();
      });
    });
    return status;
  }

  /**
   * DeleteObjects with refused keys: the upstream is asked to delete only the allowed ones (a body of its
   * own, with its own Content-MD5), and the refused keys join its DeleteResult as S3 reports them:
   * `<Error><Key>…</Key><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`, status 200.
   */
  private async deleteAllowedObjects(s: ProxyState, d: NonNullable<ProxyState['deleteObjects']>): Promise<number> {
    const refused = new Set(d.denied);
    const allowed = d.objects.filter((o) => !refused.has(o));
    const errors = d.denied
      .map((k) => `<Error><Key>${xmlEscape(k.key)}</Key>${k.versionId === null ? '' : `<VersionId>${xmlEscape(k.versionId)}</VersionId>`}<Code>AccessDenied</Code><Message>Access Denied</Message></Error>`)
      .join('');
    let status = 200;
    let result = `<?xml version="1.0" encoding="UTF-8"?>\n<DeleteResult xmlns="${S3_XMLNS}"></DeleteResult>`;
    let headers: Record<string, string | string[]> = { 'x-amz-request-id': s.requestId, 'content-type': 'application/xml' };
    if (allowed.length > 0) {
      const body = Buffer.from(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Delete xmlns="${S3_XMLNS}">${d.quiet ? '<Quiet>true</Quiet>' : ''}${allowed
          .map((k) => `<Object><Key>${xmlEscape(k.key)}</Key>${k.versionId === null ? '' : `<VersionId>${xmlEscape(k.versionId)}</VersionId>`}</Object>`)
          .join('')}</Delete>`,
        'utf8',
      );
      const reqHeaders: IncomingHttpHeaders = { ...s.req.headers, 'content-md5': createHash('md5').update(body).digest('base64') };
      // The client's checksums were of its own body; the upstream gets Content-MD5 of this one.
      for (const h of Object.keys(reqHeaders)) if (h.startsWith('x-amz-checksum-') || h === 'x-amz-sdk-checksum-algorithm') delete reqHeaders[h];
      const f: ForwardRequest = {
        method: 'POST',
        path: upstreamPath(s.address!),
        rawQuery: stripAuthQuery(s.rawQuery),
        headers: reqHeaders,
        contentLength: body.length,
        payloadHash: createHash('sha256').update(body).digest('hex'),
        contentEncoding: null,
      };
      s.bodyConsumed = true;
      const upstream = await forward(this.upstream, f, body, upstreamTime());
      status = upstream.statusCode ?? 502;
      const parts: Buffer[] = [];
      let size = 0;
      for await (const c of upstream as AsyncIterable<Buffer>) {
        size += c.length;
        if (size > MAX_DELETE_RESULT_BODY) throw awsError('BadGateway', `iamlocal could not read the upstream's DeleteResult (larger than ${MAX_DELETE_RESULT_BODY} bytes).`);
        parts.push(c);
      }
      headers = responseHeaders(upstream.headers);
      result = Buffer.concat(parts).toString('utf8');
      if (status !== 200) {
        // The upstream refused the request as a whole: its answer stands.
        s.res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(result)) }).end(result);
        return status;
      }
    }
    const merged = /<DeleteResult([^>]*)\/>/.test(result)
      ? result.replace(/<DeleteResult([^>]*)\/>/, `<DeleteResult$1>${errors}</DeleteResult>`)
      : result.replace(/<\/DeleteResult>\s*$/, `${errors}</DeleteResult>`);
    if (merged === result) throw awsError('BadGateway', "iamlocal could not read the upstream's DeleteResult.");
    s.res.writeHead(200, { ...headers, 'content-length': String(Buffer.byteLength(merged)) }).end(merged);
    return 200;
  }

  private async readBoundedPolicy(s: ProxyState): Promise<Buffer> {
    const body = await this.readBounded(s, MAX_BUCKET_POLICY_BYTES).catch((e) => {
      throw e instanceof AwsError && e.code === 'InvalidRequest' ? awsError('MalformedPolicy', 'Policies must be less than 20 KB') : e;
    });
    try {
      const doc = JSON.parse(body.toString('utf8'));
      if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) throw new Error('not an object');
    } catch {
      throw awsError('MalformedPolicy', 'Policies must be valid JSON and the first byte must be \'{\'');
    }
    return body;
  }

  /**
   * A signed body (hash or signed chunks) small enough to verify whole before anything is sent: then
   * a tampered body never reaches the upstream at all. Larger bodies stream, verified piece by piece,
   * and a failure aborts the upstream request before its last byte, so the upstream stores nothing.
   */
  private smallSignedBody(s: ProxyState): boolean {
    const kind = s.verified?.payload.kind;
    if (kind === undefined || kind === 'unsigned') return false;
    const len = Number(headerOf(s.req, kind === 'hash' ? 'content-length' : 'x-amz-decoded-content-length') ?? 'NaN');
    return Number.isInteger(len) && len > 0 && len <= SMALL_BODY_BYTES;
  }

  /** Bucket policies kept by the proxy for an upstream without them (see bucket-state.ts). */
  private localPolicy(s: ProxyState, kind: 'get' | 'put' | 'delete'): number {
    const bucket = s.address!.bucket!;
    const headers = { 'x-amz-request-id': s.requestId };
    if (kind === 'put') {
      this.buckets.setLocal(bucket, s.bufferedBody!.toString('utf8'));
      s.res.writeHead(204, headers).end();
      return 204;
    }
    if (kind === 'delete') {
      this.buckets.deleteLocal(bucket);
      s.res.writeHead(204, headers).end();
      return 204;
    }
    const doc = this.buckets.policyLocal(bucket);
    if (doc === null) throw awsError('NoSuchBucketPolicy', 'The bucket policy does not exist', { fields: { BucketName: bucket } });
    s.res.writeHead(200, { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(doc)) }).end(doc);
    return 200;
  }
}

/** Content-Encoding without aws-chunked (the wire framing only; gzip and the like stay); null when nothing is left. */
function remainingEncoding(v: string): string | null {
  const rest = v.split(',').map((x) => x.trim()).filter((x) => x && x !== 'aws-chunked');
  return rest.length ? rest.join(',') : null;
}

