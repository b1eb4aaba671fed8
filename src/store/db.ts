// Owns the SQLite connection: pragmas (WAL, foreign keys), numbered migrations, the transaction
// helper and the prepared-statement cache every repository goes through.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { bundledFreshSchema, migrationsHash, type FreshSchema } from './fresh-schema';
import { migrations } from './migrations/index';

export type SqlValue = string | number | bigint | Buffer | null;
export type Row = Record<string, SqlValue>;

export interface DbOptions {
  /** File path, or ':memory:' for a throwaway database. */
  filename: string;
  /**
   * The schema a new database gets in one exec (fresh-schema.ts); default: the one compiled into the bundle
   * (none when run from source). Null: always run the migrations one by one.
   */
  freshSchema?: FreshSchema | null;
}

/**
 * Tables a reset keeps: the migration ledger, change counters, the decision log (history, not state;
 * migration 008), and what belongs to a kind cluster rather than to IAM
 * (cluster signing keys, the webhook's service-account view and TLS; migration 007), and the key a
 * session's credentials are derived under (migration 018: sessions made under it stay valid).
 */
export const KEPT_ON_RESET: ReadonlySet<string> = new Set(['schema_migrations', 'generations', 'decisions', 'cluster_keys', 'webhook_clusters', 'webhook_service_accounts', 'webhook_tls', 'proxy_buckets', 'session_key']);

/**
 * The migrations that had shipped while `user_version` alone recorded the schema (releases up to
 * migration 014). A data file without the ledger has exactly those at or below its user_version.
 */
const SHIPPED_BEFORE_LEDGER: ReadonlySet<number> = new Set([1, 2, 3, 10, 12, 14]);

interface ReadMeta {
  /** Leaf tables the statement reads (their write counters are checked on a hit). */
  leafTables: string[];
  /** Results by parameter values, one level per parameter (see ResultNode). */
  results: ResultNode;
}

interface CachedResult {
  value: unknown;
  epoch: number;
  leafGens: number[];
}

/**
 * A trie of Maps keyed by the parameter values themselves (strings, numbers, bigints, null: Map keys
 * compare them by value and type), so a lookup builds no key string: composite keys ('s12:…n1;') were
 * ~5 % of an AssumeRole's instructions, built, hashed and compared in full on every read (callgrind).
 */
interface ResultNode {
  /** The result for the parameters that lead here (all of them consumed). */
  hit: CachedResult | undefined;
  next: Map<unknown, ResultNode> | undefined;
}

const emptyNode = (): ResultNode => ({ hit: undefined, next: undefined });

/** Bound on cached read results (the whole cache is dropped when it is reached). */
const MAX_CACHED_READS = 20_000;

/** Freezes a row or a list of rows (cached results are shared by every reader). */
function deepFreeze<T>(v: T): T {
  if (Array.isArray(v)) {
    for (const r of v) if (r && typeof r === 'object') Object.freeze(r);
    Object.freeze(v);
  } else if (v && typeof v === 'object') Object.freeze(v);
  return v;
}

let addonPath: string | null | undefined;

/**
 * Where better-sqlite3's compiled addon is, for its `nativeBinding` option: without it better-sqlite3
 * asks the `bindings` package, which captures a stack trace to find its caller and tries candidate paths
 * with `require` until one loads (build/ and build/Debug/ fail first). That search was ~1.6 ms of every
 * start (`new Database(':memory:')` in a fresh process, 4.5 → 2.8 ms). Null when the addon is not at
 * build/Release/ (another install layout): better-sqlite3 then searches as it always does.
 */
export function sqliteAddonPath(): string | null {
  if (addonPath === undefined) {
    try {
      const file = join(dirname(createRequire(import.meta.url).resolve('better-sqlite3/package.json')), 'build', 'Release', 'better_sqlite3.node');
      addonPath = existsSync(file) ? file : null;
    } catch {
      addonPath = null;
    }
  }
  return addonPath;
}

export class Db {
  readonly raw: Database.Database;
  /** True for a ':memory:' database (nothing outlives the process). */
  readonly inMemory: boolean;
  private readonly cache = new Map<string, Database.Statement>();
  private depth = 0;

  constructor(opts: DbOptions) {
    if (opts.filename !== ':memory:') mkdirSync(dirname(opts.filename), { recursive: true });
    this.inMemory = opts.filename === ':memory:';
    const addon = sqliteAddonPath();
    this.raw = addon ? new Database(opts.filename, { nativeBinding: addon }) : new Database(opts.filename);
    if (opts.filename !== ':memory:') this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('foreign_keys = ON');
    this.raw.pragma('synchronous = NORMAL');
    this.raw.pragma('busy_timeout = 5000');
    // One BEGIN IMMEDIATE wrapper for every transaction: better-sqlite3's transaction(fn) builds four
    // wrapped functions and defines their properties on each call (~3 % of an AssumeRole's CPU).
    this.immediate = this.raw.transaction((fn: () => unknown) => fn()).immediate;
    this.migrate(opts.freshSchema === undefined ? bundledFreshSchema() : opts.freshSchema);
  }

  private readonly immediate: (fn: () => unknown) => unknown;

  /**
   * Applies every migration not yet recorded in the `schema_migrations` ledger, in numeric order,
   * each in its own transaction. Versions are not contiguous (features land in any order), so a
   * single "highest version" would skip a lower-numbered migration that lands after a higher one;
   * the ledger records each version applied. A file from before the ledger has only
   * `PRAGMA user_version`: every migration that had shipped up to that version counts as applied.
   * `user_version` still tracks the highest applied version, so an older iamlocal refuses a newer file.
   */
  private migrate(fresh: FreshSchema | null): void {
    const current = this.raw.pragma('user_version', { simple: true }) as number;
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (current > latest) {
      throw new Error(`data file schema version ${current} is newer than this iamlocal (${latest}); upgrade iamlocal`);
    }
    const hasLedger = this.raw.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).get() !== undefined;
    this.raw.transaction(() => {
      this.raw.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)');
      if (!hasLedger && current > 0) {
        const ins = this.raw.prepare('INSERT OR IGNORE INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
        for (const m of migrations) if (SHIPPED_BEFORE_LEDGER.has(m.version) && m.version <= current) ins.run(m.version, m.name, 'before-ledger');
      }
    })();
    const applied = new Set((this.raw.prepare('SELECT version FROM schema_migrations').all() as { version: number }[]).map((r) => r.version));
    // A database with nothing in it yet (no ledger rows, no version, no other object) gets the schema every
    // migration would leave in one exec, when a script computed from these same migrations is at hand; the
    // ledger then records every migration, as if each had been applied.
    if (fresh && current === 0 && applied.size === 0 && fresh.migrationsHash === migrationsHash(migrations) && this.isEmptyButLedger()) {
      this.raw.transaction(() => {
        this.raw.exec(fresh.script);
        const ins = this.raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)');
        for (const m of migrations) ins.run(m.version, m.name, new Date().toISOString());
        this.raw.pragma(`user_version = ${Math.max(0, ...migrations.map((m) => m.version))}`);
      })();
      return;
    }
    for (const m of migrations) {
      if (applied.has(m.version)) continue;
      this.raw.transaction(() => {
        this.raw.exec(m.sql);
        this.raw.prepare('INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(m.version, m.name, new Date().toISOString());
        const top = this.raw.pragma('user_version', { simple: true }) as number;
        if (m.version > top) this.raw.pragma(`user_version = ${m.version}`);
      })();
    }
  }

  /** Whether the database holds nothing but the (empty) migration ledger. */
  private isEmptyButLedger(): boolean {
    return this.raw.prepare(`SELECT 1 FROM sqlite_master WHERE name <> 'schema_migrations' LIMIT 1`).get() === undefined;
  }

  /** A cached prepared statement. */
  stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.raw.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  // ---- read cache
  //
  // A request reads the same few rows again and again (its access key, its user, the role, its policies,
  // tags): every read is answered from a cache that any write invalidates, so only the first request after
  // a change pays SQLite. Writes to "leaf" tables (no trigger on them, no foreign key pointing at them, e.g.
  // sessions, which AssumeRole inserts on every call) invalidate only reads of that table; any other write,
  // a rolled-back transaction or a wipe invalidates every cached read. Rows are frozen: shared, never changed.

  /** Bumped by every write that is not to a leaf table, by rollbacks and by wipe. */
  private epoch = 0;
  /** Per leaf table: bumped by every write to it. */
  private readonly leafGen = new Map<string, number>();
  private leaves: ReadonlySet<string> | undefined;
  private tableNames: ReadonlySet<string> | undefined;
  private readonly reads = new Map<string, ReadMeta>();
  private readonly writes = new Map<string, string | null>();
  private cachedRows = 0;

  /** Tables with no trigger and no foreign key referring to them (a write there changes nothing else). */
  private schema(): { tables: ReadonlySet<string>; leaves: ReadonlySet<string> } {
    if (!this.tableNames || !this.leaves) {
      const tables = (this.raw.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[]).map((t) => t.name);
      const triggered = new Set((this.raw.prepare(`SELECT tbl_name FROM sqlite_master WHERE type = 'trigger'`).all() as { tbl_name: string }[]).map((t) => t.tbl_name.toLowerCase()));
      const referenced = new Set<string>();
      for (const t of tables) for (const fk of this.raw.pragma(`foreign_key_list("${t}")`) as { table: string }[]) referenced.add(fk.table.toLowerCase());
      this.tableNames = new Set(tables.map((t) => t.toLowerCase()));
      this.leaves = new Set([...this.tableNames].filter((t) => !triggered.has(t) && !referenced.has(t)));
    }
    return { tables: this.tableNames, leaves: this.leaves };
  }

  private readMeta(sql: string): ReadMeta | null {
    let m = this.reads.get(sql);
    if (m === undefined) {
      if (!/^\s*SELECT\b/i.test(sql)) return null;
      const { tables, leaves } = this.schema();
      // Every identifier that names a table counts as read (a superset is safe; a miss would not be).
      const read = new Set((sql.match(/[A-Za-z_][A-Za-z0-9_]*/g) ?? []).map((w) => w.toLowerCase()).filter((w) => tables.has(w)));
      m = { leafTables: [...read].filter((t) => leaves.has(t)), results: emptyNode() };
      this.reads.set(sql, m);
    }
    return m;
  }

  /** The cached result of a read, or reads and caches it (primitive parameters only). */
  private cachedRead(sql: string, params: unknown[], all: boolean): unknown {
    const meta = this.readMeta(sql);
    if (!meta) return this.read(sql, params, all);
    let node: ResultNode | undefined = meta.results;
    for (let i = 0; i < params.length && node; i++) {
      const p = params[i];
      const t = typeof p;
      if (t !== 'string' && t !== 'number' && t !== 'bigint' && p !== null) return this.read(sql, params, all);
      node = node.next?.get(p);
    }
    const hit = node?.hit;
    if (hit && hit.epoch === this.epoch && this.leavesUnchanged(meta.leafTables, hit.leafGens)) return hit.value;
    for (const p of params) {
      const t = typeof p;
      if (t !== 'string' && t !== 'number' && t !== 'bigint' && p !== null) return this.read(sql, params, all);
    }
    const value = this.read(sql, params, all);
    if (this.cachedRows >= MAX_CACHED_READS) this.dropCache();
    let at = meta.results;
    for (const p of params) {
      at.next ??= new Map();
      let child = at.next.get(p);
      if (!child) at.next.set(p, (child = emptyNode()));
      at = child;
    }
    if (!at.hit) this.cachedRows++;
    at.hit = { value: deepFreeze(value), epoch: this.epoch, leafGens: meta.leafTables.map((t) => this.leafGen.get(t) ?? 0) };
    return value;
  }

  private read(sql: string, params: unknown[], all: boolean): unknown {
    const st = this.stmt(sql);
    return all ? st.all(...params) : st.get(...params);
  }

  private leavesUnchanged(tables: string[], gens: number[]): boolean {
    for (let i = 0; i < tables.length; i++) if ((this.leafGen.get(tables[i]) ?? 0) !== gens[i]) return false;
    return true;
  }

  private dropCache(): void {
    for (const m of this.reads.values()) m.results = emptyNode();
    this.cachedRows = 0;
  }

  /** Records a write: to a leaf table only that table's reads go stale, otherwise every read. */
  private wrote(sql: string): void {
    let table = this.writes.get(sql);
    if (table === undefined) {
      const m = /^\s*(?:INSERT(?:\s+OR\s+\w+)?\s+INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+"?([A-Za-z_][A-Za-z0-9_]*)"?/i.exec(sql);
      const name = m ? m[1].toLowerCase() : null;
      table = name !== null && this.schema().leaves.has(name) ? name : null;
      this.writes.set(sql, table);
    }
    if (table === null) this.invalidateAll();
    else this.leafGen.set(table, (this.leafGen.get(table) ?? 0) + 1);
  }

  // ---- deferred copies
  //
  // Work a write may leave for later (an AWS-managed policy's version history, repos/managed-policies.ts):
  // run when something reads what it writes, before a snapshot copies the database, and forgotten when
  // the rows it belongs to are replaced (reset, restore).
  private readonly deferred = new Map<string, () => void>();

  defer(key: string, fn: () => void): void {
    this.deferred.set(key, fn);
  }

  /** Runs the deferred work under `key` now, if any (in the caller's transaction, or one of its own). */
  runDeferred(key: string): void {
    const fn = this.deferred.get(key);
    if (!fn) return;
    this.deferred.delete(key);
    this.transaction(fn);
  }

  /** Runs every deferred piece of work (before the database is copied whole). */
  flushDeferred(): void {
    for (const key of [...this.deferred.keys()]) this.runDeferred(key);
  }

  forgetDeferred(key?: string): void {
    if (key === undefined) this.deferred.clear();
    else this.deferred.delete(key);
  }

  /** Every cached read is stale (a write the cache cannot attribute, a rollback, a wipe). */
  invalidateAll(): void {
    this.epoch++;
    if (this.cachedRows > 0) this.dropCache();
  }

  get<T = Row>(sql: string, ...params: unknown[]): T | undefined {
    return this.cachedRead(sql, params, false) as T | undefined;
  }
  all<T = Row>(sql: string, ...params: unknown[]): T[] {
    return this.cachedRead(sql, params, true) as T[];
  }
  run(sql: string, ...params: unknown[]): Database.RunResult {
    // Marked stale before and after: a failing statement may still have changed rows (OR REPLACE, triggers).
    this.wrote(sql);
    try {
      return this.stmt(sql).run(...params);
    } finally {
      this.wrote(sql);
    }
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). `fn` must be synchronous. */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    try {
      return this.immediate(fn) as T;
    } catch (e) {
      // Rolled back: reads cached inside the transaction saw rows that are gone.
      this.invalidateAll();
      throw e;
    } finally {
      this.depth--;
    }
  }

  /** Current value of a change counter (migration 002); bumped by triggers on every relevant write. */
  generation(name: string): number {
    return this.get<{ value: number }>('SELECT value FROM generations WHERE name = ?', name)?.value ?? -1;
  }

  /** Deletes every row of every table (admin reset); the schema stays. */
  wipe(): void {
    this.invalidateAll();
    this.forgetDeferred();
    const tables = this.raw
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as { name: string }[];
    this.raw.pragma('foreign_keys = OFF');
    try {
      this.raw.transaction(() => {
        // Generations are counters, not data: they keep counting so caches see the wipe as a change.
        for (const t of tables) if (!KEPT_ON_RESET.has(t.name)) this.raw.exec(`DELETE FROM "${t.name}"`);
        if (tables.some((t) => t.name === 'generations')) this.raw.exec('UPDATE generations SET value = value + 1');
      })();
    } finally {
      this.raw.pragma('foreign_keys = ON');
    }
  }

  close(): void {
    if (this.raw.open) this.raw.close();
  }
}
