// Owns IAM groups and group membership.
import type { Db } from '../db';
import { decodeMarker, pageOf, type Page } from '../paging';

export interface Group {
  id: string;
  accountId: string;
  name: string;
  path: string;
  arn: string;
  createdAt: string;
}

interface GroupRow {
  id: string;
  account_id: string;
  name: string;
  path: string;
  arn: string;
  created_at: string;
}

const toGroup = (r: GroupRow): Group => ({ id: r.id, accountId: r.account_id, name: r.name, path: r.path, arn: r.arn, createdAt: r.created_at });

export class GroupsRepo {
  constructor(private readonly db: Db) {}

  getByName(accountId: string, name: string): Group | null {
    const r = this.db.get<GroupRow>('SELECT * FROM groups WHERE account_id = ? AND name_lower = ?', accountId, name.toLowerCase());
    return r ? toGroup(r) : null;
  }

  getById(id: string): Group | null {
    const r = this.db.get<GroupRow>('SELECT * FROM groups WHERE id = ?', id);
    return r ? toGroup(r) : null;
  }

  create(g: Group): Group {
    this.db.run(
      'INSERT INTO groups (id, account_id, name, name_lower, path, arn, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      g.id, g.accountId, g.name, g.name.toLowerCase(), g.path, g.arn, g.createdAt,
    );
    return this.getById(g.id)!;
  }

  list(accountId: string, opts: { pathPrefix?: string; marker?: string; maxItems: number }): Page<Group> {
    const after = decodeMarker(opts.marker) ?? '';
    const rows = this.db.all<GroupRow>(
      `SELECT * FROM groups WHERE account_id = ? AND substr(path, 1, length(?)) = ? AND name_lower > ? ORDER BY name_lower LIMIT ?`,
      accountId, opts.pathPrefix ?? '/', opts.pathPrefix ?? '/', after, opts.maxItems + 1,
    );
    return pageOf(rows.map(toGroup), opts.maxItems, (g) => g.name.toLowerCase());
  }

  update(id: string, fields: { name?: string; path?: string; arn?: string }): void {
    if (fields.name !== undefined) this.db.run('UPDATE groups SET name = ?, name_lower = ? WHERE id = ?', fields.name, fields.name.toLowerCase(), id);
    if (fields.path !== undefined) this.db.run('UPDATE groups SET path = ? WHERE id = ?', fields.path, id);
    if (fields.arn !== undefined) this.db.run('UPDATE groups SET arn = ? WHERE id = ?', fields.arn, id);
  }

  delete(id: string): void {
    this.db.run('DELETE FROM groups WHERE id = ?', id);
  }

  addMember(groupId: string, userId: string, at: string): void {
    this.db.run(
      `INSERT OR IGNORE INTO group_members (group_id, user_id, added_at, seq)
       VALUES (?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM group_members))`,
      groupId, userId, at,
    );
  }

  removeMember(groupId: string, userId: string): void {
    this.db.run('DELETE FROM group_members WHERE group_id = ? AND user_id = ?', groupId, userId);
  }

  /** Groups the user belongs to, by name. */
  groupsOfUser(userId: string): Group[] {
    return this.db
      .all<GroupRow>('SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? ORDER BY g.name_lower', userId)
      .map(toGroup);
  }

  count(accountId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM groups WHERE account_id = ?', accountId)!.n;
  }

  memberCount(groupId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?', groupId)!.n;
  }

  /** How many groups a user belongs to (GroupsPerUser quota, DeleteUser conflicts). */
  countForUser(userId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM group_members WHERE user_id = ?', userId)!.n;
  }

  isMember(groupId: string, userId: string): boolean {
    return !!this.db.get('SELECT 1 AS x FROM group_members WHERE group_id = ? AND user_id = ?', groupId, userId);
  }

  /** Member user ids of a group, a page at a time in user-name order (GetGroup). */
  membersPage(groupId: string, opts: { marker?: string; maxItems: number }): Page<string> {
    const after = decodeMarker(opts.marker) ?? '';
    const rows = this.db.all<{ user_id: string; name_lower: string }>(
      `SELECT m.user_id, u.name_lower FROM group_members m JOIN users u ON u.id = m.user_id
       WHERE m.group_id = ? AND u.name_lower > ? ORDER BY u.name_lower LIMIT ?`,
      groupId, after, opts.maxItems + 1,
    );
    const page = pageOf(rows, opts.maxItems, (r) => r.name_lower);
    return { ...page, items: page.items.map((r) => r.user_id) };
  }

  /** Groups of a user, a page at a time in group-name order (ListGroupsForUser). */
  groupsOfUserPage(userId: string, opts: { marker?: string; maxItems: number }): Page<Group> {
    const after = decodeMarker(opts.marker) ?? '';
    const rows = this.db.all<GroupRow>(
      `SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.user_id = ? AND g.name_lower > ? ORDER BY g.name_lower LIMIT ?`,
      userId, after, opts.maxItems + 1,
    );
    return pageOf(rows.map(toGroup), opts.maxItems, (g) => g.name.toLowerCase());
  }

  memberIds(groupId: string): string[] {
    return this.db.all<{ user_id: string }>('SELECT user_id FROM group_members WHERE group_id = ? ORDER BY seq', groupId).map((r) => r.user_id);
  }
}
