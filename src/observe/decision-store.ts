// Owns the SQLite copy of the decision log (migration 008): append in batches, query with the same
// filters as the ring. Rows beyond `maxRows` are trimmed, oldest first.
import type { Db } from '../store/db';
import { matchesFilter, type DecisionFilter, type DecisionPersistence, type DecisionRecord } from './decisions';

export class SqliteDecisionStore implements DecisionPersistence {
  constructor(
    private readonly db: Db,
    private readonly maxRows = 100_000,
  ) {}

  lastSeq(): number {
    return this.db.get<{ s: number | null }>('SELECT MAX(seq) AS s FROM decisions')?.s ?? 0;
  }

  append(records: DecisionRecord[]): void {
    this.db.transaction(() => {
      for (const r of records) {
        this.db.run(
          'INSERT OR REPLACE INTO decisions (seq, time, request_id, principal_arn, role_arn, action, decision, outcome, simulated, record) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
          r.seq, r.time, r.requestId, r.principal.arn, r.principal.roleArn ?? null, r.action, r.decision, r.outcome, r.simulated ? 1 : 0, JSON.stringify(r),
        );
      }
      const last = records[records.length - 1];
      if (last && last.seq % 1000 === 0) this.db.run('DELETE FROM decisions WHERE seq <= ?', last.seq - this.maxRows);
    });
  }

  query(f: DecisionFilter, limit: number): DecisionRecord[] {
    const where: string[] = ['seq > ?'];
    const args: unknown[] = [f.after ?? 0];
    if (f.since) (where.push('time >= ?'), args.push(f.since));
    if (f.until) (where.push('time < ?'), args.push(f.until));
    if (f.requestId) (where.push('request_id = ?'), args.push(f.requestId));
    const out: DecisionRecord[] = [];
    // Remaining filters (wildcards, case-insensitivity) are the ring's own, applied to each row.
    for (const row of this.db.stmt(`SELECT record FROM decisions WHERE ${where.join(' AND ')} ORDER BY seq`).iterate(...args) as Iterable<{ record: string }>) {
      const r = JSON.parse(row.record) as DecisionRecord;
      if (!matchesFilter(r, f)) continue;
      out.push(r);
      if (out.length >= limit) break;
    }
    return out;
  }
}
