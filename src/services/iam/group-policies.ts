// Owns a group's inline policies: PutGroupPolicy, GetGroupPolicy, ListGroupPolicies, DeleteGroupPolicy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html ; aws-protocol §6.3–6.4, §6.7, §6.9.
import { awsErrors } from '../../aws/errors';
import { encodePolicyDocument, policySize } from '../../aws/policy-encoding';
import { checkPolicyDocument } from '../policy-documents';
import { defineOperation } from '../types';
import { Validator } from '../validate';
import { accountOf, pageFields, policyDocumentRule, policyNameRule, readPaging } from './common';
import { groupNameRule, groupResource, requireGroup } from './user-common';

/** Aggregate size of all inline policies of a group (whitespace not counted). */
export const GROUP_INLINE_AGGREGATE_MAX = 5120;

const missingPolicy = (name: string) => awsErrors.noSuchEntity(`The group policy with name ${name} cannot be found.`);

function namedPolicyInput(params: Record<string, unknown>) {
  const v = new Validator(params, 'iam');
  const groupName = v.string('GroupName', groupNameRule);
  const policyName = v.string('PolicyName', policyNameRule);
  v.done();
  return { groupName, policyName };
}

export const putGroupPolicy = defineOperation({
  name: 'PutGroupPolicy',
  service: 'iam',
  action: 'iam:PutGroupPolicy',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const groupName = v.string('GroupName', groupNameRule);
    const policyName = v.string('PolicyName', policyNameRule);
    const policyDocument = v.string('PolicyDocument', policyDocumentRule);
    v.done();
    return { groupName, policyName, policyDocument };
  },
  resource: (input, call) => groupResource(call, input.groupName),
  handler(input, call) {
    const { store } = call;
    const group = requireGroup(store, accountOf(call), input.groupName);
    checkPolicyDocument(input.policyDocument, 'identity');
    let total = policySize(input.policyDocument);
    for (const p of store.inlinePolicies.all('group', group.id)) if (p.name !== input.policyName) total += policySize(p.document);
    if (total > GROUP_INLINE_AGGREGATE_MAX) {
      throw awsErrors.limitExceeded(`Maximum policy size of ${GROUP_INLINE_AGGREGATE_MAX} bytes exceeded for group ${group.name}`);
    }
    store.inlinePolicies.put('group', group.id, input.policyName, input.policyDocument, call.now.toISOString());
    return undefined;
  },
});

export const getGroupPolicy = defineOperation({
  name: 'GetGroupPolicy',
  service: 'iam',
  action: 'iam:GetGroupPolicy',
  mutating: false,
  input: namedPolicyInput,
  resource: (input, call) => groupResource(call, input.groupName),
  handler(input, call) {
    const group = requireGroup(call.store, accountOf(call), input.groupName);
    const p = call.store.inlinePolicies.get('group', group.id, input.policyName);
    if (!p) throw missingPolicy(input.policyName);
    return { GroupName: group.name, PolicyName: p.name, PolicyDocument: encodePolicyDocument(p.document) };
  },
});

export const listGroupPolicies = defineOperation({
  name: 'ListGroupPolicies',
  service: 'iam',
  action: 'iam:ListGroupPolicies',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const groupName = v.string('GroupName', groupNameRule);
    const paging = readPaging(v);
    v.done();
    return { groupName, ...paging };
  },
  resource: (input, call) => groupResource(call, input.groupName),
  handler(input, call) {
    const group = requireGroup(call.store, accountOf(call), input.groupName);
    const page = call.store.inlinePolicies.names('group', group.id, input);
    return { PolicyNames: page.items, ...pageFields(page) };
  },
});

export const deleteGroupPolicy = defineOperation({
  name: 'DeleteGroupPolicy',
  service: 'iam',
  action: 'iam:DeleteGroupPolicy',
  mutating: true,
  input: namedPolicyInput,
  resource: (input, call) => groupResource(call, input.groupName),
  handler(input, call) {
    const group = requireGroup(call.store, accountOf(call), input.groupName);
    if (!call.store.inlinePolicies.get('group', group.id, input.policyName)) throw missingPolicy(input.policyName);
    call.store.inlinePolicies.delete('group', group.id, input.policyName);
    return undefined;
  },
});
