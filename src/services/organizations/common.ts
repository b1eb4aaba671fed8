// Owns what Organizations handlers share: the caller's organization (AWSOrganizationsNotInUse when
// none), the management-account-only rule, entity lookups with AWS's NotFound errors, Organizations
// ARNs (https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html#awsorganizations-resources-for-iam-policies)
// and the response shapes (Account, Root, OrganizationalUnit, PolicySummary, PolicyTargetSummary).
import { PARTITION } from '../../aws/arn';
import type { PolicySource, RequestContext } from '../../policy/types';
import { ORG_POLICY_TYPES, OrganizationsRepo, type OrgPolicy, type OrgPolicyType, type OrgUnit, type Organization } from '../../store/repos/organizations';
import type { Store } from '../../store/store';
import type { Call } from '../types';
import { orgErrors } from './errors';
import type { AnyPolicyType } from './input';

/**
 * The policy types iamlocal stores: every type of the API. SCPs and RCPs are enforced by the authorizer;
 * the management policy types (tag, backup, AI opt-out, …) are stored, attached and merged into
 * effective policies (DescribeEffectivePolicy), which is what AWS's own services then read.
 */
export const SUPPORTED_TYPES: readonly OrgPolicyType[] = ORG_POLICY_TYPES;
export function isSupportedType(t: AnyPolicyType): t is OrgPolicyType {
  return (SUPPORTED_TYPES as readonly string[]).includes(t);
}

/** The organization of the caller's account, or AWSOrganizationsNotInUseException. */
export function callerOrg(call: Call): Organization {
  const account = call.principal.accountId;
  const m = account ? call.store.organizations.membership(account) : null;
  if (!m) throw orgErrors.notInUse();
  return m.org;
}

/**
 * "You can only call this operation from the management account" (each management operation's API
 * page): only the management account's principals pass.
 */
export function requireManagement(call: Call): Organization {
  const org = callerOrg(call);
  if (call.principal.accountId !== org.managementAccountId) throw orgErrors.notManagementAccount();
  return org;
}

/**
 * What a delegated administrator may call ("You can only call this operation from the management account
 * or a member account that is a delegated administrator", botocore's model): the Describe/List operations
 * (`read`) and policy management (`write`: Create/Update/Delete/Attach/DetachPolicy, Enable/DisablePolicyType,
 * Tag/UntagResource).
 */
export type Delegable = 'read' | 'write';

/**
 * How a member account is a delegated administrator for an operation, or null when it is not one:
 * - `service`: registered for an AWS service (RegisterDelegatedAdministrator "grants read-only access to
 *   Organizations service data"), for the read operations only; its own identity policies decide;
 * - `policy`: the organization's resource-based delegation policy
 *   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs-policy-delegate.html) exists; the
 *   call is then evaluated across accounts: the caller's own policies and the delegation policy (a
 *   resource policy of the management account) must both allow it, so a member it names nothing for is denied.
 */
function delegation(call: Call, org: Organization, kind: Delegable): { via: 'service' } | { via: 'policy'; policy: PolicySource } | null {
  const account = call.principal.accountId!;
  if (kind === 'read' && call.store.orgSettings.servicesOf(account).length > 0) return { via: 'service' };
  const rp = call.store.orgSettings.resourcePolicy(org.id);
  if (rp) return { via: 'policy', policy: { id: orgArns.resourcePolicy(org, rp.id), name: 'Organizations delegation policy', document: rp.content } };
  return null;
}

/** The management account, or a member account that is a delegated administrator for `kind` (else AccessDenied). */
export function requireManagementOrDelegated(call: Call, kind: Delegable): Organization {
  const org = callerOrg(call);
  if (call.principal.accountId === org.managementAccountId) return org;
  if (delegation(call, org, kind)) return org;
  throw orgErrors.notManagementAccount();
}

/** The guard and the resource side of a delegable operation's authorization (spread into its definition). */
export function delegableAuthz(kind: Delegable): {
  guard: (input: never, call: Call) => void;
  resourceAccount: (input: never, call: Call) => string;
  resourcePolicy: (input: never, call: Call) => PolicySource | null;
} {
  const viaPolicy = (call: Call) => {
    const org = callerOrg(call);
    if (call.principal.accountId === org.managementAccountId) return null;
    const d = delegation(call, org, kind);
    return d?.via === 'policy' ? { org, policy: d.policy } : null;
  };
  return {
    guard: (_input, call) => void requireManagementOrDelegated(call, kind),
    resourceAccount: (_input, call) => viaPolicy(call)?.org.managementAccountId ?? call.principal.accountId!,
    resourcePolicy: (_input, call) => viaPolicy(call)?.policy ?? null,
  };
}

// ------------------------------------------------------------------ ARNs

const base = (org: Organization) => `arn:${PARTITION}:organizations::${org.managementAccountId}`;
export const orgArns = {
  organization: (org: Organization) => `${base(org)}:organization/${org.id}`,
  account: (org: Organization, accountId: string) => `${base(org)}:account/${org.id}/${accountId}`,
  root: (org: Organization, rootId: string) => `${base(org)}:root/${org.id}/${rootId}`,
  ou: (org: Organization, ouId: string) => `${base(org)}:ou/${org.id}/${ouId}`,
  /** Customer policies live under the management account; AWS-managed ones under `aws`. */
  policy: (org: Organization, type: OrgPolicyType, publicId: string, awsManaged: boolean) =>
    awsManaged
      ? `arn:${PARTITION}:organizations::aws:policy/${type.toLowerCase()}/${publicId}`
      : `${base(org)}:policy/${org.id}/${type.toLowerCase()}/${publicId}`,
  /** The organization's resource-based delegation policy. */
  resourcePolicy: (org: Organization, id: string) => `${base(org)}:resourcepolicy/${org.id}/${id}`,
  unit: (org: Organization, u: OrgUnit) => (u.kind === 'root' ? orgArns.root(org, u.id) : orgArns.ou(org, u.id)),
  /** A root, OU or account id as an ARN (the target of a policy). */
  target: (org: Organization, targetId: string) =>
    /^\d{12}$/.test(targetId) ? orgArns.account(org, targetId) : targetId.startsWith('r-') ? orgArns.root(org, targetId) : orgArns.ou(org, targetId),
};

export function policyArn(org: Organization, p: OrgPolicy): string {
  return orgArns.policy(org, p.type, OrganizationsRepo.publicPolicyId(p.id), p.awsManaged);
}

/** `organizations:PolicyType`, the condition key of every policy operation. */
export function policyTypeKey(type: string | undefined): RequestContext {
  return type ? { 'organizations:PolicyType': type } : {};
}

// ------------------------------------------------------------------ lookups

/** A root or OU of this organization, or the given NotFound error. */
export function findUnit(store: Store, org: Organization, id: string, notFound: () => Error): OrgUnit {
  const u = store.organizations.unit(id);
  if (!u || u.orgId !== org.id) throw notFound();
  return u;
}

/** What an operation on the root named by RootId is authorized against (RootNotFoundException otherwise). */
export function rootResource(call: Call, rootId: string): string {
  const org = requireManagement(call);
  return orgArns.root(org, findUnit(call.store, org, rootId, orgErrors.rootNotFound).id);
}

/** What an operation on the root or OU named by ParentId is authorized against (ParentNotFoundException otherwise). */
export function parentResource(call: Call, parentId: string): string {
  const org = requireManagement(call);
  return orgArns.unit(org, findUnit(call.store, org, parentId, orgErrors.parentNotFound));
}

/** What an operation on the OU named by OrganizationalUnitId is authorized against (OrganizationalUnitNotFoundException otherwise). */
export function ouResource(call: Call, ouId: string): string {
  const org = requireManagement(call);
  return orgArns.ou(org, findUnit(call.store, org, ouId, orgErrors.ouNotFound).id);
}

/** An account that is a member of this organization, or AccountNotFoundException. */
export function findAccount(store: Store, org: Organization, accountId: string, notFound: () => Error = orgErrors.accountNotFound) {
  const p = store.organizations.placement(accountId);
  if (!p || p.orgId !== org.id) throw notFound();
  return p;
}

/** What an operation on a member account is authorized against: its ARN (AccountNotFoundException for an account outside the organization). */
export function memberResource(call: Call, accountId: string): string {
  const org = requireManagement(call);
  return orgArns.account(org, findAccount(call.store, org, accountId).accountId);
}

/** A policy of this organization by the id the API shows, or PolicyNotFoundException. */
export function findPolicy(store: Store, org: Organization, publicId: string): OrgPolicy {
  const p = store.organizations.policy(store.organizations.storedPolicyId(org.id, publicId));
  if (!p || p.orgId !== org.id) throw orgErrors.policyNotFound();
  return p;
}

/** A root, OU or account of this organization named as a policy target, or TargetNotFoundException. */
export function findTarget(store: Store, org: Organization, targetId: string): { id: string; kind: 'ROOT' | 'ORGANIZATIONAL_UNIT' | 'ACCOUNT' } {
  if (/^\d{12}$/.test(targetId)) {
    findAccount(store, org, targetId, orgErrors.targetNotFound);
    return { id: targetId, kind: 'ACCOUNT' };
  }
  const u = findUnit(store, org, targetId, orgErrors.targetNotFound);
  return { id: u.id, kind: u.kind === 'root' ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
}

// ------------------------------------------------------------------ shapes

export function policyTypesOf(org: Organization): { Type: OrgPolicyType; Status: 'ENABLED' }[] {
  const out: { Type: OrgPolicyType; Status: 'ENABLED' }[] = [];
  if (org.scpEnabled) out.push({ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' });
  if (org.rcpEnabled) out.push({ Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' });
  for (const t of org.enabledTypes) out.push({ Type: t, Status: 'ENABLED' });
  return out;
}

export function isTypeEnabled(org: Organization, type: OrgPolicyType): boolean {
  return policyTypesOf(org).some((t) => t.Type === type);
}

export function rootShape(org: Organization, root: OrgUnit): Record<string, unknown> {
  return { Id: root.id, Arn: orgArns.root(org, root.id), Name: root.name, PolicyTypes: policyTypesOf(org) };
}

export function ouShape(org: Organization, u: OrgUnit): Record<string, unknown> {
  return { Id: u.id, Arn: orgArns.ou(org, u.id), Name: u.name };
}

/**
 * Account: Email and Name come from the account's record (seed `email`/`name`; Name falls back to the
 * alias, then the id). ⚠ Accounts that joined through a seed report JoinedMethod CREATED, the
 * management account INVITED (AWS reports how the account really joined).
 */
export function accountShape(store: Store, org: Organization, accountId: string, joinedAt: string): Record<string, unknown> {
  const a = store.accounts.get(accountId);
  const p = store.organizations.placement(accountId);
  const status = p?.status ?? 'ACTIVE';
  return {
    Id: accountId,
    Arn: orgArns.account(org, accountId),
    Email: a?.email ?? undefined,
    Name: a?.name ?? a?.alias ?? accountId,
    Status: status,
    // State (the newer member) distinguishes PENDING_CLOSURE/SUSPENDED/CLOSED; a closed account is SUSPENDED in both.
    State: status,
    JoinedMethod: p?.joinedMethod ?? (accountId === org.managementAccountId ? 'INVITED' : 'CREATED'),
    JoinedTimestamp: new Date(joinedAt),
  };
}

export function policySummary(org: Organization, p: OrgPolicy): Record<string, unknown> {
  return {
    Id: OrganizationsRepo.publicPolicyId(p.id),
    Arn: policyArn(org, p),
    Name: p.name,
    Description: p.description ?? '',
    Type: p.type,
    AwsManaged: p.awsManaged,
  };
}

export function targetSummary(store: Store, org: Organization, targetId: string): Record<string, unknown> {
  if (/^\d{12}$/.test(targetId)) {
    const a = store.accounts.get(targetId);
    return { TargetId: targetId, Arn: orgArns.account(org, targetId), Name: a?.name ?? a?.alias ?? targetId, Type: 'ACCOUNT' };
  }
  const u = store.organizations.unit(targetId)!;
  return { TargetId: u.id, Arn: orgArns.unit(org, u), Name: u.name, Type: u.kind === 'root' ? 'ROOT' : 'ORGANIZATIONAL_UNIT' };
}
