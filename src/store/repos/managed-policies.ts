// Owns managed policies (customer and AWS-managed), their versions and their attachments to
// roles, users and groups.
import type { Db } from '../db';
import { decodeMarker, pageOf, type Page } from '../paging';
import type { PolicyOwnerKind } from './inline-policies';

export interface ManagedPolicy {
  arn: string;
  id: string;
  /** null for AWS-managed policies. */
  accountId: string | null;
  awsManaged: boolean;
  name: string;
  path: string;
  description: string | null;
  defaultVersionId: string;
  nextVersion: number;
  isAttachable: boolean;
  createdAt: string;
  updatedAt: string;
}

export interface PolicyVersion {
  policyArn: string;
  versionId: string;
  document: string;
  createdAt: string;
}

interface PolicyRow {
  arn: string;
  id: string;
  account_id: string | null;
  aws_managed: number;
  name: string;
  path: string;
  description: string | null;
  default_version_id: string;
  next_version: number;
  is_attachable: number;
  created_at: string;
  updated_at: string;
}

const toPolicy = (r: PolicyRow): ManagedPolicy => ({
  arn: r.arn,
  id: r.id,
  accountId: r.account_id,
  awsManaged: r.aws_managed === 1,
  name: r.name,
  path: r.path,
  description: r.description,
  defaultVersionId: r.default_version_id,
  nextVersion: r.next_version,
  isAttachable: r.is_attachable === 1,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

export class ManagedPoliciesRepo {
  constructor(private readonly db: Db) {}

  /**
   * Defers copying an imported AWS-managed policy's older versions until something reads or changes
   * its versions (ReadOnlyAccess alone has 151 versions, 8 MB of JSON: copying them was most of an
   * in-memory start-up with the shipped seeds). Only the default version is needed to evaluate.
   * A snapshot copies them first (Db.flushDeferred); reset and restore forget them with the rows.
   */
  deferHistory(arn: string, load: () => void): void {
    this.db.defer(`policy-history:${arn}`, () => {
      if (this.get(arn)) load();
    });
  }

  /** Copies a deferred history now. */
  private history(arn: string): void {
    this.db.runDeferred(`policy-history:${arn}`);
  }

  get(arn: string): ManagedPolicy | null {
    const r = this.db.get<PolicyRow>('SELECT * FROM managed_policies WHERE arn = ?', arn);
    return r ? toPolicy(r) : null;
  }

  getByName(accountId: string, name: string): ManagedPolicy | null {
    const r = this.db.get<PolicyRow>('SELECT * FROM managed_policies WHERE account_id = ? AND name = ?', accountId, name);
    return r ? toPolicy(r) : null;
  }

  /** Creates the policy with its first version `v1` as default. */
  create(p: {
    arn: string; id: string; accountId: string | null; name: string; path: string; description: string | null; document: string; createdAt: string;
    awsManaged?: boolean; defaultVersionId?: string; updatedAt?: string; isAttachable?: boolean; versionCreatedAt?: string;
  }): ManagedPolicy {
    const v = p.defaultVersionId ?? 'v1';
    this.db.run(
      `INSERT INTO managed_policies (arn, id, account_id, aws_managed, name, path, description, default_version_id, next_version, is_attachable, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      p.arn, p.id, p.accountId, p.awsManaged ? 1 : 0, p.name, p.path, p.description, v, Number(v.slice(1)) + 1, p.isAttachable === false ? 0 : 1, p.createdAt, p.updatedAt ?? p.createdAt,
    );
    this.db.run('INSERT INTO policy_versions (policy_arn, version_id, document, created_at) VALUES (?, ?, ?, ?)', p.arn, v, p.document, p.versionCreatedAt ?? p.createdAt);
    return this.get(p.arn)!;
  }

  /** A customer policy by name, case-insensitively (IAM names do not differ by case alone). */
  getByNameInsensitive(accountId: string, name: string): ManagedPolicy | null {
    const r = this.db.get<PolicyRow>('SELECT * FROM managed_policies WHERE account_id = ? AND lower(name) = lower(?)', accountId, name);
    return r ? toPolicy(r) : null;
  }

  /** Customer-managed policies of an account (the CustomerManagedPolicies quota). */
  countLocal(accountId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM managed_policies WHERE account_id = ?', accountId)!.n;
  }

  /** Customer-managed policies of an account under a path prefix, after `after` in (name, arn) order. */
  listLocalAfter(accountId: string, opts: { pathPrefix: string; after: string; limit: number }): ManagedPolicy[] {
    return this.db
      .all<PolicyRow>(
        `SELECT * FROM managed_policies WHERE account_id = @acct AND substr(path, 1, length(@prefix)) = @prefix
         AND (name || char(0) || arn) > @after ORDER BY name || char(0) || arn LIMIT @limit`,
        { acct: accountId, prefix: opts.pathPrefix, after: opts.after, limit: opts.limit },
      )
      .map(toPolicy);
  }

  /** Per policy ARN: attachments and boundary uses by entities of one account (AWS counts per account). */
  usageIn(accountId: string): Map<string, { attachments: number; boundaries: number }> {
    const out = new Map<string, { attachments: number; boundaries: number }>();
    const rows = this.db.all<{ arn: string; attachments: number; boundaries: number }>(
      `SELECT arn, SUM(att) AS attachments, SUM(bnd) AS boundaries FROM (
         SELECT a.policy_arn AS arn, 1 AS att, 0 AS bnd FROM policy_attachments a
          WHERE (a.entity_kind = 'role' AND a.entity_id IN (SELECT id FROM roles WHERE account_id = @acct))
             OR (a.entity_kind = 'user' AND a.entity_id IN (SELECT id FROM users WHERE account_id = @acct))
             OR (a.entity_kind = 'group' AND a.entity_id IN (SELECT id FROM groups WHERE account_id = @acct))
         UNION ALL SELECT boundary_arn, 0, 1 FROM roles WHERE account_id = @acct AND boundary_arn IS NOT NULL
         UNION ALL SELECT boundary_arn, 0, 1 FROM users WHERE account_id = @acct AND boundary_arn IS NOT NULL
       ) GROUP BY arn`,
      { acct: accountId },
    );
    for (const r of rows) out.set(r.arn, { attachments: r.attachments, boundaries: r.boundaries });
    return out;
  }

  /** Attachments and boundary uses of one policy by entities of one account. */
  usageOf(arn: string, accountId: string): { attachments: number; boundaries: number } {
    const r = this.db.get<{ attachments: number; boundaries: number }>(
      `SELECT
         (SELECT COUNT(*) FROM policy_attachments a WHERE a.policy_arn = @arn AND (
            (a.entity_kind = 'role' AND a.entity_id IN (SELECT id FROM roles WHERE account_id = @acct))
         OR (a.entity_kind = 'user' AND a.entity_id IN (SELECT id FROM users WHERE account_id = @acct))
         OR (a.entity_kind = 'group' AND a.entity_id IN (SELECT id FROM groups WHERE account_id = @acct)))) AS attachments,
         (SELECT COUNT(*) FROM roles WHERE account_id = @acct AND boundary_arn = @arn)
         + (SELECT COUNT(*) FROM users WHERE account_id = @acct AND boundary_arn = @arn) AS boundaries`,
      { arn, acct: accountId },
    )!;
    return { attachments: r.attachments, boundaries: r.boundaries };
  }

  delete(arn: string): void {
    this.db.forgetDeferred(`policy-history:${arn}`);
    this.db.run(`DELETE FROM tags WHERE resource_kind = 'policy' AND resource_id = ?`, arn);
    this.db.run('DELETE FROM managed_policies WHERE arn = ?', arn);
  }

  list(opts: { accountId: string; scope: 'All' | 'AWS' | 'Local'; onlyAttached: boolean; pathPrefix?: string; marker?: string; maxItems: number }): Page<ManagedPolicy> {
    const after = decodeMarker(opts.marker) ?? '';
    const prefix = opts.pathPrefix ?? '/';
    const scope =
      opts.scope === 'AWS' ? 'aws_managed = 1' : opts.scope === 'Local' ? 'account_id = @acct' : '(aws_managed = 1 OR account_id = @acct)';
    const attached = opts.onlyAttached ? 'AND EXISTS (SELECT 1 FROM policy_attachments a WHERE a.policy_arn = managed_policies.arn)' : '';
    const rows = this.db.all<PolicyRow>(
      `SELECT * FROM managed_policies WHERE ${scope} ${attached} AND substr(path, 1, length(@prefix)) = @prefix
       AND (name || char(0) || arn) > @after ORDER BY name || char(0) || arn LIMIT @limit`,
      { acct: opts.accountId, prefix, after, limit: opts.maxItems + 1 },
    );
    return pageOf(rows.map(toPolicy), opts.maxItems, (p) => `${p.name}\u0000${p.arn}`);
  }

  // ---- versions

  getVersion(arn: string, versionId: string): PolicyVersion | null {
    this.history(arn);
    const r = this.db.get<{ policy_arn: string; version_id: string; document: string; created_at: string }>(
      'SELECT * FROM policy_versions WHERE policy_arn = ? AND version_id = ?', arn, versionId,
    );
    return r ? { policyArn: r.policy_arn, versionId: r.version_id, document: r.document, createdAt: r.created_at } : null;
  }

  /** The default version's document text. */
  defaultDocument(arn: string): string | null {
    const r = this.db.get<{ document: string }>(
      `SELECT v.document FROM policy_versions v JOIN managed_policies p ON p.arn = v.policy_arn AND p.default_version_id = v.version_id WHERE p.arn = ?`,
      arn,
    );
    return r?.document ?? null;
  }

  /** Newest first, as ListPolicyVersions returns them. */
  versions(arn: string): PolicyVersion[] {
    this.history(arn);
    return this.db
      .all<{ policy_arn: string; version_id: string; document: string; created_at: string }>(
        `SELECT * FROM policy_versions WHERE policy_arn = ? ORDER BY CAST(substr(version_id, 2) AS INTEGER) DESC`, arn,
      )
      .map((r) => ({ policyArn: r.policy_arn, versionId: r.version_id, document: r.document, createdAt: r.created_at }));
  }

  /** Adds version v{next}; returns its id. */
  addVersion(arn: string, document: string, at: string, setAsDefault: boolean): string {
    this.history(arn);
    const p = this.get(arn)!;
    const versionId = `v${p.nextVersion}`;
    this.db.run('INSERT INTO policy_versions (policy_arn, version_id, document, created_at) VALUES (?, ?, ?, ?)', arn, versionId, document, at);
    this.db.run('UPDATE managed_policies SET next_version = next_version + 1, updated_at = ? WHERE arn = ?', at, arn);
    if (setAsDefault) this.setDefaultVersion(arn, versionId, at);
    return versionId;
  }

  setDefaultVersion(arn: string, versionId: string, at: string): void {
    this.db.run('UPDATE managed_policies SET default_version_id = ?, updated_at = ? WHERE arn = ?', versionId, at, arn);
  }

  /** Inserts a version with a given id (AWS-managed policies imported with their history). */
  putVersion(arn: string, versionId: string, document: string, at: string): void {
    this.history(arn);
    this.db.run('INSERT OR REPLACE INTO policy_versions (policy_arn, version_id, document, created_at) VALUES (?, ?, ?, ?)', arn, versionId, document, at);
  }

  deleteVersion(arn: string, versionId: string): void {
    this.history(arn);
    this.db.run('DELETE FROM policy_versions WHERE policy_arn = ? AND version_id = ?', arn, versionId);
  }

  // ---- attachments

  attach(arn: string, kind: PolicyOwnerKind, entityId: string, at: string): void {
    this.db.run(
      `INSERT OR IGNORE INTO policy_attachments (policy_arn, entity_kind, entity_id, attached_at, seq)
       VALUES (?, ?, ?, ?, (SELECT COALESCE(MAX(seq), 0) + 1 FROM policy_attachments))`,
      arn, kind, entityId, at,
    );
  }

  detach(arn: string, kind: PolicyOwnerKind, entityId: string): boolean {
    return this.db.run('DELETE FROM policy_attachments WHERE policy_arn = ? AND entity_kind = ? AND entity_id = ?', arn, kind, entityId).changes > 0;
  }

  isAttached(arn: string, kind: PolicyOwnerKind, entityId: string): boolean {
    return !!this.db.get('SELECT 1 FROM policy_attachments WHERE policy_arn = ? AND entity_kind = ? AND entity_id = ?', arn, kind, entityId);
  }

  /** Managed policies attached to an entity, in attachment order. */
  attachedTo(kind: PolicyOwnerKind, entityId: string): ManagedPolicy[] {
    return this.db
      .all<PolicyRow>(
        `SELECT p.* FROM managed_policies p JOIN policy_attachments a ON a.policy_arn = p.arn
         WHERE a.entity_kind = ? AND a.entity_id = ? ORDER BY a.seq`,
        kind, entityId,
      )
      .map(toPolicy);
  }

  countAttachedTo(kind: PolicyOwnerKind, entityId: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM policy_attachments WHERE entity_kind = ? AND entity_id = ?', kind, entityId)!.n;
  }

  attachmentCount(arn: string): number {
    return this.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM policy_attachments WHERE policy_arn = ?', arn)!.n;
  }

  /** How many users and roles use the policy as a permissions boundary. */
  boundaryUsageCount(arn: string): number {
    return this.db.get<{ n: number }>(
      'SELECT (SELECT COUNT(*) FROM roles WHERE boundary_arn = @a) + (SELECT COUNT(*) FROM users WHERE boundary_arn = @a) AS n',
      { a: arn },
    )!.n;
  }

  /** Managed policies attached to an entity whose path starts with `pathPrefix`, paged in (name, arn) order. */
  attachedPage(kind: PolicyOwnerKind, entityId: string, opts: { pathPrefix?: string; marker?: string; maxItems: number }): Page<ManagedPolicy> {
    // The marker carries only the last ARN (markers are at most 320 characters); the name is its last segment.
    const lastArn = decodeMarker(opts.marker);
    const after = lastArn === null ? '' : `${lastArn.slice(lastArn.lastIndexOf('/') + 1)}\u0000${lastArn}`;
    const rows = this.db.all<PolicyRow>(
      `SELECT p.* FROM managed_policies p JOIN policy_attachments a ON a.policy_arn = p.arn
       WHERE a.entity_kind = @kind AND a.entity_id = @id AND substr(p.path, 1, length(@prefix)) = @prefix
       AND (p.name || char(0) || p.arn) > @after ORDER BY p.name || char(0) || p.arn LIMIT @limit`,
      { kind, id: entityId, prefix: opts.pathPrefix ?? '/', after, limit: opts.maxItems + 1 },
    );
    return pageOf(rows.map(toPolicy), opts.maxItems, (p) => p.arn);
  }

  /**
   * Groups, users and roles of one account that use a policy — attached (`PermissionsPolicy`), as their
   * boundary (`PermissionsBoundary`) or either — in that order, by name, paged (ListEntitiesForPolicy).
   */
  entitiesPage(
    arn: string,
    accountId: string,
    opts: { kinds: PolicyOwnerKind[]; usage?: 'PermissionsPolicy' | 'PermissionsBoundary'; pathPrefix?: string; marker?: string; maxItems: number },
  ): Page<{ kind: PolicyOwnerKind; id: string; name: string }> {
    const after = decodeMarker(opts.marker) ?? '';
    const attached = (kind: PolicyOwnerKind, t: string) =>
      `EXISTS (SELECT 1 FROM policy_attachments a WHERE a.policy_arn = @arn AND a.entity_kind = '${kind}' AND a.entity_id = ${t}.id)`;
    const use = (kind: PolicyOwnerKind, t: string) =>
      opts.usage === 'PermissionsPolicy' || kind === 'group' ? attached(kind, t)
      : opts.usage === 'PermissionsBoundary' ? `${t}.boundary_arn = @arn`
      : `(${attached(kind, t)} OR ${t}.boundary_arn = @arn)`;
    const parts: string[] = [];
    const order: Record<PolicyOwnerKind, string> = { group: '1', user: '2', role: '3' };
    const table: Record<PolicyOwnerKind, string> = { group: 'groups', user: 'users', role: 'roles' };
    for (const kind of ['group', 'user', 'role'] as const) {
      if (!opts.kinds.includes(kind)) continue;
      if (kind === 'group' && opts.usage === 'PermissionsBoundary') continue; // groups have no boundaries
      parts.push(
        `SELECT '${kind}' AS kind, t.id AS id, t.name AS name, '${order[kind]}' || t.name_lower || char(0) || t.id AS k FROM ${table[kind]} t
         WHERE t.account_id = @acct AND substr(t.path, 1, length(@prefix)) = @prefix AND ${use(kind, 't')}`,
      );
    }
    if (parts.length === 0) return { items: [], isTruncated: false };
    const rows = this.db.all<{ kind: PolicyOwnerKind; id: string; name: string; k: string }>(
      `SELECT * FROM (${parts.join(' UNION ALL ')}) WHERE k > @after ORDER BY k LIMIT @limit`,
      { arn, acct: accountId, prefix: opts.pathPrefix ?? '/', after, limit: opts.maxItems + 1 },
    );
    const page = pageOf(rows, opts.maxItems, (r) => r.k);
    return { ...page, items: page.items.map((r) => ({ kind: r.kind, id: r.id, name: r.name })) };
  }

  entitiesFor(arn: string): { kind: PolicyOwnerKind; entityId: string }[] {
    return this.db
      .all<{ entity_kind: PolicyOwnerKind; entity_id: string }>('SELECT entity_kind, entity_id FROM policy_attachments WHERE policy_arn = ? ORDER BY seq', arn)
      .map((r) => ({ kind: r.entity_kind, entityId: r.entity_id }));
  }
}
