// The S3 authorizing proxy with the other real clients and the organization in place: the AWS CLI's
// `aws s3 cp` (single and multipart uploads), boto3 in an IRSA pod's environment (web identity
// credentials confined to their role), and the region SCP of seed/40-organization-scps.yaml denying
// a request signed for eu-west-1. The upstream is a real s3rver (test/helpers/s3-upstream.ts).
import { CreateBucketCommand, GetObjectCommand, ListBucketsCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { fromWebToken } from '@aws-sdk/credential-providers';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { mintToken } from '../helpers/admin-client';
import { awsCli } from '../helpers/aws-cli';
import { startS3Upstream, type S3Upstream } from '../helpers/s3-upstream';
import { sha256 } from '../helpers/s3-raw';

const IRSA_SEED = fileURLToPath(new URL('../../seed/10-irsa-payments.yaml', import.meta.url));
const SCP_SEED = fileURLToPath(new URL('../../seed/40-organization-scps.yaml', import.meta.url));
const PY = fileURLToPath(new URL('./proxy_s3_boto3.py', import.meta.url));
const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D';
const BUCKET = 'reports-bucket';
const CLI_USER = { accessKeyId: 'AKIAE2EPROXYCLIUSER1', secretAccessKey: 'proxy-cli-user-secret-for-e2e-tests-001' };

const seed = {
  users: [
    {
      name: 'cli-user',
      accessKeys: [CLI_USER],
      inlinePolicies: {
        data: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${BUCKET}/uploads/*` },
            { Effect: 'Allow', Action: 's3:ListBucket', Resource: `arn:aws:s3:::${BUCKET}` },
            { Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' },
            { Effect: 'Deny', Action: 's3:DeleteObject', Resource: `arn:aws:s3:::${BUCKET}/*` },
          ],
        },
      },
    },
  ],
  roles: [
    {
      // The IRSA role of the reports/report-writer service account (cluster demo of seed/10-irsa-payments.yaml).
      name: 'report-writer',
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [{
          Effect: 'Allow',
          Principal: { Federated: `arn:aws:iam::000000000000:oidc-provider/${ISSUER}` },
          Action: 'sts:AssumeRoleWithWebIdentity',
          Condition: { StringEquals: { [`${ISSUER}:sub`]: 'system:serviceaccount:reports:report-writer', [`${ISSUER}:aud`]: 'sts.amazonaws.com' } },
        }],
      },
      inlinePolicies: {
        reports: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: `arn:aws:s3:::${BUCKET}/reports/*` }] },
      },
    },
  ],
};

let up: S3Upstream;
let iam: IamLocal;
let proxy: string;
let home: string;
const run = promisify(execFile);

beforeAll(async () => {
  up = await startS3Upstream();
  iam = await startIamLocal({ seed: [IRSA_SEED, SCP_SEED, seed], proxyUpstreams: [up.spec()] });
  proxy = iam.proxyEndpoints.s3!;
  home = mkdtempSync(join(tmpdir(), 'iamlocal-proxy-clients-'));
  writeFileSync(join(home, 'config'), '[default]\ns3 =\n    addressing_style = path\n');
  await new S3Client({ endpoint: proxy, region: 'us-east-1', credentials: iam.credentials, forcePathStyle: true, maxAttempts: 1 }).send(new CreateBucketCommand({ Bucket: BUCKET }));
});
afterAll(async () => {
  await iam?.stop();
  await up?.stop();
});

const cli = (...args: string[]) => awsCli({ endpoint: proxy, home, region: 'us-east-1', services: ['S3'], configFile: join(home, 'config'), maxBuffer: 1 << 20 }, CLI_USER, args);

describe('aws s3 cp through the proxy (AWS CLI v1)', () => {
  it('uploads and downloads under the allowed prefix, a 9 MiB file as a multipart upload', async () => {
    const small = join(home, 'small.txt');
    writeFileSync(small, 'hello from the cli\n');
    expect((await cli('s3', 'cp', small, `s3://${BUCKET}/uploads/small.txt`)).ok).toBe(true);
    const big = join(home, 'big.bin');
    const data = Buffer.alloc(9 * 1024 * 1024, 'b');
    writeFileSync(big, data);
    const r = await cli('s3', 'cp', big, `s3://${BUCKET}/uploads/big.bin`);
    expect(r).toMatchObject({ ok: true });
    // The CLI split it: CreateMultipartUpload, parts, CompleteMultipartUpload all went through.
    expect(up.requests.filter((x) => x.method === 'PUT' && x.url.startsWith(`/${BUCKET}/uploads/big.bin?`) && x.url.includes('uploadId=')).length).toBeGreaterThanOrEqual(2);
    const back = join(home, 'big.back');
    expect((await cli('s3', 'cp', `s3://${BUCKET}/uploads/big.bin`, back)).ok).toBe(true);
    expect(sha256(readFileSync(back))).toBe(sha256(data));
  });

  it('outside the prefix and rm are refused with S3’s AccessDenied, and nothing is forwarded', async () => {
    const f = join(home, 'x.txt');
    writeFileSync(f, 'x');
    const put = await cli('s3', 'cp', f, `s3://${BUCKET}/private/x.txt`);
    expect(put.ok).toBe(false);
    expect(put.out).toContain('An error occurred (AccessDenied) when calling the PutObject operation: User: arn:aws:iam::000000000000:user/cli-user is not authorized to perform: s3:PutObject on resource: "arn:aws:s3:::reports-bucket/private/x.txt" because no identity-based policy allows the s3:PutObject action');
    const rm = await cli('s3', 'rm', `s3://${BUCKET}/uploads/small.txt`);
    expect(rm.ok).toBe(false);
    expect(rm.out).toContain('with an explicit deny in an identity-based policy');
    expect(up.hits(`/${BUCKET}/private/x.txt`)).toHaveLength(0);
    expect(up.hits(`/${BUCKET}/uploads/small.txt`, 'DELETE')).toHaveLength(0);
  });

  it('aws s3 ls lists the bucket (s3:ListBucket)', async () => {
    const r = await cli('s3', 'ls', `s3://${BUCKET}/uploads/`);
    expect(r.ok).toBe(true);
    expect(r.out).toContain('small.txt');
  });
});

describe('a web-identity (IRSA) session is confined to its role', () => {
  it('SDK v3 fromWebToken credentials: reports/ read and write, nothing else', async () => {
    const token = await mintToken(iam.endpoint, 'demo', { namespace: 'reports', serviceAccount: 'report-writer' });
    const credentials = fromWebToken({ roleArn: 'arn:aws:iam::000000000000:role/report-writer', webIdentityToken: token, roleSessionName: 'pod', clientConfig: { endpoint: iam.endpoint, region: 'us-east-1' } });
    const s3 = new S3Client({ endpoint: proxy, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 });
    await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: 'reports/2026.csv', Body: 'q1,q2' }));
    expect(await (await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/2026.csv' }))).Body!.transformToString()).toBe('q1,q2');
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/small.txt' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:sts::000000000000:assumed-role/report-writer/pod is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/uploads/small.txt" because no identity-based policy allows the s3:GetObject action`,
    });
    await expect(s3.send(new ListBucketsCommand({}))).rejects.toMatchObject({ name: 'AccessDenied' });
  });

  it('boto3 in the pod’s environment (token file, role ARN): allowed, denied and presigned steps', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-proxy-irsa-'));
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, await mintToken(iam.endpoint, 'demo', { namespace: 'reports', serviceAccount: 'report-writer' }));
    const env = {
      PATH: process.env.PATH!,
      HOME: dir,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ROLE_ARN: 'arn:aws:iam::000000000000:role/report-writer',
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ROLE_SESSION_NAME: 'boto-pod',
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_ENDPOINT_URL_STS: iam.endpoint,
      AWS_ENDPOINT_URL_S3: proxy,
    };
    const { stdout } = await run('python3', [PY, BUCKET, 'reports/boto.txt', 'uploads/boto.txt'], { env });
    const out = JSON.parse(stdout);
    expect(out.identity).toBe('arn:aws:sts::000000000000:assumed-role/report-writer/boto-pod');
    expect(out.put_allowed).toEqual({ ok: true, value: 200 });
    expect(out.get_allowed).toEqual({ ok: true, value: 'from boto3' });
    expect(out.put_denied).toMatchObject({ ok: false, code: 'AccessDenied', status: 403 });
    expect(out.delete_allowed_key).toMatchObject({ ok: false, code: 'AccessDenied', status: 403 });
    expect(out.presigned_allowed).toEqual({ status: 200, body: 'from boto3' });
    expect(out.presigned_denied.status).toBe(403);
    expect(up.hits(`/${BUCKET}/uploads/boto.txt`)).toHaveLength(0);
  });

  it('another service account’s token cannot get the role (its trust policy names report-writer only)', async () => {
    const token = await mintToken(iam.endpoint, 'demo', { namespace: 'payments', serviceAccount: 'payments-api' });
    const credentials = fromWebToken({ roleArn: 'arn:aws:iam::000000000000:role/report-writer', webIdentityToken: token, clientConfig: { endpoint: iam.endpoint, region: 'us-east-1' } });
    const s3 = new S3Client({ endpoint: proxy, region: 'us-east-1', credentials, forcePathStyle: true, maxAttempts: 1 });
    await expect(s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: 'reports/2026.csv' }))).rejects.toMatchObject({ name: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });
  });
});

describe('the region SCP (DenyRegionsOutsideUS) on S3 calls', () => {
  const inRegion = (region: string) => new S3Client({ endpoint: proxy, region, credentials: CLI_USER, forcePathStyle: true, maxAttempts: 1 });

  it('a GetObject signed for eu-west-1 is denied by the service control policy; us-east-1 and us-west-2 are allowed', async () => {
    await expect(inRegion('eu-west-1').send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/small.txt' }))).rejects.toMatchObject({
      name: 'AccessDenied',
      message: `User: arn:aws:iam::000000000000:user/cli-user is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::${BUCKET}/uploads/small.txt" with an explicit deny in a service control policy`,
    });
    for (const region of ['us-east-1', 'us-west-2']) {
      expect(await (await inRegion(region).send(new GetObjectCommand({ Bucket: BUCKET, Key: 'uploads/small.txt' }))).Body!.transformToString()).toBe('hello from the cli\n');
    }
  });

  it('s3:ListAllMyBuckets is in the SCP’s NotAction list: ListBuckets from eu-west-1 is allowed', async () => {
    const r = await inRegion('eu-west-1').send(new ListBucketsCommand({}));
    expect(r.Buckets?.map((b) => b.Name)).toContain(BUCKET);
  });

  it('the AWS CLI with AWS_DEFAULT_REGION=eu-west-1 gets the same SCP denial', async () => {
    const r = await awsCli({ endpoint: proxy, home, region: 'eu-west-1', services: ['S3'], configFile: join(home, 'config') }, CLI_USER, ['s3api', 'get-object', '--bucket', BUCKET, '--key', 'uploads/small.txt', join(home, 'eu.out')]);
    expect(r.ok).toBe(false);
    expect(r.out).toContain('with an explicit deny in a service control policy');
  });
});
