// Migration 015 rebuilds org_policies (every policy type of the API) on a data file that already holds
// an organization: policies and attachments survive, the change-counter triggers of 002 still fire,
// and the new tables exist.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrations } from '../../src/store/migrations/index';
import { Store } from '../../src/store/store';

const AT = '2026-11-29T12:00:00.000Z';

describe('migration 015 (org-extensions)', () => {
  it('keeps an existing organization, its SCP and attachments; the org generation still counts policy changes', async () => {
    const Database = (await import('better-sqlite3')).default;
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-migrate-015-')), 'r14.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of migrations.filter((x) => x.version < 15)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, AT);
    }
    old.pragma('user_version = 14');
    old.exec(`
      INSERT INTO accounts (id, created_at) VALUES ('999999999999', '${AT}'), ('000000000000', '${AT}');
      INSERT INTO organizations (id, management_account_id, created_at) VALUES ('o-aaaaaaaaaa', '999999999999', '${AT}');
      INSERT INTO org_units (id, org_id, kind, parent_id, name) VALUES ('r-aaaa', 'o-aaaaaaaaaa', 'root', NULL, 'Root');
      INSERT INTO org_accounts (account_id, org_id, parent_id, joined_at) VALUES ('000000000000', 'o-aaaaaaaaaa', 'r-aaaa', '${AT}');
      INSERT INTO org_policies (id, org_id, type, name, description, content, aws_managed)
        VALUES ('p-denys3xxxx', 'o-aaaaaaaaaa', 'SERVICE_CONTROL_POLICY', 'DenyS3', '', '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}', 0);
      INSERT INTO org_policy_attachments (policy_id, target_id) VALUES ('p-denys3xxxx', 'r-aaaa'), ('p-denys3xxxx', '000000000000');
    `);
    old.close();

    const s = new Store({ filename: file });
    expect(s.db.raw.pragma('user_version', { simple: true })).toBe(migrations[migrations.length - 1]!.version);
    expect(s.organizations.targetsOf('p-denys3xxxx')).toEqual(['000000000000', 'r-aaaa']);
    expect(s.organizations.policy('p-denys3xxxx')).toMatchObject({ name: 'DenyS3', type: 'SERVICE_CONTROL_POLICY', updatedAt: null });
    const gen = () => (s.db.raw.prepare(`SELECT value FROM generations WHERE name = 'org'`).get() as { value: number }).value;
    const before = gen();
    s.organizations.createPolicy({ id: 'p-tagpolicy1', orgId: 'o-aaaaaaaaaa', type: 'TAG_POLICY', name: 'tags', description: '', content: '{"tags":{}}', updatedAt: AT });
    s.organizations.attach('p-tagpolicy1', 'r-aaaa');
    expect(gen()).toBe(before + 2);
    expect(s.organizations.attachedTo('r-aaaa', 'TAG_POLICY').map((p) => p.id)).toEqual(['p-tagpolicy1']);
    // Deleting a policy still cascades to its attachments.
    s.organizations.deletePolicy('p-denys3xxxx');
    expect(s.organizations.attachedTo('000000000000', 'SERVICE_CONTROL_POLICY')).toEqual([]);
    const tables = (s.db.raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['org_handshakes', 'org_service_access', 'org_delegated_admins', 'org_resource_policies', 'org_responsibility_transfers', 'org_enabled_policy_types']));
    expect(tables).not.toContain('org_policy_attachments_keep');
    s.close();
  });

  it('reset empties the new tables', () => {
    const s = new Store();
    s.db.raw.exec(`INSERT INTO accounts (id, created_at) VALUES ('999999999999', '${AT}')`);
    const org = s.organizations.create({ id: 'o-bbbbbbbbbb', rootId: 'r-bbbb', managementAccountId: '999999999999', createdAt: AT });
    s.orgSettings.enableService(org.id, 'config.amazonaws.com', AT);
    s.orgSettings.putResourcePolicy({ orgId: org.id, id: 'rp-abcd', content: '{}' });
    s.wipe();
    expect(s.orgSettings.services(org.id)).toEqual([]);
    expect(s.orgSettings.resourcePolicy(org.id)).toBeNull();
    s.close();
  });
});
