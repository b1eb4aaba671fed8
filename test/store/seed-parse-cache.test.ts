// The build-time parse cache of the shipped YAML seeds (src/store/seed-parse-cache.ts): a hit must give
// exactly what the YAML parser gives, anything else must miss (and be parsed as before).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSeedParseCache, SEED_CACHE_FORMAT, seedParseCache } from '../../src/store/seed-parse-cache';
import { parseYaml } from '../../src/store/yaml-parse';

const SEED_DIR = join(import.meta.dirname, '..', '..', 'seed');
const shipped = readdirSync(SEED_DIR)
  .filter((f) => /\.ya?ml$/i.test(f))
  .map((f) => readFileSync(join(SEED_DIR, f), 'utf8'));

const reader = (contents: string) => seedParseCache('cache.json', () => contents);

describe('seed parse cache', () => {
  it('gives each shipped seed the value the YAML parser gives it', () => {
    expect(shipped.length).toBeGreaterThan(3);
    const lookup = reader(buildSeedParseCache(shipped, parseYaml));
    for (const text of shipped) expect(lookup(text)).toEqual({ value: parseYaml(text) });
  });

  it('misses a text that differs by one character', () => {
    const lookup = reader(buildSeedParseCache(shipped, parseYaml));
    expect(lookup(shipped[0] + ' ')).toBeUndefined();
    expect(lookup(shipped[0].replace('a', 'b'))).toBeUndefined();
  });

  it('gives a fresh copy at each hit', () => {
    const lookup = reader(buildSeedParseCache(['roles:\n  - name: a\n'], parseYaml));
    const first = lookup('roles:\n  - name: a\n')!.value as { roles: { name: string }[] };
    first.roles[0].name = 'changed';
    expect(lookup('roles:\n  - name: a\n')).toEqual({ value: { roles: [{ name: 'a' }] } });
  });

  it('leaves out values JSON cannot carry exactly', () => {
    const c = JSON.parse(buildSeedParseCache(['a: .inf\n', 'a: .nan\n', 'a: -0\n', 'a: 1\n'], parseYaml)) as { entries: object };
    expect(Object.keys(c.entries)).toHaveLength(1);
    expect(reader(JSON.stringify(c))('a: .inf\n')).toBeUndefined();
    expect(reader(JSON.stringify(c))('a: 1\n')).toEqual({ value: { a: 1 } });
  });

  it('refuses to build from a text that does not parse', () => {
    expect(() => buildSeedParseCache(['a: [1\n'], parseYaml)).toThrow();
  });

  it.each([
    ['not JSON', '{'],
    ['another format', JSON.stringify({ format: 'other/1', entries: {} })],
    ['entries not an object', JSON.stringify({ format: SEED_CACHE_FORMAT, entries: 3 })],
    ['null', 'null'],
  ])('ignores a cache file that is %s', (_, contents) => {
    expect(reader(contents)('a: 1\n')).toBeUndefined();
  });

  it('ignores an entry whose JSON is damaged, and a missing file', () => {
    const good = JSON.parse(buildSeedParseCache(['a: 1\n'], parseYaml)) as { format: string; entries: Record<string, string> };
    for (const k of Object.keys(good.entries)) good.entries[k] = '{"a":';
    expect(reader(JSON.stringify(good))('a: 1\n')).toBeUndefined();
    expect(seedParseCache('/nonexistent/seed-cache.json')('a: 1\n')).toBeUndefined();
  });

  it('reads the file once, at the first lookup', () => {
    let reads = 0;
    const lookup = seedParseCache('x', () => (reads++, buildSeedParseCache(['a: 1\n'], parseYaml)));
    expect(reads).toBe(0);
    lookup('a: 1\n');
    lookup('b: 2\n');
    expect(reads).toBe(1);
  });
});
