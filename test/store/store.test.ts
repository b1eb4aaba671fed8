// The SQLite store: migrations, persistence across restarts, one transaction per request (rollback on
// error), wipe, and the repositories' own rules (case-insensitive names, key ownership, paging).
import { existsSync, mkdtempSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaults } from '../../src/config';
import { bootstrapDefaults } from '../../src/store/bootstrap';
import { Db, sqliteAddonPath } from '../../src/store/db';
import { migrations } from '../../src/store/migrations/index';
import { INSERT_SESSION } from '../../src/store/repos/sessions';
import { Store } from '../../src/store/store';

const AT = '2026-11-29T12:00:00.000Z';
const role = (id: string, name: string, path = '/') => ({
  id, accountId: '000000000000', name, path, arn: `arn:aws:iam::000000000000:role${path}${name}`, trustPolicy: '{}',
  description: null, maxSessionDuration: 3600, boundaryArn: null, createdAt: AT,
});

describe('store', () => {
  it('migrates a new file to the latest version and keeps data across reopen (WAL)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-store-'));
    const file = join(dir, 'nested', 'iamlocal.db');
    const a = new Store({ filename: file });
    expect(a.db.raw.pragma('user_version', { simple: true })).toBe(migrations[migrations.length - 1].version);
    expect(a.db.raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(a.db.raw.pragma('foreign_keys', { simple: true })).toBe(1);
    bootstrapDefaults(a, defaults, new Date(AT));
    a.roles.create(role('AROAAAAAAAAAAAAAAAAA1', 'kept'));
    a.close();
    const b = new Store({ filename: file });
    expect(b.roles.getByName('000000000000', 'KEPT')?.id).toBe('AROAAAAAAAAAAAAAAAAA1');
    expect(b.accessKeys.get('AKIAIAMLOCALROOTUSER')?.isRoot).toBe(true);
    b.close();
  });

  it('opens SQLite through the addon better-sqlite3 itself loads, named by path', () => {
    const addon = sqliteAddonPath();
    expect(addon).not.toBeNull();
    expect(existsSync(addon!)).toBe(true);
    const db = new Db({ filename: ':memory:' });
    expect(db.raw.prepare('SELECT sqlite_version() AS v').get()).toMatchObject({ v: expect.stringMatching(/^3\./) });
    // The addon SQLite runs on is that file (Node caches a loaded addon under its resolved path).
    expect(Object.keys(createRequire(import.meta.url).cache).map((f) => realpathSync(f))).toContain(realpathSync(addon!));
    db.raw.close();
  });

  it('refuses a data file from a newer iamlocal', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-store-')), 'x.db');
    const a = new Store({ filename: file });
    a.db.raw.pragma('user_version = 999');
    a.close();
    expect(() => new Store({ filename: file })).toThrow(/schema version 999 is newer/);
  });

  it('a transaction rolls back every write when it throws', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    expect(() =>
      s.transaction(() => {
        s.roles.create(role('AROAAAAAAAAAAAAAAAAA1', 'a'));
        s.roles.create(role('AROAAAAAAAAAAAAAAAAA2', 'A')); // same name, other case → UNIQUE violation
      }),
    ).toThrow(/UNIQUE/);
    expect(s.roles.count('000000000000')).toBe(0);
  });

  it('bootstrap replaces a changed root key and removes it when switched off', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    bootstrapDefaults(s, { ...defaults, rootCredentials: { accessKeyId: 'AKIAROOT', secretAccessKey: 'new' } }, new Date(AT));
    expect(s.accessKeys.get('AKIAIAMLOCALROOTUSER')).toBeNull();
    expect(s.accessKeys.get('AKIAROOT')?.secret).toBe('new');
    bootstrapDefaults(s, { ...defaults, rootCredentials: false }, new Date(AT));
    expect(s.accessKeys.listFor('000000000000', null)).toEqual([]);
  });

  it('an access key is either root (no user) or a user key', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    const u = s.users.create({ id: 'AIDAAAAAAAAAAAAAAAAA1', accountId: '000000000000', name: 'u', path: '/', arn: 'arn:aws:iam::000000000000:user/u', boundaryArn: null, createdAt: AT });
    s.accessKeys.create({ id: 'AKIA1', secret: 's', accountId: '000000000000', userId: u.id, createdAt: AT });
    expect(s.accessKeys.listFor('000000000000', u.id).map((k) => k.id)).toEqual(['AKIA1']);
    // Deleting the user deletes its keys (foreign key cascade): a key never outlives its owner.
    s.users.delete(u.id);
    expect(s.accessKeys.get('AKIA1')).toBeNull();
  });

  it('tags keep insertion order; role keys are case-insensitive, policy keys case-sensitive', () => {
    const s = new Store();
    s.tags.put('role', 'R', [{ Key: 'b', Value: '1' }, { Key: 'a', Value: '2' }]);
    s.tags.put('role', 'R', [{ Key: 'B', Value: '3' }]);
    expect(s.tags.list('role', 'R')).toEqual([{ Key: 'a', Value: '2' }, { Key: 'B', Value: '3' }]);
    s.tags.put('policy', 'P', [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }], false);
    expect(s.tags.list('policy', 'P')).toHaveLength(2);
  });

  it('managed policy versions are never reused and list newest first', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    const arn = 'arn:aws:iam::000000000000:policy/p';
    s.managedPolicies.create({ arn, id: 'ANPA1', accountId: '000000000000', name: 'p', path: '/', description: null, document: '{"v":1}', createdAt: AT });
    expect(s.managedPolicies.addVersion(arn, '{"v":2}', AT, false)).toBe('v2');
    s.managedPolicies.deleteVersion(arn, 'v2');
    expect(s.managedPolicies.addVersion(arn, '{"v":3}', AT, false)).toBe('v3');
    expect(s.managedPolicies.versions(arn).map((v) => v.versionId)).toEqual(['v3', 'v1']);
    expect(s.managedPolicies.defaultDocument(arn)).toBe('{"v":1}');
  });

  it('wipe empties every table but keeps the schema', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    s.wipe();
    expect(s.accounts.list()).toEqual([]);
    bootstrapDefaults(s, defaults, new Date(AT));
    expect(s.accounts.list().map((a) => a.id)).toEqual(['000000000000']);
  });
});

describe('sessions', () => {
  it('create returns exactly what a later read returns', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    const created = s.sessions.create({
      accessKeyId: 'ASIAAAAAAAAAAAAAAAAA', secret: 'x', sessionToken: 't', accountId: '000000000000', kind: 'assumed-role', via: 'AssumeRole',
      principalArn: 'arn:aws:sts::000000000000:assumed-role/r/s', principalId: 'AROAX:s', roleId: 'AROAX', roleArn: 'arn:aws:iam::000000000000:role/r',
      roleName: 'r', sessionName: 's', sourceIdentity: undefined, tags: [{ Key: 'k', Value: 'v' }], issuedAt: AT, expiresAt: AT,
    });
    expect(s.sessions.get('ASIAAAAAAAAAAAAAAAAA')).toEqual(created);
  });
});

describe('sessions: derived credentials (migration 018)', () => {
  const spec = (accessKeyId: string) => ({
    accessKeyId, accountId: '000000000000', kind: 'assumed-role' as const, via: 'AssumeRole' as const,
    principalArn: 'arn:aws:sts::000000000000:assumed-role/r/s', principalId: 'AROAX:s', issuedAt: AT, expiresAt: AT,
  });

  it('a session made without a secret and token gets derived ones, shaped as AWS issues them, and stores neither', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    const a = s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1'));
    const b = s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA2'));
    expect(a.secret).toMatch(/^[A-Za-z0-9+/]{40}$/);
    expect(a.sessionToken).toMatch(/^IQoJb3JpZ2luX2Vj[A-Za-z0-9+/]{128}$/);
    expect(b.secret).not.toBe(a.secret);
    expect(b.sessionToken).not.toBe(a.sessionToken);
    expect(s.sessions.get(a.accessKeyId)).toEqual(a);
    expect(s.db.raw.prepare('SELECT secret, session_token FROM sessions WHERE access_key_id = ?').get(a.accessKeyId)).toEqual({ secret: null, session_token: null });
  });

  it('another data file derives other credentials for the same access key id', () => {
    const one = new Store();
    const two = new Store();
    for (const s of [one, two]) bootstrapDefaults(s, defaults, new Date(AT));
    expect(one.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1')).secret).not.toBe(two.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1')).secret);
  });

  it('a data file reopened, or reset, keeps its key: the same session has the same credentials', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-derived-')), 'd.db');
    let s = new Store({ filename: file });
    bootstrapDefaults(s, defaults, new Date(AT));
    const made = s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1'));
    s.close();
    s = new Store({ filename: file });
    expect(s.sessions.get('ASIAAAAAAAAAAAAAAAA1')).toEqual(made);
    s.wipe();
    bootstrapDefaults(s, defaults, new Date(AT));
    expect(s.sessions.get('ASIAAAAAAAAAAAAAAAA1')).toBeNull();
    expect(s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1'))).toMatchObject({ secret: made.secret, sessionToken: made.sessionToken });
    s.close();
  });

  it("a role session's ARN and id are not stored when its account, role and session name make them", () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    const role = { kind: 'assumed-role' as const, roleId: 'AROAX', roleName: 'r', roleArn: 'arn:aws:iam::000000000000:role/p/r', sessionName: 's' };
    const plain = s.sessions.create({ ...spec('ASIAAAAAAAAAAAAAAAA4'), ...role });
    const odd = s.sessions.create({ ...spec('ASIAAAAAAAAAAAAAAAA5'), ...role, principalArn: 'arn:aws:sts::000000000000:assumed-role/other/s', principalId: 'AROAY:s' });
    expect(s.sessions.get(plain.accessKeyId)).toEqual(plain);
    expect(s.sessions.get(odd.accessKeyId)).toEqual(odd);
    const row = (id: string) => s.db.raw.prepare('SELECT principal_arn, principal_id FROM sessions WHERE access_key_id = ?').get(id);
    expect(row(plain.accessKeyId)).toEqual({ principal_arn: null, principal_id: null });
    expect(row(odd.accessKeyId)).toEqual({ principal_arn: 'arn:aws:sts::000000000000:assumed-role/other/s', principal_id: 'AROAY:s' });
  });

  it('an access key id already taken is drawn again when the caller can draw one, in the same transaction', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    const first = s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1'));
    const draws = ['ASIAAAAAAAAAAAAAAAA1', 'ASIAAAAAAAAAAAAAAAA2'];
    const again = s.transaction(() => s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1'), () => draws.shift()!));
    expect(again.accessKeyId).toBe('ASIAAAAAAAAAAAAAAAA2');
    expect(draws).toEqual([]);
    // Both sessions stand, each with the credentials its own id derives.
    expect(s.sessions.get(first.accessKeyId)).toEqual(first);
    expect(s.sessions.get(again.accessKeyId)).toEqual(again);
    expect(again.secret).not.toBe(first.secret);
  });

  it('without a way to draw, or after five draws all taken, the conflict is an error (nothing is overwritten)', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    const first = s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1'));
    expect(() => s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1'))).toThrow(/UNIQUE/);
    let drawn = 0;
    expect(() => s.sessions.create(spec('ASIAAAAAAAAAAAAAAAA1'), () => (drawn++, 'ASIAAAAAAAAAAAAAAAA1'))).toThrow(/UNIQUE/);
    expect(drawn).toBe(4);
    expect(s.sessions.get('ASIAAAAAAAAAAAAAAAA1')).toEqual(first);
  });

  it('credentials given explicitly are stored and returned as given', () => {
    const s = new Store();
    bootstrapDefaults(s, defaults, new Date(AT));
    s.sessions.create({ ...spec('ASIAAAAAAAAAAAAAAAA3'), secret: 'given', sessionToken: 'tok' });
    expect(s.sessions.get('ASIAAAAAAAAAAAAAAAA3')).toMatchObject({ secret: 'given', sessionToken: 'tok' });
  });
});

describe('migrations', () => {
  it('upgrades a version-2 data file in place, keeping its sessions', async () => {
    const Database = (await import('better-sqlite3')).default;
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-migrate-')), 'old.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    for (const m of migrations.filter((x) => x.version <= 2)) old.exec(m.sql);
    old.pragma('user_version = 2');
    old.prepare(`INSERT INTO accounts (id, created_at) VALUES ('000000000000', ?)`).run(AT);
    old.prepare(
      `INSERT INTO sessions (access_key_id, secret, session_token, account_id, kind, via, principal_arn, principal_id, issued_at, expires_at)
       VALUES ('ASIAOLDOLDOLDOLDOLD1', 's', 'tok', '000000000000', 'root', 'GetSessionToken', 'arn:aws:iam::000000000000:root', '000000000000', ?, ?)`,
    ).run(AT, AT);
    old.close();

    const s = new Store({ filename: file });
    expect(s.db.raw.pragma('user_version', { simple: true })).toBe(migrations[migrations.length - 1]!.version);
    expect(s.sessions.get('ASIAOLDOLDOLDOLDOLD1')).toMatchObject({ sessionToken: 'tok', kind: 'root' });
    const indexes = s.db.raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sessions'`).all() as { name: string }[];
    // Migration 018 dropped sessions_expires (the purge scans the table).
    expect(indexes.map((i) => i.name).filter((n) => !n.startsWith('sqlite_autoindex_sessions_1'))).toEqual([]);
    s.close();
  });

  it('upgrades a data file from a release at user_version 14 by applying the lower-numbered migrations that landed after it (6, 7, 9, 11, 13)', async () => {
    const Database = (await import('better-sqlite3')).default;
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-migrate-')), 'r14.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    for (const m of migrations.filter((x) => [1, 2, 3, 10, 12, 14].includes(x.version))) old.exec(m.sql);
    old.pragma('user_version = 14');
    old.prepare(`INSERT INTO accounts (id, created_at) VALUES ('000000000000', ?)`).run(AT);
    old.close();

    const s = new Store({ filename: file });
    const ledger = (s.db.raw.prepare('SELECT version FROM schema_migrations ORDER BY version').all() as { version: number }[]).map((r) => r.version);
    expect(ledger).toEqual(migrations.map((m) => m.version));
    // 006 added columns to eks_clusters; 013 to org_accounts: both present now.
    const cols = (t: string) => (s.db.raw.prepare(`PRAGMA table_info(${t})`).all() as { name: string }[]).map((c) => c.name);
    expect(cols('eks_clusters')).toContain('role_arn');
    expect(cols('org_accounts')).toContain('status');
    s.close();
    // Opening again applies nothing twice.
    const again = new Store({ filename: file });
    expect((again.db.raw.prepare('SELECT count(*) AS n FROM schema_migrations').get() as { n: number }).n).toBe(migrations.length);
    again.close();
  });

  it('migration 019: a session insert compiles without an ephemeral index, and the kind CHECK still refuses what it refused', async () => {
    const Database = (await import('better-sqlite3')).default;
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-migrate-')), 'r18.db');
    const old = new Database(file);
    old.pragma('foreign_keys = ON');
    // A data file of the release before 019: every earlier migration applied and in the ledger.
    old.exec('CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
    for (const m of migrations.filter((x) => x.version <= 18)) {
      old.exec(m.sql);
      old.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, AT);
    }
    old.pragma('user_version = 18');
    old.prepare(`INSERT INTO accounts (id, created_at) VALUES ('000000000000', ?)`).run(AT);
    // INSERT_SESSION's 27 columns: ids and kind, 8 nullable texts, the three JSON lists, MFA, 3 nullable, chained, parent, times.
    const row = (id: string, kind: string) => [
      id, 's', 'tok', '000000000000', kind, 'GetSessionToken', 'arn:aws:iam::000000000000:root', '000000000000',
      null, null, null, null, null, null, null, null, '[]', '[]', '[]', 0, null, null, null, 0, null, AT, AT,
    ];
    const ephemeral = (db: InstanceType<typeof Database>) =>
      (db.prepare(`EXPLAIN ${INSERT_SESSION}`).all(...row('x', 'root')) as { opcode: string }[]).filter((o) => o.opcode === 'OpenEphemeral').length;
    // Before: the IN list over four constants is an ephemeral index built on every insert.
    expect(ephemeral(old)).toBe(1);
    old.prepare(INSERT_SESSION).run(...row('ASIAOLDOLDOLDOLDOLD2', 'session-token'));
    old.close();

    const s = new Store({ filename: file });
    expect(ephemeral(s.db.raw)).toBe(0);
    // The rows kept, and the same four kinds accepted and nothing else.
    expect(s.sessions.get('ASIAOLDOLDOLDOLDOLD2')).toMatchObject({ sessionToken: 'tok', kind: 'session-token' });
    const insert = s.db.raw.prepare(INSERT_SESSION);
    for (const [i, kind] of ['assumed-role', 'federated-user', 'session-token', 'root'].entries()) insert.run(...row(`ASIANEWNEWNEWNEWNEW${i}`, kind));
    for (const kind of ['Root', 'user', '', 'assumed-role ']) expect(() => insert.run(...row(`ASIABAD${kind}`, kind))).toThrow(/CHECK constraint failed/);
    expect(() => insert.run(...row('ASIANULLKIND', null as unknown as string))).toThrow(/NOT NULL/);
    s.close();
  });
});
