// Owns roles: lookup by name (case-insensitive, per account), id or ARN; create/update/delete; paging.
import type { Db } from '../db';
import { decodeMarker, pageOf, type Page } from '../paging';

export interface Role {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  trustPolicy: string;
  description: string | null;
  maxSessionDuration: number;
  boundaryArn: string | null;
  serviceLinked: boolean;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedRegion: string | null;
}

interface RoleRow {
  id: string;
  account_id: string;
  name: string;
  name_lower: string;
  path: string;
  arn: string;
  trust_policy: string;
  description: string | null;
  max_session_duration: number;
  boundary_arn: string | null;
  service_linked: number;
  created_at: string;
  last_used_at: string | null;
  last_used_region: string | null;
}

/**
 * One Role per cached row (rows are frozen and shared until a write makes them stale), frozen like the
 * row: what callers key per-role work on (a trust policy's compiled source) stays the same object.
 */
const rolesOfRows = new WeakMap<RoleRow, Role>();

const toRole = (r: RoleRow): Role => {
  let role = rolesOfRows.get(r);
  if (!role) rolesOfRows.set(r, (role = Object.freeze(makeRole(r))));
  return role;
};

const makeRole = (r: RoleRow): Role => ({
  id: r.id,
  accountId: r.account_id,
  name: r.name,
  path: r.path,
  arn: r.arn,
  trustPolicy: r.trust_policy,
  description: r.description,
  maxSessionDuration: r.max_session_duration,
  boundaryArn: r.boundary_arn,
  serviceLinked: r.service_linked === 1,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  lastUsedRegion: r.last_used_region,
});

export type NewRole = Omit<Role, 'lastUsedAt' | 'lastUsedRegion' | 'serviceLinked'> & { serviceLinked?: boolean };

export class RolesRepo {
  constructor(private readonly db: Db) {}

  getByName(accountId: string, name: string): Role | null {
    const r = this.db.get<RoleRow>('SELECT * FROM roles WHERE account_id = ? AND name_lower = ?', accountId, name.toLowerCase());
    return r ? toRole(r) : null;
  }

  getByArn(arn: string): Role | null {
    const r = this.db.get<RoleRow>('SELECT * FROM roles WHERE arn = ?', arn);
    return r ? toRole(r) : null;
  }

  getById(id: string): Role | null {
    const r = this.db.get<RoleRow>('SELECT * FROM roles WHERE id = ?', id);
    return r ? toRole(r) : null;
  }

  create(role: NewRole): Role {
    this.db.run(
      `INSERT INTO roles (id, account_id, name, name_lower, path, arn, trust_policy, description, max_session_duration,
         boundary_arn, service_linked, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      role.id, role.accountId, role.name, role.name.toLowerCase(), role.path, role.arn, role.trustPolicy, role.description,
      role.maxSessionDuration, role.boundaryArn, role.serviceLinked ? 1 : 0, role.createdAt,
    );
    return this.getById(role.id)!;
  }

  count(accountId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM roles WHERE account_id = ?', accountId)!.n;
  }

  /** Roles whose path starts with `pathPrefix`, sorted by name (case-insensitive), after the marker. */
  list(accountId: string, opts: { pathPrefix?: string; marker?: string; maxItems: number }): Page<Role> {
    const after = decodeMarker(opts.marker) ?? '';
    const rows = this.db.all<RoleRow>(
      `SELECT * FROM roles WHERE account_id = ? AND substr(path, 1, length(?)) = ? AND name_lower > ?
       ORDER BY name_lower LIMIT ?`,
      accountId, opts.pathPrefix ?? '/', opts.pathPrefix ?? '/', after, opts.maxItems + 1,
    );
    return pageOf(rows.map(toRole), opts.maxItems, (r) => r.name.toLowerCase());
  }

  update(id: string, fields: { description?: string | null; maxSessionDuration?: number; trustPolicy?: string; boundaryArn?: string | null }): void {
    if (fields.description !== undefined) this.db.run('UPDATE roles SET description = ? WHERE id = ?', fields.description, id);
    if (fields.maxSessionDuration !== undefined) this.db.run('UPDATE roles SET max_session_duration = ? WHERE id = ?', fields.maxSessionDuration, id);
    if (fields.trustPolicy !== undefined) this.db.run('UPDATE roles SET trust_policy = ? WHERE id = ?', fields.trustPolicy, id);
    if (fields.boundaryArn !== undefined) this.db.run('UPDATE roles SET boundary_arn = ? WHERE id = ?', fields.boundaryArn, id);
  }

  recordUse(id: string, at: string, region: string): void {
    this.db.run('UPDATE roles SET last_used_at = ?, last_used_region = ? WHERE id = ?', at, region, id);
  }

  /** Removes the role and its tags. Callers check DeleteConflict first. */
  delete(id: string): void {
    this.db.run(`DELETE FROM tags WHERE resource_kind = 'role' AND resource_id = ?`, id);
    this.db.run('DELETE FROM roles WHERE id = ?', id);
  }
}
