// The evaluator reports what an explanation needs without a second evaluation: the first condition
// an Allow statement failed on (key, operator, values as written), and explainDecision shapes it with
// the value the request carried, the deciding layer and policy, and the statements' own text.
import { describe, expect, it } from 'vitest';
import { evaluate, explainDecision, type EvalRequest } from '../../src/policy/index';

const trust = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Federated: 'arn:aws:iam::111122223333:oidc-provider/issuer.example' },
        Action: 'sts:AssumeRoleWithWebIdentity',
        Condition: { StringEquals: { 'issuer.example:aud': 'sts.amazonaws.com', 'issuer.example:sub': 'system:serviceaccount:payments:api' } },
      },
    ],
  },
  null,
  2,
);

const webIdentity = (sub: string | undefined): EvalRequest => ({
  principal: { type: 'WebIdentity', provider: 'arn:aws:iam::111122223333:oidc-provider/issuer.example' },
  action: 'sts:AssumeRoleWithWebIdentity',
  resource: 'arn:aws:iam::111122223333:role/api',
  resourceAccount: '111122223333',
  context: { 'issuer.example:aud': 'sts.amazonaws.com', ...(sub ? { 'issuer.example:sub': sub } : {}) },
  policies: { identity: [], boundary: null, scps: null, rcps: null, session: null, resource: { id: 'role/api/trust', name: 'trust policy', document: trust } },
});

describe('failed conditions', () => {
  it('the evaluator names the condition an Allow failed on; the explanation adds the seen value and the statement text', () => {
    const req = webIdentity('system:serviceaccount:default:api');
    const d = evaluate(req);
    expect(d.decision).toBe('implicitDeny');
    expect(d.failedConditions).toEqual([
      expect.objectContaining({ policyKind: 'resource', policyId: 'role/api/trust', index: 0, effect: 'Allow', operator: 'StringEquals', key: 'issuer.example:sub', values: ['system:serviceaccount:payments:api'] }),
    ]);
    const x = explainDecision(req, d);
    expect(x.decidedBy).toBe('resource');
    expect(x.failedConditions[0]).toMatchObject({ key: 'issuer.example:sub', wanted: ['system:serviceaccount:payments:api'], seen: 'system:serviceaccount:default:api', policyName: 'trust policy' });
    expect(x.failedConditions[0]!.text!.startsWith('{')).toBe(true);
    expect(JSON.parse(x.failedConditions[0]!.text!).Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(x.reason).toContain('wanted [system:serviceaccount:payments:api], seen system:serviceaccount:default:api');
  });

  it('a missing key is seen as null and said to be missing', () => {
    const req = webIdentity(undefined);
    const x = explainDecision(req, evaluate(req));
    expect(x.failedConditions[0]).toMatchObject({ key: 'issuer.example:sub', seen: null });
    expect(x.reason).toContain('seen (missing)');
    expect(x.missingContextKeys).toContain('issuer.example:sub');
  });

  it('an allowed decision lists no near misses and names the Allow that decided', () => {
    const req = webIdentity('system:serviceaccount:payments:api');
    const d = evaluate(req);
    expect(d.decision).toBe('allowed');
    expect(d.failedConditions).toBeUndefined();
    const x = explainDecision(req, d);
    expect(x.statements).toEqual([expect.objectContaining({ policyType: 'resource', deciding: true, effect: 'Allow' })]);
    expect(x.reason).toBe('allowed by resource-based policy trust policy (role/api/trust) statement 0');
  });

  it('Deny statements whose conditions fail are not near misses (nothing to fix there)', () => {
    const req: EvalRequest = {
      principal: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/u', account: '111122223333' },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::b/k',
      context: { 'aws:SecureTransport': 'true' },
      policies: {
        identity: [{ id: 'p', document: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }] } }],
        boundary: null, scps: null, rcps: null, session: null, resource: null,
      },
    };
    const d = evaluate(req);
    expect(d.failedConditions).toBeUndefined();
    expect(explainDecision(req, d).reason).toBe('implicit deny: no identity-based policy allows s3:GetObject');
  });

  it('an explicit deny names the policy and statement; a boundary implicit deny names the boundary', () => {
    const allowAll = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const base = { principal: { type: 'IAMUser' as const, arn: 'arn:aws:iam::111122223333:user/u', account: '111122223333' }, action: 'iam:ListRoles', resource: '*', context: {} };
    const denied: EvalRequest = { ...base, policies: { identity: [{ id: 'a', document: allowAll }, { id: 'arn:aws:iam::111122223333:policy/NoIam', name: 'NoIam', document: { Version: '2012-10-17', Statement: [{ Sid: 'NoIam', Effect: 'Deny', Action: 'iam:*', Resource: '*' }] } }], boundary: null, scps: null, rcps: null, session: null, resource: null } };
    expect(explainDecision(denied, evaluate(denied)).reason).toBe('explicit deny in identity-based policy NoIam (arn:aws:iam::111122223333:policy/NoIam) statement 0 "NoIam"');
    const bounded: EvalRequest = { ...base, policies: { identity: [{ id: 'a', document: allowAll }], boundary: { id: 'arn:aws:iam::111122223333:policy/S3Only', name: 'S3Only', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }, scps: null, rcps: null, session: null, resource: null } };
    const x = explainDecision(bounded, evaluate(bounded));
    expect(x).toMatchObject({ decidedBy: 'boundary', decidingPolicy: { type: 'boundary', id: 'arn:aws:iam::111122223333:policy/S3Only', name: 'S3Only' } });
    expect(x.reason).toBe('implicit deny: no permissions boundary allows iam:ListRoles (permissions boundary S3Only (arn:aws:iam::111122223333:policy/S3Only))');
    expect(x.policies.map((p) => [p.type, p.outcome])).toEqual([['identity', 'allow'], ['boundary', 'none']]);
  });
});
