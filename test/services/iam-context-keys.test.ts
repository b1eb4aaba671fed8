// GetContextKeysForPrincipalPolicy / GetContextKeysForCustomPolicy: keys from conditions and policy
// variables, a user's group policies included, first spelling kept, errors.
import { describe, expect, it } from 'vitest';
import { getContextKeysForCustomPolicy, getContextKeysForPrincipalPolicy } from '../../src/services/iam/context-keys';
import { harness, thrown } from '../helpers/services';

const seed = {
  groups: [{ name: 'ops', inlinePolicies: { mfa: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { BoolIfExists: { 'aws:MultiFactorAuthPresent': 'false' } } }] } } }],
  users: [{
    name: 'ana',
    groups: ['ops'],
    inlinePolicies: {
      own: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::home/${aws:username}/*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] },
    },
  }],
};

describe('GetContextKeysFor*Policy', () => {
  it("principal: the user's own and its groups' policies, plus PolicyInputList", async () => {
    const h = await harness(seed);
    const extra = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1', 'AWS:SOURCEIP': 'x' } } }] });
    const out = h.run(getContextKeysForPrincipalPolicy, { PolicySourceArn: 'arn:aws:iam::000000000000:user/ana', PolicyInputList: [extra] }, h.root());
    expect(out).toEqual({ ContextKeyNames: ['aws:username', 'aws:SourceIp', 'aws:MultiFactorAuthPresent', 'aws:RequestedRegion'] });
  });

  it('custom: keys of the supplied policies; none → empty list', async () => {
    const h = await harness();
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { StringLike: { 's3:prefix': ['home/${aws:PrincipalTag/team}/*'] } } }] });
    expect(h.run(getContextKeysForCustomPolicy, { PolicyInputList: [doc] }, h.root())).toEqual({ ContextKeyNames: ['s3:prefix', 'aws:PrincipalTag/team'] });
    const plain = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
    expect(h.run(getContextKeysForCustomPolicy, { PolicyInputList: [plain] }, h.root())).toEqual({ ContextKeyNames: [] });
  });

  it('errors: unknown source → NoSuchEntity; malformed input → InvalidInput; missing list → ValidationError', async () => {
    const h = await harness(seed);
    expect(thrown(() => h.run(getContextKeysForPrincipalPolicy, { PolicySourceArn: 'arn:aws:iam::000000000000:group/ghost' }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: 'The group with name ghost cannot be found.', status: 404,
    });
    expect(thrown(() => h.run(getContextKeysForCustomPolicy, { PolicyInputList: ['{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*"}]}'] }, h.root()))).toEqual({
      code: 'InvalidInput', message: 'PolicyInputList.1: Policy statement must contain resources.', status: 400,
    });
    expect(thrown(() => h.run(getContextKeysForCustomPolicy, {}, h.root()))).toEqual({
      code: 'ValidationError', message: "1 validation error detected: Value null at 'policyInputList' failed to satisfy constraint: Member must not be null", status: 400,
    });
  });
});
