// Owns GetAccountAuthorizationDetails: every user, group, role and managed policy of the account with
// their policies (documents percent-encoded, as IAM returns them), paged across all four lists.
// The reverse (loading this output as a seed) is src/store/seed-account-details.ts.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html
import { awsErrors } from '../../aws/errors';
import { encodePolicyDocument } from '../../aws/policy-encoding';
import type { PolicyOwnerKind } from '../../store/repos/inline-policies';
import type { ManagedPolicy } from '../../store/repos/managed-policies';
import { decodeMarker, encodeMarker } from '../../store/paging';
import type { Store } from '../../store/store';
import { defineOperation } from '../types';
import { Validator } from '../validate';
import { accountOf, readPaging } from './common';
import { instanceProfileShape } from './instance-profiles';

export const ENTITY_TYPES = ['User', 'Role', 'Group', 'LocalManagedPolicy', 'AWSManagedPolicy'] as const;
export type EntityType = (typeof ENTITY_TYPES)[number];

const ALL = 1_000_000;

function inlineList(store: Store, kind: PolicyOwnerKind, id: string): { PolicyName: string; PolicyDocument: string }[] {
  return store.inlinePolicies.all(kind, id).map((p) => ({ PolicyName: p.name, PolicyDocument: encodePolicyDocument(p.document) }));
}

function attachedList(store: Store, kind: PolicyOwnerKind, id: string): { PolicyName: string; PolicyArn: string }[] {
  return store.managedPolicies.attachedTo(kind, id).map((m) => ({ PolicyName: m.name, PolicyArn: m.arn }));
}

function boundary(arn: string | null): Record<string, unknown> | undefined {
  return arn ? { PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: arn } : undefined;
}

function policyDetail(store: Store, p: ManagedPolicy): Record<string, unknown> {
  return {
    PolicyName: p.name,
    PolicyId: p.id,
    Arn: p.arn,
    Path: p.path,
    DefaultVersionId: p.defaultVersionId,
    AttachmentCount: store.managedPolicies.attachmentCount(p.arn),
    PermissionsBoundaryUsageCount: store.managedPolicies.boundaryUsageCount(p.arn),
    IsAttachable: p.isAttachable,
    Description: p.description ?? undefined,
    CreateDate: new Date(p.createdAt),
    UpdateDate: new Date(p.updatedAt),
    PolicyVersionList: store.managedPolicies.versions(p.arn).map((v) => ({
      Document: encodePolicyDocument(v.document),
      VersionId: v.versionId,
      IsDefaultVersion: v.versionId === p.defaultVersionId,
      CreateDate: new Date(v.createdAt),
    })),
  };
}

type Item = { list: 'UserDetailList' | 'GroupDetailList' | 'RoleDetailList' | 'Policies'; detail: () => Record<string, unknown> };

/** Everything the filter selects, in AWS's order: users, groups, roles, then policies. */
export function authorizationDetailItems(store: Store, account: string, filter: readonly EntityType[]): Item[] {
  const want = new Set<EntityType>(filter.length > 0 ? filter : ENTITY_TYPES);
  const items: Item[] = [];
  const users = store.users.list(account, { maxItems: ALL }).items;
  const groups = store.groups.list(account, { maxItems: ALL }).items;
  const roles = store.roles.list(account, { maxItems: ALL }).items;
  if (want.has('User')) {
    for (const u of users) {
      items.push({
        list: 'UserDetailList',
        detail: () => {
          const inline = inlineList(store, 'user', u.id);
          return {
            Path: u.path,
            UserName: u.name,
            UserId: u.id,
            Arn: u.arn,
            CreateDate: new Date(u.createdAt),
            UserPolicyList: inline.length > 0 ? inline : undefined,
            GroupList: store.groups.groupsOfUser(u.id).map((g) => g.name),
            AttachedManagedPolicies: attachedList(store, 'user', u.id),
            PermissionsBoundary: boundary(u.boundaryArn),
            Tags: store.tags.list('user', u.id),
          };
        },
      });
    }
  }
  if (want.has('Group')) {
    for (const g of groups) {
      items.push({
        list: 'GroupDetailList',
        detail: () => ({
          Path: g.path,
          GroupName: g.name,
          GroupId: g.id,
          Arn: g.arn,
          CreateDate: new Date(g.createdAt),
          GroupPolicyList: inlineList(store, 'group', g.id),
          AttachedManagedPolicies: attachedList(store, 'group', g.id),
        }),
      });
    }
  }
  if (want.has('Role')) {
    for (const r of roles) {
      items.push({
        list: 'RoleDetailList',
        detail: () => ({
          Path: r.path,
          RoleName: r.name,
          RoleId: r.id,
          Arn: r.arn,
          CreateDate: new Date(r.createdAt),
          AssumeRolePolicyDocument: encodePolicyDocument(r.trustPolicy),
          InstanceProfileList: store.instanceProfiles.forRole(r.id).map((p) => instanceProfileShape(store, p, 'present')),
          RolePolicyList: inlineList(store, 'role', r.id),
          AttachedManagedPolicies: attachedList(store, 'role', r.id),
          PermissionsBoundary: boundary(r.boundaryArn),
          Tags: store.tags.list('role', r.id),
          RoleLastUsed: r.lastUsedAt ? { LastUsedDate: new Date(r.lastUsedAt), Region: r.lastUsedRegion ?? undefined } : {},
        }),
      });
    }
  }
  const policies: ManagedPolicy[] = [];
  if (want.has('LocalManagedPolicy')) {
    policies.push(...store.managedPolicies.list({ accountId: account, scope: 'Local', onlyAttached: false, maxItems: ALL }).items);
  }
  if (want.has('AWSManagedPolicy')) {
    // AWS managed policies in use in this account: attached to one of its identities or a boundary.
    const seen = new Map<string, ManagedPolicy>();
    const consider = (m: ManagedPolicy | null) => {
      if (m && m.awsManaged && !seen.has(m.arn)) seen.set(m.arn, m);
    };
    for (const u of users) {
      store.managedPolicies.attachedTo('user', u.id).forEach(consider);
      if (u.boundaryArn) consider(store.managedPolicies.get(u.boundaryArn));
    }
    for (const g of groups) store.managedPolicies.attachedTo('group', g.id).forEach(consider);
    for (const r of roles) {
      store.managedPolicies.attachedTo('role', r.id).forEach(consider);
      if (r.boundaryArn) consider(store.managedPolicies.get(r.boundaryArn));
    }
    policies.push(...[...seen.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));
  }
  for (const p of policies) items.push({ list: 'Policies', detail: () => policyDetail(store, p) });
  return items;
}

export const getAccountAuthorizationDetails = defineOperation({
  name: 'GetAccountAuthorizationDetails',
  service: 'iam',
  action: 'iam:GetAccountAuthorizationDetails',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const filter = v.stringList('Filter') ?? [];
    filter.forEach((f, i) => {
      if (!(ENTITY_TYPES as readonly string[]).includes(f)) {
        v.addClause(`Value at 'filter.${i + 1}.member' failed to satisfy constraint: Member must satisfy enum value set: [${ENTITY_TYPES.join(', ')}]`);
      }
    });
    const paging = readPaging(v);
    v.done();
    return { filter: filter as EntityType[], ...paging };
  },
  resource: () => '*',
  handler(input, call): Record<string, unknown> {
    const items = authorizationDetailItems(call.store, accountOf(call), input.filter);
    const startText = decodeMarker(input.marker);
    const start = startText === null ? 0 : Number(startText);
    if (!Number.isInteger(start) || start < 0 || start > items.length) throw awsErrors.validation('Invalid Marker.');
    const page = items.slice(start, start + input.maxItems);
    const out: Record<string, unknown[]> = { UserDetailList: [], GroupDetailList: [], RoleDetailList: [], Policies: [] };
    for (const it of page) out[it.list]!.push(it.detail());
    const next = start + page.length;
    return next < items.length ? { ...out, IsTruncated: true, Marker: encodeMarker(String(next)) } : { ...out, IsTruncated: false };
  },
});
