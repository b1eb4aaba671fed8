// Owns the build-time parse cache of the shipped YAML seeds (dist/seed-cache.json): the value each seed
// file's text parses to, keyed by the SHA-256 of that text. A seeded start looks a YAML file up here before
// loading the YAML parser, so `--seed seed/` (and `iamlocal:examples`) neither compiles js-yaml nor runs it
// (Node 20, dist/ with and without this file: seeded start 399 -> 370 ms wall, server CPU 1.15x less;
// bench/README.md, "Issue 18, tenth pass").
//
// Keyed by content, not by name: a seed file a user has edited (or any other file) misses and is parsed as
// before. A hit only replaces the parse: the value still goes through the seed schema's checks. Values are
// cached only when JSON carries them exactly (no .inf/.nan, no -0), and as JSON text, so each lookup gets a
// fresh copy. A missing or damaged cache file costs only the speed-up.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

/** What the cache file starts with; a file of another format is ignored. */
export const SEED_CACHE_FORMAT = 'iamlocal-seed-parse-cache/1';

/** The cache file's name, next to the bundle in dist/. */
export const SEED_CACHE_FILE = 'seed-cache.json';

interface CacheFile {
  format: string;
  /** sha256 (hex) of the file's UTF-8 text → JSON text of the value it parses to. */
  entries: Record<string, string>;
}

const digest = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * The cache file's contents for these seed texts, each parsed with `parse` (the YAML parser seeds are read
 * with). A text whose value JSON cannot carry exactly is left out; a text that does not parse is an error
 * (the shipped seeds must parse).
 */
export function buildSeedParseCache(texts: string[], parse: (text: string) => unknown): string {
  const entries: Record<string, string> = {};
  for (const text of texts) {
    const value = parse(text);
    const json = JSON.stringify(value);
    if (json === undefined || !isDeepStrictEqual(JSON.parse(json), value)) continue;
    entries[digest(text)] = json;
  }
  return JSON.stringify({ format: SEED_CACHE_FORMAT, entries } satisfies CacheFile);
}

/** A reader of one cache file, read (once) at its first lookup. */
export function seedParseCache(file: string, read: (file: string) => string = (f) => readFileSync(f, 'utf8')): (text: string) => { value: unknown } | undefined {
  let entries: Map<string, string> | undefined;
  const load = (): Map<string, string> => {
    try {
      const c = JSON.parse(read(file)) as Partial<CacheFile>;
      if (c?.format !== SEED_CACHE_FORMAT || typeof c.entries !== 'object' || c.entries === null) return new Map();
      return new Map(Object.entries(c.entries).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return new Map();
    }
  };
  return (text) => {
    entries ??= load();
    if (!entries.size) return undefined;
    const json = entries.get(digest(text));
    if (json === undefined) return undefined;
    try {
      return { value: JSON.parse(json) as unknown };
    } catch {
      return undefined;
    }
  };
}
