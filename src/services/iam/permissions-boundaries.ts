// Owns permissions boundaries of roles and users: Put/Delete{Role,User}PermissionsBoundary. The boundary
// shows in GetRole/GetUser as PermissionsBoundary{PermissionsBoundaryType: Policy, PermissionsBoundaryArn}
// and caps what identity policies grant (src/authz/gather-policies.ts → the evaluator).
// iam:PermissionsBoundary is the boundary being set on Put… and the one being removed on Delete…
// AccessDenied names the entity `role NAME` / `user NAME`, as IAM does.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PermissionsBoundary
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { RequestContext } from '../../policy/types';
import type { User } from '../../store/repos/users';
import { defineOperation, type Call } from '../types';
import { patterns, Validator } from '../validate';
import { accountOf, requireRole, roleNameRule, roleResource } from './common';
import { arnRule } from './managed-policies';
import { roleBoundaryKeys } from './role-policies';
import { resolveBoundary } from './roles';

export { resolveBoundary };

const userNameRule = { required: true, min: 1, max: 64, pattern: patterns.name } as const;

function userResource(call: Call, name: string): string {
  const account = accountOf(call);
  return call.store.users.getByName(account, name)?.arn ?? arns.user(account, '/', name);
}

function requireUser(call: Call, name: string): User {
  const u = call.store.users.getByName(accountOf(call), name);
  if (!u) throw awsErrors.noSuchEntity(`The user with name ${name} cannot be found.`);
  return u;
}

function userBoundaryKeys(call: Call, name: string): RequestContext {
  const account = call.principal.accountId;
  const u = account ? call.store.users.getByName(account, name) : null;
  return u?.boundaryArn ? { 'iam:PermissionsBoundary': u.boundaryArn } : {};
}

function requireModifiableRole(role: { name: string; serviceLinked: boolean }): void {
  if (role.serviceLinked) throw awsErrors.unmodifiableEntity(`Cannot perform the operation on the protected role '${role.name}' - this role is only modifiable by AWS`);
}

// ------------------------------------------------------------------ roles

export const putRolePermissionsBoundary = defineOperation({
  name: 'PutRolePermissionsBoundary',
  service: 'iam',
  action: 'iam:PutRolePermissionsBoundary',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const permissionsBoundary = v.string('PermissionsBoundary', arnRule);
    v.done();
    return { roleName, permissionsBoundary };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  resourceLabel: (input) => `role ${input.roleName}`,
  conditionKeys: (input) => ({ 'iam:PermissionsBoundary': input.permissionsBoundary }),
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    requireModifiableRole(role);
    const boundaryArn = resolveBoundary(call, input.permissionsBoundary);
    call.store.roles.update(role.id, { boundaryArn });
    return undefined;
  },
});

export const deleteRolePermissionsBoundary = defineOperation({
  name: 'DeleteRolePermissionsBoundary',
  service: 'iam',
  action: 'iam:DeleteRolePermissionsBoundary',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    v.done();
    return { roleName };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  resourceLabel: (input) => `role ${input.roleName}`,
  conditionKeys: (input, call) => roleBoundaryKeys(call, input.roleName),
  handler(input, call) {
    const role = requireRole(call.store, accountOf(call), input.roleName);
    requireModifiableRole(role);
    // Removing a boundary the role does not have succeeds and changes nothing ⚠ (not captured from AWS).
    call.store.roles.update(role.id, { boundaryArn: null });
    return undefined;
  },
});

// ------------------------------------------------------------------ users

export const putUserPermissionsBoundary = defineOperation({
  name: 'PutUserPermissionsBoundary',
  service: 'iam',
  action: 'iam:PutUserPermissionsBoundary',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', userNameRule);
    const permissionsBoundary = v.string('PermissionsBoundary', arnRule);
    v.done();
    return { userName, permissionsBoundary };
  },
  resource: (input, call) => userResource(call, input.userName),
  resourceLabel: (input) => `user ${input.userName}`,
  conditionKeys: (input) => ({ 'iam:PermissionsBoundary': input.permissionsBoundary }),
  handler(input, call) {
    const user = requireUser(call, input.userName);
    const boundaryArn = resolveBoundary(call, input.permissionsBoundary);
    call.store.users.update(user.id, { boundaryArn });
    return undefined;
  },
});

export const deleteUserPermissionsBoundary = defineOperation({
  name: 'DeleteUserPermissionsBoundary',
  service: 'iam',
  action: 'iam:DeleteUserPermissionsBoundary',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', userNameRule);
    v.done();
    return { userName };
  },
  resource: (input, call) => userResource(call, input.userName),
  resourceLabel: (input) => `user ${input.userName}`,
  conditionKeys: (input, call) => userBoundaryKeys(call, input.userName),
  handler(input, call) {
    const user = requireUser(call, input.userName);
    call.store.users.update(user.id, { boundaryArn: null });
    return undefined;
  },
});
