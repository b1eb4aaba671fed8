// The request context the pipeline builds for each kind of principal (iam-evaluation.md §11–12), and the
// policy layers gathered for the evaluator (identity, boundary, session, SCP levels, RCPs).
import { describe, expect, it } from 'vitest';
import { buildEvalRequest, decide } from '../../src/authz/authorize';
import { buildRequestContext } from '../../src/authz/request-context';
import { assumeRole } from '../../src/services/sts/assume-role';
import { harness } from '../helpers/services';

const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] };
const allowS3 = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] };
const seed = {
  accounts: [{ id: '999999999999' }],
  policies: [{ name: 'Boundary', document: allowS3 }],
  groups: [{ name: 'readers', inlinePolicies: { read: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } } }],
  users: [{ name: 'alice', path: '/eng/', groups: ['readers'], tags: { team: 'blue' }, permissionsBoundary: 'Boundary', inlinePolicies: { own: allowS3 } }],
  roles: [{ name: 'app', path: '/svc/', trustPolicy: trust, tags: { team: 'red', env: 'dev' }, inlinePolicies: { own: allowS3 } }],
  organization: {
    managementAccount: '999999999999',
    units: [{ name: 'Workloads', accounts: ['000000000000'] }],
    scps: [{ name: 'DenyLeave', targets: ['Root'], content: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }] } }],
  },
};
const facts = { now: new Date('2026-11-29T12:00:00.250Z'), region: 'eu-west-1', sourceIp: '10.1.2.3', secureTransport: false, userAgent: 'test-agent' };

describe('request context', () => {
  it('IAM user: username, user tags, org keys, no token keys', async () => {
    const h = await harness(seed);
    const alice = h.user('alice');
    const ctx = buildRequestContext(h.store, alice, facts);
    const org = h.store.organizations.membership('000000000000')!;
    expect(ctx).toEqual({
      'aws:CurrentTime': '2026-11-29T12:00:00Z',
      'aws:EpochTime': '1795953600',
      'aws:SecureTransport': 'false',
      'aws:SourceIp': '10.1.2.3',
      'aws:RequestedRegion': 'eu-west-1',
      'aws:ViaAWSService': 'false',
      'aws:UserAgent': 'test-agent',
      'aws:PrincipalAccount': '000000000000',
      'aws:PrincipalIsAWSService': 'false',
      'aws:userid': alice.userId,
      'aws:PrincipalArn': 'arn:aws:iam::000000000000:user/eng/alice',
      'aws:PrincipalType': 'User',
      'aws:username': 'alice',
      'aws:PrincipalTag/team': 'blue',
      'aws:PrincipalOrgID': org.org.id,
      'aws:PrincipalOrgPaths': [`${org.org.id}/${org.path[0].id}/${org.path[1].id}/`],
    });
  });

  it('role session: role ARN (with path) as PrincipalArn, session tags override role tags, token keys present, no username', async () => {
    const h = await harness(seed);
    const out = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/svc/app', RoleSessionName: 'worker', Tags: [{ Key: 'TEAM', Value: 'green' }], SourceIdentity: 'alice' }, h.user('alice'));
    const session = h.session(h.store.sessions.get(out.Credentials.AccessKeyId)!);
    const ctx = buildRequestContext(h.store, session, facts);
    expect(ctx['aws:PrincipalArn']).toBe('arn:aws:iam::000000000000:role/svc/app');
    expect(ctx['aws:PrincipalType']).toBe('AssumedRole');
    expect(ctx['aws:userid']).toBe(`${session.roleId}:worker`);
    expect(ctx['aws:username']).toBeUndefined();
    expect(ctx['aws:PrincipalTag/TEAM']).toBe('green');
    expect(ctx['aws:PrincipalTag/team']).toBeUndefined();
    expect(ctx['aws:PrincipalTag/env']).toBe('dev');
    expect(ctx['aws:TokenIssueTime']).toBe('2026-11-29T12:00:00Z');
    expect(ctx['aws:MultiFactorAuthPresent']).toBe('false');
    expect(ctx['aws:SourceIdentity']).toBe('alice');
  });

  it('root: PrincipalType Account; anonymous: only anonymous keys', async () => {
    const h = await harness(seed);
    const root = buildRequestContext(h.store, h.root(), facts);
    expect(root).toMatchObject({ 'aws:PrincipalType': 'Account', 'aws:PrincipalArn': 'arn:aws:iam::000000000000:root', 'aws:userid': '000000000000' });
    const { ANONYMOUS } = await import('../../src/auth/principal');
    const anon = buildRequestContext(h.store, ANONYMOUS, facts);
    expect(anon).toMatchObject({ 'aws:PrincipalAccount': 'anonymous', 'aws:PrincipalType': 'Anonymous', 'aws:userid': 'anonymous' });
    expect(anon['aws:PrincipalArn']).toBeUndefined();
    expect(anon['aws:PrincipalOrgID']).toBeUndefined();
  });
});

describe('policy gathering', () => {
  it('user: own + group policies, boundary, SCP levels root → OU → account', async () => {
    const h = await harness(seed);
    const req = buildEvalRequest(h.store, { principal: h.user('alice'), action: 's3:GetObject', resource: '*', context: {} });
    expect(req.policies.identity.map((p) => p.id)).toEqual(['user/alice/inline/own', 'group/readers/inline/read']);
    expect(req.policies.boundary?.id).toBe('arn:aws:iam::000000000000:policy/Boundary');
    expect(req.policies.scps?.map((level) => level.map((p) => p.name))).toEqual([['DenyLeave', 'FullAWSAccess'], ['FullAWSAccess'], ['FullAWSAccess']]);
    expect(req.policies.rcps).toBeNull();
    expect(req.policies.session).toBeNull();
  });

  it('the management account is not governed by SCPs', async () => {
    const h = await harness({ ...seed, users: [...seed.users, { name: 'admin', account: '999999999999', inlinePolicies: { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } } }] });
    const admin = h.user('admin', '999999999999');
    expect(buildEvalRequest(h.store, { principal: admin, action: 'organizations:LeaveOrganization', resource: '*', context: {} }).policies.scps).toBeNull();
    expect(decide(h.store, { principal: admin, action: 'organizations:LeaveOrganization', resource: '*', context: {} }).decision.decision).toBe('allowed');
  });

  it('an SCP deny reaches even the root user of a member account', async () => {
    const h = await harness(seed);
    const d = decide(h.store, { principal: h.root(), action: 'organizations:LeaveOrganization', resource: '*', context: {} }).decision;
    expect(d.decision).toBe('explicitDeny');
    expect(d.cause?.kind).toBe('scp');
    expect(decide(h.store, { principal: h.root(), action: 's3:ListBucket', resource: 'arn:aws:s3:::b', context: {} }).decision.decision).toBe('allowed');
  });

  it('role session: role policies and the session policy layer', async () => {
    const h = await harness(seed);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const out = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/svc/app', RoleSessionName: 'w1', Policy: policy }, h.user('alice'));
    const session = h.session(h.store.sessions.get(out.Credentials.AccessKeyId)!);
    const req = buildEvalRequest(h.store, { principal: session, action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', context: {} });
    expect(req.policies.identity.map((p) => p.id)).toEqual(['role/app/inline/own']);
    expect(req.policies.session?.map((p) => p.document)).toEqual([policy]);
    // The role allows s3:*, the session policy only s3:GetObject.
    expect(decide(h.store, { principal: session, action: 's3:PutObject', resource: 'arn:aws:s3:::b/k', context: {} }).decision.decision).toBe('implicitDeny');
    expect(decide(h.store, { principal: session, action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} }).decision.decision).toBe('allowed');
  });

  it('a deleted role leaves its sessions without permissions', async () => {
    const h = await harness(seed);
    const out = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/svc/app', RoleSessionName: 'w2' }, h.user('alice'));
    const role = h.store.roles.getByName('000000000000', 'app')!;
    h.store.inlinePolicies.deleteAll('role', role.id);
    h.store.roles.delete(role.id);
    const session = h.session(h.store.sessions.get(out.Credentials.AccessKeyId)!);
    expect(session.role).toBeNull();
    expect(decide(h.store, { principal: session, action: 's3:GetObject', resource: '*', context: {} }).decision.decision).toBe('implicitDeny');
  });
});
