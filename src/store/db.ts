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

  /** Applies every migration newer than `PRAGMA user_version`, each in its own transaction. */
  private migrate(): void {
    const current = this.raw.pragma('user_version', { simple: true }) as number;
    const latest = migrations[migrations.length - 1]?.version ?? 0;
    if (current > latest) {
      throw new Error(`data file schema version ${current} is newer than this iamlocal (${latest}); upgrade iamlocal`);
    }
    for (const m of migrations) {
      if (m.version <= current) continue;
      this.raw.transaction(() => {
        this.raw.exec(m.sql);
        this.raw.pragma(`user_version = ${m.version}`);
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
        // The decision log is history, not state: a reset keeps it.
        for (const t of tables) if (t.name !== 'generations' && t.name !== 'decisions') this.raw.exec(`DELETE FROM "${t.name}"`);
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
