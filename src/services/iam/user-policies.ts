// Owns a user's inline policies: PutUserPolicy, GetUserPolicy, ListUserPolicies, DeleteUserPolicy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html ; aws-protocol §6.3–6.4, §6.7, §6.9.
import type { RequestContext } from '../../policy/types';
import type { Call } from '../types';
import {
  deleteInlinePolicyOperation,
  getInlinePolicyOperation,
  listInlinePoliciesOperation,
  putInlinePolicyOperation,
  type InlinePolicyEntitySpec,
} from './inline-policy-operations';
import { existingUserNameRule, requireUser, userResource } from './user-common';

/** Aggregate size of all inline policies of a user (whitespace not counted). */
export const USER_INLINE_AGGREGATE_MAX = 2048;

/**
 * iam:PermissionsBoundary on operations that change a user's permissions is the boundary the user
 * carries (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PermissionsBoundary).
 */
export function userBoundaryKeys(call: Call, userName: string): RequestContext {
  const account = call.principal.accountId;
  const user = account ? call.store.users.getByName(account, userName) : null;
  return user?.boundaryArn ? { 'iam:PermissionsBoundary': user.boundaryArn } : {};
}

const USER: InlinePolicyEntitySpec = {
  kind: 'user',
  title: 'User',
  nameParam: 'UserName',
  nameRule: existingUserNameRule,
  require: requireUser,
  resource: userResource,
  aggregateMax: USER_INLINE_AGGREGATE_MAX,
  boundaryKeys: userBoundaryKeys,
};

export const putUserPolicy = putInlinePolicyOperation(USER);
export const getUserPolicy = getInlinePolicyOperation(USER);
export const listUserPolicies = listInlinePoliciesOperation(USER);
export const deleteUserPolicy = deleteInlinePolicyOperation(USER);
