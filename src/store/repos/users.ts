// Owns IAM users: lookup by name (case-insensitive, per account), id or ARN; create/update/delete; paging.
import type { Db } from '../db';
import { decodeMarker, pageOf, type Page } from '../paging';

export interface User {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  boundaryArn: string | null;
  createdAt: string;
  passwordLastUsed: string | null;
}

interface UserRow {
  id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  boundary_arn: string | null;
  created_at: string;
  password_last_used: string | null;
}

const toUser = (r: UserRow): User => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  path: r.path,
  arn: r.arn,
  boundaryArn: r.boundary_arn,
  createdAt: r.created_at,
  passwordLastUsed: r.password_last_used,
});

export class UsersRepo {
  constructor(private readonly db: Db) {}

  getByName(accountId: string, name: string): User | null {
    const r = this.db.get<UserRow>('SELECT * FROM users WHERE account_id = ? AND name_lower = ?', accountId, name.toLowerCase());
    return r ? toUser(r) : null;
  }

  getById(id: string): User | null {
    const r = this.db.get<UserRow>('SELECT * FROM users WHERE id = ?', id);
    return r ? toUser(r) : null;
  }

  getByArn(arn: string): User | null {
    const r = this.db.get<UserRow>('SELECT * FROM users WHERE arn = ?', arn);
    return r ? toUser(r) : null;
  }

  create(u: Omit<User, 'passwordLastUsed'>): User {
    this.db.run(
      `INSERT INTO users (id, account_id, name, name_lower, path, arn, boundary_arn, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      u.id, u.accountId, u.name, u.name.toLowerCase(), u.path, u.arn, u.boundaryArn, u.createdAt,
    );
    return this.getById(u.id)!;
  }

  count(accountId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM users WHERE account_id = ?', accountId)!.n;
  }

  list(accountId: string, opts: { pathPrefix?: string; marker?: string; maxItems: number }): Page<User> {
    const after = decodeMarker(opts.marker) ?? '';
    const rows = this.db.all<UserRow>(
      `SELECT * FROM users WHERE account_id = ? AND substr(path, 1, length(?)) = ? AND name_lower > ? ORDER BY name_lower LIMIT ?`,
      accountId, opts.pathPrefix ?? '/', opts.pathPrefix ?? '/', after, opts.maxItems + 1,
    );
    return pageOf(rows.map(toUser), opts.maxItems, (u) => u.name.toLowerCase());
  }

  /** Renames/moves a user; the ARN follows (callers compute it). */
  update(id: string, fields: { name?: string; path?: string; arn?: string; boundaryArn?: string | null }): void {
    if (fields.name !== undefined) this.db.run('UPDATE users SET name = ?, name_lower = ? WHERE id = ?', fields.name, fields.name.toLowerCase(), id);
    if (fields.path !== undefined) this.db.run('UPDATE users SET path = ? WHERE id = ?', fields.path, id);
    if (fields.arn !== undefined) this.db.run('UPDATE users SET arn = ? WHERE id = ?', fields.arn, id);
    if (fields.boundaryArn !== undefined) this.db.run('UPDATE users SET boundary_arn = ? WHERE id = ?', fields.boundaryArn, id);
  }

  delete(id: string): void {
    this.db.run(`DELETE FROM tags WHERE resource_kind = 'user' AND resource_id = ?`, id);
    this.db.run('DELETE FROM users WHERE id = ?', id);
  }
}
