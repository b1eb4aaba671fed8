// What the S3 proxy knows beyond the upstream's data — which account owns a bucket created through it,
// and the bucket policies it keeps for an upstream without them (s3rver) — lives in iamlocal's store,
// so a restart on the same data dir decides the same as before (the upstream's buckets outlived it too).
// Real s3rver, real iamlocal processes in-process (startIamLocal), SDK v3.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand, GetObjectCommand, PutBucketPolicyCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { startS3Upstream, type S3Upstream } from '../helpers/s3-upstream';
import { error as rejects } from '../helpers/sdk-error';
import type { Creds } from '../helpers/s3-raw';

const APP: Creds = { accessKeyId: 'AKIAE2ERESTARTAPP001', secretAccessKey: 'restart-app-secret-for-e2e-tests-only-01' };
const OTHER: Creds = { accessKeyId: 'AKIAE2ERESTARTOTHER1', secretAccessKey: 'restart-other-secret-for-e2e-tests-only1' };
const PARTNER_ROOT: Creds = { accessKeyId: 'AKIAE2ERESTARTPARTNR', secretAccessKey: 'restart-partner-root-secret-for-e2e-test' };
const BUCKET = 'partner-restart';
const readAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/*` }] };
const seed = {
  accounts: [{ id: '111111111111', rootAccessKeys: [PARTNER_ROOT] }],
  users: [
    { name: 'app', accessKeys: [APP], inlinePolicies: { read: readAll } },
    { name: 'other', accessKeys: [OTHER], inlinePolicies: { read: readAll } },
  ],
};

let up: S3Upstream;
let iam: IamLocal;
let dataDir: string;
const start = async () => (iam = await startIamLocal({ seed, inMemory: false, dataDir, proxyUpstreams: [up.spec()] }));
const s3 = (credentials: Creds) => new S3Client({ endpoint: iam.proxyEndpoints.s3!, region: 'us-east-1', credentials: { ...credentials }, forcePathStyle: true, maxAttempts: 1 });
// (a copy: the SDK marks the credentials object it is given, and the same objects seed the restarted server)

beforeAll(async () => {
  up = await startS3Upstream();
  dataDir = mkdtempSync(join(tmpdir(), 'iamlocal-proxy-restart-'));
  await start();
});
afterAll(async () => {
  await iam?.stop();
  await up?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('the proxy’s bucket records outlive a restart on a data dir', () => {
  it('a partner-owned bucket and the policy kept for it decide the same after the restart', async () => {
    await s3(PARTNER_ROOT).send(new CreateBucketCommand({ Bucket: BUCKET }));
    await s3(PARTNER_ROOT).send(new PutObjectCommand({ Bucket: BUCKET, Key: 'shared/x.txt', Body: 'x' }));
    const policy = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/app' }, Action: 's3:GetObject', Resource: `arn:aws:s3:::${BUCKET}/shared/*` }] };
    await s3(PARTNER_ROOT).send(new PutBucketPolicyCommand({ Bucket: BUCKET, Policy: JSON.stringify(policy) }));
    const decide = async () => ({
      app: await s3(APP).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'shared/x.txt' })).then((r) => r.Body!.transformToString(), (e) => rejects(Promise.reject(e)).then((x) => x.name)),
      // Same-account allow in the identity policy is not enough across accounts: the bucket is 111111111111's.
      other: await s3(OTHER).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'shared/x.txt' })).then((r) => r.Body!.transformToString(), (e) => rejects(Promise.reject(e)).then((x) => x.name)),
    });
    expect(await decide()).toEqual({ app: 'x', other: 'AccessDenied' });
    await iam.stop();
    await start();
    expect(await decide()).toEqual({ app: 'x', other: 'AccessDenied' });
  });
});
