// Owns a role's inline policies: PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html ; aws-protocol §6.3–6.4, §6.7, §6.9.
import { awsErrors } from '../../aws/errors';
import { encodePolicyDocument, policySize } from '../../aws/policy-encoding';
import { checkPolicyDocument } from '../policy-documents';
import type { RequestContext } from '../../policy/types';
import { defineOperation, type Call } from '../types';
import { Validator } from '../validate';
import { accountOf, pageFields, policyDocumentRule, policyNameRule, readPaging, requireRole, roleNameRule, roleResource } from './common';

/**
 * iam:PermissionsBoundary on operations that change a role's permissions is the boundary the role
 * carries (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PermissionsBoundary).
 */
export function roleBoundaryKeys(call: Call, roleName: string): RequestContext {
  const account = call.principal.accountId;
  const role = account ? call.store.roles.getByName(account, roleName) : null;
  return role?.boundaryArn ? { 'iam:PermissionsBoundary': role.boundaryArn } : {};
}

/**
 * IAM's AccessDenied names an existing role's operations `role NAME`, not the ARN ("… is not authorized to
 * perform: iam:PutRolePolicy on resource: role datacenter-s3-role because …").
 */
export function roleLabel(roleName: string): string {
  return `role ${roleName}`;
}

/** Aggregate size of all inline policies of a role (whitespace not counted). */
export const ROLE_INLINE_AGGREGATE_MAX = 10240;

export const putRolePolicy = defineOperation({
  name: 'PutRolePolicy',
  service: 'iam',
  action: 'iam:PutRolePolicy',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const policyName = v.string('PolicyName', policyNameRule);
    const policyDocument = v.string('PolicyDocument', policyDocumentRule);
    v.done();
    return { roleName, policyName, policyDocument };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  resourceLabel: (input) => roleLabel(input.roleName),
  conditionKeys: (input, call) => roleBoundaryKeys(call, input.roleName),
  handler(input, call) {
    const { store } = call;
    const role = requireRole(store, accountOf(call), input.roleName);
    checkPolicyDocument(input.policyDocument, 'identity');
    let total = policySize(input.policyDocument);
    for (const p of store.inlinePolicies.all('role', role.id)) if (p.name !== input.policyName) total += policySize(p.document);
    if (total > ROLE_INLINE_AGGREGATE_MAX) {
      throw awsErrors.limitExceeded(`Maximum policy size of ${ROLE_INLINE_AGGREGATE_MAX} bytes exceeded for role ${role.name}`);
    }
    store.inlinePolicies.put('role', role.id, input.policyName, input.policyDocument, call.now.toISOString());
    return undefined;
  },
});

export const getRolePolicy = defineOperation({
  name: 'GetRolePolicy',
  service: 'iam',
  action: 'iam:GetRolePolicy',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const policyName = v.string('PolicyName', policyNameRule);
    v.done();
    return { roleName, policyName };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  resourceLabel: (input) => roleLabel(input.roleName),
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    const p = call.store.inlinePolicies.get('role', role.id, input.policyName);
    if (!p) throw awsErrors.noSuchEntity(`The role policy with name ${input.policyName} cannot be found.`);
    return { RoleName: role.name, PolicyName: p.name, PolicyDocument: encodePolicyDocument(p.document) };
  },
});

export const listRolePolicies = defineOperation({
  name: 'ListRolePolicies',
  service: 'iam',
  action: 'iam:ListRolePolicies',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const paging = readPaging(v);
    v.done();
    return { roleName, ...paging };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  resourceLabel: (input) => roleLabel(input.roleName),
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    const page = call.store.inlinePolicies.names('role', role.id, input);
    return { PolicyNames: page.items, ...pageFields(page) };
  },
});

export const deleteRolePolicy = defineOperation({
  name: 'DeleteRolePolicy',
  service: 'iam',
  action: 'iam:DeleteRolePolicy',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const policyName = v.string('PolicyName', policyNameRule);
    v.done();
    return { roleName, policyName };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  resourceLabel: (input) => roleLabel(input.roleName),
  conditionKeys: (input, call) => roleBoundaryKeys(call, input.roleName),
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    if (!call.store.inlinePolicies.get('role', role.id, input.policyName)) {
      throw awsErrors.noSuchEntity(`The role policy with name ${input.policyName} cannot be found.`);
    }
    call.store.inlinePolicies.delete('role', role.id, input.policyName);
    return undefined;
  },
});
