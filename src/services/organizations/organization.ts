// Owns the organization and its root: DescribeOrganization, ListRoots, EnablePolicyType, DisablePolicyType.
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeOrganization.html
import type { Organization } from '../../store/repos/organizations';
import type { Store } from '../../store/store';
import { defineOperation } from '../types';
import { callerOrg, delegableAuthz, findUnit, isSupportedType, orgArns, policyTypeKey, policyTypesOf, rootResource, rootShape } from './common';
import { orgErrors } from './errors';
import { idPatterns, OrgInput, page, type AnyPolicyType, type PagingInput } from './input';

// ------------------------------------------------------------------ DescribeOrganization

export const describeOrganization = defineOperation({
  name: 'DescribeOrganization',
  service: 'organizations',
  action: 'organizations:DescribeOrganization',
  mutating: false,
  input: () => ({}),
  // "You can call this operation from any account in a organization."
  guard: (_input, call) => void callerOrg(call),
  resource: () => '*',
  handler: (_input, call) => ({ Organization: organizationShape(call.store, callerOrg(call)) }),
});

/** The Organization shape (DescribeOrganization, CreateOrganization). */
export function organizationShape(store: Store, org: Organization): Record<string, unknown> {
  const mgmt = store.accounts.get(org.managementAccountId);
  return {
        Id: org.id,
        Arn: orgArns.organization(org),
        FeatureSet: org.featureSet,
        MasterAccountArn: orgArns.account(org, org.managementAccountId),
        MasterAccountId: org.managementAccountId,
        MasterAccountEmail: mgmt?.email ?? undefined,
        // Deprecated member; AWS still lists the SCP type here. Per-root status is in ListRoots.
        AvailablePolicyTypes: org.featureSet === 'ALL' ? [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] : [],
  };
}

// ------------------------------------------------------------------ ListRoots

export const listRoots = defineOperation({
  name: 'ListRoots',
  service: 'organizations',
  action: 'organizations:ListRoots',
  mutating: false,
  input(params): PagingInput {
    return new OrgInput(params).paging();
  },
  ...delegableAuthz('read'),
  resource: () => '*',
  handler(input, call) {
    const org = callerOrg(call);
    const { items, nextToken } = page([call.store.organizations.root(org.id)], input);
    return { Roots: items.map((r) => rootShape(org, r)), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ EnablePolicyType / DisablePolicyType

interface PolicyTypeInput {
  rootId: string;
  policyType: AnyPolicyType;
}

function readPolicyTypeInput(params: Record<string, unknown>): PolicyTypeInput {
  const v = new OrgInput(params);
  const rootId = v.string('RootId', { required: true, max: 34, pattern: idPatterns.rootId });
  const policyType = v.policyType('PolicyType', true);
  return { rootId, policyType };
}

export const enablePolicyType = defineOperation({
  name: 'EnablePolicyType',
  service: 'organizations',
  action: 'organizations:EnablePolicyType',
  mutating: true,
  input: readPolicyTypeInput,
  ...delegableAuthz('write'),
  resource: (input, call) => rootResource(call, input.rootId),
  conditionKeys: (input) => policyTypeKey(input.policyType),
  handler(input, call) {
    const org = callerOrg(call);
    const root = findUnit(call.store, org, input.rootId, orgErrors.rootNotFound);
    if (root.kind !== 'root') throw orgErrors.rootNotFound();
    // Every policy type needs all features: "you can enable SCPs only after you enable all features".
    if (!isSupportedType(input.policyType) || org.featureSet !== 'ALL') throw orgErrors.policyTypeNotAvailable();
    if (policyTypesOf(org).some((t) => t.Type === input.policyType)) throw orgErrors.policyTypeAlreadyEnabled();
    call.store.organizations.setPolicyTypeEnabled(org.id, input.policyType, true);
    return { Root: rootShape(call.store.organizations.get(org.id)!, root) };
  },
});

export const disablePolicyType = defineOperation({
  name: 'DisablePolicyType',
  service: 'organizations',
  action: 'organizations:DisablePolicyType',
  mutating: true,
  input: readPolicyTypeInput,
  ...delegableAuthz('write'),
  resource: (input, call) => rootResource(call, input.rootId),
  conditionKeys: (input) => policyTypeKey(input.policyType),
  handler(input, call) {
    const org = callerOrg(call);
    const root = findUnit(call.store, org, input.rootId, orgErrors.rootNotFound);
    if (root.kind !== 'root') throw orgErrors.rootNotFound();
    if (!isSupportedType(input.policyType) || !policyTypesOf(org).some((t) => t.Type === input.policyType)) throw orgErrors.policyTypeNotEnabled();
    // Disabling detaches every policy of the type from every root, OU and account.
    call.store.organizations.setPolicyTypeEnabled(org.id, input.policyType, false);
    return { Root: rootShape(call.store.organizations.get(org.id)!, root) };
  },
});
