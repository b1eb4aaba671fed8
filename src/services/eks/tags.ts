// Owns EKS TagResource, UntagResource and ListTagsForResource on clusters and Pod Identity
// associations (tag keys case-sensitive, at most 50 per resource).
// https://docs.aws.amazon.com/eks/latest/APIReference/API_TagResource.html ; eks-using-tags.html.
import { parseArn } from '../../aws/arn';
import { awsError } from '../../aws/errors';
import type { TagResourceKind } from '../../store/repos/tags';
import type { Store } from '../../store/store';
import { defineOperation, type Params } from '../types';
import { requestTagKeys, resourceTagKeys, str, tagMap, tagsObject } from './common';

const badRequest = (m: string) => awsError('BadRequestException', m);
/** ⚠ AWS's text for a well-formed ARN that names nothing is not recorded. */
const notFound = (arn: string) => awsError('NotFoundException', `Resource ${arn} not found`);

/** The taggable EKS resource an ARN names, or BadRequestException / NotFoundException. */
function taggable(store: Store, arn: string): { kind: TagResourceKind } {
  const p = parseArn(arn);
  if (!p || p.service !== 'eks') throw badRequest(`${arn} is not a valid resource ARN`); // ⚠
  const [type, ...rest] = p.resource.split('/');
  if (type === 'cluster' && rest.length === 1) {
    if (!store.eksClusters.get(p.account, p.region, rest[0])) throw notFound(arn);
    return { kind: 'eks-cluster' };
  }
  if (type === 'podidentityassociation' && rest.length === 2) {
    if (!store.podIdentity.getByArn(arn)) throw notFound(arn);
    return { kind: 'eks-pod-identity-association' };
  }
  throw badRequest(`${arn} is not a taggable EKS resource`); // ⚠
}

const kindOf = (arn: string): TagResourceKind => (arn.includes(':podidentityassociation/') ? 'eks-pod-identity-association' : 'eks-cluster');
const arnInput = (params: Params) => str(params, 'resourceArn', { required: true })!;

export const tagResourceOp = defineOperation({
  name: 'TagResource',
  service: 'eks',
  http: { method: 'POST', path: '/tags/{resourceArn}' },
  action: 'eks:TagResource',
  mutating: true,
  input: (params) => ({ resourceArn: arnInput(params), tags: tagMap(params, 'tags', true)! }),
  resource: (input) => input.resourceArn,
  conditionKeys: (input, call) => ({ ...resourceTagKeys(call.store, kindOf(input.resourceArn), input.resourceArn), ...requestTagKeys(input.tags) }),
  handler(input, call) {
    const { kind } = taggable(call.store, input.resourceArn);
    const keys = new Set([...call.store.tags.list(kind, input.resourceArn).map((t) => t.Key), ...input.tags.map((t) => t.Key)]);
    if (keys.size > 50) throw badRequest('Resource cannot have more than 50 tags.'); // ⚠
    call.store.tags.put(kind, input.resourceArn, input.tags, false);
    return {};
  },
});

export const untagResourceOp = defineOperation({
  name: 'UntagResource',
  service: 'eks',
  http: { method: 'DELETE', path: '/tags/{resourceArn}', query: { tagKeys: 'tagKeys' }, queryLists: ['tagKeys'] },
  action: 'eks:UntagResource',
  mutating: true,
  input(params) {
    const tagKeys = params.tagKeys;
    if (!Array.isArray(tagKeys) || tagKeys.length === 0) throw badRequest("1 validation error detected: Value null at 'tagKeys' failed to satisfy constraint: Member must not be null");
    return { resourceArn: arnInput(params), tagKeys: tagKeys.map(String) };
  },
  resource: (input) => input.resourceArn,
  conditionKeys: (input, call) => ({ ...resourceTagKeys(call.store, kindOf(input.resourceArn), input.resourceArn), 'aws:TagKeys': input.tagKeys }),
  handler(input, call) {
    const { kind } = taggable(call.store, input.resourceArn);
    call.store.tags.remove(kind, input.resourceArn, input.tagKeys, false);
    return {};
  },
});

export const listTagsForResourceOp = defineOperation({
  name: 'ListTagsForResource',
  service: 'eks',
  http: { method: 'GET', path: '/tags/{resourceArn}' },
  action: 'eks:ListTagsForResource',
  mutating: false,
  input: (params) => ({ resourceArn: arnInput(params) }),
  resource: (input) => input.resourceArn,
  conditionKeys: (input, call) => resourceTagKeys(call.store, kindOf(input.resourceArn), input.resourceArn),
  handler(input, call) {
    const { kind } = taggable(call.store, input.resourceArn);
    return { tags: tagsObject(call.store.tags.list(kind, input.resourceArn)) };
  },
});
