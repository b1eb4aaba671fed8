// Owns IAM group operations and membership: CreateGroup, GetGroup, ListGroups, UpdateGroup, DeleteGroup,
// AddUserToGroup, RemoveUserFromGroup, ListGroupsForUser. Shapes and messages: aws-protocol §6.2–6.3, §6.7, §6.9.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateGroup.html
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { newUniqueId } from '../../aws/ids';
import { defineOperation } from '../types';
import { pathRules, Validator } from '../validate';
import { accountOf, pageFields, readPathListing, readPaging } from './common';
import {
  existingUserNameRule,
  GROUP_KIND,
  groupNameRule,
  groupResource,
  groupShape,
  pathRule,
  renameChecks,
  renamedFields,
  requireGroup,
  requireUser,
  userListShape,
  userResource,
} from './user-common';

/** Groups per account and groups per user (aws-protocol §6.9). */
export const GROUPS_PER_ACCOUNT = 300;
export const GROUPS_PER_USER = 10;

// ------------------------------------------------------------------ CreateGroup

export const createGroup = defineOperation({
  name: 'CreateGroup',
  service: 'iam',
  action: 'iam:CreateGroup',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const path = v.string('Path', pathRules.path) ?? '/';
    const groupName = v.string('GroupName', groupNameRule);
    v.done();
    return { path, groupName };
  },
  resource: (input, call) => arns.group(accountOf(call), input.path, input.groupName),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    if (store.groups.getByName(account, input.groupName)) {
      throw awsErrors.entityAlreadyExists(`Group with name ${input.groupName} already exists.`);
    }
    if (store.groups.count(account) >= GROUPS_PER_ACCOUNT) throw awsErrors.limitExceeded(`Cannot exceed quota for GroupsPerAccount: ${GROUPS_PER_ACCOUNT}`);
    const group = store.groups.create({
      id: newUniqueId(call.ids, 'AGPA'),
      accountId: account,
      name: input.groupName,
      path: input.path,
      arn: arns.group(account, input.path, input.groupName),
      createdAt: call.now.toISOString(),
    });
    return { Group: groupShape(group) };
  },
});

// ------------------------------------------------------------------ GetGroup

export const getGroup = defineOperation({
  name: 'GetGroup',
  service: 'iam',
  action: 'iam:GetGroup',
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
    const { store } = call;
    const group = requireGroup(store, accountOf(call), input.groupName);
    const page = store.groups.membersPage(group.id, input);
    const users = page.items.map((id) => store.users.getById(id)).filter((u) => u !== null);
    // Users is required: `<Users/>` for an empty group.
    return { Group: groupShape(group), Users: users.map(userListShape), ...pageFields(page) };
  },
});

// ------------------------------------------------------------------ ListGroups

export const listGroups = defineOperation({
  name: 'ListGroups',
  service: 'iam',
  action: 'iam:ListGroups',
  mutating: false,
  input: readPathListing,
  // Like ListRoles: authorized against `arn:aws:iam::ACCT:group{PathPrefix}` (no name) ⚠.
  resource: (input, call) => arns.group(accountOf(call), input.pathPrefix ?? '/', ''),
  handler(input, call) {
    const page = call.store.groups.list(accountOf(call), input);
    return { Groups: page.items.map(groupShape), ...pageFields(page) };
  },
});

// ------------------------------------------------------------------ UpdateGroup

export const updateGroup = defineOperation({
  name: 'UpdateGroup',
  service: 'iam',
  action: 'iam:UpdateGroup',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const groupName = v.string('GroupName', groupNameRule);
    const newPath = v.string('NewPath', pathRule);
    const newGroupName = v.string('NewGroupName', { ...groupNameRule, required: false });
    v.done();
    return { groupName, newPath, newGroupName };
  },
  resource: (input, call) => groupResource(call, input.groupName),
  extraChecks: (input, call) => renameChecks(GROUP_KIND, call, input.groupName, input.newPath, input.newGroupName),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const group = requireGroup(store, account, input.groupName);
    store.groups.update(group.id, renamedFields(GROUP_KIND, store, account, group, input.newPath, input.newGroupName));
    return undefined;
  },
});

// ------------------------------------------------------------------ DeleteGroup

export const deleteGroup = defineOperation({
  name: 'DeleteGroup',
  service: 'iam',
  action: 'iam:DeleteGroup',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const groupName = v.string('GroupName', groupNameRule);
    v.done();
    return { groupName };
  },
  resource: (input, call) => groupResource(call, input.groupName),
  handler(input, call) {
    const { store } = call;
    const group = requireGroup(store, accountOf(call), input.groupName);
    // https://docs.aws.amazon.com/IAM/latest/UserGuide/id_groups_manage_delete.html: members, inline and
    // attached policies must go first.
    if (store.groups.memberCount(group.id) > 0) throw awsErrors.deleteConflict('Cannot delete entity, must remove users from group first.');
    if (store.inlinePolicies.count('group', group.id) > 0) throw awsErrors.deleteConflict('Cannot delete entity, must delete policies first.');
    if (store.managedPolicies.countAttachedTo('group', group.id) > 0) throw awsErrors.deleteConflict('Cannot delete entity, must detach all policies first.');
    store.groups.delete(group.id);
    return undefined;
  },
});

// ------------------------------------------------------------------ membership

function membershipInput(params: Record<string, unknown>) {
  const v = new Validator(params, 'iam');
  const groupName = v.string('GroupName', groupNameRule);
  const userName = v.string('UserName', existingUserNameRule);
  v.done();
  return { groupName, userName };
}

export const addUserToGroup = defineOperation({
  name: 'AddUserToGroup',
  service: 'iam',
  action: 'iam:AddUserToGroup',
  mutating: true,
  input: membershipInput,
  resource: (input, call) => groupResource(call, input.groupName),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const group = requireGroup(store, account, input.groupName);
    const user = requireUser(store, account, input.userName);
    // Adding a member twice succeeds and changes nothing.
    if (store.groups.isMember(group.id, user.id)) return undefined;
    if (store.groups.countForUser(user.id) >= GROUPS_PER_USER) throw awsErrors.limitExceeded(`Cannot exceed quota for GroupsPerUser: ${GROUPS_PER_USER}`);
    store.groups.addMember(group.id, user.id, call.now.toISOString());
    return undefined;
  },
});

export const removeUserFromGroup = defineOperation({
  name: 'RemoveUserFromGroup',
  service: 'iam',
  action: 'iam:RemoveUserFromGroup',
  mutating: true,
  input: membershipInput,
  resource: (input, call) => groupResource(call, input.groupName),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const group = requireGroup(store, account, input.groupName);
    const user = requireUser(store, account, input.userName);
    // Removing a user who is not a member succeeds, as AWS does: "in both the cases [already a
    // member / not a member], there's no error returned. I tried both the cases using the policy and
    // cli" (cloud-custodian/cloud-custodian#4730, against AWS). Not documented on the API page.
    store.groups.removeMember(group.id, user.id);
    return undefined;
  },
});

export const listGroupsForUser = defineOperation({
  name: 'ListGroupsForUser',
  service: 'iam',
  action: 'iam:ListGroupsForUser',
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
    const page = call.store.groups.groupsOfUserPage(user.id, input);
    return { Groups: page.items.map(groupShape), ...pageFields(page) };
  },
});
