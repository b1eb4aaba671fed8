// Owns the IAM operation table: every IAM Action iamlocal answers, each with its IAM action and
// resource declared next to its handler. An Action not listed here is InvalidAction, never unauthorized.
import { operationTable } from '../types';
import { deleteRolePolicy, getRolePolicy, listRolePolicies, putRolePolicy } from './role-policies';
import { createRole, deleteRole, getRole, listRoles, updateAssumeRolePolicy, updateRole, updateRoleDescription } from './roles';

export const iamOperations = operationTable([
  createRole,
  getRole,
  listRoles,
  updateRole,
  updateRoleDescription,
  updateAssumeRolePolicy,
  deleteRole,
  putRolePolicy,
  getRolePolicy,
  listRolePolicies,
  deleteRolePolicy,
]);
