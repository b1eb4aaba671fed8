// Owns GetContextKeysForPrincipalPolicy and GetContextKeysForCustomPolicy: the condition keys (and
// policy-variable keys) a set of policies refers to, via the evaluator's getContextKeysForPolicies.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetContextKeysForPrincipalPolicy.html
import { getContextKeysForPolicies } from '../../policy/index';
import { defineOperation } from '../types';
import { Validator } from '../validate';
import { accountOf } from './common';
import { checkSimulationPolicy, readPolicyList, resolvePolicySource, sourcePolicies } from './simulate';
import { INPUT_POLICY } from './simulate-run';

export const getContextKeysForPrincipalPolicy = defineOperation({
  name: 'GetContextKeysForPrincipalPolicy',
  service: 'iam',
  action: 'iam:GetContextKeysForPrincipalPolicy',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const policySourceArn = v.string('PolicySourceArn', { required: true, min: 20, max: 2048 });
    const policyInputList = readPolicyList(v, 'PolicyInputList');
    v.done();
    return { policySourceArn, policyInputList };
  },
  resource: (input) => input.policySourceArn,
  handler(input, call) {
    const src = resolvePolicySource(call.store, accountOf(call), input.policySourceArn);
    input.policyInputList.forEach((d, i) => checkSimulationPolicy(d, 'identity', INPUT_POLICY(i + 1)));
    // Every policy of the entity (a user's include its groups'), then the supplied ones.
    const docs = [...sourcePolicies(call.store, src).identity.map((p) => p.document), ...input.policyInputList];
    return { ContextKeyNames: getContextKeysForPolicies(docs) };
  },
});

export const getContextKeysForCustomPolicy = defineOperation({
  name: 'GetContextKeysForCustomPolicy',
  service: 'iam',
  action: 'iam:GetContextKeysForCustomPolicy',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const policyInputList = readPolicyList(v, 'PolicyInputList', true);
    v.done();
    return { policyInputList };
  },
  resource: () => '*',
  handler(input) {
    input.policyInputList.forEach((d, i) => checkSimulationPolicy(d, 'identity', INPUT_POLICY(i + 1)));
    return { ContextKeyNames: getContextKeysForPolicies(input.policyInputList) };
  },
});
