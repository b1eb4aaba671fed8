// dist/seed-cache.json (src/store/seed-parse-cache.ts, written by scripts/build.mjs): a start with the
// shipped seeds must take their values from it and never load the YAML parser; an edited seed must still
// be parsed. Checked on a copy of dist/ without the YAML parser's chunk, where loading it fails.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { seedParseCache } from '../../src/store/seed-parse-cache';
import { parseYaml } from '../../src/store/yaml-parse';

const ROOT = join(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const SEED = join(ROOT, 'seed');
const yamlFiles = readdirSync(SEED).filter((f) => /\.ya?ml$/i.test(f));

/** The first line a server started from `cli` prints (its "listening" line), or what it printed before exiting. */
function firstLine(cli: string, seed: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const c = spawn(process.execPath, [cli, '--in-memory', '--host', '127.0.0.1', '--port', '0', '--log-level', 'silent', '--seed', seed], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const t = setTimeout(() => (c.kill('SIGKILL'), reject(new Error(`no answer: ${out} ${err}`))), 20_000);
    c.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('\n')) c.kill('SIGKILL');
    });
    c.stderr.on('data', (d: Buffer) => (err += d.toString()));
    c.on('exit', () => (clearTimeout(t), resolve(out.split('\n')[0] || `exited: ${err}`)));
  });
}

describe.runIf(existsSync(join(DIST, 'cli.js')))('the shipped seeds parse cache in dist/', () => {
  // Inside the repository, so the copy resolves better-sqlite3 from its node_modules.
  const work = mkdtempSync(join(ROOT, 'node_modules', '.seed-cache-test-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('holds the value of every shipped YAML seed', () => {
    const lookup = seedParseCache(join(DIST, 'seed-cache.json'));
    expect(yamlFiles.length).toBeGreaterThan(3);
    for (const f of yamlFiles) {
      const text = readFileSync(join(SEED, f), 'utf8');
      expect(lookup(text), f).toEqual({ value: parseYaml(text) });
    }
  });

  it('lets a server start with the shipped seeds without the YAML parser, and parses an edited seed with it', async () => {
    const copy = join(work, 'dist');
    cpSync(DIST, copy, { recursive: true, filter: (src) => !/[\\/]yaml-parse-[^\\/]+\.js$/.test(src) });
    expect(readdirSync(copy).some((f) => /^yaml-parse-[^/]+\.js$/.test(f))).toBe(false);
    expect(readdirSync(DIST).some((f) => /^yaml-parse-[^/]+\.js$/.test(f))).toBe(true);
    const expected = await firstLine(join(DIST, 'cli.js'), SEED);
    expect(expected).toMatch(/^iamlocal listening on .*loaded .* roles/);
    const port = (line: string) => line.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:PORT');
    expect(port(await firstLine(join(copy, 'cli.js'), SEED))).toBe(port(expected));

    // One seed edited (a comment added): its hash misses, the YAML parser is needed, and the copy has none.
    const edited = join(work, 'seed');
    cpSync(SEED, edited, { recursive: true });
    writeFileSync(join(edited, yamlFiles[0]), `# edited\n${readFileSync(join(SEED, yamlFiles[0]), 'utf8')}`);
    expect(await firstLine(join(DIST, 'cli.js'), edited)).toMatch(/^iamlocal listening on /);
    expect(await firstLine(join(copy, 'cli.js'), edited)).not.toMatch(/^iamlocal listening on /);
  }, 60_000);
});
