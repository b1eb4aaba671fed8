// Owns external-access analysis of the resource-based policies iamlocal holds: a role's trust policy
// (AWS::IAM::Role) → the accesses it grants to principals outside the analyzer's zone of trust (the
// account, or every account of the organization). How AWS reports them:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html and
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html#access-analyzer-iam-role
// - another account (or a principal of one), `*`, a federated provider (OIDC/SAML), a canonical user,
//   and a service principal whose grant no aws:Source* condition ties to the zone are external;
// - conditions that pin the caller to the zone (aws:PrincipalAccount, aws:PrincipalOrgID,
//   aws:PrincipalArn, aws:SourceAccount, aws:SourceArn, aws:SourceOrgID, aws:*OrgPaths with a
//   StringEquals/StringLike/ArnEquals/ArnLike operator, all values inside the zone) make the grant internal;
// - other conditions are kept on the finding (`condition`, key → value); `isPublic` is a `*` grant
//   that no condition narrows to the zone.
// Anything this analysis cannot read (a policy that does not parse) yields no access here; the
// policy was validated when it was stored, so that only happens to seeded data.
import { createHash } from 'node:crypto';

/** The STS actions a trust policy can grant (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html). */
export const TRUST_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:SetContext',
  'sts:SetSourceIdentity',
  'sts:TagSession',
] as const;

export interface ZoneOfTrust {
  accounts: ReadonlySet<string>;
  /** The organization's id for ORGANIZATION analyzers. */
  orgId?: string;
}

/** One external access a policy grants (becomes one finding). */
export interface ExternalAccess {
  principal: Record<string, string>;
  action: string[];
  condition: Record<string, string>;
  isPublic: boolean;
}

const ZONE_OPERATORS = new Set(['stringequals', 'stringlike', 'arnequals', 'arnlike', 'stringequalsignorecase']);
const ACCOUNT_KEYS = new Set(['aws:principalaccount', 'aws:sourceaccount']);
const ORG_KEYS = new Set(['aws:principalorgid', 'aws:sourceorgid']);
const ORG_PATH_KEYS = new Set(['aws:principalorgpaths', 'aws:sourceorgpaths']);
const ARN_KEYS = new Set(['aws:principalarn', 'aws:sourcearn']);

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

function wildcardToRegex(p: string): RegExp {
  return new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
}

/** The trust actions an Action/NotAction element grants. */
function grantedActions(st: Record<string, unknown>): string[] {
  const notAction = st.NotAction !== undefined;
  const patterns = list(notAction ? st.NotAction : st.Action).filter((x): x is string => typeof x === 'string').map(wildcardToRegex);
  return TRUST_ACTIONS.filter((a) => patterns.some((p) => p.test(a)) !== notAction);
}

function accountOf(principal: string): string | null {
  if (/^\d{12}$/.test(principal)) return principal;
  const m = /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal);
  return m ? m[1] : null;
}

function inZoneValue(key: string, value: string, zone: ZoneOfTrust): boolean {
  if (ACCOUNT_KEYS.has(key)) return !/[*?]/.test(value) && zone.accounts.has(value);
  if (ORG_KEYS.has(key)) return zone.orgId !== undefined && value === zone.orgId;
  if (ORG_PATH_KEYS.has(key)) return zone.orgId !== undefined && value.startsWith(`${zone.orgId}/`) && !value.slice(0, zone.orgId.length).includes('*');
  if (ARN_KEYS.has(key)) {
    const m = /^arn:[^:*?]+:[^:]*:[^:]*:(\d{12}):/.exec(value);
    return m !== null && zone.accounts.has(m[1]);
  }
  return false;
}

/** Does the Condition block pin the caller to the zone of trust? Also returns the remaining conditions. */
function readConditions(cond: unknown, zone: ZoneOfTrust): { restrictsToZone: boolean; condition: Record<string, string> } {
  const condition: Record<string, string> = {};
  let restrictsToZone = false;
  if (!cond || typeof cond !== 'object' || Array.isArray(cond)) return { restrictsToZone, condition };
  for (const [op, block] of Object.entries(cond as Record<string, unknown>)) {
    if (!block || typeof block !== 'object' || Array.isArray(block)) continue;
    const opName = op.toLowerCase();
    for (const [k, raw] of Object.entries(block as Record<string, unknown>)) {
      const key = k.toLowerCase();
      const values = list(raw).map((x) => String(x));
      const zoneKey = ACCOUNT_KEYS.has(key) || ORG_KEYS.has(key) || ORG_PATH_KEYS.has(key) || ARN_KEYS.has(key);
      if (zoneKey && ZONE_OPERATORS.has(opName) && values.length > 0 && values.every((v) => inZoneValue(key, v, zone))) {
        restrictsToZone = true;
        continue;
      }
      condition[k] = values.join(',');
    }
  }
  return { restrictsToZone, condition };
}

/** A statement that denies every principal the given actions unconditionally. */
function unconditionalDenyAll(st: Record<string, unknown>): string[] {
  if (st.Effect !== 'Deny' || st.Condition !== undefined) return [];
  const p = st.Principal;
  const all = p === '*' || (p && typeof p === 'object' && list((p as Record<string, unknown>).AWS).includes('*'));
  return all ? grantedActions(st) : [];
}

/** The external accesses a role trust policy grants, merged by (principal, condition). */
export function analyzeTrustPolicy(text: string, zone: ZoneOfTrust): ExternalAccess[] {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return [];
  }
  if (!doc || typeof doc !== 'object') return [];
  const statements = list((doc as Record<string, unknown>).Statement).filter((s): s is Record<string, unknown> => !!s && typeof s === 'object' && !Array.isArray(s));
  const denied = new Set(statements.flatMap(unconditionalDenyAll));
  const merged = new Map<string, ExternalAccess>();
  const add = (principal: Record<string, string>, actions: string[], condition: Record<string, string>, isPublic: boolean) => {
    const live = actions.filter((a) => !denied.has(a));
    if (live.length === 0) return;
    const k = JSON.stringify([principal, Object.entries(condition).sort()]);
    const prev = merged.get(k);
    if (prev) prev.action = [...new Set([...prev.action, ...live])].sort();
    else merged.set(k, { principal, action: [...live].sort(), condition, isPublic });
  };
  for (const st of statements) {
    if (st.Effect !== 'Allow') continue;
    const actions = grantedActions(st);
    if (actions.length === 0) continue;
    const { restrictsToZone, condition } = readConditions(st.Condition, zone);
    if (restrictsToZone) continue;
    if (st.NotPrincipal !== undefined) {
      // Allow + NotPrincipal grants everyone but the named principals: public.
      add({ AWS: '*' }, actions, condition, true);
      continue;
    }
    const p = st.Principal;
    if (p === '*') {
      add({ AWS: '*' }, actions, condition, Object.keys(condition).length === 0);
      continue;
    }
    if (!p || typeof p !== 'object' || Array.isArray(p)) continue;
    for (const [type, raw] of Object.entries(p as Record<string, unknown>)) {
      for (const v of list(raw)) {
        if (typeof v !== 'string') continue;
        if (type === 'AWS') {
          if (v === '*') {
            add({ AWS: '*' }, actions, condition, Object.keys(condition).length === 0);
            continue;
          }
          const account = accountOf(v);
          if (account !== null && zone.accounts.has(account)) continue;
          add({ AWS: v }, actions, condition, false);
        } else if (type === 'Service' || type === 'Federated' || type === 'CanonicalUser') {
          add({ [type]: v }, actions, condition, false);
        }
      }
    }
  }
  return [...merged.values()];
}

/** What identifies one access of one resource across re-analyses (its finding keeps its id). */
export function accessKey(resourceArn: string, a: ExternalAccess): string {
  return createHash('sha256').update(JSON.stringify([resourceArn, a.principal, Object.entries(a.condition).sort()])).digest('hex');
}

export function fingerprint(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
