// Owns organizational units: CreateOrganizationalUnit, DescribeOrganizationalUnit,
// ListOrganizationalUnitsForParent, UpdateOrganizationalUnit, DeleteOrganizationalUnit.
// Quotas: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
// (1,000 OUs per organization; OUs nest at most five levels below the root).
import type { Tag } from '../../store/repos/tags';
import { defineOperation } from '../types';
import { callerOrg, delegableAuthz, findUnit, orgArns, ouResource, ouShape, parentResource, requireManagement } from './common';
import { orgErrors } from './errors';
import { idPatterns, OrgInput, page, parentIdRule } from './input';

export const MAX_OUS = 1000;
export const MAX_OU_DEPTH = 5;

export function orgTagContext(tags: Tag[] | undefined): Record<string, string | string[]> {
  if (!tags || tags.length === 0) return {};
  const ctx: Record<string, string | string[]> = {};
  for (const t of tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
  ctx['aws:TagKeys'] = tags.map((t) => t.Key);
  return ctx;
}


// ------------------------------------------------------------------ CreateOrganizationalUnit

interface CreateOuInput {
  parentId: string;
  name: string;
  tags?: Tag[];
  /** The random part of the new OU's id (`ou-<root>-<suffix>`), drawn up front so TagResource can be authorized on it. */
  suffix: string;
}

export const createOrganizationalUnit = defineOperation({
  name: 'CreateOrganizationalUnit',
  service: 'organizations',
  action: 'organizations:CreateOrganizationalUnit',
  mutating: true,
  input(params, call): CreateOuInput {
    const v = new OrgInput(params);
    const parentId = v.string('ParentId', parentIdRule);
    const name = v.string('Name', { required: true, min: 1, max: 128 });
    const tags = v.tags();
    return { parentId, name, tags, suffix: call.ids.base32(8).toLowerCase() };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: (input, call) => parentResource(call, input.parentId),
  conditionKeys: (input) => orgTagContext(input.tags),
  extraChecks(input, call) {
    // "If the request includes tags, then the requester must have the organizations:TagResource permission."
    if (!input.tags?.length) return [];
    const org = requireManagement(call);
    return [{ action: 'organizations:TagResource', resource: orgArns.ou(org, `ou-${org.rootId.slice(2)}-${input.suffix}`) }];
  },
  handler(input, call) {
    const { store } = call;
    const org = requireManagement(call);
    const parent = findUnit(store, org, input.parentId, orgErrors.parentNotFound);
    if (store.organizations.unitsUnder(parent.id).some((u) => u.name === input.name)) throw orgErrors.duplicateOu();
    let depth = 1;
    for (let p = parent; p.parentId !== null; p = store.organizations.unit(p.parentId)!) depth++;
    if (depth > MAX_OU_DEPTH) throw orgErrors.constraintViolation('OU_DEPTH_LIMIT_EXCEEDED');
    if (store.organizations.countUnits(org.id) >= MAX_OUS) throw orgErrors.constraintViolation('OU_NUMBER_LIMIT_EXCEEDED');
    // New OUs get FullAWSAccess (and RCPFullAWSAccess when RCPs are enabled), as in AWS.
    const ou = store.organizations.createUnit({ id: `ou-${org.rootId.slice(2)}-${input.suffix}`, orgId: org.id, parentId: parent.id, name: input.name });
    if (input.tags?.length) store.tags.put('org-unit', ou.id, input.tags, false);
    return { OrganizationalUnit: ouShape(org, ou) };
  },
});

// ------------------------------------------------------------------ DescribeOrganizationalUnit

const ouIdInput = (params: Record<string, unknown>) => ({
  ouId: new OrgInput(params).string('OrganizationalUnitId', { required: true, max: 68, pattern: idPatterns.ouId }),
});

export const describeOrganizationalUnit = defineOperation({
  name: 'DescribeOrganizationalUnit',
  service: 'organizations',
  action: 'organizations:DescribeOrganizationalUnit',
  mutating: false,
  input: ouIdInput,
  ...delegableAuthz('read'),
  resource: (input, call) => ouResource(call, input.ouId),
  handler(input, call) {
    const org = callerOrg(call);
    return { OrganizationalUnit: ouShape(org, findUnit(call.store, org, input.ouId, orgErrors.ouNotFound)) };
  },
});

// ------------------------------------------------------------------ ListOrganizationalUnitsForParent

export const listOrganizationalUnitsForParent = defineOperation({
  name: 'ListOrganizationalUnitsForParent',
  service: 'organizations',
  action: 'organizations:ListOrganizationalUnitsForParent',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    const parentId = v.string('ParentId', parentIdRule);
    return { parentId, paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource: (input, call) => parentResource(call, input.parentId),
  handler(input, call) {
    const org = callerOrg(call);
    const parent = findUnit(call.store, org, input.parentId, orgErrors.parentNotFound);
    const { items, nextToken } = page(call.store.organizations.unitsUnder(parent.id), input.paging);
    return { OrganizationalUnits: items.map((u) => ouShape(org, u)), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ UpdateOrganizationalUnit

export const updateOrganizationalUnit = defineOperation({
  name: 'UpdateOrganizationalUnit',
  service: 'organizations',
  action: 'organizations:UpdateOrganizationalUnit',
  mutating: true,
  input(params) {
    const v = new OrgInput(params);
    const ouId = v.string('OrganizationalUnitId', { required: true, max: 68, pattern: idPatterns.ouId });
    const name = v.string('Name', { min: 1, max: 128 });
    return { ouId, name };
  },
  guard: (_input, call) => void requireManagement(call),
  resource: (input, call) => ouResource(call, input.ouId),
  handler(input, call) {
    const org = requireManagement(call);
    const ou = findUnit(call.store, org, input.ouId, orgErrors.ouNotFound);
    if (input.name !== undefined && input.name !== ou.name) {
      if (call.store.organizations.unitsUnder(ou.parentId!).some((u) => u.name === input.name)) throw orgErrors.duplicateOu();
      call.store.organizations.renameUnit(ou.id, input.name);
    }
    return { OrganizationalUnit: ouShape(org, call.store.organizations.unit(ou.id)!) };
  },
});

// ------------------------------------------------------------------ DeleteOrganizationalUnit

export const deleteOrganizationalUnit = defineOperation({
  name: 'DeleteOrganizationalUnit',
  service: 'organizations',
  action: 'organizations:DeleteOrganizationalUnit',
  mutating: true,
  input: ouIdInput,
  guard: (_input, call) => void requireManagement(call),
  resource: (input, call) => ouResource(call, input.ouId),
  handler(input, call) {
    const { store } = call;
    const org = requireManagement(call);
    const ou = findUnit(store, org, input.ouId, orgErrors.ouNotFound);
    if (store.organizations.unitsUnder(ou.id).length > 0 || store.organizations.accounts(org.id, ou.id).length > 0) throw orgErrors.ouNotEmpty();
    store.organizations.deleteUnit(ou.id);
    store.tags.removeAll('org-unit', ou.id);
    return undefined;
  },
});


