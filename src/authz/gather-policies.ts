// Owns collecting every policy that applies to a request from the store: identity policies (user +
// groups, or role; inline and managed), the permissions boundary, session policies, the SCP levels of
// the principal's account and the RCP levels of the resource owner's account.
// Evaluation semantics: iam-evaluation.md §2–5.
import { cachedLevels, membershipOf } from './org-memo';
import type { Principal } from '../auth/principal';
import type { PolicySource } from '../policy/types';
import type { PolicyOwnerKind } from '../store/repos/inline-policies';
import { OrganizationsRepo, type OrgPolicyType } from '../store/repos/organizations';
import type { Session } from '../store/repos/sessions';
import type { Store } from '../store/store';

/** A policy with no statements: what an unresolvable reference contributes (it allows nothing). */
const EMPTY_POLICY = '{"Version":"2012-10-17","Statement":[]}';

function inlineId(kind: PolicyOwnerKind, entityName: string, policyName: string): string {
  return `${kind}/${entityName}/inline/${policyName}`;
}

/** Inline + attached managed policies of one role/user/group. */
export function entityPolicies(store: Store, kind: PolicyOwnerKind, entityId: string, entityName: string): PolicySource[] {
  const out: PolicySource[] = [];
  for (const p of store.inlinePolicies.all(kind, entityId)) {
    out.push({ id: inlineId(kind, entityName, p.name), name: p.name, document: p.document });
  }
  for (const m of store.managedPolicies.attachedTo(kind, entityId)) {
    out.push({ id: m.arn, name: m.name, document: store.managedPolicies.defaultDocument(m.arn) ?? EMPTY_POLICY });
  }
  return out;
}

/** Identity-based policies of a user: their own plus every group's. */
export function userPolicies(store: Store, userId: string, userName: string): PolicySource[] {
  const out = entityPolicies(store, 'user', userId, userName);
  for (const g of store.groups.groupsOfUser(userId)) out.push(...entityPolicies(store, 'group', g.id, g.name));
  return out;
}

export function managedPolicySource(store: Store, arn: string): PolicySource {
  const m = store.managedPolicies.get(arn);
  return { id: arn, name: m?.name ?? arn, document: (m && store.managedPolicies.defaultDocument(arn)) ?? EMPTY_POLICY };
}

export function identityPolicies(store: Store, p: Principal): PolicySource[] {
  switch (p.kind) {
    case 'user':
      return userPolicies(store, p.user.id, p.user.name);
    case 'assumed-role':
      // A deleted role leaves its sessions valid but without permissions.
      return p.role ? entityPolicies(store, 'role', p.role.id, p.role.name) : [];
    case 'federated-user':
      return p.user ? userPolicies(store, p.user.id, p.user.name) : [];
    default:
      return [];
  }
}

export function boundaryPolicy(store: Store, p: Principal): PolicySource | null {
  const arn =
    p.kind === 'user' ? p.user.boundaryArn
    : p.kind === 'assumed-role' ? p.role?.boundaryArn ?? null
    : p.kind === 'federated-user' ? p.user?.boundaryArn ?? null
    : null;
  return arn ? managedPolicySource(store, arn) : null;
}

/** Session policies passed when the session was made (inline Policy + PolicyArns); null when none were. */
export function sessionPolicies(store: Store, s: Session | null): PolicySource[] | null {
  if (!s) return null;
  if (s.sessionPolicy === null && s.sessionPolicyArns.length === 0) return null;
  const out: PolicySource[] = [];
  if (s.sessionPolicy !== null) out.push({ id: `session/${s.accessKeyId}/inline`, name: 'session policy', document: s.sessionPolicy });
  for (const arn of s.sessionPolicyArns) out.push(managedPolicySource(store, arn));
  return out;
}

/**
 * Organization policy levels (root → OUs → account) of an account, or null when the account is not
 * governed: not in an organization, the policy type is not enabled, or it is the management account
 * (SCPs and RCPs never apply to the management account,
 * https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps.html).
 */
export function orgPolicyLevels(store: Store, accountId: string, type: OrgPolicyType): PolicySource[][] | null {
  return cachedLevels(store, accountId, type, () => computeOrgPolicyLevels(store, accountId, type));
}

function computeOrgPolicyLevels(store: Store, accountId: string, type: OrgPolicyType): PolicySource[][] | null {
  const m = membershipOf(store, accountId);
  if (!m) return null;
  if (m.org.managementAccountId === accountId) return null;
  if (type === 'SERVICE_CONTROL_POLICY' ? !m.org.scpEnabled : !m.org.rcpEnabled) return null;
  const level = (target: string): PolicySource[] =>
    store.organizations.attachedTo(target, type).map((pol) => ({ id: OrganizationsRepo.publicPolicyId(pol.id), name: pol.name, document: pol.content }));
  return [...m.path.map((u) => level(u.id)), level(accountId)];
}
