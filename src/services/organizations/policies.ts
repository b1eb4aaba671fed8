// Owns SCPs and RCPs: CreatePolicy, DescribePolicy, UpdatePolicy, DeletePolicy, ListPolicies,
// ListPoliciesForTarget, ListTargetsForPolicy, AttachPolicy, DetachPolicy. Content is checked with the
// evaluator's validator (kind 'scp' / 'rcp'); a change takes effect on the next request, as in AWS.
// Quotas: https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html
// (5,120 characters per SCP/RCP including white space; 5 SCPs and 5 RCPs per target; 1,000 per type).
import { orgIds } from '../../aws/ids';
import { validatePolicyDocument } from '../../policy/index';
import { PolicyValidationError } from '../../policy/types';
import { OrganizationsRepo, RCP_FULL_AWS_ACCESS_ID, type OrgPolicy, type OrgPolicyType, type Organization } from '../../store/repos/organizations';
import type { Tag } from '../../store/repos/tags';
import type { Store } from '../../store/store';
import { defineOperation, type Call, type Operation } from '../types';
import { callerOrg, type Delegable, delegableAuthz, findPolicy, findTarget, isSupportedType, orgArns, policyArn, policySummary, policyTypeKey, policyTypesOf, requireManagement, targetSummary } from './common';
import { orgErrors } from './errors';
import { idPatterns, OrgInput, page, type AnyPolicyType, type PagingInput } from './input';
import { ManagementPolicySyntaxError, validateManagementPolicy } from './effective';
import { orgTagContext } from './units';

export const MAX_POLICY_CHARS = 5120;
export const MAX_ATTACHED_PER_TARGET = 5;
export const MAX_POLICIES_PER_TYPE = 1000;

const policyIdRule = { required: true, max: 130, pattern: idPatterns.policyId } as const;
const targetIdRule = { required: true, max: 100, pattern: idPatterns.targetId, patternReason: 'INVALID_PATTERN_TARGET_ID' } as const;

/**
 * Size limits per type ("Maximum size of a policy document"): SCPs and RCPs 5,120 characters; tag,
 * backup and the other management policies 10,000; AI services opt-out policies 2,500 (⚠ the newer
 * types' limits are taken as 10,000).
 */
export function maxPolicyChars(type: OrgPolicyType): number {
  if (type === 'SERVICE_CONTROL_POLICY' || type === 'RESOURCE_CONTROL_POLICY') return MAX_POLICY_CHARS;
  return type === 'AISERVICES_OPT_OUT_POLICY' ? 2500 : 10_000;
}

/** Attachments of one type per root, OU or account: 5 SCPs, 5 RCPs; ⚠ 10 of each management type. */
export function maxAttached(type: OrgPolicyType): number {
  return type === 'SERVICE_CONTROL_POLICY' || type === 'RESOURCE_CONTROL_POLICY' ? MAX_ATTACHED_PER_TARGET : 10;
}

/**
 * Grammar (MalformedPolicyDocumentException, whose text never says what is wrong) and size. SCPs and
 * RCPs are IAM policy documents; the management types use the inheritance-operator syntax.
 */
function checkContent(type: OrgPolicyType, content: string): void {
  try {
    if (type === 'SERVICE_CONTROL_POLICY' || type === 'RESOURCE_CONTROL_POLICY') validatePolicyDocument(content, type === 'SERVICE_CONTROL_POLICY' ? 'scp' : 'rcp');
    else validateManagementPolicy(content);
  } catch (e) {
    if (e instanceof PolicyValidationError || e instanceof ManagementPolicySyntaxError) throw orgErrors.malformedPolicy();
    throw e;
  }
  if (content.length > maxPolicyChars(type)) throw orgErrors.constraintViolation('POLICY_CONTENT_LIMIT_EXCEEDED');
}

function policyShape(org: Organization, p: OrgPolicy): Record<string, unknown> {
  return { Policy: { PolicySummary: policySummary(org, p), Content: p.content } };
}

/** The policy named by PolicyId (read in resource/handler alike). */
function policyOf(call: Call, policyId: string): { org: Organization; policy: OrgPolicy } {
  const org = callerOrg(call);
  return { org, policy: findPolicy(call.store, org, policyId) };
}

/**
 * Operations on one existing policy: the management account or a delegated administrator (see
 * delegableAuthz), authorized against the policy's ARN with organizations:PolicyType = its type.
 */
function onePolicyAuthz<I extends { policyId: string } = { policyId: string }>(kind: Delegable): Pick<Operation<I>, 'guard' | 'resourceAccount' | 'resourcePolicy' | 'resource' | 'conditionKeys'> {
  return {
    ...delegableAuthz(kind),
    resource(input, call) {
      const { org, policy } = policyOf(call, input.policyId);
      return policyArn(org, policy);
    },
    conditionKeys: (input, call) => policyTypeKey(policyOf(call, input.policyId).policy.type),
  };
}

function isEnabled(org: Organization, type: OrgPolicyType): boolean {
  return policyTypesOf(org).some((t) => t.Type === type);
}

function deleteTags(store: Store, policyId: string): void {
  store.tags.removeAll('org-policy', policyId);
}

// ------------------------------------------------------------------ CreatePolicy

interface CreatePolicyInput {
  content: string;
  description: string;
  name: string;
  type: AnyPolicyType;
  tags?: Tag[];
  /** Drawn up front so the new policy's ARN can be authorized. */
  id: string;
}

export const createPolicy = defineOperation({
  name: 'CreatePolicy',
  service: 'organizations',
  action: 'organizations:CreatePolicy',
  mutating: true,
  input(params, call): CreatePolicyInput {
    const v = new OrgInput(params);
    const content = v.string('Content', { required: true, min: 1, max: 1_000_000 });
    const description = v.string('Description', { required: true, max: 512 });
    const name = v.string('Name', { required: true, min: 1, max: 128 });
    const type = v.policyType('Type', true);
    const tags = v.tags();
    return { content, description, name, type, tags, id: orgIds.policy(call.ids) };
  },
  ...delegableAuthz('write'),
  resource(input, call) {
    const org = callerOrg(call);
    return `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${input.type.toLowerCase()}/${input.id}`;
  },
  conditionKeys: (input) => ({ ...policyTypeKey(input.type), ...orgTagContext(input.tags) }),
  extraChecks(input, call) {
    if (!input.tags?.length) return [];
    const org = callerOrg(call);
    return [{ action: 'organizations:TagResource', resource: `arn:aws:organizations::${org.managementAccountId}:policy/${org.id}/${input.type.toLowerCase()}/${input.id}` }];
  },
  handler(input, call) {
    const { store } = call;
    const org = callerOrg(call);
    if (!isSupportedType(input.type)) throw orgErrors.policyTypeNotAvailable();
    checkContent(input.type, input.content);
    if (store.organizations.policyByName(org.id, input.type, input.name)) throw orgErrors.duplicatePolicy();
    if (store.organizations.countPolicies(org.id, input.type) >= MAX_POLICIES_PER_TYPE) throw orgErrors.constraintViolation('POLICY_NUMBER_LIMIT_EXCEEDED');
    const p = store.organizations.createPolicy({
      id: input.id, orgId: org.id, type: input.type, name: input.name, description: input.description, content: input.content, updatedAt: call.now.toISOString(),
    });
    if (input.tags?.length) store.tags.put('org-policy', p.id, input.tags, false);
    return policyShape(org, p);
  },
});

// ------------------------------------------------------------------ DescribePolicy

export const describePolicy = defineOperation({
  name: 'DescribePolicy',
  service: 'organizations',
  action: 'organizations:DescribePolicy',
  mutating: false,
  input: (params) => ({ policyId: new OrgInput(params).string('PolicyId', policyIdRule) }),
  ...onePolicyAuthz('read'),
  handler(input, call) {
    const { org, policy } = policyOf(call, input.policyId);
    return policyShape(org, policy);
  },
});

// ------------------------------------------------------------------ UpdatePolicy

interface UpdatePolicyInput {
  policyId: string;
  name?: string;
  description?: string;
  content?: string;
}

export const updatePolicy = defineOperation({
  name: 'UpdatePolicy',
  service: 'organizations',
  action: 'organizations:UpdatePolicy',
  mutating: true,
  input(params): UpdatePolicyInput {
    const v = new OrgInput(params);
    const policyId = v.string('PolicyId', policyIdRule);
    const name = v.string('Name', { min: 1, max: 128 });
    const description = v.string('Description', { max: 512 });
    const content = v.string('Content', { min: 1, max: 1_000_000 });
    return { policyId, name, description, content };
  },
  ...onePolicyAuthz<UpdatePolicyInput>('write'),
  handler(input, call) {
    const { store } = call;
    const { org, policy } = policyOf(call, input.policyId);
    if (policy.awsManaged) throw orgErrors.invalidInput('IMMUTABLE_POLICY');
    if (input.content !== undefined) checkContent(policy.type, input.content);
    const name = input.name ?? policy.name;
    if (name !== policy.name && store.organizations.policyByName(org.id, policy.type, name)) throw orgErrors.duplicatePolicy();
    store.organizations.updatePolicy(policy.id, {
      name,
      description: input.description ?? policy.description,
      content: input.content ?? policy.content,
      updatedAt: call.now.toISOString(),
    });
    return policyShape(org, store.organizations.policy(policy.id)!);
  },
});

// ------------------------------------------------------------------ DeletePolicy

export const deletePolicy = defineOperation({
  name: 'DeletePolicy',
  service: 'organizations',
  action: 'organizations:DeletePolicy',
  mutating: true,
  input: (params) => ({ policyId: new OrgInput(params).string('PolicyId', policyIdRule) }),
  ...onePolicyAuthz('write'),
  handler(input, call) {
    const { store } = call;
    const { policy } = policyOf(call, input.policyId);
    if (policy.awsManaged) throw orgErrors.invalidInput('IMMUTABLE_POLICY');
    if (store.organizations.targetsOf(policy.id).length > 0) throw orgErrors.policyInUse();
    store.organizations.deletePolicy(policy.id);
    deleteTags(store, policy.id);
    return undefined;
  },
});

// ------------------------------------------------------------------ ListPolicies

export const listPolicies = defineOperation({
  name: 'ListPolicies',
  service: 'organizations',
  action: 'organizations:ListPolicies',
  mutating: false,
  input(params): { filter: AnyPolicyType; paging: PagingInput } {
    const v = new OrgInput(params);
    const filter = v.policyType('Filter', true);
    return { filter, paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource: () => '*',
  conditionKeys: (input) => policyTypeKey(input.filter),
  handler(input, call) {
    const org = callerOrg(call);
    // Types iamlocal does not store have no policies in any organization.
    const all = isSupportedType(input.filter) ? call.store.organizations.policies(org.id, input.filter) : [];
    const { items, nextToken } = page(all, input.paging);
    return { Policies: items.map((p) => policySummary(org, p)), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ ListPoliciesForTarget

export const listPoliciesForTarget = defineOperation({
  name: 'ListPoliciesForTarget',
  service: 'organizations',
  action: 'organizations:ListPoliciesForTarget',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    const targetId = v.string('TargetId', targetIdRule);
    const filter = v.policyType('Filter', true);
    return { targetId, filter, paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource(input, call) {
    const org = callerOrg(call);
    return orgArns.target(org, findTarget(call.store, org, input.targetId).id);
  },
  conditionKeys: (input) => policyTypeKey(input.filter),
  handler(input, call) {
    const org = callerOrg(call);
    const target = findTarget(call.store, org, input.targetId);
    const all = isSupportedType(input.filter) ? call.store.organizations.attachedTo(target.id, input.filter) : [];
    const { items, nextToken } = page(all, input.paging);
    return { Policies: items.map((p) => policySummary(org, p)), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ ListTargetsForPolicy

interface ListTargetsForPolicyInput {
  policyId: string;
  paging: PagingInput;
}

export const listTargetsForPolicy = defineOperation({
  name: 'ListTargetsForPolicy',
  service: 'organizations',
  action: 'organizations:ListTargetsForPolicy',
  mutating: false,
  input(params): ListTargetsForPolicyInput {
    const v = new OrgInput(params);
    const policyId = v.string('PolicyId', policyIdRule);
    return { policyId, paging: v.paging() };
  },
  ...onePolicyAuthz<ListTargetsForPolicyInput>('read'),
  handler(input, call) {
    const { org, policy } = policyOf(call, input.policyId);
    const { items, nextToken } = page(call.store.organizations.targetsOf(policy.id), input.paging);
    return { Targets: items.map((t) => targetSummary(call.store, org, t)), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ AttachPolicy / DetachPolicy

interface AttachInput {
  policyId: string;
  targetId: string;
}

function readAttach(params: Record<string, unknown>): AttachInput {
  const v = new OrgInput(params);
  const policyId = v.string('PolicyId', policyIdRule);
  const targetId = v.string('TargetId', targetIdRule);
  return { policyId, targetId };
}

/** The service authorization reference names the policy (required) and the target for both actions. */
function targetCheck(action: string) {
  return (input: AttachInput, call: Call) => {
    const org = requireManagement(call);
    const target = findTarget(call.store, org, input.targetId);
    return [{ action, resource: orgArns.target(org, target.id), context: policyTypeKey(findPolicy(call.store, org, input.policyId).type) }];
  };
}

export const attachPolicy = defineOperation({
  name: 'AttachPolicy',
  service: 'organizations',
  action: 'organizations:AttachPolicy',
  mutating: true,
  input: readAttach,
  ...onePolicyAuthz<AttachInput>('write'),
  extraChecks: targetCheck('organizations:AttachPolicy'),
  handler(input, call) {
    const { store } = call;
    const { org, policy } = policyOf(call, input.policyId);
    const target = findTarget(store, org, input.targetId);
    if (!isEnabled(org, policy.type)) throw orgErrors.policyTypeNotEnabled();
    if (store.organizations.isAttached(policy.id, target.id)) throw orgErrors.duplicatePolicyAttachment();
    if (store.organizations.attachedTo(target.id, policy.type).length >= maxAttached(policy.type)) {
      throw orgErrors.constraintViolation('MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED');
    }
    store.organizations.attach(policy.id, target.id);
    return undefined;
  },
});

export const detachPolicy = defineOperation({
  name: 'DetachPolicy',
  service: 'organizations',
  action: 'organizations:DetachPolicy',
  mutating: true,
  input: readAttach,
  ...onePolicyAuthz<AttachInput>('write'),
  extraChecks: targetCheck('organizations:DetachPolicy'),
  handler(input, call) {
    const { store } = call;
    const { policy } = policyOf(call, input.policyId);
    const target = findTarget(store, callerOrg(call), input.targetId);
    // RCPFullAWSAccess stays attached everywhere while RCPs are enabled.
    if (OrganizationsRepo.publicPolicyId(policy.id) === RCP_FULL_AWS_ACCESS_ID) throw orgErrors.invalidInput('NON_DETACHABLE_POLICY');
    if (!store.organizations.isAttached(policy.id, target.id)) throw orgErrors.policyNotAttached();
    // "Every root, OU, and account must have at least one SCP attached." (DetachPolicy API reference)
    if (policy.type === 'SERVICE_CONTROL_POLICY' && store.organizations.attachedTo(target.id, policy.type).length <= 1) {
      throw orgErrors.constraintViolation('MIN_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED');
    }
    store.organizations.detach(policy.id, target.id);
    return undefined;
  },
});
