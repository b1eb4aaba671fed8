// Owns the SQLite connection: pragmas (WAL, foreign keys), numbered migrations, the transaction
// helper and the prepared-statement cache every repository goes through.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { migrations } from './migrations/index';

export type SqlValue = string | number | bigint | Buffer | null;
export type Row = Record<string, SqlValue>;

export interface DbOptions {
  /** File path, or ':memory:' for a throwaway database. */
  filename: string;
}

/**
 * Tables a reset keeps: the migration ledger, change counters, the decision log (history, not state;
 * migration 008), and what belongs to a kind cluster rather than to IAM
 * (cluster signing keys, the webhook's service-account view and TLS; migration 007).
 */
export const KEPT_ON_RESET: ReadonlySet<string> = new Set(['schema_migrations', 'generations', 'decisions', 'cluster_keys', 'webhook_clusters', 'webhook_service_accounts', 'webhook_tls']);

/**
 * The migrations that had shipped while `user_version` alone recorded the schema (releases up to
 * migration 014). A data file without the ledger has exactly those at or below its user_version.
 */
const SHIPPED_BEFORE_LEDGER: ReadonlySet<number> = new Set([1, 2, 3, 10, 12, 14]);

export class Db {
  readonly raw: Database.Database;
  private readonly cache = new Map<string, Database.Statement>();
  private depth = 0;

  constructor(opts: DbOptions) {
    if (opts.filename !== ':memory:') mkdirSync(dirname(opts.filename), { recursive: true });
    this.raw = new Database(opts.filename);
    if (opts.filename !== ':memory:') this.raw.pragma('journal_mode = WAL');
    this.raw.pragma('foreign_keys = ON');
    this.raw.pragma('synchronous = NORMAL');
    this.raw.pragma('busy_timeout = 5000');
    this.migrate();
  }

  /**
   * Applies every migration not yet recorded in the `schema_migrations` ledger, in numeric order,
   * each in its own transaction. Versions are not contiguous (features land in any order), so a
   * single "highest version" would skip a lower-numbered migration that lands after a higher one;
   * the ledger records each version applied. A file from before the ledger has only
   * `PRAGMA user_version`: every migration that had shipped up to that version counts as applied.
   * `user_version` still tracks the highest applied version, so an older iamlocal refuses a newer file.
   */
  private migrate(): void {
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

  /** A cached prepared statement. */
  stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.raw.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  get<T = Row>(sql: string, ...params: unknown[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }
  all<T = Row>(sql: string, ...params: unknown[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }
  run(sql: string, ...params: unknown[]): Database.RunResult {
    return this.stmt(sql).run(...params);
  }

  /** Runs `fn` in one transaction (nested calls join the outer one). `fn` must be synchronous. */
  transaction<T>(fn: () => T): T {
    if (this.depth > 0) return fn();
    this.depth++;
    try {
      return this.raw.transaction(fn).immediate();
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
