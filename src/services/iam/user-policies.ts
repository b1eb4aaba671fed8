// Owns a user's inline policies: PutUserPolicy, GetUserPolicy, ListUserPolicies, DeleteUserPolicy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html ; aws-protocol §6.3–6.4, §6.7, §6.9.
import { awsErrors } from '../../aws/errors';
import { encodePolicyDocument, policySize } from '../../aws/policy-encoding';
import type { RequestContext } from '../../policy/types';
import { checkPolicyDocument } from '../policy-documents';
import { defineOperation, type Call } from '../types';
import { Validator } from '../validate';
import { accountOf, pageFields, policyDocumentRule, policyNameRule, readPaging } from './common';
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

const missingPolicy = (name: string) => awsErrors.noSuchEntity(`The user policy with name ${name} cannot be found.`);

export const putUserPolicy = defineOperation({
  name: 'PutUserPolicy',
  service: 'iam',
  action: 'iam:PutUserPolicy',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const policyName = v.string('PolicyName', policyNameRule);
    const policyDocument = v.string('PolicyDocument', policyDocumentRule);
    v.done();
    return { userName, policyName, policyDocument };
  },
  resource: (input, call) => userResource(call, input.userName),
  conditionKeys: (input, call) => userBoundaryKeys(call, input.userName),
  handler(input, call) {
    const { store } = call;
    const user = requireUser(store, accountOf(call), input.userName);
    checkPolicyDocument(input.policyDocument, 'identity');
    let total = policySize(input.policyDocument);
    for (const p of store.inlinePolicies.all('user', user.id)) if (p.name !== input.policyName) total += policySize(p.document);
    if (total > USER_INLINE_AGGREGATE_MAX) {
      throw awsErrors.limitExceeded(`Maximum policy size of ${USER_INLINE_AGGREGATE_MAX} bytes exceeded for user ${user.name}`);
    }
    store.inlinePolicies.put('user', user.id, input.policyName, input.policyDocument, call.now.toISOString());
    return undefined;
  },
});

export const getUserPolicy = defineOperation({
  name: 'GetUserPolicy',
  service: 'iam',
  action: 'iam:GetUserPolicy',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const policyName = v.string('PolicyName', policyNameRule);
    v.done();
    return { userName, policyName };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    const p = call.store.inlinePolicies.get('user', user.id, input.policyName);
    if (!p) throw missingPolicy(input.policyName);
    return { UserName: user.name, PolicyName: p.name, PolicyDocument: encodePolicyDocument(p.document) };
  },
});

export const listUserPolicies = defineOperation({
  name: 'ListUserPolicies',
  service: 'iam',
  action: 'iam:ListUserPolicies',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const paging = readPaging(v);
    v.done();
    return { userName, ...paging };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    const page = call.store.inlinePolicies.names('user', user.id, input);
    return { PolicyNames: page.items, ...pageFields(page) };
  },
});

export const deleteUserPolicy = defineOperation({
  name: 'DeleteUserPolicy',
  service: 'iam',
  action: 'iam:DeleteUserPolicy',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const policyName = v.string('PolicyName', policyNameRule);
    v.done();
    return { userName, policyName };
  },
  resource: (input, call) => userResource(call, input.userName),
  conditionKeys: (input, call) => userBoundaryKeys(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    if (!call.store.inlinePolicies.get('user', user.id, input.policyName)) throw missingPolicy(input.policyName);
    call.store.inlinePolicies.delete('user', user.id, input.policyName);
    return undefined;
  },
});
