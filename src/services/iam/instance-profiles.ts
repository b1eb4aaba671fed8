// Owns instance profile operations: Create/Get/List/DeleteInstanceProfile, AddRoleToInstanceProfile,
// RemoveRoleFromInstanceProfile, ListInstanceProfilesForRole. A profile holds at most one role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateInstanceProfile.html ; aws-protocol §6.2–6.3, §6.7, §6.9.
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { newUniqueId } from '../../aws/ids';
import type { InstanceProfile } from '../../store/repos/instance-profiles';
import type { Tag } from '../../store/repos/tags';
import type { Store } from '../../store/store';
import { defineOperation, type Call, type Params } from '../types';
import { pathRules, patterns, readTags, Validator } from '../validate';
import { accountOf, pageFields, readPathListing, readPaging, requireRole, roleCreateShape, roleNameRule, roleResource } from './common';
import { tagContext } from './roles';
import { checkTagKeys } from './tags';

export const INSTANCE_PROFILES_PER_ACCOUNT = 1000;
export const ROLES_PER_INSTANCE_PROFILE = 1;

const profileNameRule = { required: true, min: 1, max: 128, pattern: patterns.name } as const;

export function requireInstanceProfile(store: Store, account: string, name: string): InstanceProfile {
  const p = store.instanceProfiles.getByName(account, name);
  if (!p) throw awsErrors.noSuchEntity(`Instance Profile ${name} cannot be found.`);
  return p;
}

/** GetInstanceProfile / DeleteInstanceProfile. */
function profileNameInput(params: Params): { name: string } {
  const v = new Validator(params, 'iam');
  const name = v.string('InstanceProfileName', profileNameRule);
  v.done();
  return { name };
}

/** AddRoleToInstanceProfile / RemoveRoleFromInstanceProfile. */
function profileRoleInput(params: Params): { name: string; roleName: string } {
  const v = new Validator(params, 'iam');
  const name = v.string('InstanceProfileName', profileNameRule);
  const roleName = v.string('RoleName', roleNameRule);
  v.done();
  return { name, roleName };
}

/** The ARN a profile name is authorized against: the real one (with path) if it exists. */
function profileResource(call: Call, name: string): string {
  const account = accountOf(call);
  return call.store.instanceProfiles.getByName(account, name)?.arn ?? arns.instanceProfile(account, '/', name);
}

/**
 * The InstanceProfile shape; Roles carry the CreateRole fields (aws-protocol §6.2). CreateInstanceProfile
 * sends `<Roles/>` and no Tags; GetInstanceProfile sends `<Tags/>` always; the list operations never send
 * Tags ("this operation does not return tags, even though they are an attribute of the returned object",
 * API_ListInstanceProfiles.html).
 */
export function instanceProfileShape(store: Store, p: InstanceProfile, tags: 'none' | 'always' | 'present'): Record<string, unknown> {
  const roles = store.instanceProfiles.roleIds(p.id).map((id) => store.roles.getById(id)).filter((r) => r !== null);
  const t = tags === 'none' ? [] : store.tags.list('instance-profile', p.id);
  return {
    Path: p.path,
    InstanceProfileName: p.name,
    InstanceProfileId: p.id,
    Arn: p.arn,
    CreateDate: new Date(p.createdAt),
    Roles: roles.map((r) => roleCreateShape(store, r)),
    Tags: tags === 'always' ? t : tags === 'present' && t.length > 0 ? t : undefined,
  };
}

// ------------------------------------------------------------------ CreateInstanceProfile

export const createInstanceProfile = defineOperation({
  name: 'CreateInstanceProfile',
  service: 'iam',
  action: 'iam:CreateInstanceProfile',
  mutating: true,
  input(params): { name: string; path: string; tags?: Tag[] } {
    const v = new Validator(params, 'iam');
    const name = v.string('InstanceProfileName', profileNameRule);
    const path = v.string('Path', pathRules.path) ?? '/';
    const tags = readTags(v);
    v.done();
    return { name, path, tags };
  },
  resource: (input, call) => arns.instanceProfile(accountOf(call), input.path, input.name),
  conditionKeys: (input) => tagContext(input.tags),
  // Creating with tags also needs iam:TagInstanceProfile (id_tags_instance-profiles.html).
  extraChecks: (input, call) =>
    input.tags?.length ? [{ action: 'iam:TagInstanceProfile', resource: arns.instanceProfile(accountOf(call), input.path, input.name) }] : [],
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    if (input.tags) checkTagKeys(input.tags, false);
    if (store.instanceProfiles.getByName(account, input.name)) throw awsErrors.entityAlreadyExists(`Instance Profile ${input.name} already exists.`);
    const count = store.instanceProfiles.list(account, { maxItems: INSTANCE_PROFILES_PER_ACCOUNT }).items.length;
    if (count >= INSTANCE_PROFILES_PER_ACCOUNT) throw awsErrors.limitExceeded(`Cannot exceed quota for InstanceProfilesPerAccount: ${INSTANCE_PROFILES_PER_ACCOUNT}`);
    const p = store.instanceProfiles.create({
      id: newUniqueId(call.ids, 'AIPA'),
      accountId: account,
      name: input.name,
      path: input.path,
      arn: arns.instanceProfile(account, input.path, input.name),
      createdAt: call.now.toISOString(),
    });
    if (input.tags?.length) store.tags.put('instance-profile', p.id, input.tags, false);
    return { InstanceProfile: instanceProfileShape(store, p, 'none') };
  },
});

// ------------------------------------------------------------------ GetInstanceProfile

export const getInstanceProfile = defineOperation({
  name: 'GetInstanceProfile',
  service: 'iam',
  action: 'iam:GetInstanceProfile',
  mutating: false,
  input: profileNameInput,
  resource: (input, call) => profileResource(call, input.name),
  handler(input, call) {
    const p = requireInstanceProfile(call.store, accountOf(call), input.name);
    return { InstanceProfile: instanceProfileShape(call.store, p, 'always') };
  },
});

// ------------------------------------------------------------------ ListInstanceProfiles

export const listInstanceProfiles = defineOperation({
  name: 'ListInstanceProfiles',
  service: 'iam',
  action: 'iam:ListInstanceProfiles',
  mutating: false,
  input: readPathListing,
  // Like ListRoles: authorized against the path prefix (`arn:aws:iam::ACCT:instance-profile/`).
  resource: (input, call) => arns.instanceProfile(accountOf(call), input.pathPrefix ?? '/', ''),
  handler(input, call) {
    const page = call.store.instanceProfiles.list(accountOf(call), input);
    return { InstanceProfiles: page.items.map((p) => instanceProfileShape(call.store, p, 'none')), ...pageFields(page) };
  },
});

// ------------------------------------------------------------------ DeleteInstanceProfile

export const deleteInstanceProfile = defineOperation({
  name: 'DeleteInstanceProfile',
  service: 'iam',
  action: 'iam:DeleteInstanceProfile',
  mutating: true,
  input: profileNameInput,
  resource: (input, call) => profileResource(call, input.name),
  handler(input, call) {
    const p = requireInstanceProfile(call.store, accountOf(call), input.name);
    if (call.store.instanceProfiles.roleIds(p.id).length > 0) {
      throw awsErrors.deleteConflict('Cannot delete entity, must remove roles from instance profile first.');
    }
    call.store.instanceProfiles.delete(p.id);
    return undefined;
  },
});

// ------------------------------------------------------------------ Add/RemoveRole

export const addRoleToInstanceProfile = defineOperation({
  name: 'AddRoleToInstanceProfile',
  service: 'iam',
  action: 'iam:AddRoleToInstanceProfile',
  mutating: true,
  input: profileRoleInput,
  resource: (input, call) => profileResource(call, input.name),
  // Putting a role into a profile lets EC2 pass it: iam:PassRole on the role is needed as well
  // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html).
  extraChecks: (input, call) => [{ action: 'iam:PassRole', resource: roleResource(call, input.roleName) }],
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const p = requireInstanceProfile(store, account, input.name);
    const role = requireRole(store, account, input.roleName);
    const current = store.instanceProfiles.roleIds(p.id);
    if (current.includes(role.id)) throw awsErrors.limitExceeded(`Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${ROLES_PER_INSTANCE_PROFILE}`);
    if (current.length >= ROLES_PER_INSTANCE_PROFILE) {
      throw awsErrors.limitExceeded(`Cannot exceed quota for InstanceSessionsPerInstanceProfile: ${ROLES_PER_INSTANCE_PROFILE}`);
    }
    store.instanceProfiles.addRole(p.id, role.id);
    return undefined;
  },
});

export const removeRoleFromInstanceProfile = defineOperation({
  name: 'RemoveRoleFromInstanceProfile',
  service: 'iam',
  action: 'iam:RemoveRoleFromInstanceProfile',
  mutating: true,
  input: profileRoleInput,
  resource: (input, call) => profileResource(call, input.name),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const p = requireInstanceProfile(store, account, input.name);
    const role = requireRole(store, account, input.roleName);
    if (!store.instanceProfiles.roleIds(p.id).includes(role.id)) {
      // ⚠ text not captured from AWS.
      throw awsErrors.noSuchEntity(`The role with name ${role.name} cannot be found in instance profile ${p.name}.`);
    }
    store.instanceProfiles.removeRole(p.id, role.id);
    return undefined;
  },
});

// ------------------------------------------------------------------ ListInstanceProfilesForRole

export const listInstanceProfilesForRole = defineOperation({
  name: 'ListInstanceProfilesForRole',
  service: 'iam',
  action: 'iam:ListInstanceProfilesForRole',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const roleName = v.string('RoleName', roleNameRule);
    const paging = readPaging(v);
    v.done();
    return { roleName, ...paging };
  },
  resource: (input, call) => roleResource(call, input.roleName),
  handler(input, call) {
    const { store } = call;
    const role = requireRole(store, accountOf(call), input.roleName);
    const all = store.instanceProfiles.forRole(role.id);
    const start = input.marker === undefined ? 0 : startAfter(all, input.marker);
    const page = all.slice(start, start + input.maxItems);
    const next = start + page.length;
    return {
      InstanceProfiles: page.map((p) => instanceProfileShape(store, p, 'none')),
      ...pageFields(next < all.length ? { isTruncated: true, marker: Buffer.from(page[page.length - 1]!.name.toLowerCase()).toString('base64url') } : { isTruncated: false }),
    };
  },
});

function startAfter(all: InstanceProfile[], marker: string): number {
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw awsErrors.validation('Invalid Marker.');
  const after = Buffer.from(marker, 'base64url').toString('utf8');
  const i = all.findIndex((p) => p.name.toLowerCase() > after);
  return i < 0 ? all.length : i;
}

export const instanceProfileOperations = [
  createInstanceProfile,
  getInstanceProfile,
  listInstanceProfiles,
  deleteInstanceProfile,
  addRoleToInstanceProfile,
  removeRoleFromInstanceProfile,
  listInstanceProfilesForRole,
];
