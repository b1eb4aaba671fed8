// Owns inline (embedded) policies of roles, users and groups, stored byte-for-byte as submitted.
import type { Db } from '../db';
import { decodeMarker, pageOf, type Page } from '../paging';

export type PolicyOwnerKind = 'role' | 'user' | 'group';

export interface InlinePolicy {
  ownerKind: PolicyOwnerKind;
  ownerId: string;
  name: string;
  document: string;
  createdAt: string;
  updatedAt: string;
}

interface InlineRow {
  owner_kind: PolicyOwnerKind;
  owner_id: string;
  name: string;
  document: string;
  created_at: string;
  updated_at: string;
}

const toPolicy = (r: InlineRow): InlinePolicy => ({
  ownerKind: r.owner_kind,
  ownerId: r.owner_id,
  name: r.name,
  document: r.document,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class InlinePoliciesRepo {
  constructor(private readonly db: Db) {}

  get(kind: PolicyOwnerKind, ownerId: string, name: string): InlinePolicy | null {
    const r = this.db.get<InlineRow>('SELECT * FROM inline_policies WHERE owner_kind = ? AND owner_id = ? AND name = ?', kind, ownerId, name);
    return r ? toPolicy(r) : null;
  }

  /** Creates or replaces (PutRolePolicy semantics). */
  put(kind: PolicyOwnerKind, ownerId: string, name: string, document: string, at: string): void {
    this.db.run(
      `INSERT INTO inline_policies (owner_kind, owner_id, name, document, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT(owner_kind, owner_id, name) DO UPDATE SET document = excluded.document, updated_at = excluded.updated_at`,
      kind, ownerId, name, document, at, at,
    );
  }

  delete(kind: PolicyOwnerKind, ownerId: string, name: string): void {
    this.db.run('DELETE FROM inline_policies WHERE owner_kind = ? AND owner_id = ? AND name = ?', kind, ownerId, name);
  }

  deleteAll(kind: PolicyOwnerKind, ownerId: string): void {
    this.db.run('DELETE FROM inline_policies WHERE owner_kind = ? AND owner_id = ?', kind, ownerId);
  }

  /** All inline policies of an entity, by name. */
  all(kind: PolicyOwnerKind, ownerId: string): InlinePolicy[] {
    return this.db.all<InlineRow>('SELECT * FROM inline_policies WHERE owner_kind = ? AND owner_id = ? ORDER BY name', kind, ownerId).map(toPolicy);
  }

  count(kind: PolicyOwnerKind, ownerId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM inline_policies WHERE owner_kind = ? AND owner_id = ?', kind, ownerId)!.n;
  }

  names(kind: PolicyOwnerKind, ownerId: string, opts: { marker?: string; maxItems: number }): Page<string> {
    const after = decodeMarker(opts.marker) ?? '';
    const rows = this.db.all<{ name: string }>(
      'SELECT name FROM inline_policies WHERE owner_kind = ? AND owner_id = ? AND name > ? ORDER BY name LIMIT ?',
      kind, ownerId, after, opts.maxItems + 1,
    );
    return pageOf(rows.map((r) => r.name), opts.maxItems, (n) => n);
  }
}
