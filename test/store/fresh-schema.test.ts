// The precomputed schema of a new database (src/store/fresh-schema.ts, compiled into dist/ by
// scripts/build.mjs): one exec of it leaves exactly what running every migration leaves — the same
// sqlite_master (types, names, tables and SQL, in order), user_version, ledger rows and table rows —
// and it is used only on an empty database and only when computed from the same migrations.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Db } from '../../src/store/db';
import { freshSchemaScript, migrationsHash } from '../../src/store/fresh-schema';
import { migrations } from '../../src/store/migrations/index';
import { Store } from '../../src/store/store';

/** Everything a database holds: its schema objects in order, its version, and every table's rows. */
function contents(db: Db) {
  const master = db.raw.prepare('SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid').all() as { type: string; name: string }[];
  const rows: Record<string, unknown[]> = {};
  for (const t of master.filter((m) => m.type === 'table')) {
    rows[t.name] = db.raw.prepare(`SELECT * FROM "${t.name}" ORDER BY rowid`).all();
  }
  const ledger = rows.schema_migrations as { version: number; name: string; applied_at: string }[];
  rows.schema_migrations = ledger.map((r) => ({ version: r.version, name: r.name }));
  return {
    master,
    rows,
    userVersion: db.raw.pragma('user_version', { simple: true }),
    foreignKeys: db.raw.pragma('foreign_key_list(sessions)'),
    appliedAt: ledger.map((r) => r.applied_at),
  };
}

describe('the precomputed schema of a new database', () => {
  const migrated = new Db({ filename: ':memory:', freshSchema: null });
  const fresh = freshSchemaScript(migrated.raw, migrations);

  it('leaves what every migration leaves: sqlite_master, user_version, ledger and rows', () => {
    const viaScript = new Db({ filename: ':memory:', freshSchema: fresh });
    const a = contents(migrated);
    const b = contents(viaScript);
    expect(b.master).toEqual(a.master);
    expect(b.rows).toEqual(a.rows);
    expect(b.userVersion).toBe(migrations[migrations.length - 1]!.version);
    expect(b.userVersion).toBe(a.userVersion);
    expect(b.foreignKeys).toEqual(a.foreignKeys);
    expect(b.rows.schema_migrations).toEqual(migrations.map((m) => ({ version: m.version, name: m.name })));
    for (const at of b.appliedAt) expect(Number.isNaN(Date.parse(at))).toBe(false);
  });

  it('is the schema of a new data file too, and a reopened file is not migrated again', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-fresh-schema-')), 'data.db');
    const first = new Db({ filename: file, freshSchema: fresh });
    const before = contents(first);
    first.raw.close();
    const again = new Db({ filename: file, freshSchema: fresh });
    expect(contents(again)).toEqual(before);
    expect(before.master).toEqual(contents(migrated).master);
    again.raw.close();
  });

  it('a store on it works as on a migrated one (the change-counter triggers fire)', () => {
    const store = new Store({ filename: ':memory:' });
    const db = new Db({ filename: ':memory:', freshSchema: fresh });
    const triggers = (d: Db) => d.raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'trigger' ORDER BY name`).pluck().all();
    expect(triggers(db)).toEqual(triggers(store.db as unknown as Db));
    store.close();
    const gen = () => db.raw.prepare(`SELECT value FROM generations WHERE name = 'org'`).pluck().get();
    expect(gen()).toBe(1);
    db.raw.exec(`INSERT INTO accounts (id, created_at) VALUES ('111111111111', '2026-12-04T00:00:00.000Z');
      INSERT INTO organizations (id, management_account_id, created_at) VALUES ('o-aaaaaaaaaa', '111111111111', '2026-12-04T00:00:00.000Z')`);
    expect(gen()).toBe(2);
  });

  it('is not used from other migrations, or on a database that already has a schema', () => {
    const stale = { migrationsHash: migrationsHash(migrations.slice(0, -1)), script: 'CREATE TABLE not_from_these_migrations (x);' };
    const db = new Db({ filename: ':memory:', freshSchema: stale });
    expect(contents(db).master).toEqual(contents(migrated).master);
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-fresh-schema-')), 'old.db');
    const old = new Db({ filename: file, freshSchema: null });
    old.raw.exec('DELETE FROM schema_migrations WHERE version = 17; DROP TABLE proxy_buckets; PRAGMA user_version = 16');
    old.raw.close();
    const reopened = new Db({ filename: file, freshSchema: { migrationsHash: fresh.migrationsHash, script: 'CREATE TABLE must_not_run (x);' } });
    const names = reopened.raw.prepare('SELECT name FROM sqlite_master').pluck().all();
    expect(names).toContain('proxy_buckets');
    expect(names).not.toContain('must_not_run');
    reopened.raw.close();
  });

  it('differs when any migration differs', () => {
    const changed = migrations.map((m, i) => (i === 3 ? { ...m, sql: `${m.sql}\n` } : m));
    expect(migrationsHash(changed)).not.toBe(migrationsHash(migrations));
  });
});
