// Instance and task credentials end to end (issue 14), real clients only: SDK v3 fromInstanceMetadata
// and the default chain, botocore / AWS CLI v1 through AWS_EC2_METADATA_SERVICE_ENDPOINT, SDK v3
// fromContainerMetadata and botocore's container provider through AWS_CONTAINER_CREDENTIALS_FULL_URI.
// The credentials are role sessions named after the instance (task) and carry ec2:RoleDelivery, so an
// SCP denying IMDSv1-delivered credentials bites; IMDS's refusals are the real service's.
import { GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromContainerMetadata, fromInstanceMetadata } from '@aws-sdk/credential-providers';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';

const run = promisify(execFile);
const ACCT = '111111111111';
const V = '2012-10-17';
const trust = (service: string, condition?: Record<string, unknown>) => ({
  Version: V,
  Statement: [{ Effect: 'Allow', Principal: { Service: service }, Action: 'sts:AssumeRole', ...(condition ? { Condition: condition } : {}) }],
});
const OPTIONAL = 'i-0aaaaaaaaaaaaaaa1';
const REQUIRED = 'i-0bbbbbbbbbbbbbbb2';
const UNTRUSTED = 'i-0ccccccccccccccc3';
const TASK_ID = '0123456789abcdef0123456789abcdef';

const SEED = {
  accounts: [{ id: ACCT }],
  organization: {
    managementAccount: '000000000000',
    accounts: [ACCT],
    scps: [
      {
        name: 'RequireIMDSv2',
        targets: [ACCT],
        content: {
          Version: V,
          Statement: [
            { Sid: 'FullAWSAccess', Effect: 'Allow', Action: '*', Resource: '*' },
            { Sid: 'RequireIMDSv2', Effect: 'Deny', Action: '*', Resource: '*', Condition: { NumericLessThan: { 'ec2:RoleDelivery': '2.0' } } },
          ],
        },
      },
    ],
  },
  roles: [
    {
      account: ACCT,
      name: 'web-server',
      trustPolicy: trust('ec2.amazonaws.com'),
      inlinePolicies: {
        // Allowed only from inside the modelled VPC, from an instance of this account.
        'read-roles': {
          Version: V,
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iam:GetRole',
              Resource: '*',
              Condition: { StringEquals: { 'aws:EC2InstanceSourceVPC': 'vpc-0123456789abcdef0', 'aws:EC2InstanceSourcePrivateIPv4': '10.0.1.17' }, ArnLike: { 'ec2:SourceInstanceARN': `arn:aws:ec2:*:${ACCT}:instance/*` } },
            },
          ],
        },
      },
    },
    { account: ACCT, name: 'lambda-only', trustPolicy: trust('lambda.amazonaws.com') },
    {
      account: ACCT,
      name: 'orders-task',
      trustPolicy: trust('ecs-tasks.amazonaws.com', { StringEquals: { 'aws:SourceAccount': ACCT }, ArnLike: { 'aws:SourceArn': `arn:aws:ecs:us-east-1:${ACCT}:*` } }),
    },
  ],
  instances: [
    { id: OPTIONAL, account: ACCT, role: 'web-server', httpTokens: 'optional', imdsPort: 0, vpcId: 'vpc-0123456789abcdef0', subnetId: 'subnet-0123456789abcdef0', privateIp: '10.0.1.17', availabilityZone: 'us-east-1b', tags: { Name: 'web-1' }, instanceMetadataTags: 'enabled' },
    { id: REQUIRED, account: ACCT, role: 'web-server', httpTokens: 'required', imdsPort: 0, region: 'eu-west-1' },
    { id: UNTRUSTED, account: ACCT, role: 'lambda-only', imdsPort: 0 },
  ],
  tasks: [
    { account: ACCT, cluster: 'prod', taskId: TASK_ID, taskRole: 'orders-task', credentialsId: 'orders-creds' },
    { account: ACCT, cluster: 'prod', taskId: 'ffffffffffffffffffffffffffffffff', taskRole: 'orders-task', credentialsId: 'guarded-creds', authorizationToken: 'Bearer s3cret' },
  ],
};

let iam: IamLocal;
const imdsOf: Record<string, string> = {};
let home: string;
beforeAll(async () => {
  iam = await startIamLocal({ seed: SEED, imdsPort: 0, ecsPort: 0 });
  const r = await admin<{ instances: { instanceId: string; imdsEndpoint: string }[] }>(iam.endpoint, 'GET', '/_iamlocal/instances');
  for (const i of r.json.instances) imdsOf[i.instanceId] = i.imdsEndpoint;
  home = mkdtempSync(join(tmpdir(), 'iamlocal-workloads-'));
});
afterAll(async () => {
  await iam?.stop();
});

/** Raw IMDS request, as curl would send it. */
async function imds(instance: string, path: string, init: { method?: string; headers?: Record<string, string> } = {}) {
  const res = await fetch(new URL(path, imdsOf[instance]), { method: init.method ?? 'GET', headers: init.headers });
  return { status: res.status, body: await res.text(), headers: res.headers };
}

async function token(instance: string, ttl = '21600'): Promise<string> {
  const r = await imds(instance, '/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': ttl } });
  expect(r.status).toBe(200);
  return r.body;
}

const sts = (credentials: NonNullable<ConstructorParameters<typeof STSClient>[0]>['credentials']) => new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const iamClient = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

function credsOf(doc: string) {
  const d = JSON.parse(doc) as Record<string, string>;
  return { accessKeyId: d.AccessKeyId!, secretAccessKey: d.SecretAccessKey!, sessionToken: d.Token! };
}

const cleanEnv = (extra: Record<string, string>) => ({
  PATH: process.env.PATH!,
  HOME: home,
  AWS_CONFIG_FILE: '/dev/null',
  AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_REGION: 'us-east-1',
  AWS_ENDPOINT_URL_STS: iam.endpoint,
  AWS_MAX_ATTEMPTS: '1',
  ...extra,
});

describe('IMDS with real clients', () => {
  it('SDK v3 fromInstanceMetadata (AWS_EC2_METADATA_SERVICE_ENDPOINT) → assumed-role/<role>/<instance-id>', async () => {
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imdsOf[REQUIRED];
    try {
      const who = await sts(fromInstanceMetadata({ timeout: 5000 })).send(new GetCallerIdentityCommand({}));
      expect(who.Arn).toBe(`arn:aws:sts::${ACCT}:assumed-role/web-server/${REQUIRED}`);
      expect(who.Account).toBe(ACCT);
    } finally {
      delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    }
  });

  it('the SDK v3 default chain (fromNodeProviderChain) in a clean process', async () => {
    const { stdout } = await run('node', [join(__dirname, 'default-chain.mjs')], { env: cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsOf[OPTIONAL]! }), encoding: 'utf8' });
    expect(JSON.parse(stdout)).toMatchObject({ arn: `arn:aws:sts::${ACCT}:assumed-role/web-server/${OPTIONAL}` });
  });

  it('boto3 / botocore InstanceMetadataProvider, on a dedicated port and on the shared port with an instance prefix', async () => {
    for (const endpoint of [imdsOf[REQUIRED]!, `${iam.imdsEndpoint}/${REQUIRED}/`]) {
      const { stdout } = await run('python3', [join(__dirname, 'workload_creds.py')], { env: cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: endpoint }), encoding: 'utf8' });
      expect(JSON.parse(stdout)).toMatchObject({ method: 'iam-role', arn: `arn:aws:sts::${ACCT}:assumed-role/web-server/${REQUIRED}` });
    }
  });

  it('AWS CLI v1 with AWS_EC2_METADATA_SERVICE_ENDPOINT', async () => {
    const { stdout } = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env: cleanEnv({ AWS_EC2_METADATA_SERVICE_ENDPOINT: imdsOf[OPTIONAL]! }), encoding: 'utf8' });
    expect(JSON.parse(stdout).Arn).toBe(`arn:aws:sts::${ACCT}:assumed-role/web-server/${OPTIONAL}`);
  });
});

describe('IMDS token rules', () => {
  it('IMDSv1 against an HttpTokens=required instance → 401; with a token → 200', async () => {
    const v1 = await imds(REQUIRED, '/latest/meta-data/instance-id');
    expect(v1.status).toBe(401);
    expect(v1.body).toContain('<title>401 - Unauthorized</title>');
    const t = await token(REQUIRED);
    const v2 = await imds(REQUIRED, '/latest/meta-data/instance-id', { headers: { 'x-aws-ec2-metadata-token': t } });
    expect(v2).toMatchObject({ status: 200, body: REQUIRED });
  });

  it.each([
    ['missing', undefined],
    ['zero', '0'],
    ['above 21600', '21601'],
    ['not a number', 'abc'],
    ['negative', '-5'],
  ])('token TTL %s → 400', async (_what, ttl) => {
    const r = await imds(REQUIRED, '/latest/api/token', { method: 'PUT', headers: ttl === undefined ? {} : { 'x-aws-ec2-metadata-token-ttl-seconds': ttl } });
    expect(r.status).toBe(400);
    expect(r.body).toContain('400 - Bad Request');
  });

  it('token PUT through a proxy (X-Forwarded-For) → 403; GET /latest/api/token → 405', async () => {
    const r = await imds(REQUIRED, '/latest/api/token', { method: 'PUT', headers: { 'x-aws-ec2-metadata-token-ttl-seconds': '60', 'x-forwarded-for': '203.0.113.9' } });
    expect(r.status).toBe(403);
    expect((await imds(REQUIRED, '/latest/api/token')).status).toBe(405);
  });

  it('an expired, foreign or garbage token → 401 (even where IMDSv1 is allowed)', async () => {
    const short = await token(OPTIONAL, '5');
    const foreign = await token(REQUIRED);
    expect((await imds(OPTIONAL, '/latest/meta-data/', { headers: { 'x-aws-ec2-metadata-token': short } })).status).toBe(200);
    expect((await imds(OPTIONAL, '/latest/meta-data/', { headers: { 'x-aws-ec2-metadata-token': foreign } })).status).toBe(401);
    expect((await imds(OPTIONAL, '/latest/meta-data/', { headers: { 'x-aws-ec2-metadata-token': 'AQAEAJunk==' } })).status).toBe(401);
    await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { advanceSeconds: 6 });
    try {
      expect((await imds(OPTIONAL, '/latest/meta-data/', { headers: { 'x-aws-ec2-metadata-token': short } })).status).toBe(401);
    } finally {
      await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { advanceSeconds: -6 });
    }
  });
});

describe('IMDS categories', () => {
  it('serves the paths SDKs and tools read', async () => {
    const h = { 'x-aws-ec2-metadata-token': await token(OPTIONAL) };
    const get = async (p: string) => (await imds(OPTIONAL, p, { headers: h })).body;
    expect(await get('/latest/meta-data/iam/security-credentials/')).toBe('web-server');
    expect(await get('/latest/meta-data/placement/region')).toBe('us-east-1');
    expect(await get('/latest/meta-data/placement/availability-zone/')).toBe('us-east-1b');
    expect(await get('/latest/meta-data/local-ipv4')).toBe('10.0.1.17');
    expect(await get('/latest/meta-data/tags/instance/Name')).toBe('web-1');
    expect((await get('/latest/meta-data/')).split('\n')).toEqual(expect.arrayContaining(['instance-id', 'iam/', 'placement/']));
    const info = JSON.parse(await get('/latest/meta-data/iam/info'));
    expect(info).toMatchObject({ Code: 'Success', InstanceProfileArn: `arn:aws:iam::${ACCT}:instance-profile/web-server` });
    expect(info.InstanceProfileId).toMatch(/^AIPA/);
    const doc = JSON.parse(await get('/latest/dynamic/instance-identity/document'));
    expect(doc).toMatchObject({ accountId: ACCT, instanceId: OPTIONAL, region: 'us-east-1', availabilityZone: 'us-east-1b', privateIp: '10.0.1.17' });
    const creds = JSON.parse(await get('/latest/meta-data/iam/security-credentials/web-server'));
    expect(Object.keys(creds)).toEqual(['Code', 'LastUpdated', 'Type', 'AccessKeyId', 'SecretAccessKey', 'Token', 'Expiration']);
    expect(creds).toMatchObject({ Code: 'Success', Type: 'AWS-HMAC' });
    expect(creds.AccessKeyId).toMatch(/^ASIA/);
    expect((await imds(OPTIONAL, '/latest/meta-data/iam/security-credentials/other-role', { headers: h })).status).toBe(404);
  });

  it('the same credentials until they near expiry, then new ones', async () => {
    const h = { 'x-aws-ec2-metadata-token': await token(REQUIRED) };
    const read = async () => JSON.parse((await imds(REQUIRED, '/latest/meta-data/iam/security-credentials/web-server', { headers: h })).body);
    const a = await read();
    expect((await read()).AccessKeyId).toBe(a.AccessKeyId);
    const left = (Date.parse(a.Expiration) - Date.parse(a.LastUpdated)) / 1000;
    expect(left).toBe(6 * 3600);
    // 5h45m later fewer than 20 minutes remain: a fresh session is handed out.
    await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { advanceSeconds: left - 15 * 60 });
    try {
      const h2 = { 'x-aws-ec2-metadata-token': await token(REQUIRED) };
      const b = JSON.parse((await imds(REQUIRED, '/latest/meta-data/iam/security-credentials/web-server', { headers: h2 })).body);
      expect(b.AccessKeyId).not.toBe(a.AccessKeyId);
      expect(Date.parse(b.Expiration)).toBeGreaterThan(Date.parse(a.Expiration));
    } finally {
      await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { reset: true });
    }
  });

  it('a role that does not trust ec2.amazonaws.com: IMDS reports AssumeRoleUnauthorizedAccess and the SDK gets no credentials', async () => {
    const h = { 'x-aws-ec2-metadata-token': await token(UNTRUSTED) };
    expect((await imds(UNTRUSTED, '/latest/meta-data/iam/security-credentials/', { headers: h })).body).toBe('lambda-only');
    const doc = JSON.parse((await imds(UNTRUSTED, '/latest/meta-data/iam/security-credentials/lambda-only', { headers: h })).body);
    expect(doc).toMatchObject({ Code: 'AssumeRoleUnauthorizedAccess' });
    expect(doc.Message).toContain('EC2 cannot assume the role lambda-only');
    expect(doc.AccessKeyId).toBeUndefined();
    expect(JSON.parse((await imds(UNTRUSTED, '/latest/meta-data/iam/info', { headers: h })).body).Code).toBe('AssumeRoleUnauthorizedAccess');
    process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT = imdsOf[UNTRUSTED];
    try {
      await expect(fromInstanceMetadata({ timeout: 5000 })()).rejects.toThrow(/Invalid response/);
    } finally {
      delete process.env.AWS_EC2_METADATA_SERVICE_ENDPOINT;
    }
  });
});

describe('ec2:RoleDelivery and the instance keys on later calls', () => {
  it('an SCP denying ec2:RoleDelivery < 2.0 refuses IMDSv1-delivered credentials and allows IMDSv2 ones', async () => {
    const v1 = credsOf((await imds(OPTIONAL, '/latest/meta-data/iam/security-credentials/web-server')).body);
    const h = { 'x-aws-ec2-metadata-token': await token(OPTIONAL) };
    const v2 = credsOf((await imds(OPTIONAL, '/latest/meta-data/iam/security-credentials/web-server', { headers: h })).body);
    expect(v1.accessKeyId).not.toBe(v2.accessKeyId);

    const ok = await iamClient(v2).send(new GetRoleCommand({ RoleName: 'web-server' }));
    expect(ok.Role?.RoleName).toBe('web-server');
    const denied = await iamClient(v1).send(new GetRoleCommand({ RoleName: 'web-server' })).catch((e: Error) => e);
    expect(denied).toMatchObject({ name: 'AccessDenied' });
    expect((denied as Error).message).toContain(`assumed-role/web-server/${OPTIONAL} is not authorized to perform: iam:GetRole`);
    expect((denied as Error).message).toContain('explicit deny in a service control policy');
  });

  it('the identity policy on aws:EC2InstanceSourceVPC / PrivateIPv4 / ec2:SourceInstanceARN: allowed from the modelled VPC only', async () => {
    const h = { 'x-aws-ec2-metadata-token': await token(REQUIRED) };
    const elsewhere = credsOf((await imds(REQUIRED, '/latest/meta-data/iam/security-credentials/web-server', { headers: h })).body);
    const e = await iamClient(elsewhere).send(new GetRoleCommand({ RoleName: 'web-server' })).catch((x: Error) => x);
    expect(e).toMatchObject({ name: 'AccessDenied' });
    expect((e as Error).message).toContain('no identity-based policy allows');
  });
});

describe('ECS task credentials with real clients', () => {
  it('SDK v3 fromContainerMetadata (AWS_CONTAINER_CREDENTIALS_FULL_URI) → assumed-role/<role>/<task-id>', async () => {
    process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI = `${iam.ecsEndpoint}/v2/credentials/orders-creds`;
    try {
      const who = await sts(fromContainerMetadata({ timeout: 5000 })).send(new GetCallerIdentityCommand({}));
      expect(who.Arn).toBe(`arn:aws:sts::${ACCT}:assumed-role/orders-task/${TASK_ID}`);
    } finally {
      delete process.env.AWS_CONTAINER_CREDENTIALS_FULL_URI;
    }
  });

  it('the SDK v3 default chain in a clean process picks the container provider', async () => {
    const { stdout } = await run('node', [join(__dirname, 'default-chain.mjs')], { env: cleanEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${iam.ecsEndpoint}/v2/credentials/orders-creds` }), encoding: 'utf8' });
    expect(JSON.parse(stdout)).toMatchObject({ arn: `arn:aws:sts::${ACCT}:assumed-role/orders-task/${TASK_ID}` });
  });

  it('botocore container provider, with the authorization token the full-URI form sends', async () => {
    const { stdout } = await run('python3', [join(__dirname, 'workload_creds.py')], {
      env: cleanEnv({ AWS_CONTAINER_CREDENTIALS_FULL_URI: `${iam.ecsEndpoint}/v2/credentials/guarded-creds`, AWS_CONTAINER_AUTHORIZATION_TOKEN: 'Bearer s3cret' }),
      encoding: 'utf8',
    });
    expect(JSON.parse(stdout)).toMatchObject({ method: 'container-role', arn: `arn:aws:sts::${ACCT}:assumed-role/orders-task/ffffffffffffffffffffffffffffffff` });
  });

  it('answers what the ECS agent answers: the document, and its errors', async () => {
    const get = async (path: string, headers: Record<string, string> = {}) => {
      const r = await fetch(`${iam.ecsEndpoint}${path}`, { headers });
      return { status: r.status, json: (await r.json()) as Record<string, unknown> };
    };
    const ok = await get('/v2/credentials/orders-creds');
    expect(ok.status).toBe(200);
    expect(Object.keys(ok.json).sort()).toEqual(['AccessKeyId', 'Expiration', 'RoleArn', 'SecretAccessKey', 'Token']);
    expect(ok.json.RoleArn).toBe(`arn:aws:iam::${ACCT}:role/orders-task`);
    expect(await get('/v2/credentials/nope')).toEqual({ status: 400, json: { code: 'InvalidIdInRequest', message: 'CredentialsV2Request: Credentials not found', HTTPErrorCode: 400 } });
    expect(await get('/v2/credentials/')).toEqual({ status: 400, json: { code: 'NoIdInRequest', message: 'CredentialsV2Request: No ID in the request', HTTPErrorCode: 400 } });
    expect((await get('/v2/credentials/guarded-creds')).status).toBe(401);
    expect((await get('/v2/credentials/guarded-creds', { authorization: 'Bearer wrong' })).status).toBe(401);
  });

  it('the task role trust is evaluated with aws:SourceAccount / aws:SourceArn: a task of another account is refused', async () => {
    const r = await admin(iam.endpoint, 'POST', '/_iamlocal/tasks', { account: '222222222222', cluster: 'x', taskRoleArn: `arn:aws:iam::${ACCT}:role/orders-task`, credentialsId: 'cross-account' });
    expect(r.status).toBe(201);
    const res = await fetch(`${iam.ecsEndpoint}/v2/credentials/cross-account`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 'NoCredentialsAssociated' });
    expect((await admin(iam.endpoint, 'DELETE', '/_iamlocal/tasks/cross-account')).status).toBe(200);
  });
});

describe('admin endpoints and reset', () => {
  it('create → credentials on its own port → delete; reset restores the seeded instances', async () => {
    const created = await admin<{ instanceId: string; imdsEndpoint: string }>(iam.endpoint, 'POST', '/_iamlocal/instances', { account: ACCT, role: 'web-server', httpTokens: 'optional', imdsPort: 0 });
    expect(created.status).toBe(201);
    const id = created.json.instanceId;
    expect(id).toMatch(/^i-[0-9a-f]{17}$/);
    const r = await fetch(new URL('/latest/meta-data/instance-id', created.json.imdsEndpoint));
    expect(await r.text()).toBe(id);
    expect((await admin(iam.endpoint, 'DELETE', `/_iamlocal/instances/${id}`)).status).toBe(200);
    expect((await admin(iam.endpoint, 'GET', `/_iamlocal/instances/${id}`)).status).toBe(404);

    // A port already taken (the AWS endpoint's own): refused, nothing kept.
    const taken = Number(new URL(iam.endpoint).port);
    const clash = await admin(iam.endpoint, 'POST', '/_iamlocal/instances', { id: 'i-0dddddddddddddddd', account: ACCT, role: 'web-server', imdsPort: taken });
    expect(clash.status).toBe(400);
    expect(clash.json.error.message).toContain('EADDRINUSE');
    expect((await admin(iam.endpoint, 'GET', '/_iamlocal/instances/i-0dddddddddddddddd')).status).toBe(404);

    const bad = await admin(iam.endpoint, 'POST', '/_iamlocal/instances', { role: 'no-such-role' });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain('no-such-role');

    await admin(iam.endpoint, 'POST', '/_iamlocal/reset');
    const after = await admin<{ instances: { instanceId: string; imdsEndpoint: string }[] }>(iam.endpoint, 'GET', '/_iamlocal/instances');
    expect(after.json.instances.map((i) => i.instanceId)).toEqual([OPTIONAL, REQUIRED, UNTRUSTED]);
    for (const i of after.json.instances) imdsOf[i.instanceId] = i.imdsEndpoint;
    expect((await imds(OPTIONAL, '/latest/meta-data/iam/security-credentials/')).body).toBe('web-server');
  });
});
