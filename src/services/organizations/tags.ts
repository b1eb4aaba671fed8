// Owns tagging of Organizations resources: TagResource, UntagResource, ListTagsForResource on
// accounts, roots, OUs, customer policies, the resource policy (rp-…) and responsibility transfers
// (rt-…). Keys are case-sensitive; at most 50 tags per resource
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
// Authorized against the resource's ARN with aws:RequestTag/K, aws:TagKeys (and aws:ResourceTag/K from
// the stored tags); management account only.
import type { RequestContext } from '../../policy/types';
import type { Tag, TagResourceKind } from '../../store/repos/tags';
import { OrganizationsRepo } from '../../store/repos/organizations';
import { defineOperation, type Call } from '../types';
import { delegableAuthz, findAccount, findUnit, orgArns, policyArn, requireManagement } from './common';
import { orgErrors } from './errors';
import { OrgInput, page } from './input';
import { orgTagContext } from './units';

export const MAX_TAGS = 50;

/** The model's TaggableResourceId. */
const RESOURCE_ID_RULE = {
  required: true,
  max: 130,
  pattern: /^(r-[0-9a-z]{4,32}|\d{12}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|p-[0-9a-zA-Z_]{8,128}|rp-[0-9a-zA-Z_]{4,128}|rt-[0-9a-zA-Z_]{8,32})$/,
} as const;

interface Taggable {
  kind: TagResourceKind;
  id: string;
  arn: string;
}

/** The resource named by ResourceId in the caller's organization, or TargetNotFoundException. */
export function taggable(call: Call, resourceId: string): Taggable {
  const { store } = call;
  const org = requireManagement(call);
  const notFound = orgErrors.targetNotFound;
  if (/^\d{12}$/.test(resourceId)) return { kind: 'org-account', id: findAccount(store, org, resourceId, notFound).accountId, arn: orgArns.account(org, resourceId) };
  if (resourceId.startsWith('r-') || resourceId.startsWith('ou-')) {
    const u = findUnit(store, org, resourceId, notFound);
    return { kind: 'org-unit', id: u.id, arn: orgArns.unit(org, u) };
  }
  if (resourceId.startsWith('p-')) {
    const p = store.organizations.policy(store.organizations.storedPolicyId(org.id, resourceId));
    // ⚠ AWS-managed policies are shared by every organization and carry no tags of one.
    if (!p || p.orgId !== org.id || p.awsManaged) throw notFound();
    return { kind: 'org-policy', id: OrganizationsRepo.publicPolicyId(p.id), arn: policyArn(org, p) };
  }
  if (resourceId.startsWith('rp-')) {
    const rp = store.orgSettings.resourcePolicy(org.id);
    if (!rp || rp.id !== resourceId) throw notFound();
    return { kind: 'org-resource-policy', id: rp.id, arn: orgArns.resourcePolicy(org, rp.id) };
  }
  const t = store.orgHandshakes.transfer(resourceId);
  if (!t || (t.targetAccount !== call.principal.accountId && t.sourceAccount !== call.principal.accountId)) throw notFound();
  return { kind: 'org-transfer', id: t.id, arn: transferArn(call.principal.accountId!, org.id, t.id, t.targetAccount === call.principal.accountId ? 'inbound' : 'outbound') };
}


export function transferArn(accountId: string, orgId: string, id: string, direction: 'inbound' | 'outbound'): string {
  return `arn:aws:organizations::${accountId}:transfer/${orgId}/billing/${direction}/${id}`;
}

/** Adds tags to a resource (overwriting values of existing keys) within the 50-tag quota. */
export function putTags(call: Call, target: { kind: TagResourceKind; id: string }, tags: Tag[]): void {
  const existing = new Set(call.store.tags.list(target.kind, target.id).map((t) => t.Key));
  const added = tags.filter((t) => !existing.has(t.Key)).length;
  if (existing.size + added > MAX_TAGS) throw orgErrors.constraintViolation('MAX_TAG_LIMIT_EXCEEDED');
  call.store.tags.put(target.kind, target.id, tags, false);
}

/** Tag keys with the `aws:` prefix are reserved for AWS. */
function refuseSystemKeys(keys: string[]): void {
  if (keys.some((k) => k.toLowerCase().startsWith('aws:'))) throw orgErrors.invalidInput('INVALID_SYSTEM_TAGS_PARAMETER');
}

export const tagResource = defineOperation({
  name: 'TagResource',
  service: 'organizations',
  action: 'organizations:TagResource',
  mutating: true,
  input(params) {
    const v = new OrgInput(params);
    const resourceId = v.string('ResourceId', RESOURCE_ID_RULE);
    const tags = v.tags();
    if (!tags) throw orgErrors.invalidInput('INPUT_REQUIRED');
    refuseSystemKeys(tags.map((t) => t.Key));
    return { resourceId, tags };
  },
  ...delegableAuthz('write'),
  resource: (input, call) => taggable(call, input.resourceId).arn,
  conditionKeys: (input) => orgTagContext(input.tags),
  handler(input, call) {
    putTags(call, taggable(call, input.resourceId), input.tags);
    return undefined;
  },
});

export const untagResource = defineOperation({
  name: 'UntagResource',
  service: 'organizations',
  action: 'organizations:UntagResource',
  mutating: true,
  input(params) {
    const v = new OrgInput(params);
    const resourceId = v.string('ResourceId', RESOURCE_ID_RULE);
    const raw = params.TagKeys;
    if (raw === undefined || raw === null) throw orgErrors.invalidInput('INPUT_REQUIRED');
    if (!Array.isArray(raw)) throw orgErrors.invalidInput('INVALID_LIST_MEMBER');
    const keys = raw.map((k, i) => new OrgInput({ [i]: k }).string(String(i), { required: true, min: 1, max: 128, pattern: /^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$/u }));
    refuseSystemKeys(keys);
    return { resourceId, keys };
  },
  ...delegableAuthz('write'),
  resource: (input, call) => taggable(call, input.resourceId).arn,
  conditionKeys: (input): RequestContext => (input.keys.length ? { 'aws:TagKeys': input.keys } : {}),
  handler(input, call) {
    const t = taggable(call, input.resourceId);
    call.store.tags.remove(t.kind, t.id, input.keys, false);
    return undefined;
  },
});

export const listTagsForResource = defineOperation({
  name: 'ListTagsForResource',
  service: 'organizations',
  action: 'organizations:ListTagsForResource',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    const resourceId = v.string('ResourceId', RESOURCE_ID_RULE);
    // ListTagsForResource has NextToken but no MaxResults; a page holds every tag (≤ 50).
    const paging = v.paging();
    return { resourceId, paging: { offset: paging.offset, maxResults: MAX_TAGS } };
  },
  ...delegableAuthz('read'),
  resource: (input, call) => taggable(call, input.resourceId).arn,
  handler(input, call) {
    const t = taggable(call, input.resourceId);
    const { items, nextToken } = page(call.store.tags.list(t.kind, t.id), input.paging);
    return { Tags: items, NextToken: nextToken };
  },
});
