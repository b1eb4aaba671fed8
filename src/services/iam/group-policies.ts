// Owns a group's inline policies: PutGroupPolicy, GetGroupPolicy, ListGroupPolicies, DeleteGroupPolicy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutGroupPolicy.html ; aws-protocol §6.3–6.4, §6.7, §6.9.
import {
  deleteInlinePolicyOperation,
  getInlinePolicyOperation,
  listInlinePoliciesOperation,
  putInlinePolicyOperation,
  type InlinePolicyEntitySpec,
} from './inline-policy-operations';
import { groupNameRule, groupResource, requireGroup } from './user-common';

/** Aggregate size of all inline policies of a group (whitespace not counted). */
export const GROUP_INLINE_AGGREGATE_MAX = 5120;

const GROUP: InlinePolicyEntitySpec = {
  kind: 'group',
  title: 'Group',
  nameParam: 'GroupName',
  nameRule: groupNameRule,
  require: requireGroup,
  resource: groupResource,
  aggregateMax: GROUP_INLINE_AGGREGATE_MAX,
};

export const putGroupPolicy = putInlinePolicyOperation(GROUP);
export const getGroupPolicy = getInlinePolicyOperation(GROUP);
export const listGroupPolicies = listInlinePoliciesOperation(GROUP);
export const deleteGroupPolicy = deleteInlinePolicyOperation(GROUP);
