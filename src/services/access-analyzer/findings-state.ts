// Owns keeping an analyzer's findings in step with the current state. Findings are computed on read:
// each operation that shows findings first re-analyzes the analyzer's resources (every role of its
// zone of trust) and reconciles the result with what is stored —
//   new access → a new finding (ACTIVE, or ARCHIVED when an archive rule matches it);
//   the same access with other actions → the finding is updated in place (same id, new updatedAt);
//   access no longer granted (trust narrowed, role deleted) → RESOLVED;
//   a RESOLVED access granted again → ACTIVE again.
// So a changed trust policy or a new role shows at once, whatever path wrote it (API, seed, admin),
// with no hook in IAM's write paths. The cost is one pass over the zone's trust policies per read.
import type { Analyzer, StoredFinding } from '../../store/repos/access-analyzer';
import type { Store } from '../../store/store';
import type { Call } from '../types';
import { accessKey, analyzeTrustPolicy, fingerprint, type ExternalAccess, type ZoneOfTrust } from './analysis';
import { matchesFilter, type FindingAttributes } from './filters';

export const ROLE_TYPE = 'AWS::IAM::Role';
export const EXTERNAL_TYPES = new Set(['ACCOUNT', 'ORGANIZATION']);

/** The accounts an analyzer trusts: its own, or every account of its organization. */
export function zoneOf(store: Store, a: Analyzer): ZoneOfTrust {
  if (a.type.startsWith('ORGANIZATION')) {
    const m = store.organizations.membership(a.accountId);
    if (m) return { accounts: new Set(store.organizations.accounts(m.org.id).map((p) => p.accountId)), orgId: m.org.id };
  }
  return { accounts: new Set([a.accountId]) };
}

interface AnalyzedRole {
  arn: string;
  account: string;
  trustPolicy: string;
}

function rolesInZone(store: Store, zone: ZoneOfTrust): AnalyzedRole[] {
  const out: AnalyzedRole[] = [];
  for (const account of [...zone.accounts].sort()) {
    for (const r of store.roles.list(account, { maxItems: 1_000_000 }).items) out.push({ arn: r.arn, account, trustPolicy: r.trustPolicy });
  }
  return out;
}

export function findingAttributes(f: Pick<StoredFinding, 'id' | 'status' | 'resourceArn' | 'resourceType' | 'ownerAccount' | 'detail'>): FindingAttributes {
  const d = f.detail as unknown as ExternalAccess;
  const attrs: FindingAttributes = {
    id: f.id,
    status: f.status,
    resource: f.resourceArn,
    resourceType: f.resourceType,
    resourceOwnerAccount: f.ownerAccount,
    isPublic: String(d.isPublic),
    action: d.action,
    findingType: 'ExternalAccess',
  };
  for (const [k, v] of Object.entries(d.principal ?? {})) attrs[`principal.${k}`] = v;
  for (const [k, v] of Object.entries(d.condition ?? {})) attrs[`condition.${k}`] = v;
  return attrs;
}

/** Re-analyzes the analyzer's zone and reconciles stored findings; returns them all. */
export function syncFindings(call: Call, a: Analyzer): StoredFinding[] {
  const repo = call.store.accessAnalyzer;
  if (!EXTERNAL_TYPES.has(a.type)) return repo.findings(a.arn);
  const now = call.now.toISOString();
  const zone = zoneOf(call.store, a);
  const roles = rolesInZone(call.store, zone);
  const rules = repo.archiveRules(a.arn);
  const stored = new Map(repo.findings(a.arn).map((f) => [f.key, f]));
  const resources = new Map(repo.resources(a.arn).map((r) => [r.resourceArn, r]));
  const seen = new Set<string>();
  for (const role of roles) {
    const fp = fingerprint(role.trustPolicy);
    const prev = resources.get(role.arn);
    const changed = !prev || prev.fingerprint !== fp;
    if (changed) {
      repo.putResource({
        analyzerArn: a.arn, resourceArn: role.arn, resourceType: ROLE_TYPE, ownerAccount: role.account, fingerprint: fp,
        createdAt: prev?.createdAt ?? now, updatedAt: now, analyzedAt: now,
      });
    }
    resources.delete(role.arn);
    for (const access of analyzeTrustPolicy(role.trustPolicy, zone)) {
      const key = accessKey(role.arn, access);
      seen.add(key);
      const detail = access as unknown as Record<string, unknown>;
      const f = stored.get(key);
      if (!f) {
        const fresh: StoredFinding = {
          analyzerArn: a.arn, id: call.ids.requestId(), key, resourceArn: role.arn, resourceType: ROLE_TYPE, ownerAccount: role.account,
          status: 'ACTIVE', detail, createdAt: now, updatedAt: now, analyzedAt: now,
        };
        // Archive rules apply to every new finding (access-analyzer-archive-rules.html).
        if (rules.some((r) => matchesFilter(findingAttributes(fresh), r.filter))) fresh.status = 'ARCHIVED';
        repo.insertFinding(fresh);
        continue;
      }
      const detailChanged = JSON.stringify(f.detail) !== JSON.stringify(detail);
      if (f.status === 'RESOLVED') {
        const revived = { ...f, status: 'ACTIVE' as const, detail };
        const status = rules.some((r) => matchesFilter(findingAttributes(revived), r.filter)) ? 'ARCHIVED' : 'ACTIVE';
        repo.updateFinding(a.arn, f.id, { status, detail, updatedAt: now, analyzedAt: now });
      } else if (detailChanged) {
        repo.updateFinding(a.arn, f.id, { detail, updatedAt: now, analyzedAt: now });
      } else if (changed) {
        repo.updateFinding(a.arn, f.id, { analyzedAt: now });
      }
    }
  }
  // Roles that no longer exist are no longer analyzed resources.
  for (const gone of resources.keys()) repo.deleteResource(a.arn, gone);
  for (const f of stored.values()) {
    if (!seen.has(f.key) && f.status !== 'RESOLVED') repo.updateFinding(a.arn, f.id, { status: 'RESOLVED', updatedAt: now, analyzedAt: now });
  }
  return repo.findings(a.arn);
}
