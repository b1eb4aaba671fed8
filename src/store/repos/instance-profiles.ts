// Owns instance profiles and the (at most one) role each holds.
import type { Db } from '../db';
import { decodeMarker, pageOf, type Page } from '../paging';

export interface InstanceProfile {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  createdAt: string;
}

interface ProfileRow {
  id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  created_at: string;
}

const toProfile = (r: ProfileRow): InstanceProfile => ({ id: r.id, accountId: r.account_id, name: r.name, path: r.path, arn: r.arn, createdAt: r.created_at });

export class InstanceProfilesRepo {
  constructor(private readonly db: Db) {}

  getByName(accountId: string, name: string): InstanceProfile | null {
    const r = this.db.get<ProfileRow>('SELECT * FROM instance_profiles WHERE account_id = ? AND name_lower = ?', accountId, name.toLowerCase());
    return r ? toProfile(r) : null;
  }

  create(p: InstanceProfile): InstanceProfile {
    this.db.run(
      'INSERT INTO instance_profiles (id, account_id, name, name_lower, path, arn, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      p.id, p.accountId, p.name, p.name.toLowerCase(), p.path, p.arn, p.createdAt,
    );
    return p;
  }

  delete(id: string): void {
    this.db.run(`DELETE FROM tags WHERE resource_kind = 'instance-profile' AND resource_id = ?`, id);
    this.db.run('DELETE FROM instance_profiles WHERE id = ?', id);
  }

  list(accountId: string, opts: { pathPrefix?: string; marker?: string; maxItems: number }): Page<InstanceProfile> {
    const after = decodeMarker(opts.marker) ?? '';
    const rows = this.db.all<ProfileRow>(
      `SELECT * FROM instance_profiles WHERE account_id = ? AND substr(path, 1, length(?)) = ? AND name_lower > ? ORDER BY name_lower LIMIT ?`,
      accountId, opts.pathPrefix ?? '/', opts.pathPrefix ?? '/', after, opts.maxItems + 1,
    );
    return pageOf(rows.map(toProfile), opts.maxItems, (p) => p.name.toLowerCase());
  }

  addRole(profileId: string, roleId: string): void {
    this.db.run('INSERT INTO instance_profile_roles (profile_id, role_id) VALUES (?, ?)', profileId, roleId);
  }

  removeRole(profileId: string, roleId: string): void {
    this.db.run('DELETE FROM instance_profile_roles WHERE profile_id = ? AND role_id = ?', profileId, roleId);
  }

  roleIds(profileId: string): string[] {
    return this.db.all<{ role_id: string }>('SELECT role_id FROM instance_profile_roles WHERE profile_id = ?', profileId).map((r) => r.role_id);
  }

  /** Instance profiles containing the role (DeleteRole's conflict check). */
  forRole(roleId: string): InstanceProfile[] {
    return this.db
      .all<ProfileRow>('SELECT p.* FROM instance_profiles p JOIN instance_profile_roles r ON r.profile_id = p.id WHERE r.role_id = ? ORDER BY p.name_lower', roleId)
      .map(toProfile);
  }
}
