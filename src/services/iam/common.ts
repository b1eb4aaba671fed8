// Owns what IAM handlers share: the caller's account, entity lookups with AWS's NoSuchEntity texts,
// the Role response shapes (which fields each operation returns, aws-protocol §6.2), paging input.
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { encodePolicyDocument } from '../../aws/policy-encoding';
import type { Role } from '../../store/repos/roles';
import type { Store } from '../../store/store';
import type { Call, Params } from '../types';
import { DEFAULT_MAX_ITEMS, pathRules, patterns, Validator } from '../validate';

/** IAM is account-scoped: every operation acts in the caller's account. */
export function accountOf(call: Call): string {
  const id = call.principal.accountId;
  if (!id) throw awsErrors.missingAuthenticationToken();
  return id;
}

/** The ARN a role name is authorized against: the real one (with path) if it exists. */
export function roleResource(call: Call, name: string): string {
  const account = accountOf(call);
  return call.store.roles.getByName(account, name)?.arn ?? arns.role(account, '/', name);
}

export function requireRole(store: Store, account: string, name: string): Role {
  const role = store.roles.getByName(account, name);
  if (!role) throw awsErrors.noSuchEntity(`The role with name ${name} cannot be found.`);
  return role;
}

/** Service-linked roles are AWS's to change. */
export function requireModifiableRole(role: { name: string; serviceLinked: boolean }): void {
  if (role.serviceLinked) throw awsErrors.unmodifiableEntity(`Cannot perform the operation on the protected role '${role.name}' - this role is only modifiable by AWS`);
}

/** Fields CreateRole returns (and roles inside instance profiles). */
export function roleCreateShape(store: Store, role: Role, opts: { tags?: boolean } = {}): Record<string, unknown> {
  const tags = opts.tags ? store.tags.list('role', role.id) : [];
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodePolicyDocument(role.trustPolicy),
    PermissionsBoundary: role.boundaryArn ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: role.boundaryArn } : undefined,
    Tags: tags.length > 0 ? tags : undefined,
  };
}

/** GetRole: + Description, MaxSessionDuration (always), RoleLastUsed (`<RoleLastUsed/>` when unused), Tags if any. */
export function roleGetShape(store: Store, role: Role): Record<string, unknown> {
  return {
    ...roleCreateShape(store, role, { tags: true }),
    Description: role.description ?? undefined,
    MaxSessionDuration: role.maxSessionDuration,
    RoleLastUsed: role.lastUsedAt ? { LastUsedDate: new Date(role.lastUsedAt), Region: role.lastUsedRegion ?? undefined } : {},
  };
}

/** ListRoles: + Description, MaxSessionDuration; never Tags/PermissionsBoundary/RoleLastUsed. */
export function roleListShape(role: Role): Record<string, unknown> {
  return {
    Path: role.path,
    RoleName: role.name,
    RoleId: role.id,
    Arn: role.arn,
    CreateDate: new Date(role.createdAt),
    AssumeRolePolicyDocument: encodePolicyDocument(role.trustPolicy),
    Description: role.description ?? undefined,
    MaxSessionDuration: role.maxSessionDuration,
  };
}

export interface PagingInput {
  marker?: string;
  maxItems: number;
}

export function readPaging(v: Validator): PagingInput {
  const marker = v.string('Marker', { min: 1, max: 320, pattern: patterns.marker });
  const maxItems = v.int('MaxItems', { min: 1, max: 1000 }) ?? DEFAULT_MAX_ITEMS;
  return { marker, maxItems };
}

export interface PathListingInput extends PagingInput {
  pathPrefix?: string;
}

/** ListRoles, ListUsers, ListGroups, ListInstanceProfiles: PathPrefix and paging, nothing else. */
export function readPathListing(params: Params): PathListingInput {
  const v = new Validator(params, 'iam');
  const pathPrefix = v.string('PathPrefix', pathRules.pathPrefix);
  const paging = readPaging(v);
  v.done();
  return { pathPrefix, ...paging };
}

/** IsTruncated always; Marker only when truncated (SDK v3 paginators loop while Marker is present). */
export function pageFields(page: { isTruncated: boolean; marker?: string }): { IsTruncated: boolean; Marker?: string } {
  return page.isTruncated ? { IsTruncated: true, Marker: page.marker } : { IsTruncated: false };
}

export const roleNameRule = { required: true, min: 1, max: 64, pattern: patterns.name } as const;

/** Operations whose only parameter is RoleName (GetRole, DeleteRole, DeleteRolePermissionsBoundary). */
export function roleNameInput(params: Params): { roleName: string } {
  const v = new Validator(params, 'iam');
  const roleName = v.string('RoleName', roleNameRule);
  v.done();
  return { roleName };
}
export const policyNameRule = { required: true, min: 1, max: 128, pattern: patterns.name } as const;
export const policyDocumentRule = { required: true, min: 1, max: 131072, pattern: patterns.policyDocument } as const;

/** Operations without input members (EnableOutboundWebIdentityFederation, ListOrganizationsFeatures, …). */
export function noInput(params: Params): Record<string, never> {
  new Validator(params, 'iam').done();
  return {};
}
