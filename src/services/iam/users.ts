// Owns IAM user operations: CreateUser, GetUser, ListUsers, UpdateUser, DeleteUser.
// Shapes and messages: aws-protocol §6.2, §6.3, §6.7–6.9; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { newUniqueId } from '../../aws/ids';
import type { Tag } from '../../store/repos/tags';
import { defineOperation } from '../types';
import { pathRules, readTags, Validator } from '../validate';
import { accountOf, pageFields, readPathListing } from './common';
import { checkEntityTags, resolveBoundary, tagContext } from './roles';
import {
  callerUser,
  existingUserNameRule,
  newUserNameRule,
  optionalUserNameRule,
  pathRule,
  renameChecks,
  renamedFields,
  requireUser,
  requireUserCaller,
  USER_KIND,
  userCreateShape,
  userGetShape,
  userListShape,
  userOrCallerResource,
  userResource,
} from './user-common';

/** IAM users per account (aws-protocol §6.9). */
export const USERS_PER_ACCOUNT = 5000;

// ------------------------------------------------------------------ CreateUser

export interface CreateUserInput {
  path: string;
  userName: string;
  permissionsBoundary?: string;
  tags?: Tag[];
}

export const createUser = defineOperation({
  name: 'CreateUser',
  service: 'iam',
  action: 'iam:CreateUser',
  mutating: true,
  input(params): CreateUserInput {
    const v = new Validator(params, 'iam');
    const path = v.string('Path', pathRules.path) ?? '/';
    const userName = v.string('UserName', newUserNameRule);
    const permissionsBoundary = v.string('PermissionsBoundary', { min: 20, max: 2048 });
    const tags = readTags(v);
    v.done();
    return { path, userName, permissionsBoundary, tags };
  },
  resource: (input, call) => arns.user(accountOf(call), input.path, input.userName),
  // Tag-on-create also needs iam:TagUser (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_users.html).
  extraChecks: (input, call) => (input.tags?.length ? [{ action: 'iam:TagUser', resource: arns.user(accountOf(call), input.path, input.userName) }] : []),
  // iam:PermissionsBoundary carries the boundary requested at create time, so a delegation policy can
  // require it (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-delegate).
  conditionKeys(input) {
    const ctx = tagContext(input.tags);
    if (input.permissionsBoundary) ctx['iam:PermissionsBoundary'] = input.permissionsBoundary;
    return ctx;
  },
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    if (store.users.getByName(account, input.userName)) {
      throw awsErrors.entityAlreadyExists(`User with name ${input.userName} already exists.`);
    }
    if (input.tags) checkEntityTags(input.tags);
    const boundaryArn = input.permissionsBoundary ? resolveBoundary(call, input.permissionsBoundary) : null;
    if (store.users.count(account) >= USERS_PER_ACCOUNT) throw awsErrors.limitExceeded(`Cannot exceed quota for UsersPerAccount: ${USERS_PER_ACCOUNT}`);
    const user = store.users.create({
      id: newUniqueId(call.ids, 'AIDA'),
      accountId: account,
      name: input.userName,
      path: input.path,
      arn: arns.user(account, input.path, input.userName),
      boundaryArn,
      createdAt: call.now.toISOString(),
    });
    if (input.tags?.length) store.tags.put('user', user.id, input.tags);
    return { User: userCreateShape(store, user, { tags: !!input.tags?.length }) };
  },
});

// ------------------------------------------------------------------ GetUser

export const getUser = defineOperation({
  name: 'GetUser',
  service: 'iam',
  action: 'iam:GetUser',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', optionalUserNameRule);
    v.done();
    return { userName };
  },
  guard(input, call) {
    if (input.userName === undefined) requireUserCaller(call);
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  // AWS's AccessDenied names the user: "… iam:GetUser on resource: user NAME because …".
  resourceLabel: (input, call) => {
    const name = input.userName ?? (call.principal.kind === 'user' ? call.principal.user.name : undefined);
    return name === undefined ? userOrCallerResource(call, input.userName) : `user ${name}`;
  },
  handler(input, call) {
    const { store } = call;
    if (input.userName !== undefined) return { User: userGetShape(store, requireUser(store, accountOf(call), input.userName)) };
    const me = callerUser(call);
    if (me) return { User: userGetShape(store, me) };
    // The root user: AWS answers with the account id as UserId, the root ARN and the account's creation
    // date; there is no UserName or Path (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetUser.html).
    const account = accountOf(call);
    const created = store.accounts.get(account)?.createdAt;
    return { User: { UserId: account, Arn: arns.root(account), CreateDate: created ? new Date(created) : call.now } };
  },
});

// ------------------------------------------------------------------ ListUsers

export const listUsers = defineOperation({
  name: 'ListUsers',
  service: 'iam',
  action: 'iam:ListUsers',
  mutating: false,
  input: readPathListing,
  // Like ListRoles: authorized against `arn:aws:iam::ACCT:user{PathPrefix}` (no name) ⚠.
  resource: (input, call) => arns.user(accountOf(call), input.pathPrefix ?? '/', ''),
  handler(input, call) {
    const page = call.store.users.list(accountOf(call), input);
    return { Users: page.items.map(userListShape), ...pageFields(page) };
  },
});

// ------------------------------------------------------------------ UpdateUser

export interface UpdateUserInput {
  userName: string;
  newPath?: string;
  newUserName?: string;
}

export const updateUser = defineOperation({
  name: 'UpdateUser',
  service: 'iam',
  action: 'iam:UpdateUser',
  mutating: true,
  input(params): UpdateUserInput {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    const newPath = v.string('NewPath', pathRule);
    const newUserName = v.string('NewUserName', { ...newUserNameRule, required: false });
    v.done();
    return { userName, newPath, newUserName };
  },
  resource: (input, call) => userResource(call, input.userName),
  extraChecks: (input, call) => renameChecks(USER_KIND, call, input.userName, input.newPath, input.newUserName),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const user = requireUser(store, account, input.userName);
    store.users.update(user.id, renamedFields(USER_KIND, store, account, user, input.newPath, input.newUserName));
    return undefined;
  },
});

// ------------------------------------------------------------------ DeleteUser

export const deleteUser = defineOperation({
  name: 'DeleteUser',
  service: 'iam',
  action: 'iam:DeleteUser',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', existingUserNameRule);
    v.done();
    return { userName };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const { store } = call;
    const user = requireUser(store, accountOf(call), input.userName);
    // AWS refuses while anything still hangs off the user, checked in the order its docs list them
    // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_users_remove.html#id_users_deleting_cli).
    if (store.loginProfiles.get(user.id)) {
      throw awsErrors.deleteConflict('Cannot delete entity, must delete login profile first.');
    }
    if (store.accessKeys.listFor(user.accountId, user.id).length > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must delete access keys first.');
    }
    // ⚠ texts for these three are worded after the recorded ones.
    const other = store.userCredentials.countForUser(user.id);
    if (other['signing-certificate'] > 0) throw awsErrors.deleteConflict('Cannot delete entity, must delete signing certificates first.');
    if (other['ssh-public-key'] > 0) throw awsErrors.deleteConflict('Cannot delete entity, must delete SSH public keys first.');
    if (other['service-specific'] > 0) throw awsErrors.deleteConflict('Cannot delete entity, must delete service specific credentials first.');
    if (store.mfaDevices.forUser(user.id).length > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must delete MFA device first.');
    }
    if (store.inlinePolicies.count('user', user.id) > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must delete policies first.');
    }
    if (store.managedPolicies.countAttachedTo('user', user.id) > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
    }
    if (store.groups.countForUser(user.id) > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must remove users from group first.');
    }
    store.users.delete(user.id);
    return undefined;
  },
});
