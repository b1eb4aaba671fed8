// Owns a role's inline policies: PutRolePolicy, GetRolePolicy, ListRolePolicies, DeleteRolePolicy.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutRolePolicy.html ; aws-protocol §6.3–6.4, §6.7, §6.9.
import type { RequestContext } from '../../policy/types';
import type { Call } from '../types';
import type { Role } from '../../store/repos/roles';
import { requireModifiableRole, requireRole, roleNameRule, roleResource } from './common';
import {
  deleteInlinePolicyOperation,
  getInlinePolicyOperation,
  listInlinePoliciesOperation,
  putInlinePolicyOperation,
  type InlinePolicyEntitySpec,
} from './inline-policy-operations';

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

const ROLE: InlinePolicyEntitySpec = {
  kind: 'role',
  title: 'Role',
  nameParam: 'RoleName',
  nameRule: roleNameRule,
  require: requireRole,
  requireModifiable: (role) => requireModifiableRole(role as Role),
  resource: roleResource,
  aggregateMax: ROLE_INLINE_AGGREGATE_MAX,
  label: roleLabel,
  boundaryKeys: roleBoundaryKeys,
};

export const putRolePolicy = putInlinePolicyOperation(ROLE);
export const getRolePolicy = getInlinePolicyOperation(ROLE);
export const listRolePolicies = listInlinePoliciesOperation(ROLE);
export const deleteRolePolicy = deleteInlinePolicyOperation(ROLE);
