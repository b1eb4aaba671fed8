// Owns the effective management policies: DescribeEffectivePolicy, ListEffectivePolicyValidationErrors,
// ListAccountsWithInvalidEffectivePolicy. An account's effective policy of a type merges the policies
// attached to the root, each OU down to the account and the account itself (effective.ts).
// https://docs.aws.amazon.com/organizations/latest/APIReference/API_DescribeEffectivePolicy.html
// Actions (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html):
// DescribeEffectivePolicy on the target account's ARN, the two lists on `*`, all with organizations:PolicyType.
import type { OrgPolicyType, Organization } from '../../store/repos/organizations';
import type { Store } from '../../store/store';
import { defineOperation, type Call } from '../types';
import { accountShape, callerOrg, delegableAuthz, findAccount, isTypeEnabled, orgArns, policyTypeKey, requireManagementOrDelegated } from './common';
import { mergeEffectivePolicy, type EffectiveResult } from './effective';
import { orgErrors } from './errors';
import { idPatterns, OrgInput, page } from './input';

/** botocore's EffectivePolicyType: the management policy types (SCPs and RCPs have no effective policy here). */
export const EFFECTIVE_POLICY_TYPES = [
  'TAG_POLICY', 'BACKUP_POLICY', 'AISERVICES_OPT_OUT_POLICY', 'CHATBOT_POLICY', 'DECLARATIVE_POLICY_EC2', 'SECURITYHUB_POLICY', 'INSPECTOR_POLICY',
  'UPGRADE_ROLLOUT_POLICY', 'BEDROCK_POLICY', 'S3_POLICY', 'NETWORK_SECURITY_DIRECTOR_POLICY',
] as const satisfies readonly OrgPolicyType[];
type EffectiveType = (typeof EFFECTIVE_POLICY_TYPES)[number];

function readType(v: OrgInput): EffectiveType {
  const t = v.string('PolicyType', { required: true });
  if (!(EFFECTIVE_POLICY_TYPES as readonly string[]).includes(t)) throw orgErrors.invalidInput('INVALID_ENUM_POLICY_TYPE');
  return t as EffectiveType;
}

/** Root → OUs → account, each with its attached policies of the type (by name). */
function levelsOf(store: Store, accountId: string, type: OrgPolicyType) {
  const m = store.organizations.membership(accountId)!;
  const targets = [...m.path.map((u) => u.id), accountId];
  return targets.map((t) => store.organizations.attachedTo(t, type));
}

export function effectiveOf(store: Store, accountId: string, type: OrgPolicyType): EffectiveResult & { updatedAt: string | null } {
  const levels = levelsOf(store, accountId, type);
  const result = mergeEffectivePolicy(levels.map((l) => l.map((p) => ({ id: p.id, content: p.content }))));
  const stamps = levels.flat().map((p) => p.updatedAt).filter((x): x is string => !!x).sort();
  return { ...result, updatedAt: stamps.length ? stamps[stamps.length - 1] : null };
}

/** `o-…/r-…/ou-…/…/<account>/`, the model's Path. */
export function pathOf(store: Store, org: Organization, accountId: string): string {
  const m = store.organizations.membership(accountId)!;
  return `${[org.id, ...m.path.map((u) => u.id), accountId].join('/')}/`;
}

// ------------------------------------------------------------------ DescribeEffectivePolicy

interface DescribeInput {
  type: EffectiveType;
  targetId?: string;
}

/**
 * The account whose effective policy is asked for: the caller's own by default; another account only
 * for the management account or a delegated administrator. "Specifying an organization root or
 * organizational unit (OU) as the target is not supported."
 */
function targetAccountOf(call: Call, input: DescribeInput): { org: Organization; accountId: string } {
  const org = callerOrg(call);
  const own = call.principal.accountId!;
  const target = input.targetId ?? own;
  if (!/^\d{12}$/.test(target)) throw orgErrors.invalidInput('TARGET_NOT_SUPPORTED');
  if (target !== own) requireManagementOrDelegated(call, 'read');
  findAccount(call.store, org, target, orgErrors.targetNotFound);
  return { org, accountId: target };
}

const delegatedRead = delegableAuthz('read');
const otherTarget = (call: Call, input: DescribeInput) => input.targetId !== undefined && input.targetId !== call.principal.accountId;

export const describeEffectivePolicy = defineOperation({
  name: 'DescribeEffectivePolicy',
  service: 'organizations',
  action: 'organizations:DescribeEffectivePolicy',
  mutating: false,
  input(params): DescribeInput {
    const v = new OrgInput(params);
    const type = readType(v);
    const targetId = v.string('TargetId', { max: 100, pattern: idPatterns.targetId, patternReason: 'INVALID_PATTERN_TARGET_ID' });
    return { type, targetId };
  },
  guard: (input, call) => void targetAccountOf(call, input),
  // Another account's effective policy is a delegated read: the delegation policy, where it is what grants it, decides too.
  resourceAccount: (input, call) => (otherTarget(call, input) ? delegatedRead.resourceAccount(input as never, call) : call.principal.accountId!),
  resourcePolicy: (input, call) => (otherTarget(call, input) ? delegatedRead.resourcePolicy(input as never, call) : null),
  resource(input, call) {
    const { org, accountId } = targetAccountOf(call, input);
    return orgArns.account(org, accountId);
  },
  conditionKeys: (input) => policyTypeKey(input.type),
  handler(input, call) {
    const { org, accountId } = targetAccountOf(call, input);
    if (!isTypeEnabled(org, input.type)) throw orgErrors.effectivePolicyNotFound();
    const eff = effectiveOf(call.store, accountId, input.type);
    if (!eff.policy) throw orgErrors.effectivePolicyNotFound();
    return {
      EffectivePolicy: {
        PolicyContent: JSON.stringify(eff.policy),
        LastUpdatedTimestamp: new Date(eff.updatedAt ?? org.createdAt),
        TargetId: accountId,
        PolicyType: input.type,
      },
    };
  },
});

// ------------------------------------------------------------------ ListEffectivePolicyValidationErrors

export const listEffectivePolicyValidationErrors = defineOperation({
  name: 'ListEffectivePolicyValidationErrors',
  service: 'organizations',
  action: 'organizations:ListEffectivePolicyValidationErrors',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    const accountId = v.string('AccountId', { required: true, max: 12, pattern: idPatterns.accountId });
    return { accountId, type: readType(v), paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource: () => '*',
  conditionKeys: (input) => policyTypeKey(input.type),
  handler(input, call) {
    const { store } = call;
    const org = callerOrg(call);
    findAccount(store, org, input.accountId);
    if (!isTypeEnabled(org, input.type)) throw orgErrors.effectivePolicyNotFound();
    const eff = effectiveOf(store, input.accountId, input.type);
    const { items, nextToken } = page(eff.errors, input.paging);
    return {
      AccountId: input.accountId,
      PolicyType: input.type,
      Path: pathOf(store, org, input.accountId),
      EvaluationTimestamp: call.now,
      NextToken: nextToken,
      EffectivePolicyValidationErrors: items.map((e) => ({
        ...e,
        // The stored ids of AWS-managed policies carry the organization; the API shows the public id.
        ContributingPolicies: e.ContributingPolicies.map((id) => id.split(':')[0]),
      })),
    };
  },
});

// ------------------------------------------------------------------ ListAccountsWithInvalidEffectivePolicy

export const listAccountsWithInvalidEffectivePolicy = defineOperation({
  name: 'ListAccountsWithInvalidEffectivePolicy',
  service: 'organizations',
  action: 'organizations:ListAccountsWithInvalidEffectivePolicy',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    return { type: readType(v), paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource: () => '*',
  conditionKeys: (input) => policyTypeKey(input.type),
  handler(input, call) {
    const { store } = call;
    const org = callerOrg(call);
    if (!isTypeEnabled(org, input.type)) throw orgErrors.effectivePolicyNotFound();
    const invalid = store.organizations.accounts(org.id).filter((a) => effectiveOf(store, a.accountId, input.type).errors.length > 0);
    const { items, nextToken } = page(invalid, input.paging);
    return {
      Accounts: items.map((a) => ({ ...accountShape(store, org, a.accountId, a.joinedAt), Paths: [pathOf(store, org, a.accountId)] })),
      PolicyType: input.type,
      NextToken: nextToken,
    };
  },
});
