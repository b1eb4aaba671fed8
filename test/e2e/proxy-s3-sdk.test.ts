// The S3 authorizing proxy end to end: SDK v3's S3 client (and hand-made requests where a forger is
// needed) → iamlocal's proxy → a real s3rver started here. What reaches the upstream is read from
// s3rver's own HTTP server (test/helpers/s3-upstream.ts), so "never reached the upstream" is asserted
// on the upstream's side.
import {
  CompleteMultipartUploadCommand,
  CreateBucketCommand,
  CreateMultipartUploadCommand,
  DeleteBucketPolicyCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  GetBucketPolicyCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectTaggingCommand,
  ListObjectsV2Command,
  PutBucketPolicyCommand,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { startS3Upstream, type S3Upstream } from '../helpers/s3-upstream';
import { error as rejects } from '../helpers/sdk-error';
import { crc32 as zlibCrc32 } from 'node:zlib';
import { chunkedPut, code, message, send, sha256, signed, unsignedTrailerPut, type Creds } from '../helpers/s3-raw';

const APP: Creds = { accessKeyId: 'AKIAE2EPROXYAPP00001', secretAccessKey: 'proxy-app-secret-for-e2e-tests-only-0001' };
const VERBATIM: Creds = { accessKeyId: 'AKIAE2EPROXYVERBATIM', secretAccessKey: 'proxy-verbatim-secret-for-e2e-tests-01' };
const TAGGED: Creds = { accessKeyId: 'AKIAE2EPROXYTAGGED01', secretAccessKey: 'proxy-tagged-secret-for-e2e-tests-00001' };
const CLEANER: Creds = { accessKeyId: 'AKIAE2EPROXYCLEANER1', secretAccessKey: 'proxy-cleaner-secret-for-e2e-tests-0001' };
const NOGRANT: Creds = { accessKeyId: 'AKIAE2EPROXYNOGRANT1', secretAccessKey: 'proxy-nogrant-secret-for-e2e-tests-0001' };
const PARTNER_ROOT: Creds = { accessKeyId: 'AKIAE2EPROXYPARTNER1', secretAccessKey: 'proxy-partner-root-secret-for-e2e-tests' };
const BUCKET = 'my-app-bucket';
const PARTNER_BUCKET = 'partner-data';

/** The reference article's identity policy, verbatim (iam-article.txt, "Identity-Based Policy Example"). */
const ARTICLE_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 's3:prefix': ['uploads/', 'exports/'] } } },
    { Effect: 'Deny', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
  ],
};

/**
 * The same intent written so that it works in AWS: s3:prefix is a key of s3:ListBucket only, so the
 * prefixes go into the object ARNs and the condition onto the listing.
 */
const APP_POLICY = {
  Version: '2012-10-17',
  Statement: [
    { Sid: 'ObjectsUnderPrefixes', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: [`arn:aws:s3:::${BUCKET}/uploads/*`, `arn:aws:s3:::${BUCKET}/exports/*`] },
    { Sid: 'ListThosePrefixes', Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}`, Condition: { StringEquals: { 's3:prefix': ['uploads/', 'exports/'] } } },
    { Sid: 'NoDeletes', Effect: 'Deny', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
    { Sid: 'ReadPartnerData', Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${PARTNER_BUCKET}/*` },
  ],
};

const seed = {
  accounts: [{ id: '111111111111', rootAccessKeys: [PARTNER_ROOT] }],
  users: [
    { name: 'app', accessKeys: [APP], inlinePolicies: { data: APP_POLICY } },
    { name: 'verbatim', accessKeys: [VERBATIM], inlinePolicies: { article: ARTICLE_POLICY } },
    { name: 'nogrant', accessKeys: [NOGRANT] },
    { name: 'cleaner', accessKeys: [CLEANER], inlinePolicies: { tmp: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${BUCKET}/tmp/*` }] } } },
    {
      name: 'tagged',
      accessKeys: [TAGGED],
      inlinePolicies: {
        byTag: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 's3:ExistingObjectTag/classification': 'public' } } },
            { Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/*`, Condition: { StringEquals: { 's3:RequestObjectTag/classification': 'public' } } },
          ],
        },
      },
    },
  ],
  roles: [
    {
      name: 'uploader',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] },
      inlinePolicies: { up: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: `arn:aws:s3:::${BUCKET}/uploads/*` }] } },
    },
  ],
};

let up: S3Upstream;
let iam: IamLocal;
let endpoint: string;
const s3 = (credentials: Creds, region = 'us-east-1') => new S3Client({ endpoint, region, credentials, forcePathStyle: true, maxAttempts: 1 });

/** Whether the object is in the upstream (HeadObject as the admin through the proxy). */
const exists = (key: string, Bucket = BUCKET) =>
  s3(iam.credentials).send(new HeadObjectCommand({ Bucket, Key: key })).then(() => true, () => false);

beforeAll(async () => {
  up = await startS3Upstream();
  iam = await startIamLocal({ seed, proxyUpstreams: [up.spec()] });
  endpoint = iam.proxyEndpoints.s3!;
  await s3(iam.credentials).send(new CreateBucketCommand({ Bucket: BUCKET }));
  await s3(iam.credentials).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/seeded.txt', Body: 'seeded' }));
  await s3(iam.credentials).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'private/secret.txt', Body: 'secret' }));
});
afterAll(async () => {
  await iam?.stop();
  await up?.stop();
});

describe("the reference article's identity policy through the proxy (SDK v3)", () => {
  it('allows PutObject and GetObject under uploads/ and exports/', async () => {
    await s3(APP).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/report.csv', Body: 'a,b\n1,2\n' }));
    await s3(APP).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'exports/x.json', Body: '{}' }));
    const got = await s3(APP).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/report.csv' }));
    expect(await got.Body!.transformToString()).toBe('a,b\n1,2\n');
    expect((await s3(APP).send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'exports/x.json' }))).ContentLength).toBe(2);
    expect(up.hits(`/${BUCKET}/uploads/report.csv`, 'PUT')).toHaveLength(1);
  });

  it('denies PutObject and GetObject outside the prefixes, with S3’s AccessDenied text, and nothing reaches the upstream', async () => {
    const before = up.requests.length;
    const put = await rejects(s3(APP).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'other/x.txt', Body: 'no' })));
    expect(put).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::000000000000:user/app is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::${BUCKET}/other/x.txt" because no identity-based policy allows the s3:PutObject action`,
    });
    const get = await rejects(s3(APP).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'private/secret.txt' })));
    expect(get.name).toBe('AccessDenied');
    expect(up.hits(`/${BUCKET}/other/x.txt`)).toHaveLength(0);
    // No policy here conditions on object tags, so not even a tag lookup went upstream.
    expect(up.requests.slice(before)).toEqual([]);
  });

  it('denies DeleteObject by the explicit Deny, and the object is still there', async () => {
    const del = await rejects(s3(APP).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'uploads/report.csv' })));
    expect(del).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::000000000000:user/app is not authorized to perform: s3:DeleteObject on resource: "arn:aws:s3:::${BUCKET}/uploads/report.csv" with an explicit deny in an identity-based policy`,
    });
    expect(up.hits(`/${BUCKET}/uploads/report.csv`, 'DELETE')).toHaveLength(0);
    expect((await s3(APP).send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/report.csv' }))).ContentLength).toBe(8);
  });

  it('s3:prefix decides ListObjectsV2: uploads/ is listed, other prefixes and no prefix are denied', async () => {
    const listed = await s3(APP).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'uploads/' }));
    expect(listed.Contents?.map((c) => c.Key).sort()).toEqual(['uploads/report.csv', 'uploads/seeded.txt']);
    expect((await rejects(s3(APP).send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'private/' })))).name).toBe('AccessDenied');
    expect((await rejects(s3(APP).send(new ListObjectsV2Command({ Bucket: BUCKET })))).name).toBe('AccessDenied');
  });

  it('verbatim, the article’s Allow never applies to objects: s3:prefix is not a key of GetObject/PutObject (as in AWS)', async () => {
    const get = await rejects(s3(VERBATIM).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/seeded.txt' })));
    expect(get.message).toBe(
      `User: arn:aws:iam::000000000000:user/verbatim is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/uploads/seeded.txt" because no identity-based policy allows the s3:GetObject action`,
    );
    expect((await rejects(s3(VERBATIM).send(new DeleteObjectCommand({ Bucket: BUCKET, Key: 'uploads/seeded.txt' })))).message).toMatch(/with an explicit deny in an identity-based policy$/);
  });

  it('a role session gets its role’s permissions (AssumeRole credentials through the proxy)', async () => {
    const sts = new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: APP_ASSUMER, maxAttempts: 1 });
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/uploader', RoleSessionName: 'ci' }))).Credentials!;
    const session = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    await s3(session).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'uploads/from-role.txt', Body: 'r' }));
    const get = await rejects(s3(session).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/from-role.txt' })));
    expect(get.message).toBe(
      `User: arn:aws:sts::000000000000:assumed-role/uploader/ci is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/uploads/from-role.txt" because no identity-based policy allows the s3:GetObject action`,
    );
  });
});

describe('DeleteObjects is decided per key, as S3 does', () => {
  // tmp/stay.txt keeps s3rver's tmp/ directory from emptying: s3rver deletes a DeleteObjects' keys in
  // parallel and then tidies empty directories, and two keys of one directory race there (its 500).
  const put = (...keys: string[]) => Promise.all(['tmp/stay.txt', ...keys].map((Key) => s3(iam.credentials).send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: Key }))));

  it('deletes the keys the caller may delete and answers the others AccessDenied inside the 200 DeleteResult', async () => {
    await put('tmp/a.txt', 'tmp/b&c.txt', 'keep/c.txt');
    const r = await s3(CLEANER).send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'tmp/a.txt' }, { Key: 'keep/c.txt' }, { Key: 'tmp/b&c.txt' }] } }));
    expect(r.$metadata.httpStatusCode).toBe(200);
    expect(r.Deleted?.map((d) => d.Key).sort()).toEqual(['tmp/a.txt', 'tmp/b&c.txt']);
    expect(r.Errors).toEqual([{ Key: 'keep/c.txt', Code: 'AccessDenied', Message: 'Access Denied' }]);
    expect(await exists('keep/c.txt')).toBe(true);
    expect(await exists('tmp/a.txt')).toBe(false);
    expect(await exists('tmp/b&c.txt')).toBe(false);
  });

  it('when every key is refused nothing reaches the upstream; Quiet keeps only the errors', async () => {
    await put('tmp/q.txt');
    const before = up.hits(`/${BUCKET}`, 'POST').length;
    const none = await s3(CLEANER).send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'keep/c.txt' }] } }));
    expect(none.Deleted ?? []).toEqual([]);
    expect(none.Errors).toEqual([{ Key: 'keep/c.txt', Code: 'AccessDenied', Message: 'Access Denied' }]);
    expect(up.hits(`/${BUCKET}`, 'POST')).toHaveLength(before);

    const quiet = await s3(CLEANER).send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Quiet: true, Objects: [{ Key: 'tmp/q.txt' }, { Key: 'keep/c.txt' }] } }));
    // Quiet is forwarded; what the upstream lists as Deleted is its own (s3rver ignores Quiet).
    expect(quiet.Errors?.map((e) => [e.Key, e.Code])).toEqual([['keep/c.txt', 'AccessDenied']]);
    expect(await exists('tmp/q.txt')).toBe(false);
    expect(await exists('keep/c.txt')).toBe(true);
  });

  it('a caller allowed every key gets the upstream’s answer untouched', async () => {
    await put('tmp/x.txt', 'tmp/y.txt');
    const r = await s3(CLEANER).send(new DeleteObjectsCommand({ Bucket: BUCKET, Delete: { Objects: [{ Key: 'tmp/x.txt' }, { Key: 'tmp/y.txt' }] } }));
    expect(r.Deleted?.map((d) => d.Key).sort()).toEqual(['tmp/x.txt', 'tmp/y.txt']);
    expect(r.Errors ?? []).toEqual([]);
  });
});

describe('object tags as condition keys', () => {
  it('s3:ExistingObjectTag/<key> is read from the upstream’s tags of the object', async () => {
    const admin = s3(iam.credentials);
    for (const [key, value] of [['tags/public.txt', 'public'], ['tags/secret.txt', 'secret']] as const) {
      await admin.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: value }));
      await admin.send(new PutObjectTaggingCommand({ Bucket: BUCKET, Key: key, Tagging: { TagSet: [{ Key: 'classification', Value: value }] } }));
    }
    expect(await (await s3(TAGGED).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tags/public.txt' }))).Body!.transformToString()).toBe('public');
    expect((await rejects(s3(TAGGED).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'tags/secret.txt' })))).message).toMatch(/because no identity-based policy allows the s3:GetObject action$/);
    expect(up.hits(`/${BUCKET}/tags/secret.txt`, 'GET').map((r) => r.url)).toEqual([`/${BUCKET}/tags/secret.txt?tagging`]);
  });

  it('s3:RequestObjectTag/<key> comes from the x-amz-tagging header of PutObject', async () => {
    await s3(TAGGED).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tags/new.txt', Body: 'n', Tagging: 'classification=public' }));
    expect((await rejects(s3(TAGGED).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tags/new2.txt', Body: 'n', Tagging: 'classification=secret' })))).name).toBe('AccessDenied');
    expect((await rejects(s3(TAGGED).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'tags/new3.txt', Body: 'n' })))).name).toBe('AccessDenied');
  });
});

/** The admin user may assume roles (AdministratorAccess). */
const APP_ASSUMER = { accessKeyId: 'test', secretAccessKey: 'test' };

describe('a bucket policy grant to another account works only with both sides', () => {
  const partner = () => s3(PARTNER_ROOT);
  beforeAll(async () => {
    await partner().send(new CreateBucketCommand({ Bucket: PARTNER_BUCKET }));
    await partner().send(new PutObjectCommand({ Bucket: PARTNER_BUCKET, Key: 'shared/data.txt', Body: 'partner data' }));
  });

  it('without a bucket policy the identity policy alone does not reach into the other account ("Access Denied")', async () => {
    const r = await rejects(s3(APP).send(new GetObjectCommand({ Bucket: PARTNER_BUCKET, Key: 'shared/data.txt' })));
    // Outside the bucket owner's account and organization S3 does not say why.
    expect(r).toEqual({ name: 'AccessDenied', status: 403, message: 'Access Denied' });
  });

  it('with the bucket policy: the user whose identity policy allows it reads; the one without is still denied', async () => {
    const policy = {
      Version: '2012-10-17',
      Statement: [{ Sid: 'ShareWith000', Effect: 'Allow', Principal: { AWS: ['arn:aws:iam::000000000000:user/app', 'arn:aws:iam::000000000000:user/nogrant'] }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${PARTNER_BUCKET}/shared/*` }],
    };
    await partner().send(new PutBucketPolicyCommand({ Bucket: PARTNER_BUCKET, Policy: JSON.stringify(policy) }));
    expect(JSON.parse((await partner().send(new GetBucketPolicyCommand({ Bucket: PARTNER_BUCKET }))).Policy!)).toEqual(policy);
    const got = await s3(APP).send(new GetObjectCommand({ Bucket: PARTNER_BUCKET, Key: 'shared/data.txt' }));
    expect(await got.Body!.transformToString()).toBe('partner data');
    expect((await rejects(s3(NOGRANT).send(new GetObjectCommand({ Bucket: PARTNER_BUCKET, Key: 'shared/data.txt' })))).message).toBe('Access Denied');
    // The grant covers shared/ only.
    await partner().send(new PutObjectCommand({ Bucket: PARTNER_BUCKET, Key: 'internal/x.txt', Body: 'x' }));
    expect((await rejects(s3(APP).send(new GetObjectCommand({ Bucket: PARTNER_BUCKET, Key: 'internal/x.txt' })))).name).toBe('AccessDenied');
  });

  it('DeleteBucketPolicy through the proxy takes effect at once (the cached policy is dropped)', async () => {
    await partner().send(new DeleteBucketPolicyCommand({ Bucket: PARTNER_BUCKET }));
    expect((await rejects(s3(APP).send(new GetObjectCommand({ Bucket: PARTNER_BUCKET, Key: 'shared/data.txt' })))).message).toBe('Access Denied');
    expect((await rejects(partner().send(new GetBucketPolicyCommand({ Bucket: PARTNER_BUCKET })))).name).toBe('NoSuchBucketPolicy');
  });

  it('the other account cannot write a policy onto a bucket it does not own', async () => {
    const r = await rejects(s3(APP).send(new PutBucketPolicyCommand({ Bucket: PARTNER_BUCKET, Policy: '{"Version":"2012-10-17","Statement":[]}' })));
    expect(r.name).toBe('AccessDenied');
  });
});

describe('presigned GET works until it expires by iamlocal’s clock', () => {
  it('200 before, 403 "Request has expired" after the clock passes X-Amz-Expires, and the expired one never reaches the upstream', async () => {
    const url = await getSignedUrl(s3(APP), new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/seeded.txt' }), { expiresIn: 600 });
    const ok = await fetch(url);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('seeded');
    const gets = up.hits(`/${BUCKET}/uploads/seeded.txt`, 'GET').length;
    iam.clock.advance(601_000);
    try {
      const expired = await fetch(url);
      const body = await expired.text();
      expect(expired.status).toBe(403);
      expect(code({ status: 403, headers: {}, body })).toBe('AccessDenied');
      expect(message({ status: 403, headers: {}, body })).toBe('Request has expired');
      expect(body).toContain('<X-Amz-Expires>600</X-Amz-Expires>');
    } finally {
      iam.clock.advance(-601_000);
    }
    expect(up.hits(`/${BUCKET}/uploads/seeded.txt`, 'GET')).toHaveLength(gets);
  });

  it('a presigned URL is decided like any request: outside the allowed prefixes it is AccessDenied', async () => {
    const url = await getSignedUrl(s3(APP), new GetObjectCommand({ Bucket: BUCKET, Key: 'private/secret.txt' }), { expiresIn: 60 });
    const r = await fetch(url);
    expect(r.status).toBe(403);
    expect(code({ status: 403, headers: {}, body: await r.text() })).toBe('AccessDenied');
  });

  it('a presigned URL with its key changed does not verify', async () => {
    const url = await getSignedUrl(s3(APP), new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/seeded.txt' }), { expiresIn: 60 });
    const r = await fetch(url.replace('seeded.txt', 'report.csv'));
    expect(r.status).toBe(403);
    expect(code({ status: 403, headers: {}, body: await r.text() })).toBe('SignatureDoesNotMatch');
  });
});

describe('forged, tampered and replayed requests never reach the upstream', () => {
  const path = `/${BUCKET}/uploads/target.txt`;
  const put = (creds: Creds, body: string, extra: Record<string, string> = {}, now?: Date) =>
    signed(endpoint, { method: 'PUT', path, headers: { 'content-type': 'text/plain', ...extra }, body }, creds, { now });

  it('forged: a wrong secret is SignatureDoesNotMatch, an unknown key InvalidAccessKeyId', async () => {
    const forged = await send(endpoint, put({ accessKeyId: APP.accessKeyId, secretAccessKey: 'guessed' }, 'x'));
    expect([forged.status, code(forged)]).toEqual([403, 'SignatureDoesNotMatch']);
    const unknown = await send(endpoint, put({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'x' }, 'x'));
    expect([unknown.status, code(unknown), message(unknown)]).toEqual([403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.']);
    expect(up.hits(path)).toHaveLength(0);
  });

  it('tampered: the body, a signed header or the path changed after signing', async () => {
    const r1 = put(APP, 'good body');
    const body = await send(endpoint, { ...r1, body: 'evil body' });
    expect([body.status, code(body)]).toEqual([400, 'XAmzContentSHA256Mismatch']);
    const r2 = put(APP, 'x', { 'x-amz-acl': 'private' });
    const hdr = await send(endpoint, { ...r2, headers: { ...r2.headers, 'x-amz-acl': 'public-read' } });
    expect([hdr.status, code(hdr)]).toEqual([403, 'SignatureDoesNotMatch']);
    const r3 = signed(endpoint, { method: 'PUT', path: `/${BUCKET}/uploads/other.txt`, body: 'x' }, APP);
    const moved = await send(endpoint, { ...r3, path });
    expect([moved.status, code(moved)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(up.hits(path)).toHaveLength(0);
  });

  it('replayed: a request signed 20 minutes ago is RequestTimeTooSkewed', async () => {
    const old = await send(endpoint, put(APP, 'x', {}, new Date(Date.now() - 20 * 60_000)));
    expect([old.status, code(old)]).toEqual([403, 'RequestTimeTooSkewed']);
    expect(up.hits(path)).toHaveLength(0);
  });

  it('replayed: a captured session request after its session expired (iamlocal’s clock) is ExpiredToken', async () => {
    const sts = new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: APP_ASSUMER, maxAttempts: 1 });
    const c = (await sts.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/uploader', RoleSessionName: 'short', DurationSeconds: 900 }))).Credentials!;
    const captured = put({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }, 'once');
    expect((await send(endpoint, captured)).status).toBe(200);
    expect(up.hits(path, 'PUT')).toHaveLength(1);
    iam.clock.advance(901_000);
    try {
      const replay = await send(endpoint, captured);
      expect([replay.status, code(replay), message(replay)]).toEqual([400, 'ExpiredToken', 'The provided token has expired.']);
    } finally {
      iam.clock.advance(-901_000);
    }
    expect(up.hits(path, 'PUT')).toHaveLength(1);
  });
});

describe('payload signing modes', () => {
  it('STREAMING-AWS4-HMAC-SHA256-PAYLOAD: every chunk verified, the object stored decoded', async () => {
    const data = Buffer.alloc(200_000, 'z');
    const r = await send(endpoint, chunkedPut(endpoint, `/${BUCKET}/uploads/chunked.bin`, data, 65536, APP));
    expect(r.status).toBe(200);
    const got = await s3(APP).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/chunked.bin' }));
    expect(sha256(Buffer.from(await got.Body!.transformToByteArray()))).toBe(sha256(data));
  });

  it('a chunk changed after signing: SignatureDoesNotMatch, nothing stored, nothing sent upstream', async () => {
    const key = `/${BUCKET}/uploads/chunked-bad.bin`;
    const req = chunkedPut(endpoint, key, Buffer.alloc(200_000, 'z'), 65536, APP, (i, c) => (i === 2 ? Buffer.alloc(c.length, 'y') : c));
    const r = await send(endpoint, req);
    expect([r.status, code(r)]).toEqual([403, 'SignatureDoesNotMatch']);
    expect(up.hits(key)).toHaveLength(0);
  });

  describe('x-amz-checksum-* is checked against the body, as S3 does (BadDigest, nothing stored)', () => {
    const crc32 = (b: Buffer) => Buffer.from(zlibCrc32(b).toString(16).padStart(8, '0'), 'hex').toString('base64');

    it('a header checksum that does not match the signed body', async () => {
      const key = 'uploads/bad-digest.txt';
      const r = await send(endpoint, signed(endpoint, { method: 'PUT', path: `/${BUCKET}/${key}`, headers: { 'x-amz-checksum-crc32': crc32(Buffer.from('other')) }, body: 'hello' }, APP));
      expect([r.status, code(r), message(r)]).toEqual([400, 'BadDigest', 'The CRC32 you specified did not match the calculated checksum.']);
      expect(await exists(key)).toBe(false);
      const ok = await send(endpoint, signed(endpoint, { method: 'PUT', path: `/${BUCKET}/${key}`, headers: { 'x-amz-checksum-crc32': crc32(Buffer.from('hello')) }, body: 'hello' }, APP));
      expect(ok.status).toBe(200);
      expect(await exists(key)).toBe(true);
    });

    it('a trailing checksum of an unsigned aws-chunked upload (200 kB): wrong is BadDigest and never stored, right is stored', async () => {
      const data = Buffer.alloc(200_000, 'q');
      const bad = await send(endpoint, unsignedTrailerPut(endpoint, `/${BUCKET}/uploads/trailer-bad.bin`, data, 65536, APP, { header: 'x-amz-checksum-crc32', value: crc32(Buffer.from('nope')) }));
      expect([bad.status, code(bad)]).toEqual([400, 'BadDigest']);
      expect(await exists('uploads/trailer-bad.bin')).toBe(false);
      const good = await send(endpoint, unsignedTrailerPut(endpoint, `/${BUCKET}/uploads/trailer-good.bin`, data, 65536, APP, { header: 'x-amz-checksum-crc32', value: crc32(data) }));
      expect(good.status).toBe(200);
      const got = await s3(iam.credentials).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/trailer-good.bin' }));
      expect(Buffer.from(await got.Body!.transformToByteArray()).equals(data)).toBe(true);
    });

    for (const ChecksumAlgorithm of ['CRC32', 'CRC32C', 'CRC64NVME', 'SHA1', 'SHA256'] as const) {
      it(`the SDK's own ${ChecksumAlgorithm} (PutObject with ChecksumAlgorithm) verifies`, async () => {
        const Key = `uploads/sdk-${ChecksumAlgorithm}.txt`;
        const put = await s3(APP).send(new PutObjectCommand({ Bucket: BUCKET, Key, Body: `body for ${ChecksumAlgorithm}`, ChecksumAlgorithm }));
        expect(put.$metadata.httpStatusCode).toBe(200);
        const got = await s3(APP).send(new GetObjectCommand({ Bucket: BUCKET, Key }));
        expect(await got.Body!.transformToString()).toBe(`body for ${ChecksumAlgorithm}`);
      });
    }
  });

  it('UNSIGNED-PAYLOAD is accepted for header auth (the signature still covers method, path and headers)', async () => {
    const r = await send(endpoint, signed(endpoint, { method: 'PUT', path: `/${BUCKET}/uploads/unsigned.txt`, headers: { 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' }, body: 'u' }, APP));
    expect(r.status).toBe(200);
  });

  it('multipart upload (CreateMultipartUpload, UploadPart, CompleteMultipartUpload) is s3:PutObject under the prefix', async () => {
    const client = s3(APP);
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'uploads/big.bin' }));
    const part1 = Buffer.alloc(5 * 1024 * 1024, 'p');
    const part2 = Buffer.from('tail');
    const e1 = (await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'uploads/big.bin', UploadId, PartNumber: 1, Body: part1 }))).ETag;
    const e2 = (await client.send(new UploadPartCommand({ Bucket: BUCKET, Key: 'uploads/big.bin', UploadId, PartNumber: 2, Body: part2 }))).ETag;
    await client.send(new CompleteMultipartUploadCommand({ Bucket: BUCKET, Key: 'uploads/big.bin', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: e1 }, { PartNumber: 2, ETag: e2 }] } }));
    expect((await client.send(new HeadObjectCommand({ Bucket: BUCKET, Key: 'uploads/big.bin' }))).ContentLength).toBe(part1.length + 4);
    expect((await rejects(client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: 'private/big.bin' })))).name).toBe('AccessDenied');
  });
});

describe('addressing and unknown operations', () => {
  it('virtual-hosted style: the bucket from the Host header', async () => {
    const host = `${BUCKET}.s3.localhost:${new URL(endpoint).port}`;
    const ok = await send(endpoint, signed(endpoint, { method: 'GET', path: '/uploads/seeded.txt', host }, APP));
    expect([ok.status, ok.body]).toEqual([200, 'seeded']);
    const denied = await send(endpoint, signed(endpoint, { method: 'GET', path: '/private/secret.txt', host }, APP));
    expect([denied.status, code(denied)]).toEqual([403, 'AccessDenied']);
  });

  it('an operation the proxy does not know fails closed (501), and is not forwarded', async () => {
    const r = await send(endpoint, signed(endpoint, { method: 'GET', path: `/${BUCKET}`, rawQuery: 'replication=' }, iam.credentials));
    expect([r.status, code(r)]).toEqual([501, 'NotImplemented']);
    expect(message(r)).toMatch(/does not know this operation \(GET on a bucket with \?replication\)/);
    expect(up.requests.some((x) => x.url.includes('replication'))).toBe(false);
  });

  it('Signature Version 2 is refused, not taken for an anonymous request', async () => {
    const r = await send(endpoint, { method: 'GET', path: `/${BUCKET}/uploads/seeded.txt`, rawQuery: 'AWSAccessKeyId=AKIAE2EPROXYAPP00001&Expires=9999999999&Signature=abc%3D' });
    expect([r.status, code(r), message(r)]).toEqual([400, 'InvalidRequest', 'The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.']);
    const h = await send(endpoint, { method: 'GET', path: `/${BUCKET}/uploads/seeded.txt`, headers: { authorization: 'AWS AKIAE2EPROXYAPP00001:c2lnbmF0dXJl', date: new Date().toUTCString() } });
    expect(code(h)).toBe('InvalidRequest');
  });

  it('anonymous requests are decided by the bucket policy alone: denied without one', async () => {
    const r = await send(endpoint, { method: 'GET', path: `/${BUCKET}/uploads/seeded.txt` });
    expect([r.status, code(r), message(r)]).toEqual([403, 'AccessDenied', 'Access Denied']);
  });
});
