// Owns Access Advisor's data (migration 016): the last time each IAM user and role was authorized for
// each action (what iamlocal saw, recorded by the request pipeline), and the report jobs generated
// from it. AWS's data is approximate and lags up to 4 hours; iamlocal's is exact and immediate
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_last-accessed.html#access_policies_last-accessed-data-orgs).
import type { Db } from '../db';
import { isoString, parseIso } from '../../aws/time';

export interface LastAccess {
  entityId: string;
  accountId: string;
  entityType: 'user' | 'role';
  entityArn: string;
  service: string;
  /** The action as authorized, e.g. `s3:GetObject`. */
  action: string;
  region: string;
  lastAt: string;
}

export interface AccessAdvisorJob {
  jobId: string;
  accountId: string;
  kind: 'service' | 'organizations';
  /** Who generated it: the job is theirs alone ("must be used by the same role within a session, or by the same user"). */
  requesterArn: string;
  /** The entity ARN (service reports) or Organizations entity path. */
  target: string;
  granularity: string | null;
  createdAt: string;
  completedAt: string | null;
  /** The report as generated (JSON). */
  report: string;
}

interface JobRow {
  job_id: string;
  account_id: string;
  kind: AccessAdvisorJob['kind'];
  requester_arn: string;
  target: string;
  granularity: string | null;
  created_at: string;
  completed_at: string | null;
  report: string;
}

/** Rewrites of the same entity+action within this many ms are skipped (one write a minute, like access-key last-used). */
export const LAST_ACCESS_GRANULARITY_MS = 60_000;

export class AccessAdvisorRepo {
  constructor(private readonly db: Db) {}

  /** Records an authorized request; a repeat within a minute changes nothing unless the region differs. */
  record(a: LastAccess): void {
    const cutoff = isoString(parseIso(a.lastAt) - LAST_ACCESS_GRANULARITY_MS);
    // A read first: most authorized requests repeat a recent one and need no write (nor a write lock).
    const seen = this.db.get<{ last_at: string; region: string }>('SELECT last_at, region FROM service_last_accessed WHERE entity_id = ? AND action = ?', a.entityId, a.action);
    if (seen && seen.last_at > cutoff && seen.region === a.region) return;
    this.db.run(
      `INSERT INTO service_last_accessed (entity_id, account_id, entity_type, entity_arn, service, action, region, last_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (entity_id, action) DO UPDATE SET last_at = excluded.last_at, region = excluded.region, entity_arn = excluded.entity_arn
       WHERE service_last_accessed.last_at <= ? OR service_last_accessed.region <> excluded.region`,
      a.entityId, a.accountId, a.entityType, a.entityArn, a.service, a.action, a.region, a.lastAt, cutoff,
    );
  }

  /** Every recorded action of the given entities. */
  forEntities(entityIds: readonly string[]): LastAccess[] {
    if (entityIds.length === 0) return [];
    const out: LastAccess[] = [];
    // Chunks stay well inside SQLite's bound-parameter limit.
    for (let i = 0; i < entityIds.length; i += 500) {
      const chunk = entityIds.slice(i, i + 500);
      const rows = this.db.raw
        .prepare(`SELECT * FROM service_last_accessed WHERE entity_id IN (${chunk.map(() => '?').join(',')})`)
        .all(...chunk) as Record<string, string>[];
      for (const r of rows) out.push(fromRow(r));
    }
    return out;
  }

  /** Every recorded action in the given accounts. */
  forAccounts(accountIds: readonly string[]): LastAccess[] {
    const out: LastAccess[] = [];
    for (const id of accountIds) {
      for (const r of this.db.all<Record<string, string>>('SELECT * FROM service_last_accessed WHERE account_id = ?', id)) out.push(fromRow(r));
    }
    return out;
  }

  addJob(j: AccessAdvisorJob): void {
    this.db.run(
      `INSERT INTO access_advisor_jobs (job_id, account_id, kind, requester_arn, target, granularity, created_at, completed_at, report)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      j.jobId, j.accountId, j.kind, j.requesterArn, j.target, j.granularity, j.createdAt, j.completedAt, j.report,
    );
  }

  job(jobId: string): AccessAdvisorJob | null {
    const r = this.db.get<JobRow>('SELECT * FROM access_advisor_jobs WHERE job_id = ?', jobId);
    return r
      ? { jobId: r.job_id, accountId: r.account_id, kind: r.kind, requesterArn: r.requester_arn, target: r.target, granularity: r.granularity, createdAt: r.created_at, completedAt: r.completed_at, report: r.report }
      : null;
  }

  /** Jobs an account generated since `sinceIso` (for the generation quota). */
  countJobsSince(accountId: string, kind: AccessAdvisorJob['kind'], sinceIso: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM access_advisor_jobs WHERE account_id = ? AND kind = ? AND created_at >= ?', accountId, kind, sinceIso)!.n;
  }
}

function fromRow(r: Record<string, string>): LastAccess {
  return {
    entityId: r.entity_id,
    accountId: r.account_id,
    entityType: r.entity_type as LastAccess['entityType'],
    entityArn: r.entity_arn,
    service: r.service,
    action: r.action,
    region: r.region,
    lastAt: r.last_at,
  };
}
