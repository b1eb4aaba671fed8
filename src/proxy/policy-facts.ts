// Owns facts about the policies that apply to a proxied request, which the proxies use before deciding:
// whether any of them conditions on a key that costs an upstream read (object tags, a table's key
// schema), and whether two accounts share an organization (AWS's detailed AccessDenied text).
import type { Principal } from '../auth/principal';
import { boundaryPolicy, identityPolicies, orgPolicyLevels, sessionPolicies } from '../authz/gather-policies';
import { orgKeys } from '../authz/request-context';
import type { PolicySource } from '../policy/types';
import type { ProxyDeps } from './deps';

/**
 * Whether any policy that applies to the request names a condition key prefix: the object's tags are
 * read from the upstream only when some policy can condition on them (one request fewer per call).
 */
export function policiesMention(store: ProxyDeps['store'], p: Principal, owner: string, resource: PolicySource | null, needle: string): boolean {
  const docs: PolicySource[] = [...identityPolicies(store, p), ...(sessionPolicies(store, p.session) ?? [])];
  const boundary = boundaryPolicy(store, p);
  if (boundary) docs.push(boundary);
  if (resource) docs.push(resource);
  if (p.accountId) for (const level of orgPolicyLevels(store, p.accountId, 'SERVICE_CONTROL_POLICY') ?? []) docs.push(...level);
  for (const level of orgPolicyLevels(store, owner, 'RESOURCE_CONTROL_POLICY') ?? []) docs.push(...level);
  const lower = needle.toLowerCase();
  return docs.some((d) => (typeof d.document === 'string' ? d.document : JSON.stringify(d.document)).toLowerCase().includes(lower));
}

export function sameOrganization(store: ProxyDeps['store'], a: string, b: string): boolean {
  const x = orgKeys(store, a, 'Principal')['aws:PrincipalOrgID'];
  return x !== undefined && x === orgKeys(store, b, 'Principal')['aws:PrincipalOrgID'];
}
