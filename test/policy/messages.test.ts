// AccessDenied texts, context-key listing and statement positions.
import { describe, expect, it } from 'vitest';
import { accessDeniedMessage, evaluate, getContextKeysForPolicies, type EvalRequest } from '../../src/policy/index';

const alice = { type: 'IAMUser' as const, arn: 'arn:aws:iam::123456789012:user/bob', account: '123456789012' };
const base = (policies: Partial<EvalRequest['policies']>, action = 'iam:CreateRole', resource = 'arn:aws:iam::123456789012:role/x'): EvalRequest => ({
  principal: alice,
  action,
  resource,
  context: {},
  policies: { identity: [], boundary: null, scps: null, rcps: null, session: null, resource: null, ...policies },
});
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });
const src = (id: string, d: string) => ({ id, document: d });
const msg = (r: EvalRequest) => accessDeniedMessage(alice.arn, r.action, r.resource, evaluate(r));

describe('accessDeniedMessage', () => {
  it('no identity-based policy allows', () => {
    expect(msg(base({}))).toBe(
      'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::123456789012:role/x because no identity-based policy allows the iam:CreateRole action',
    );
  });
  it('explicit deny in an identity-based policy', () => {
    const r = base({ identity: [src('p', doc({ Effect: 'Deny', Action: 'iam:*', Resource: '*' }))] });
    expect(msg(r)).toMatch(/ on resource: arn:aws:iam::123456789012:role\/x with an explicit deny in an identity-based policy$/);
    expect(evaluate(r).cause).toMatchObject({ kind: 'identity', explicit: true, policyId: 'p' });
  });
  const allowAll = src('a', doc({ Effect: 'Allow', Action: '*', Resource: '*' }));
  const denyAll = (id: string) => src(id, doc({ Effect: 'Deny', Action: '*', Resource: '*' }));
  const table: [string, Partial<EvalRequest['policies']>, string][] = [
    ['boundary implicit', { identity: [allowAll], boundary: src('b', doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' })) }, 'because no permissions boundary allows the iam:CreateRole action'],
    ['boundary explicit', { identity: [allowAll], boundary: denyAll('b') }, 'with an explicit deny in a permissions boundary'],
    ['session implicit', { identity: [allowAll], session: [src('s', doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }))] }, 'because no session policy allows the iam:CreateRole action'],
    ['session explicit', { identity: [allowAll], session: [denyAll('s')] }, 'with an explicit deny in a session policy'],
    ['scp implicit', { identity: [allowAll], scps: [[src('scp', doc({ Effect: 'Allow', Action: 's3:*', Resource: '*' }))]] }, 'because no service control policy allows the iam:CreateRole action'],
    ['scp explicit', { identity: [allowAll], scps: [[allowAll, denyAll('scp')]] }, 'with an explicit deny in a service control policy'],
    ['rcp explicit', { identity: [allowAll], rcps: [[src('rcp', doc({ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' }))]] }, 'with an explicit deny in a resource control policy'],
    ['resource explicit', { identity: [allowAll], resource: src('r', doc({ Effect: 'Deny', Principal: '*', Action: '*', Resource: '*' })) }, 'with an explicit deny in a resource-based policy'],
  ];
  // Session policies only limit session principals: those rows use a role session.
  const roleSession = {
    type: 'AssumedRole' as const,
    arn: 'arn:aws:sts::123456789012:assumed-role/r/s',
    roleArn: 'arn:aws:iam::123456789012:role/r',
    account: '123456789012',
  };
  for (const [name, policies, tail] of table) {
    const r = (): EvalRequest => (name.startsWith('session') ? { ...base(policies), principal: roleSession } : base(policies));
    it(name, () => expect(msg(r())).toMatch(new RegExp(`${tail.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`)));
  }
  it('session policies passed for a principal that is not a session are not consulted', () => {
    expect(evaluate(base({ identity: [allowAll], session: [denyAll('s')] })).decision).toBe('allowed');
  });
  it('cross-account: no resource-based policy allows', () => {
    const r = { ...base({ identity: [allowAll] }, 's3:GetObject', 'arn:aws:s3:::b/k'), resourceAccount: '999999999999' };
    expect(msg(r)).toMatch(/because no resource-based policy allows the s3:GetObject action$/);
  });
  it('a trust policy that does not allow gives no reason clause', () => {
    const r = base({ resource: src('trust', doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::123456789012:user/other' }, Action: 'sts:AssumeRole' })) }, 'sts:AssumeRole');
    expect(msg(r)).toBe('User: arn:aws:iam::123456789012:user/bob is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::123456789012:role/x');
    expect(evaluate(r).cause?.code).toBe('trustPolicyDoesNotAllow');
  });
  it('actions without resource-level permissions omit "on resource"', () => {
    expect(msg(base({}, 's3:ListAllMyBuckets', '*'))).toBe(
      'User: arn:aws:iam::123456789012:user/bob is not authorized to perform: s3:ListAllMyBuckets because no identity-based policy allows the s3:ListAllMyBuckets action',
    );
  });
});

describe('decision details', () => {
  it('lists matched statements with kind, id, Sid, index and text positions', () => {
    const text = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Sid": "A", "Effect": "Allow", "Action": "iam:*", "Resource": "*"},\n    {"Sid": "B", "Effect": "Allow", "Action": "s3:*", "Resource": "*"}\n  ]\n}';
    const d = evaluate(base({ identity: [src('arn:aws:iam::123456789012:policy/p', text)] }));
    expect(d.decision).toBe('allowed');
    expect(d.matchedStatements).toEqual([
      { policyKind: 'identity', policyId: 'arn:aws:iam::123456789012:policy/p', sid: 'A', index: 0, effect: 'Allow', start: { line: 4, column: 5 }, end: { line: 4, column: 71 } },
    ]);
    expect(d.layers).toEqual({ identity: 'allowed' });
  });
  it('reports missing context keys', () => {
    const d = evaluate(base({ identity: [src('p', doc({ Effect: 'Allow', Action: '*', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'x' } } }))] }));
    expect(d.decision).toBe('implicitDeny');
    expect(d.missingContextKeys).toEqual(['aws:PrincipalTag/team']);
  });
  it('never throws on garbage input', () => {
    expect(evaluate({} as EvalRequest).decision).not.toBe('allowed');
    expect(evaluate(base({ identity: [src('p', 'not json'), src('q', 42 as never), null as never] })).decision).toBe('explicitDeny');
  });
});

describe('getContextKeysForPolicies', () => {
  it('lists condition keys and variables once, case-insensitively, in order', () => {
    const keys = getContextKeysForPolicies([
      doc(
        { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:username}/*', Condition: { StringEquals: { 'aws:PrincipalTag/team': '${aws:PrincipalTag/dept}' } } },
        { Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' }, Null: { 'AWS:username': 'true' } } },
      ),
      { Version: '2012-10-17', Statement: { Effect: 'Allow', Action: 'ec2:*', Resource: '*', Condition: { StringLike: { 'ec2:InstanceType': 't2.*' } } } },
      JSON.stringify({ Statement: { Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::b/${aws:userid}' } }),
    ]);
    expect(keys).toEqual(['aws:username', 'aws:PrincipalTag/team', 'aws:PrincipalTag/dept', 'aws:MultiFactorAuthPresent', 'ec2:InstanceType']);
  });
});

describe('federation AccessDenied', () => {
  it('AssumeRoleWithWebIdentity / WithSAML say only "Not authorized to perform …"', () => {
    const d = evaluate({ ...base({}, 'sts:AssumeRoleWithWebIdentity'), principal: { type: 'WebIdentity', provider: 'accounts.google.com' } });
    expect(accessDeniedMessage('', 'sts:AssumeRoleWithWebIdentity', 'arn:aws:iam::123456789012:role/x', d)).toBe('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    expect(accessDeniedMessage('', 'sts:AssumeRoleWithSAML', 'arn:aws:iam::123456789012:role/x', d)).toBe('Not authorized to perform sts:AssumeRoleWithSAML');
  });
});
