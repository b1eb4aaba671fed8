// Requests iamlocal cannot answer as an emulated AWS service: a request signed for another service
// (an S3 or DynamoDB client pointed at iamlocal) names the service and what iamlocal emulates, with a
// status the SDKs do not retry; an unknown admin path is 404.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { pipeline } from '../helpers/pipeline';

const ADMIN = { accessKeyId: 'AKIAQAAAAAAAUNKNOWN1', secretAccessKey: 'unknown-service-secret-000000000000000000' };
const SEED = { users: [{ name: 'admin', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }] };

describe('a request signed for a service iamlocal does not emulate', () => {
  it.each(['s3', 'dynamodb', 'sqs'])('scope %s → 501 NotImplemented naming it, not a signature error', async (service) => {
    const p = await pipeline(SEED);
    const r = await p.signed({ Action: 'ListQueues', Version: '2012-11-05' }, ADMIN, service as 'iam');
    expect([r.status, r.error.code]).toEqual([501, 'NotImplemented']);
    expect(r.error.message).toContain(`iamlocal does not emulate the '${service}' service`);
    expect(r.error.message).toMatch(/It emulates: .*sts.*iam/);
  });

  it('the emulated services still answer', async () => {
    const p = await pipeline(SEED);
    expect((await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, ADMIN, 'sts')).status).toBe(200);
    expect((await p.signed({ Action: 'ListRoles', Version: '2010-05-08' }, ADMIN, 'iam')).status).toBe(200);
  });
});

describe('with a real client and a real port', () => {
  let iam: IamLocal;
  beforeAll(async () => {
    iam = await startIamLocal({ seed: [SEED] });
  });
  afterAll(async () => {
    await iam?.stop();
  });

  it('the AWS CLI (`aws s3api list-buckets`) gets the service named', { timeout: 60_000 }, async () => {
    const env = {
      PATH: process.env.PATH,
      HOME: mkdtempSync(join(tmpdir(), 'iamlocal-unknown-svc-')),
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_ACCESS_KEY_ID: ADMIN.accessKeyId,
      AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey,
      AWS_DEFAULT_REGION: 'us-east-1',
      AWS_MAX_ATTEMPTS: '3',
    };
    const err = await promisify(execFile)('aws', ['s3api', 'list-buckets', '--endpoint-url', iam.endpoint], { env, encoding: 'utf8' }).then(
      () => null,
      (e: { stderr?: string }) => e.stderr ?? '',
    );
    expect(err).toContain('NotImplemented');
    expect(err).toContain("iamlocal does not emulate the 's3' service");
  });

  it('an unknown admin path is 404 whatever the method', async () => {
    for (const method of ['GET', 'POST', 'DELETE']) {
      const r = await fetch(`${iam.endpoint}/_iamlocal/no-such-endpoint`, { method });
      expect([method, r.status]).toEqual([method, 404]);
      expect(((await r.json()) as { error: string }).error).toBe('NotFound');
    }
  });
});
