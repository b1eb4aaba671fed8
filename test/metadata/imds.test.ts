// The IMDS handler without HTTP: token rules, IMDSv1 gating, categories (fixtures: test/fixtures/metadata/),
// the credentials it hands out and when they change, and the ECS agent's answers.
import { describe, expect, it } from 'vitest';
import { EcsCredentialsEndpoint } from '../../src/metadata/ecs';
import { Imds, type ImdsRequest } from '../../src/metadata/imds';
import { ImdsTokens, parseTokenTtl } from '../../src/metadata/imds-token';
import { WorkloadSessionCache } from '../../src/services/sts/service-role-session';
import { silentLogger, defaults } from '../../src/config';
import type { Ec2Instance } from '../../src/store/repos/ec2-instances';
import { applyInstance, applyTask } from '../../src/store/seed-workloads';
import fixtures from '../fixtures/metadata/imds-requests.json';
import { harness } from '../helpers/services';

const EC2_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const ECS_TRUST = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole' }] };

async function setup() {
  const h = await harness({ roles: [{ name: 'app', trustPolicy: EC2_TRUST }, { name: 'task', trustPolicy: ECS_TRUST }] });
  const deps = { store: h.store, clock: h.clock, ids: h.ids, config: defaults, logger: silentLogger };
  const cache = new WorkloadSessionCache(deps);
  const imds = new Imds(deps, cache);
  const base = {
    id: 'i-0123456789abcdef0', account: '000000000000', region: 'us-west-2', availabilityZone: 'us-west-2c', instanceType: 't3.micro', imageId: 'ami-0abcdef1234567890',
    vpcId: null, subnetId: null, privateIp: null, instanceProfile: null, role: 'app', httpTokens: 'required' as const, httpEndpoint: 'enabled' as const,
    hopLimit: 1, metadataTags: 'disabled' as const, imdsPort: null, tags: [{ Key: 'Name', Value: 'web-1' }],
  };
  const make = (over: Record<string, unknown>): Ec2Instance => {
    const { noProfile, ...rest } = over;
    return applyInstance(h.store, h.ids, h.clock.now(), { ...base, ...(noProfile ? { role: null } : {}), ...rest } as typeof base);
  };
  return { h, deps, cache, imds, make };
}

describe('IMDS requests', async () => {
  for (const c of fixtures.cases) {
    it(c.name, async () => {
      const { h, imds, make } = await setup();
      const instance = make(c.instance);
      const other = make({ id: 'i-0fedcba9876543210' });
      const r = c.request as { method: string; path: string; headers?: Record<string, string>; token?: string };
      const headers: Record<string, string> = { ...(r.headers ?? {}) };
      const now = h.clock.now();
      if (r.token === 'valid') headers['x-aws-ec2-metadata-token'] = imds.tokens.issue(instance, now, 60);
      if (r.token === 'expired') headers['x-aws-ec2-metadata-token'] = imds.tokens.issue(instance, new Date(now.getTime() - 61_000), 60);
      if (r.token === 'foreign') headers['x-aws-ec2-metadata-token'] = imds.tokens.issue(other, now, 60);
      if (r.token === 'garbage') headers['x-aws-ec2-metadata-token'] = 'AQAEAOe8Lq5vXwBfR6hM==';
      const res = imds.handle({ method: r.method, path: r.path, headers } as ImdsRequest, instance);
      expect(res.status).toBe(c.status);
      if ('body' in c) expect(res.body).toBe(c.body);
      if ('title' in c) expect(res.body).toContain(`<title>${c.title}</title>`);
      if ('header' in c) for (const [k, v] of Object.entries(c.header!)) expect(res.headers[k]).toBe(v);
    });
  }
});

describe('IMDS tokens', () => {
  it('parses the TTL header strictly', () => {
    expect([parseTokenTtl('1'), parseTokenTtl(' 21600 '), parseTokenTtl('21601'), parseTokenTtl('1e3'), parseTokenTtl(''), parseTokenTtl(undefined)]).toEqual([1, 21600, null, null, null, null]);
  });

  it('a token is bound to the instance and its launch: a re-created instance refuses it; a tampered one is refused', () => {
    const t = new ImdsTokens(Buffer.alloc(32, 7));
    const now = new Date('2026-11-29T12:00:00Z');
    const i = { instanceId: 'i-0123456789abcdef0', launchTime: '2026-11-29T11:00:00.000Z' };
    const tok = t.issue(i, now, 100);
    expect(t.remaining(tok, i, now)).toBe(100);
    expect(t.remaining(tok, { ...i, launchTime: '2026-11-29T11:30:00.000Z' }, now)).toBeNull();
    expect(t.remaining(tok, i, new Date(now.getTime() + 100_000))).toBeNull();
    const raw = Buffer.from(tok, 'base64');
    raw[raw.length - 1] ^= 1;
    expect(t.remaining(raw.toString('base64'), i, now)).toBeNull();
    expect(new ImdsTokens(Buffer.alloc(32, 8)).remaining(tok, i, now)).toBeNull();
  });
});

describe('instance credentials', () => {
  it('v1 and v2 deliveries are separate sessions carrying ec2:RoleDelivery and the instance keys', async () => {
    const { h, imds, make } = await setup();
    const i = make({ httpTokens: 'optional', vpcId: 'vpc-0123456789abcdef0', privateIp: '10.1.2.3' });
    const path = '/latest/meta-data/iam/security-credentials/app';
    const v1 = JSON.parse(imds.handle({ method: 'GET', path, headers: {} }, i).body);
    const v2 = JSON.parse(imds.handle({ method: 'GET', path, headers: { 'x-aws-ec2-metadata-token': imds.tokens.issue(i, h.clock.now(), 60) } }, i).body);
    expect(v1.AccessKeyId).not.toBe(v2.AccessKeyId);
    const s1 = h.store.sessions.get(v1.AccessKeyId)!;
    const s2 = h.store.sessions.get(v2.AccessKeyId)!;
    expect(s1.principalArn).toBe('arn:aws:sts::000000000000:assumed-role/app/i-0123456789abcdef0');
    expect(s1.federationClaims).toEqual({
      'ec2:RoleDelivery': '1.0',
      'ec2:SourceInstanceARN': 'arn:aws:ec2:us-west-2:000000000000:instance/i-0123456789abcdef0',
      'aws:EC2InstanceSourceVPC': 'vpc-0123456789abcdef0',
      'aws:EC2InstanceSourcePrivateIPv4': '10.1.2.3',
    });
    expect(s2.federationClaims?.['ec2:RoleDelivery']).toBe('2.0');
  });

  it('held credentials stay until they near expiry; the next ones go through the trust policy again', async () => {
    const { h, imds, make } = await setup();
    const i = make({ httpTokens: 'optional' });
    const path = '/latest/meta-data/iam/security-credentials/app';
    const a = JSON.parse(imds.handle({ method: 'GET', path, headers: {} }, i).body);
    expect(JSON.parse(imds.handle({ method: 'GET', path, headers: {} }, i).body).AccessKeyId).toBe(a.AccessKeyId);
    h.store.roles.update(h.store.roles.getByName('000000000000', 'app')!.id, { trustPolicy: JSON.stringify({ Version: '2012-10-17', Statement: [] }) });
    // Held credentials stay valid until they near expiry, as delivered ones do in AWS.
    expect(JSON.parse(imds.handle({ method: 'GET', path, headers: {} }, i).body).AccessKeyId).toBe(a.AccessKeyId);
    h.clock.advance(6 * 3600 * 1000 - 10 * 60 * 1000);
    expect(JSON.parse(imds.handle({ method: 'GET', path, headers: {} }, i).body)).toMatchObject({ Code: 'AssumeRoleUnauthorizedAccess' });
  });
});

describe('ECS credentials endpoint', () => {
  it('answers the document and the agent errors', async () => {
    const { h, deps, cache } = await setup();
    const ecs = new EcsCredentialsEndpoint(deps, cache);
    applyTask(h.store, h.ids, h.clock.now(), { account: '000000000000', region: 'us-east-1', cluster: 'c', taskId: 'abcdefabcdefabcdefabcdefabcdefab', taskRoleArn: 'arn:aws:iam::000000000000:role/task', credentialsId: 'id-1', authorizationToken: null });
    const get = (path: string, headers: Record<string, string> = {}) => ecs.handle({ method: 'GET', path, headers });
    const ok = get('/v2/credentials/id-1');
    expect(ok.status).toBe(200);
    const doc = JSON.parse(ok.body);
    expect(h.store.sessions.get(doc.AccessKeyId)?.principalArn).toBe('arn:aws:sts::000000000000:assumed-role/task/abcdefabcdefabcdefabcdefabcdefab');
    expect(get('/v2/credentials/%E0%A4%A').status).toBe(400);
    expect(get('/v2/credentials/x'.padEnd(400, 'x')).status).toBe(400);
    expect(ecs.handle({ method: 'POST', path: '/v2/credentials/id-1', headers: {} }).status).toBe(405);
    expect(get('/v1/credentials').status).toBe(404);
  });
});

describe('task role trust: the organization of the account ECS acts for', () => {
  it('a confused-deputy RCP on aws:SourceOrgID lets tasks of the organization in and keeps others out', async () => {
    const V = '2012-10-17';
    const h = await harness({
      accounts: [{ id: '222222222222' }],
      roles: [{ name: 'task', trustPolicy: ECS_TRUST }],
      organization: {
        id: 'o-abcdefghij',
        managementAccount: '999999999999',
        accounts: ['000000000000'],
        rcps: [
          {
            name: 'ServicesOnlyForOurOrg',
            targets: ['Root'],
            content: {
              Version: V,
              Statement: [
                {
                  Effect: 'Deny',
                  Principal: '*',
                  Action: 'sts:AssumeRole',
                  Resource: '*',
                  Condition: { StringNotEqualsIfExists: { 'aws:SourceOrgID': 'o-abcdefghij' }, Bool: { 'aws:PrincipalIsAWSService': 'true' } },
                },
              ],
            },
          },
        ],
      },
    });
    const deps = { store: h.store, clock: h.clock, ids: h.ids, config: defaults, logger: silentLogger };
    const ecs = new EcsCredentialsEndpoint(deps, new WorkloadSessionCache(deps));
    const role = 'arn:aws:iam::000000000000:role/task';
    for (const [account, id] of [['000000000000', 'ours'], ['222222222222', 'theirs']] as const) {
      applyTask(h.store, h.ids, h.clock.now(), { account, region: 'us-east-1', cluster: 'c', taskId: null, taskRoleArn: role, credentialsId: id, authorizationToken: null });
    }
    expect(ecs.handle({ method: 'GET', path: '/v2/credentials/ours', headers: {} }).status).toBe(200);
    const theirs = ecs.handle({ method: 'GET', path: '/v2/credentials/theirs', headers: {} });
    expect(theirs.status).toBe(400);
    expect(JSON.parse(theirs.body)).toMatchObject({ code: 'NoCredentialsAssociated' });
    expect(JSON.parse(theirs.body).message).toContain('explicitDeny');
  });
});
