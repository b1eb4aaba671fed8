// Owns the precomputed schema of a new database: what running every migration (src/store/migrations/)
// leaves in an empty database — its tables, indexes, triggers and views as SQLite stores their SQL, and
// the rows the migrations insert — as one script. scripts/build.mjs computes it from the migrations when
// it bundles dist/ and compiles it into the bundle (`__IAMLOCAL_FRESH_SCHEMA__`); Db (db.ts) runs it in
// one exec when it opens a database with no schema yet, instead of the migrations one by one (a fifth of
// a cold start's SQLite work). Databases that have a schema always go through the migrations. Run from
// the TypeScript sources (tsx, vitest) there is no script and every database is migrated.
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Migration } from './migrations/index';

export interface FreshSchema {
  /** Hash of the migrations it was computed from: a script from other migrations is never used. */
  migrationsHash: string;
  /** CREATE statements and INSERTs, in an order that recreates the same sqlite_master. */
  script: string;
}

/** Set by scripts/build.mjs (esbuild `define`): a FreshSchema as JSON text, or undefined when not bundled. */
declare const __IAMLOCAL_FRESH_SCHEMA__: string | undefined;

/** The precomputed schema compiled into the bundle, or null (run from source). */
export function bundledFreshSchema(): FreshSchema | null {
  return typeof __IAMLOCAL_FRESH_SCHEMA__ === 'undefined' ? null : (JSON.parse(__IAMLOCAL_FRESH_SCHEMA__) as FreshSchema);
}

/**
 * SHA-256 over every migration's version, name and SQL (it tells builds apart; nothing secret). Native
 * hashing: the FNV-1a loop in JavaScript it replaces spent ~8 ms of a cold start (profiled) on the
 * ~80 KB of migration SQL.
 */
export function migrationsHash(migrations: readonly Migration[]): string {
  const hash = createHash('sha256');
  for (const m of migrations) hash.update(`${m.version}\u0000${m.name}\u0000${m.sql}\u0001`);
  return `${migrations.length}-${hash.digest('hex').slice(0, 32)}`;
}

/** The ledger is not part of the script (Db creates it and writes its rows). */
const NOT_SCRIPTED = new Set(['schema_migrations']);

const ident = (name: string) => `"${name.replace(/"/g, '""')}"`;

/**
 * The script that recreates `raw`'s schema and rows (a database every migration was applied to): every
 * object in the order SQLite created it (so sqlite_master lists them in the same order), each table's rows
 * right after its CREATE — before any trigger on it exists, so none fires (a trigger is always created
 * after its table). Foreign keys are checked at commit, when every row is in.
 */
export function freshSchemaScript(raw: Database.Database, migrations: readonly Migration[]): FreshSchema {
  const entries = raw.prepare(`SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY rowid`).all() as { type: string; name: string; sql: string }[];
  const out: string[] = ['PRAGMA defer_foreign_keys = ON;'];
  for (const e of entries) {
    // The ledger is created by Db itself (first, as in a migrated database); SQLite makes sqlite_sequence
    // with the first AUTOINCREMENT table and fills it as their rows go in.
    if (NOT_SCRIPTED.has(e.name) || e.name === 'sqlite_sequence') continue;
    out.push(`${e.sql};`);
    if (e.type !== 'table') continue;
    const cols = (raw.prepare(`PRAGMA table_info(${ident(e.name)})`).all() as { name: string }[]).map((c) => `quote(${ident(c.name)})`);
    const rows = raw.prepare(`SELECT ${cols.join(` || ',' || `)} AS v FROM ${ident(e.name)} ORDER BY rowid`).pluck().all() as string[];
    for (const v of rows) out.push(`INSERT INTO ${ident(e.name)} VALUES (${v});`);
  }
  return { migrationsHash: migrationsHash(migrations), script: out.join('\n') };
}
