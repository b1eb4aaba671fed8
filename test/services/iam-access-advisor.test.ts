// IAM Access Advisor through the pipeline: what iamlocal authorized becomes last-accessed data;
// GenerateServiceLastAccessedDetails snapshots it for a user, role, group or policy; the report lists
// the services the permissions policies allow; ListPoliciesGrantingServiceAccess names the policies;
// GenerateOrganizationsAccessReport covers the accounts under an entity path.
// Table: test/fixtures/iam/services-allowed.json (which services an Allow statement grants).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadServiceCatalogue, servicesAllowedBy } from '../../src/services/iam/service-catalogue';
import { pipeline, type Pipeline } from '../helpers/pipeline';

const ACCOUNT = '000000000000';
const ADMIN = { accessKeyId: 'AKIAQAAAAAAAADVISOR1', secretAccessKey: 'advisor-admin-secret-000000000000000000' };
const DEV = { accessKeyId: 'AKIAQAAAAAAAADVISOR2', secretAccessKey: 'advisor-dev-secret-00000000000000000000' };
const S3_READ = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 's3:ListBucket', 'iam:ListUsers'], Resource: '*' }] });
const SEED = {
  users: [
    { name: 'admin', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    { name: 'dev', accessKeys: [DEV], inlinePolicies: { s3read: JSON.parse(S3_READ) } },
  ],
};
const iam = (p: Pipeline, params: Record<string, string>, creds = ADMIN) => p.signed({ Version: '2010-05-08', ...params }, creds, 'iam');
const cases = JSON.parse(readFileSync(new URL('../fixtures/iam/services-allowed.json', import.meta.url), 'utf8')) as { name: string; statement: object; includes: string[]; excludes: string[] }[];

describe('which services a permissions policy allows', async () => {
  const catalogue = await loadServiceCatalogue();
  it.each(cases)('$name', ({ statement, includes, excludes }) => {
    const got = servicesAllowedBy(JSON.stringify({ Version: '2012-10-17', Statement: [statement] }), catalogue);
    for (const ns of includes) expect(got.has(ns), ns).toBe(true);
    for (const ns of excludes) expect(got.has(ns), ns).toBe(false);
  });
});

describe('service last accessed details', () => {
  it('a user report lists the services its policies allow, with what it used and when', async () => {
    const p = await pipeline(SEED);
    expect((await iam(p, { Action: 'ListUsers' }, DEV)).status).toBe(200);
    const used = p.clock.now().toISOString().replace(/\.\d+Z$/, 'Z');
    p.clock.advance(3_600_000);
    const gen = await iam(p, { Action: 'GenerateServiceLastAccessedDetails', Arn: `arn:aws:iam::${ACCOUNT}:user/dev`, Granularity: 'ACTION_LEVEL' });
    expect(gen.status).toBe(200);
    const jobId = gen.tag('JobId')!;
    expect(jobId).toHaveLength(36);
    const got = await iam(p, { Action: 'GetServiceLastAccessedDetails', JobId: jobId });
    expect([got.status, got.tag('JobStatus'), got.tag('JobType')]).toEqual([200, 'COMPLETED', 'ACTION_LEVEL']);
    const services = [...got.body.matchAll(/<ServiceNamespace>([^<]+)<\/ServiceNamespace>/g)].map((m) => m[1]);
    expect(services).toEqual(['iam', 's3']);
    const iamEntry = got.body.slice(got.body.indexOf('<ServiceName>AWS Identity'), got.body.indexOf('<ServiceName>Amazon S3'));
    expect(iamEntry).toContain(`<LastAuthenticated>${used}</LastAuthenticated>`);
    expect(iamEntry).toContain(`<LastAuthenticatedEntity>arn:aws:iam::${ACCOUNT}:user/dev</LastAuthenticatedEntity>`);
    expect(iamEntry).toContain('<ActionName>ListUsers</ActionName>');
    expect(iamEntry).toContain('<TotalAuthenticatedEntities>1</TotalAuthenticatedEntities>');
    const s3 = got.body.slice(got.body.indexOf('<ServiceName>Amazon S3'));
    expect(s3).toContain('<TotalAuthenticatedEntities>0</TotalAuthenticatedEntities>');
    expect(s3).not.toContain('<LastAuthenticated>');

    const ent = await iam(p, { Action: 'GetServiceLastAccessedDetailsWithEntities', JobId: jobId, ServiceNamespace: 'iam' });
    expect([ent.status, ent.tag('Name'), ent.tag('Type'), ent.tag('LastAuthenticated')]).toEqual([200, 'dev', 'USER', used]);
  });

  it('a managed policy report covers the users of groups it is attached to; paging by MaxItems', async () => {
    const p = await pipeline(SEED);
    await iam(p, { Action: 'CreateGroup', GroupName: 'readers' });
    await iam(p, { Action: 'AddUserToGroup', GroupName: 'readers', UserName: 'dev' });
    await iam(p, { Action: 'AttachGroupPolicy', GroupName: 'readers', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    const gen = await iam(p, { Action: 'GenerateServiceLastAccessedDetails', Arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    const page = await iam(p, { Action: 'GetServiceLastAccessedDetails', JobId: gen.tag('JobId')!, MaxItems: '2' });
    expect([page.status, page.tag('IsTruncated')]).toEqual([200, 'true']);
    const next = await iam(p, { Action: 'GetServiceLastAccessedDetails', JobId: gen.tag('JobId')!, MaxItems: '2', Marker: page.tag('Marker')! });
    expect(next.status).toBe(200);
    const ent = await iam(p, { Action: 'GetServiceLastAccessedDetailsWithEntities', JobId: gen.tag('JobId')!, ServiceNamespace: 's3' });
    expect([ent.status, ent.tag('Arn')]).toEqual([200, `arn:aws:iam::${ACCOUNT}:user/dev`]);
  });

  it.each([
    ['an unknown user', { Arn: `arn:aws:iam::${ACCOUNT}:user/ghost` }, 404, 'NoSuchEntity', 'The user with name ghost cannot be found.'],
    ['an unknown role', { Arn: `arn:aws:iam::${ACCOUNT}:role/ghost` }, 404, 'NoSuchEntity', 'The role with name ghost cannot be found.'],
    ['not an IAM entity', { Arn: 'arn:aws:s3:::some-bucket-name' }, 400, 'InvalidInput', 'ARN arn:aws:s3:::some-bucket-name is not valid.'],
    ['a bad granularity', { Arn: `arn:aws:iam::${ACCOUNT}:user/dev`, Granularity: 'X' }, 400, 'ValidationError', "1 validation error detected: Value at 'granularity' failed to satisfy constraint: Member must satisfy enum value set: [SERVICE_LEVEL, ACTION_LEVEL]"],
  ])('%s → %s', async (_n, params, status, code, message) => {
    const p = await pipeline(SEED);
    const r = await iam(p, { Action: 'GenerateServiceLastAccessedDetails', ...params });
    expect([r.status, r.error.code, r.error.message]).toEqual([status, code, message]);
  });

  it('a job is its creator\'s: another user does not find it', async () => {
    const p = await pipeline(SEED);
    await iam(p, { Action: 'PutUserPolicy', UserName: 'dev', PolicyName: 'advisor', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetServiceLastAccessedDetails', Resource: '*' }] }) });
    const gen = await iam(p, { Action: 'GenerateServiceLastAccessedDetails', Arn: `arn:aws:iam::${ACCOUNT}:user/dev` });
    const r = await iam(p, { Action: 'GetServiceLastAccessedDetails', JobId: gen.tag('JobId')! }, DEV);
    expect([r.status, r.error.code]).toEqual([404, 'NoSuchEntity']);
  });

  it('Generate is authorized on the entity ARN', async () => {
    const p = await pipeline(SEED);
    const r = await iam(p, { Action: 'GenerateServiceLastAccessedDetails', Arn: `arn:aws:iam::${ACCOUNT}:user/admin` }, DEV);
    expect([r.status, r.error.code]).toEqual([403, 'AccessDenied']);
    expect(r.error.message).toContain('iam:GenerateServiceLastAccessedDetails');
  });
});

describe('ListPoliciesGrantingServiceAccess', () => {
  it('names inline policies with their entity and managed ones with their ARN, per namespace', async () => {
    const p = await pipeline(SEED);
    await iam(p, { Action: 'CreateGroup', GroupName: 'readers' });
    await iam(p, { Action: 'AddUserToGroup', GroupName: 'readers', UserName: 'dev' });
    await iam(p, { Action: 'AttachGroupPolicy', GroupName: 'readers', PolicyArn: 'arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess' });
    const r = await iam(p, { Action: 'ListPoliciesGrantingServiceAccess', Arn: `arn:aws:iam::${ACCOUNT}:user/dev`, 'ServiceNamespaces.member.1': 's3', 'ServiceNamespaces.member.2': 'ec2' });
    expect(r.status).toBe(200);
    const [s3, ec2] = r.body.split('<ServiceNamespace>').slice(1);
    expect(s3).toContain('<PolicyName>s3read</PolicyName><PolicyType>INLINE</PolicyType>');
    expect(s3).toContain('<EntityType>USER</EntityType><EntityName>dev</EntityName>');
    expect(s3).toContain('<PolicyArn>arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess</PolicyArn>');
    expect(ec2).toContain('<Policies/>');
    expect(r.tag('IsTruncated')).toBe('false');
  });
});

describe('organizations access report', () => {
  const MGMT = { accessKeyId: 'AKIAQAAAAAAAORGREP01', secretAccessKey: 'orgrep-mgmt-secret-0000000000000000000' };
  const MEMBER = { accessKeyId: 'AKIAQAAAAAAAORGREP02', secretAccessKey: 'orgrep-member-secret-00000000000000000' };
  const ORG_SEED = {
    accounts: [{ id: '111111111111', rootAccessKeys: [MGMT] }, { id: '222222222222' }],
    organization: { managementAccount: '111111111111', accounts: ['222222222222'] },
    users: [{ name: 'worker', account: '222222222222', accessKeys: [MEMBER], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }],
  };

  it('lists the services the SCPs allow, with the member account that last used each', async () => {
    const p = await pipeline(ORG_SEED);
    expect((await p.signed({ Action: 'ListUsers', Version: '2010-05-08' }, MEMBER, 'iam')).status).toBe(200);
    const org = p.store.organizations.membership('222222222222')!;
    const path = `${org.org.id}/${org.org.rootId}`;
    const gen = await p.signed({ Action: 'GenerateOrganizationsAccessReport', Version: '2010-05-08', EntityPath: path }, MGMT, 'iam');
    expect(gen.status).toBe(200);
    const got = await p.signed({ Action: 'GetOrganizationsAccessReport', Version: '2010-05-08', JobId: gen.tag('JobId')!, SortKey: 'LAST_AUTHENTICATED_TIME_DESCENDING', MaxItems: '1' }, MGMT, 'iam');
    expect([got.status, got.tag('JobStatus'), got.tag('ServiceNamespace'), got.tag('EntityPath'), got.tag('TotalAuthenticatedEntities')]).toEqual([200, 'COMPLETED', 'iam', `${path}/222222222222`, '1']);
    expect(Number(got.tag('NumberOfServicesAccessible'))).toBeGreaterThan(100);
    const member = await p.signed({ Action: 'GenerateOrganizationsAccessReport', Version: '2010-05-08', EntityPath: path }, MEMBER, 'iam');
    expect([member.status, member.error.code]).toEqual([403, 'AccessDenied']);
  });
});

describe('last-accessed records', () => {
  it('keep minute granularity: a repeat within a minute in the same region writes nothing; later or elsewhere it does', async () => {
    const { Store } = await import('../../src/store/store');
    const store = new Store();
    const rec = (at: string, region = 'us-east-1') =>
      store.accessAdvisor.record({ entityId: 'AIDAEXAMPLE000000001', accountId: ACCOUNT, entityType: 'user', entityArn: `arn:aws:iam::${ACCOUNT}:user/dev`, service: 'iam', action: 'iam:ListRoles', region, lastAt: at });
    const last = () => store.accessAdvisor.forEntities(['AIDAEXAMPLE000000001'])[0];
    rec('2026-01-01T00:00:00.000Z');
    rec('2026-01-01T00:00:30.000Z');
    expect(last().lastAt).toBe('2026-01-01T00:00:00.000Z');
    rec('2026-01-01T00:00:40.000Z', 'eu-west-1');
    expect([last().lastAt, last().region]).toEqual(['2026-01-01T00:00:40.000Z', 'eu-west-1']);
    rec('2026-01-01T00:01:41.000Z', 'eu-west-1');
    expect(last().lastAt).toBe('2026-01-01T00:01:41.000Z');
    store.close();
  });
});
