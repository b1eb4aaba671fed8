// Owns permissions boundaries of roles and users: Put/Delete{Role,User}PermissionsBoundary. The boundary
// shows in GetRole/GetUser as PermissionsBoundary{PermissionsBoundaryType: Policy, PermissionsBoundaryArn}
// and caps what identity policies grant (src/authz/gather-policies.ts → the evaluator).
// iam:PermissionsBoundary is the boundary being set on Put… and the one being removed on Delete…
// AccessDenied names the entity `role NAME` / `user NAME`, as IAM does.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#ck_PermissionsBoundary
import { defineOperation } from '../types';
import { patterns, Validator } from '../validate';
import { accountOf, requireModifiableRole, requireRole, roleNameInput, roleNameRule, roleResource } from './common';
import { arnRule } from './managed-policies';
import { roleBoundaryKeys } from './role-policies';
import { resolveBoundary } from './roles';
import { requireUser, userResource } from './user-common';
import { userBoundaryKeys } from './user-policies';

export { resolveBoundary };

const userNameRule = { required: true, min: 1, max: 64, pattern: patterns.name } as const;

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
  input: roleNameInput,
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
    const user = requireUser(call.store, accountOf(call), input.userName);
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
    const user = requireUser(call.store, accountOf(call), input.userName);
    call.store.users.update(user.id, { boundaryArn: null });
    return undefined;
  },
});
