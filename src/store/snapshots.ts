// Owns named snapshots of the whole state, for per-test isolation: save copies the database with
// SQLite's `VACUUM INTO` (a consistent, compacted copy made by SQLite itself, the synchronous
// equivalent of the online backup API), restore copies every table back from the attached copy in
// one transaction. The live connection is kept, so every repository's prepared statements stay
// valid, and restore costs a few table copies instead of wipe + bootstrap + seeding.
// https://www.sqlite.org/lang_vacuum.html#vacuuminto
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Db } from './db';

export interface SnapshotInfo {
  name: string;
  createdAt: string;
  bytes: number;
}

/** Tables a restore leaves alone: change counters keep counting (caches must see the restore as a change), the decision log keeps its history. */
const KEEP_ON_RESTORE = new Set(['generations', 'decisions']);
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export class SnapshotError extends Error {
  constructor(
    readonly kind: 'invalid' | 'not-found',
    message: string,
  ) {
    super(message);
  }
}

export class Snapshots {
  private dir: string | null;
  private readonly temporary: boolean;

  /** `dir`: where snapshot files live (kept across restarts); null = a private temporary directory removed by dispose(). */
  constructor(
    private readonly db: Db,
    dir: string | null,
    /** Runs after every restore (state held outside the database is re-read from it). */
    private readonly afterRestore?: () => void | Promise<void>,
  ) {
    this.dir = dir;
    this.temporary = dir === null;
  }

  static validName(name: unknown): name is string {
    return typeof name === 'string' && NAME_RE.test(name);
  }

  private directory(): string {
    if (!this.dir) this.dir = mkdtempSync(join(tmpdir(), 'iamlocal-snapshots-'));
    else mkdirSync(this.dir, { recursive: true });
    return this.dir;
  }

  private file(name: string): string {
    if (!Snapshots.validName(name)) throw new SnapshotError('invalid', 'Snapshot names are 1-64 characters of letters, digits, ".", "_" and "-", starting with a letter or digit.');
    return join(this.directory(), `${name}.db`);
  }

  /** Saves (or replaces) snapshot `name`. */
  save(name: string): SnapshotInfo {
    const f = this.file(name);
    const tmp = `${f}.tmp-${process.pid}`;
    rmSync(tmp, { force: true });
    this.db.raw.prepare('VACUUM INTO ?').run(tmp);
    rmSync(f, { force: true });
    // rename is atomic: a reader never sees a half-written snapshot.
    renameSync(tmp, f);
    return this.info(name)!;
  }

  /** Brings snapshot `name` back; throws SnapshotError('not-found') when there is none. */
  async restore(name: string): Promise<void> {
    this.restoreTables(name);
    await this.afterRestore?.();
  }

  private restoreTables(name: string): void {
    const f = this.file(name);
    if (!this.info(name)) throw new SnapshotError('not-found', `Snapshot ${name} does not exist.`);
    const raw = this.db.raw;
    raw.prepare("ATTACH DATABASE ? AS snap").run(f);
    try {
      const version = raw.pragma('snap.user_version', { simple: true });
      if (version !== raw.pragma('main.user_version', { simple: true })) throw new SnapshotError('invalid', `Snapshot ${name} was made by another schema version (${String(version)}).`);
      const tables = (raw.prepare(`SELECT name FROM main.sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`).all() as { name: string }[])
        .map((t) => t.name)
        .filter((t) => !KEEP_ON_RESTORE.has(t));
      raw.pragma('foreign_keys = OFF');
      try {
        raw.transaction(() => {
          for (const t of tables) {
            raw.exec(`DELETE FROM main."${t}"; INSERT INTO main."${t}" SELECT * FROM snap."${t}";`);
          }
          raw.exec('UPDATE main.generations SET value = value + 1');
        })();
      } finally {
        raw.pragma('foreign_keys = ON');
      }
    } finally {
      raw.exec('DETACH DATABASE snap');
    }
  }

  list(): SnapshotInfo[] {
    if (!this.dir) return [];
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    return names
      .filter((n) => n.endsWith('.db') && Snapshots.validName(n.slice(0, -3)))
      .map((n) => this.info(n.slice(0, -3)))
      .filter((x): x is SnapshotInfo => x !== null)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  info(name: string): SnapshotInfo | null {
    if (!this.dir || !Snapshots.validName(name)) return null;
    try {
      const st = statSync(join(this.dir, `${name}.db`));
      return { name, createdAt: st.mtime.toISOString(), bytes: st.size };
    } catch {
      return null;
    }
  }

  /** Deletes snapshot `name`; false when there was none. */
  delete(name: string): boolean {
    if (!this.info(name)) return false;
    rmSync(this.file(name), { force: true });
    return true;
  }

  /** Removes the temporary directory (in-memory servers, on stop). */
  dispose(): void {
    if (this.temporary && this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}
