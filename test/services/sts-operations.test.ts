// GetSessionToken, GetFederationToken, GetAccessKeyInfo and DecodeAuthorizationMessage handlers, called
// directly: constraint errors from test/fixtures/services/sts/validation.json, durations by caller type,
// the sessions they store, and the key-id decoding of GetAccessKeyInfo.
import { describe, expect, it } from 'vitest';
import { newAccessKeyId } from '../../src/aws/ids';
import { seededIds } from '../../src/runtime';
import { decodeAuthorizationMessageOp } from '../../src/services/sts/decode-authorization-message';
import { getAccessKeyInfo } from '../../src/services/sts/get-access-key-info';
import { getFederationToken } from '../../src/services/sts/get-federation-token';
import { getSessionToken } from '../../src/services/sts/get-session-token';
import type { Operation } from '../../src/services/types';
import fixtures from '../fixtures/services/sts/validation.json';
import { harness, T0, thrown } from '../helpers/services';

const OPS: Record<string, Operation<any, any>> = {
  GetSessionToken: getSessionToken,
  GetFederationToken: getFederationToken,
  GetAccessKeyInfo: getAccessKeyInfo,
  DecodeAuthorizationMessage: decodeAuthorizationMessageOp,
};
const seed = { users: [{ name: 'alice', accessKeys: [{ accessKeyId: 'AKIAOPSTESTALICE0001', secretAccessKey: 's'.repeat(40) }] }] };

describe('STS input validation (fixture table)', () => {
  for (const c of fixtures.cases) {
    it(`${c.op} ${JSON.stringify(c.params)}`, async () => {
      const h = await harness(seed);
      expect(thrown(() => h.run(OPS[c.op], c.params, h.user('alice')))).toEqual({ code: 'ValidationError', message: c.message, status: 400 });
    });
  }
});

describe('GetSessionToken', () => {
  it('IAM user: 12 h by default, up to 36 h; acts as the user', async () => {
    const h = await harness(seed);
    const out = h.run(getSessionToken, {}, h.user('alice'));
    expect(out.Credentials.Expiration.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    const s = h.store.sessions.get(out.Credentials.AccessKeyId)!;
    expect(s).toMatchObject({ kind: 'session-token', via: 'GetSessionToken', principalArn: 'arn:aws:iam::000000000000:user/alice', mfaAuthenticated: false, issuedAt: new Date(T0).toISOString() });
    expect(h.run(getSessionToken, { DurationSeconds: '129600' }, h.user('alice')).Credentials.Expiration.toISOString()).toBe('2026-12-01T00:00:00.000Z');
  });

  it('root: one hour by default and at most (a longer request "defaults to one hour")', async () => {
    const h = await harness(seed);
    expect(h.run(getSessionToken, {}, h.root()).Credentials.Expiration.toISOString()).toBe('2026-11-29T13:00:00.000Z');
    expect(h.run(getSessionToken, { DurationSeconds: '7200' }, h.root()).Credentials.Expiration.toISOString()).toBe('2026-11-29T13:00:00.000Z');
    expect(h.run(getSessionToken, { DurationSeconds: '900' }, h.root()).Credentials.Expiration.toISOString()).toBe('2026-11-29T12:15:00.000Z');
  });

  it('session credentials are refused', async () => {
    const h = await harness(seed);
    const out = h.run(getSessionToken, {}, h.user('alice'));
    const s = h.store.sessions.get(out.Credentials.AccessKeyId)!;
    const alice = { ...h.user('alice'), session: s };
    expect(thrown(() => h.run(getSessionToken, {}, alice))).toEqual({ code: 'AccessDenied', message: 'Cannot call GetSessionToken with session credentials', status: 403 });
    expect(thrown(() => h.run(getFederationToken, { Name: 'bob' }, alice))).toEqual({ code: 'AccessDenied', message: 'Cannot call GetFederationToken with session credentials', status: 403 });
  });
});

describe('GetFederationToken', () => {
  it('stores a federated-user session with the session policy and tags; PackedPolicySize 0 without them', async () => {
    const h = await harness(seed);
    const policy = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}';
    const out = h.run(getFederationToken, { Name: 'bob', Policy: policy, Tags: [{ Key: 'team', Value: 'blue' }] }, h.user('alice'));
    expect(out.FederatedUser).toEqual({ FederatedUserId: '000000000000:bob', Arn: 'arn:aws:sts::000000000000:federated-user/bob' });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.Credentials.Expiration.toISOString()).toBe('2026-11-30T00:00:00.000Z');
    expect(h.store.sessions.get(out.Credentials.AccessKeyId)).toMatchObject({
      kind: 'federated-user', sessionPolicy: policy, tags: [{ Key: 'team', Value: 'blue' }], userArn: 'arn:aws:iam::000000000000:user/alice',
    });
    expect(h.run(getFederationToken, { Name: 'carol' }, h.user('alice')).PackedPolicySize).toBe(0);
    expect(h.run(getFederationToken, { Name: 'root-fed', DurationSeconds: '43200' }, h.root()).Credentials.Expiration.toISOString()).toBe('2026-11-29T13:00:00.000Z');
    expect(thrown(() => h.run(getFederationToken, { Name: 'bad', Policy: '{"Version":' }, h.user('alice'))).code).toBe('MalformedPolicyDocument');
    expect(thrown(() => h.run(getFederationToken, { Name: 'dup', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] }, h.user('alice')))).toEqual({
      code: 'InvalidParameterValue', message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', status: 400,
    });
  });
});

describe('GetAccessKeyInfo', () => {
  it('issued keys by lookup, any other id by decoding (aws-protocol §5.5)', async () => {
    const h = await harness({ ...seed, accounts: [{ id: '111111111111' }] });
    expect(h.run(getAccessKeyInfo, { AccessKeyId: 'AKIAOPSTESTALICE0001' }, h.root())).toEqual({ Account: '000000000000' });
    for (const acct of ['123456789012', '000000000001', '999999999999']) {
      expect(h.run(getAccessKeyInfo, { AccessKeyId: newAccessKeyId(seededIds(9), 'ASIA', acct) }, h.root())).toEqual({ Account: acct });
    }
    // The worked example of the reference: AKIARZPUZDIKGB2VALC4 → 123456789012.
    expect(h.run(getAccessKeyInfo, { AccessKeyId: 'AKIARZPUZDIKGB2VALC4' }, h.root())).toEqual({ Account: '123456789012' });
  });
});

describe('AssumeRole source identity across a chain', () => {
  it('is kept by chained sessions and cannot be changed', async () => {
    const { assumeRole } = await import('../../src/services/sts/assume-role');
    const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: ['sts:AssumeRole', 'sts:SetSourceIdentity'] }] };
    const h = await harness({ ...seed, roles: [{ name: 'app', trustPolicy: trust }] });
    const first = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's1', SourceIdentity: 'alice' }, h.user('alice'));
    const caller = h.session(h.store.sessions.get(first.Credentials.AccessKeyId)!);
    const same = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's2', SourceIdentity: 'alice' }, caller);
    expect(same.SourceIdentity).toBe('alice');
    const kept = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's3' }, caller);
    expect(h.store.sessions.get(kept.Credentials.AccessKeyId)!.sourceIdentity).toBe('alice');
    expect(thrown(() => h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's4', SourceIdentity: 'mallory' }, caller))).toEqual({
      code: 'AccessDenied',
      message: 'User: arn:aws:sts::000000000000:assumed-role/app/s1 is not authorized to perform: sts:SetSourceIdentity on resource: arn:aws:iam::000000000000:role/app',
      status: 403,
    });
  });
});

describe('a federated user’s permissions', () => {
  it('are the federating user’s policies ∩ the session policy; no session policy, no permissions', async () => {
    const { decide } = await import('../../src/authz/authorize');
    const h = await harness({
      users: [{ name: 'fed', inlinePolicies: { s3: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } } }],
    });
    const issue = (params: Record<string, unknown>) => {
      const out = h.run(getFederationToken, params, h.user('fed'));
      const session = h.store.sessions.get(out.Credentials.AccessKeyId)!;
      const user = h.store.users.getByName('000000000000', 'fed')!;
      return { kind: 'federated-user' as const, accountId: '000000000000', arn: session.principalArn, userId: session.principalId, accessKeyId: session.accessKeyId, session, user };
    };
    const allowed = (p: ReturnType<typeof issue>, action: string) =>
      decide(h.store, { principal: p, action, resource: 'arn:aws:s3:::bucket/key', context: {} }).decision.decision;
    const withPolicy = issue({ Name: 'withpolicy', Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["s3:GetObject","ec2:*"],"Resource":"*"}]}' });
    expect(allowed(withPolicy, 's3:GetObject')).toBe('allowed');
    expect(allowed(withPolicy, 's3:PutObject')).toBe('implicitDeny');
    expect(allowed(withPolicy, 'ec2:RunInstances')).toBe('implicitDeny');
    expect(allowed(issue({ Name: 'nopolicy' }), 's3:GetObject')).toBe('implicitDeny');
  });
});
