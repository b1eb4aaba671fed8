// STS AssumeRole handler, called directly with a frozen clock and seeded ids: validation messages,
// duration and role-chaining limits, the issued session, session tags.
import { describe, expect, it } from 'vitest';
import { accountFromAccessKeyId } from '../../src/aws/ids';
import { assumeRole } from '../../src/services/sts/assume-role';
import { getCallerIdentity } from '../../src/services/sts/get-caller-identity';
import fixtures from '../fixtures/services/sts-assume-role-validation.json';
import { harness, T0, thrown } from '../helpers/services';

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] });
const seed = {
  users: [{ name: 'alice' }],
  roles: [
    { name: 'app', trustPolicy: trust },
    { name: 'long', maxSessionDuration: 43200, trustPolicy: trust },
    { name: 'deep', path: '/team/a/', trustPolicy: trust },
  ],
};

describe('AssumeRole input validation', () => {
  for (const c of fixtures.cases) {
    it(c.name, async () => {
      const h = await harness(seed);
      const params: Record<string, unknown> = { ...fixtures.base, ...c.params };
      for (const k of Object.keys(params)) if (params[k] === null) delete params[k];
      expect(thrown(() => h.run(assumeRole, params, h.user('alice')))).toEqual({ code: 'ValidationError', message: c.message, status: 400 });
    });
  }
});

describe('AssumeRole', () => {
  it('issues an ASIA key for the role account, AssumedRoleId ROLEID:session and Expiration now + 3600', async () => {
    const h = await harness(seed);
    const role = h.store.roles.getByName('000000000000', 'app')!;
    const out = h.run(assumeRole, { RoleArn: role.arn, RoleSessionName: 'sess' }, h.user('alice'));
    expect(out.Credentials.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(accountFromAccessKeyId(out.Credentials.AccessKeyId)).toBe('000000000000');
    expect(out.Credentials.SecretAccessKey).toMatch(/^[A-Za-z0-9/+]{40}$/);
    expect(out.Credentials.Expiration.toISOString()).toBe('2026-11-29T13:00:00.000Z');
    expect(out.AssumedRoleUser).toEqual({ AssumedRoleId: `${role.id}:sess`, Arn: 'arn:aws:sts::000000000000:assumed-role/app/sess' });
    expect(out.PackedPolicySize).toBeUndefined();
    const stored = h.store.sessions.get(out.Credentials.AccessKeyId)!;
    expect(stored).toMatchObject({ kind: 'assumed-role', roleArn: role.arn, chained: false, issuedAt: new Date(T0).toISOString() });
    expect(h.store.roles.getById(role.id)!.lastUsedAt).toBe(new Date(T0).toISOString());
  });

  it('drops the role path from the session ARN', async () => {
    const h = await harness(seed);
    const out = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/team/a/deep', RoleSessionName: 'sess' }, h.user('alice'));
    expect(out.AssumedRoleUser.Arn).toBe('arn:aws:sts::000000000000:assumed-role/deep/sess');
  });

  it('DurationSeconds above the role MaxSessionDuration → ValidationError', async () => {
    const h = await harness(seed);
    expect(thrown(() => h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's1', DurationSeconds: '3601' }, h.user('alice')))).toEqual({
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      status: 400,
    });
    const ok = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/long', RoleSessionName: 's1', DurationSeconds: '43200' }, h.user('alice'));
    expect(ok.Credentials.Expiration.toISOString()).toBe('2026-11-30T00:00:00.000Z');
  });

  it('role chaining is limited to one hour — an error, not a clamp', async () => {
    const h = await harness(seed);
    const first = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/long', RoleSessionName: 'first' }, h.user('alice'));
    const caller = h.session(h.store.sessions.get(first.Credentials.AccessKeyId)!);
    expect(thrown(() => h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/long', RoleSessionName: 'second', DurationSeconds: '3601' }, caller))).toEqual({
      code: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.',
      status: 400,
    });
    const chained = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 'second' }, caller);
    expect(h.store.sessions.get(chained.Credentials.AccessKeyId)).toMatchObject({ chained: true, parentAccessKeyId: first.Credentials.AccessKeyId });
  });

  it('root callers are refused before anything else', async () => {
    const h = await harness(seed);
    expect(thrown(() => h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's1' }, h.root()))).toEqual({
      code: 'AccessDenied',
      message: 'Roles may not be assumed by root accounts.',
      status: 403,
    });
  });

  it('federated-user sessions cannot assume roles', async () => {
    const h = await harness(seed);
    const fed = { ...h.user('alice'), kind: 'federated-user' as const, arn: 'arn:aws:sts::000000000000:federated-user/bob', userId: '000000000000:bob' };
    const { user, ...rest } = fed;
    const principal = { ...rest, user, session: h.store.sessions.create({
      accessKeyId: 'ASIAFEDFEDFEDFEDFED1', secret: 's', sessionToken: 't', accountId: '000000000000', kind: 'federated-user', via: 'GetFederationToken',
      principalArn: fed.arn, principalId: fed.userId, issuedAt: T0, expiresAt: T0,
    }) };
    expect(thrown(() => h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's1' }, principal))).toEqual({
      code: 'AccessDenied',
      message: 'User: arn:aws:sts::000000000000:federated-user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/app',
      status: 403,
    });
  });

  it('stores session policy, tags, transitive keys and source identity; inherits transitive tags when chaining', async () => {
    const h = await harness(seed);
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const out = h.run(
      assumeRole,
      {
        RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's1', Policy: policy,
        Tags: [{ Key: 'Project', Value: 'blue' }, { Key: 'Cost', Value: '42' }], TransitiveTagKeys: ['Project'], SourceIdentity: 'alice',
      },
      h.user('alice'),
    );
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    expect(out.SourceIdentity).toBe('alice');
    const s = h.store.sessions.get(out.Credentials.AccessKeyId)!;
    expect(s).toMatchObject({ sessionPolicy: policy, tags: [{ Key: 'Project', Value: 'blue' }, { Key: 'Cost', Value: '42' }], transitiveTagKeys: ['Project'], sourceIdentity: 'alice' });

    const next = h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's2' }, h.session(s));
    const s2 = h.store.sessions.get(next.Credentials.AccessKeyId)!;
    expect(s2).toMatchObject({ tags: [{ Key: 'Project', Value: 'blue' }], transitiveTagKeys: ['Project'], sourceIdentity: 'alice' });
    expect(thrown(() => h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's3', Tags: [{ Key: 'project', Value: 'red' }] }, h.session(s)))).toEqual({
      code: 'InvalidParameterValue',
      message: "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
      status: 400,
    });
  });

  it('tag rules: duplicate keys (case-insensitive), transitive keys must be passed', async () => {
    const h = await harness(seed);
    const base = { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's1' };
    expect(thrown(() => h.run(assumeRole, { ...base, Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] }, h.user('alice'))).message).toBe(
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    );
    expect(thrown(() => h.run(assumeRole, { ...base, Tags: [{ Key: 'a', Value: '1' }], TransitiveTagKeys: ['b'] }, h.user('alice'))).message).toBe(
      'The specified transitive tag key must be included in the requested tags.',
    );
  });

  it('a bad session policy → MalformedPolicyDocument', async () => {
    const h = await harness(seed);
    expect(thrown(() => h.run(assumeRole, { RoleArn: 'arn:aws:iam::000000000000:role/app', RoleSessionName: 's1', Policy: '{"Version":' }, h.user('alice'))).code).toBe('MalformedPolicyDocument');
  });
});

describe('GetCallerIdentity', () => {
  it('reports users, root and role sessions as AWS does', async () => {
    const h = await harness(seed);
    const alice = h.user('alice');
    expect(h.run(getCallerIdentity, {}, alice)).toEqual({ UserId: alice.userId, Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/alice' });
    expect(h.run(getCallerIdentity, {}, h.root())).toEqual({ UserId: '000000000000', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
  });
});
