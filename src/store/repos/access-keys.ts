// Owns long-term access keys (AKIA…): an IAM user's (≤ 2 per user) or an account root user's.
import type { Db } from '../db';

export type AccessKeyStatus = 'Active' | 'Inactive' | 'Expired';

export interface AccessKey {
  id: string;
  secret: string;
  accountId: string;
  /** null for the root user's keys. */
  userId: string | null;
  isRoot: boolean;
  status: AccessKeyStatus;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedService: string | null;
  lastUsedRegion: string | null;
}

interface AccessKeyRow {
  id: string;
  secret: string;
  account_id: string;
  user_id: string | null;
  is_root: number;
  status: AccessKeyStatus;
  created_at: string;
  last_used_at: string | null;
  last_used_service: string | null;
  last_used_region: string | null;
}

const toKey = (r: AccessKeyRow): AccessKey => ({
  id: r.id,
  secret: r.secret,
  accountId: r.account_id,
  userId: r.user_id,
  isRoot: r.is_root === 1,
  status: r.status,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  lastUsedService: r.last_used_service,
  lastUsedRegion: r.last_used_region,
});

export class AccessKeysRepo {
  constructor(private readonly db: Db) {}

  get(id: string): AccessKey | null {
    const r = this.db.get<AccessKeyRow>('SELECT * FROM access_keys WHERE id = ?', id);
    return r ? toKey(r) : null;
  }

  create(k: { id: string; secret: string; accountId: string; userId: string | null; status?: AccessKeyStatus; createdAt: string }): AccessKey {
    this.db.run(
      `INSERT INTO access_keys (id, secret, account_id, user_id, is_root, status, created_at, seq)
       VALUES (?, ?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM access_keys))`,
      k.id, k.secret, k.accountId, k.userId, k.userId === null ? 1 : 0, k.status ?? 'Active', k.createdAt,
    );
    return this.get(k.id)!;
  }

  /** Keys of a user (or of the root user when userId is null), oldest first. */
  listFor(accountId: string, userId: string | null): AccessKey[] {
    const rows =
      userId === null
        ? this.db.all<AccessKeyRow>('SELECT * FROM access_keys WHERE account_id = ? AND is_root = 1 ORDER BY seq', accountId)
        : this.db.all<AccessKeyRow>('SELECT * FROM access_keys WHERE user_id = ? ORDER BY seq', userId);
    return rows.map(toKey);
  }

  setStatus(id: string, status: AccessKeyStatus): void {
    this.db.run('UPDATE access_keys SET status = ? WHERE id = ?', status, id);
  }

  delete(id: string): void {
    this.db.run('DELETE FROM access_keys WHERE id = ?', id);
  }

  recordUse(id: string, at: string, service: string, region: string): void {
    this.db.run('UPDATE access_keys SET last_used_at = ?, last_used_service = ?, last_used_region = ? WHERE id = ?', at, service, region, id);
  }
}
