// Owns what the user, group, access-key and MFA operations share: name rules, lookups with AWS's
// NoSuchEntity texts, the ARN each is authorized against, the User/Group response shapes
// (aws-protocol §6.2), "the caller itself" when UserName is omitted, renaming/moving (UpdateUser,
// UpdateGroup), and in-memory paging.
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { Group } from '../../store/repos/groups';
import type { User } from '../../store/repos/users';
import type { Store } from '../../store/store';
import { decodeMarker, pageOf, type Page } from '../../store/paging';
import type { AuthzCheck, Call } from '../types';
import { patterns } from '../validate';
import { accountOf, type PagingInput } from './common';

/** userNameType: CreateUser.UserName, UpdateUser.NewUserName (1–64). */
export const newUserNameRule = { required: true, min: 1, max: 64, pattern: patterns.name } as const;
/** existingUserNameType: every other UserName (1–128). */
export const existingUserNameRule = { required: true, min: 1, max: 128, pattern: patterns.name } as const;
export const optionalUserNameRule = { min: 1, max: 128, pattern: patterns.name } as const;
export const groupNameRule = { required: true, min: 1, max: 128, pattern: patterns.name } as const;
export const pathRule = { min: 1, max: 512, pattern: patterns.path } as const;

export function requireUser(store: Store, account: string, name: string): User {
  const user = store.users.getByName(account, name);
  if (!user) throw awsErrors.noSuchEntity(`The user with name ${name} cannot be found.`);
  return user;
}

export function requireGroup(store: Store, account: string, name: string): Group {
  const group = store.groups.getByName(account, name);
  if (!group) throw awsErrors.noSuchEntity(`The group with name ${name} cannot be found.`);
  return group;
}

/** The ARN a user name is authorized against: the real one (with path) if it exists. */
export function userResource(call: Call, name: string): string {
  const account = accountOf(call);
  return call.store.users.getByName(account, name)?.arn ?? arns.user(account, '/', name);
}

export function groupResource(call: Call, name: string): string {
  const account = accountOf(call);
  return call.store.groups.getByName(account, name)?.arn ?? arns.group(account, '/', name);
}

/** What UpdateUser and UpdateGroup need to know about their entity kind to rename or move one. */
export interface RenamableKind {
  /** `User`, `Group`: names the action (iam:UpdateUser) and the EntityAlreadyExists text. */
  title: 'User' | 'Group';
  find(store: Store, account: string, name: string): { id: string; name: string; path: string } | null;
  arn(account: string, path: string, name: string): string;
  /** The ARN the current name is authorized against. */
  resource(call: Call, name: string): string;
}

export const USER_KIND: RenamableKind = {
  title: 'User',
  find: (store, account, name) => store.users.getByName(account, name),
  arn: (account, path, name) => arns.user(account, path, name),
  resource: (call, name) => userResource(call, name),
};

export const GROUP_KIND: RenamableKind = {
  title: 'Group',
  find: (store, account, name) => store.groups.getByName(account, name),
  arn: (account, path, name) => arns.group(account, path, name),
  resource: (call, name) => groupResource(call, name),
};

/**
 * Renaming or moving needs permission on the source and the target ("To change a user name, the requester
 * must have appropriate permissions on both the source object and the target object",
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateUser.html, and likewise
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateGroup.html): the target ARN is a
 * further check when it differs from the source.
 */
export function renameChecks(kind: RenamableKind, call: Call, name: string, newPath?: string, newName?: string): AuthzCheck[] {
  if (newName === undefined && newPath === undefined) return [];
  const account = accountOf(call);
  const current = kind.find(call.store, account, name);
  const target = kind.arn(account, newPath ?? current?.path ?? '/', newName ?? current?.name ?? name);
  return target === kind.resource(call, name) ? [] : [{ action: `iam:Update${kind.title}`, resource: target }];
}

/** The entity's new name, path and ARN; EntityAlreadyExists when another entity has the new name. */
export function renamedFields(
  kind: RenamableKind,
  store: Store,
  account: string,
  entity: { id: string; name: string; path: string },
  newPath?: string,
  newName?: string,
): { name: string; path: string; arn: string } {
  const name = newName ?? entity.name;
  const path = newPath ?? entity.path;
  if (newName !== undefined) {
    const clash = kind.find(store, account, newName);
    if (clash && clash.id !== entity.id) throw awsErrors.entityAlreadyExists(`${kind.title} with name ${newName} already exists.`);
  }
  return { name, path, arn: kind.arn(account, path, name) };
}

/**
 * "If you do not specify a user name, IAM determines the user name implicitly based on the AWS access
 * key ID signing the request" (e.g. https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html).
 * That works for IAM users (also through their GetSessionToken credentials) and for the root user;
 * role sessions and federated users must name the user.
 */
export function requireUserCaller(call: Call): void {
  const p = call.principal;
  if (p.kind !== 'user' && p.kind !== 'root') throw awsErrors.validation('Must specify userName when calling with non-User credentials');
}

/** The caller as a subject when UserName is omitted: the IAM user, or null for the root user. */
export function callerUser(call: Call): User | null {
  requireUserCaller(call);
  const p = call.principal;
  return p.kind === 'user' ? (call.store.users.getById(p.user.id) ?? p.user) : null;
}

/** Resource ARN for an operation whose UserName may be omitted (then: the caller's own ARN). */
export function userOrCallerResource(call: Call, name: string | undefined): string {
  if (name !== undefined) return userResource(call, name);
  const p = call.principal;
  if (p.kind === 'user') return p.user.arn;
  return arns.root(accountOf(call));
}

/** The subject user of an operation with an optional UserName (null = the root user). */
export function subjectUser(call: Call, name: string | undefined): User | null {
  if (name !== undefined) return requireUser(call.store, accountOf(call), name);
  return callerUser(call);
}

/** Fields CreateUser returns: [PermissionsBoundary], [Tags] only when present. */
export function userCreateShape(store: Store, user: User, opts: { tags?: boolean } = {}): Record<string, unknown> {
  const tags = opts.tags ? store.tags.list('user', user.id) : [];
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: user.arn,
    CreateDate: new Date(user.createdAt),
    PermissionsBoundary: user.boundaryArn ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: user.boundaryArn } : undefined,
    Tags: tags.length > 0 ? tags : undefined,
  };
}

/** GetUser: + PasswordLastUsed when the password was used, boundary and tags when present. */
export function userGetShape(store: Store, user: User): Record<string, unknown> {
  const tags = store.tags.list('user', user.id);
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: user.arn,
    CreateDate: new Date(user.createdAt),
    PasswordLastUsed: user.passwordLastUsed ? new Date(user.passwordLastUsed) : undefined,
    PermissionsBoundary: user.boundaryArn ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: user.boundaryArn } : undefined,
    Tags: tags.length > 0 ? tags : undefined,
  };
}

/** ListUsers / GetGroup members / ListVirtualMFADevices' User: never Tags or PermissionsBoundary. */
export function userListShape(user: User): Record<string, unknown> {
  return {
    Path: user.path,
    UserName: user.name,
    UserId: user.id,
    Arn: user.arn,
    CreateDate: new Date(user.createdAt),
    PasswordLastUsed: user.passwordLastUsed ? new Date(user.passwordLastUsed) : undefined,
  };
}

export function groupShape(group: Group): Record<string, unknown> {
  return { Path: group.path, GroupName: group.name, GroupId: group.id, Arn: group.arn, CreateDate: new Date(group.createdAt) };
}

/** Marker/MaxItems over a short list already in memory (a user's ≤ 2 access keys). */
export function pageArray<T>(items: T[], keyOf: (t: T) => string, paging: PagingInput): Page<T> {
  const after = decodeMarker(paging.marker);
  const start = after === null ? 0 : items.findIndex((t) => keyOf(t) === after) + 1;
  return pageOf(items.slice(start, start + paging.maxItems + 1), paging.maxItems, keyOf);
}
