// The SQLite store: migrations, persistence across restarts, one transaction per request (rollback on
// error), wipe, and the repositories' own rules (case-insensitive names, key ownership, paging).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaults } from '../../src/config';
import { bootstrapDefaults } from '../../src/store/bootstrap';
import { migrations } from '../../src/store/migrations/index';
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
    expect(b.accessKeys.get('test')?.isRoot).toBe(true);
    b.close();
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
    expect(s.accessKeys.get('test')).toBeNull();
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
    expect(indexes.map((i) => i.name).filter((n) => !n.startsWith('sqlite_autoindex_sessions_1'))).toEqual(['sessions_expires']);
    s.close();
  });
});
