// Owns tags of every taggable resource (roles, users, policies, OIDC providers, instance profiles, …),
// kept in insertion order. Role/user keys are unique case-insensitively; policy keys case-sensitively.
import type { Db } from '../db';

export type TagResourceKind =
  | 'role' | 'user' | 'policy' | 'oidc-provider' | 'instance-profile' | 'mfa' | 'org-policy' | 'org-unit' | 'org-account' | 'org-resource-policy' | 'org-handshake' | 'org-transfer' | 'saml-provider'
  | 'server-certificate' | 'eks-cluster' | 'eks-pod-identity-association';

export interface Tag {
  Key: string;
  Value: string;
}

export class TagsRepo {
  constructor(private readonly db: Db) {}

  list(kind: TagResourceKind, id: string): Tag[] {
    return this.db
      .all<{ key: string; value: string }>('SELECT key, value FROM tags WHERE resource_kind = ? AND resource_id = ? ORDER BY seq', kind, id)
      .map((r) => ({ Key: r.key, Value: r.value }));
  }

  /**
   * Adds or overwrites tags. With `caseInsensitiveKeys` an existing key that differs only in case is
   * replaced (AWS keeps one; the new spelling wins).
   */
  put(kind: TagResourceKind, id: string, tags: Tag[], caseInsensitiveKeys = true): void {
    for (const t of tags) {
      if (caseInsensitiveKeys) {
        this.db.run('DELETE FROM tags WHERE resource_kind = ? AND resource_id = ? AND lower(key) = lower(?) AND key <> ?', kind, id, t.Key, t.Key);
      }
      this.db.run(
        `INSERT INTO tags (resource_kind, resource_id, key, value, seq)
         VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM tags))
         ON CONFLICT(resource_kind, resource_id, key) DO UPDATE SET value = excluded.value`,
        kind, id, t.Key, t.Value,
      );
    }
  }

  remove(kind: TagResourceKind, id: string, keys: string[], caseInsensitiveKeys = true): void {
    for (const k of keys) {
      if (caseInsensitiveKeys) this.db.run('DELETE FROM tags WHERE resource_kind = ? AND resource_id = ? AND lower(key) = lower(?)', kind, id, k);
      else this.db.run('DELETE FROM tags WHERE resource_kind = ? AND resource_id = ? AND key = ?', kind, id, k);
    }
  }

  removeAll(kind: TagResourceKind, id: string): void {
    this.db.run('DELETE FROM tags WHERE resource_kind = ? AND resource_id = ?', kind, id);
  }

  count(kind: TagResourceKind, id: string): number {
    return (this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM tags WHERE resource_kind = ? AND resource_id = ?', kind, id)?.n ?? 0);
  }
}
