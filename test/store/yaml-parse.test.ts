// Seed files' YAML (src/store/yaml-parse.ts): the YAML 1.2 core schema as js-yaml reads it, one
// document per file, and the bounds on aliases that js-yaml leaves to its caller
// (fixtures: test/fixtures/yaml/seed-texts.json).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeedSources } from '../../src/store/seed-load';
import { MAX_ALIAS_EXPANSION, parseYaml } from '../../src/store/yaml-parse';
import fixtures from '../fixtures/yaml/seed-texts.json';

describe('parseYaml', () => {
  for (const c of fixtures.cases) {
    it(c.name, () => {
      if ('error' in c) expect(() => parseYaml(c.text)).toThrow(c.error);
      else expect(parseYaml(c.text)).toEqual(c.value);
    });
  }

  it('a large document without aliases is never refused by the alias bound', () => {
    const n = 3 * MAX_ALIAS_EXPANSION;
    const value = parseYaml(`xs: [${Array(n).fill('0').join(',')}]\n`) as { xs: number[] };
    expect(value.xs).toHaveLength(n);
  });

  it('aliases may add up to the bound, and not one node more', () => {
    // The anchored list is 1 + 9 nodes; each alias repeats all ten. Counting as the walk does:
    // the root map, the key's value list, its elements and every expansion.
    const anchor = `[${Array(9).fill('x').join(', ')}]`;
    const text = (k: number) => `a: &a ${anchor}\nb: [${Array(k).fill('*a').join(', ')}]\n`;
    const nodes = (k: number) => 1 + 10 + 1 + k * 10;
    // The largest k whose nodes stay within text length + the bound is accepted; the next refused.
    // Each further alias adds ", *a" (4 characters) to the text and 10 nodes to the walk.
    const length = (k: number) => text(1).length + 4 * (k - 1);
    expect(length(7)).toBe(text(7).length);
    let k = 1;
    while (nodes(k + 1) <= length(k + 1) + MAX_ALIAS_EXPANSION) k++;
    expect((parseYaml(text(k)) as { b: unknown[] }).b).toHaveLength(k);
    expect(() => parseYaml(text(k + 1))).toThrow('aliases expand the document');
  });
});

describe('a seed file with an alias bomb', () => {
  it('stops start-up naming the file, before anything walks the expansion', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-yaml-'));
    const file = join(dir, 'laughs.yaml');
    const bomb = fixtures.cases.find((c) => c.name.includes('billion laughs'))!;
    writeFileSync(file, bomb.text);
    await expect(loadSeedSources([file])).rejects.toThrow(`${file}: not valid YAML: aliases expand the document to more than`);
  });

  it('two documents in one file name the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-yaml-'));
    const file = join(dir, 'two.yaml');
    writeFileSync(file, 'users:\n  - name: a\n---\nusers:\n  - name: b\n');
    await expect(loadSeedSources([file])).rejects.toThrow(`${file}: not valid YAML: the file holds 2 YAML documents`);
  });
});
