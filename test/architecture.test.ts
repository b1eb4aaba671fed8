// The layering the house keeps, checked by scanning every import in src/ (type-only imports included):
// layers point down only — src/authz, src/store and the layers under them import nothing from
// src/services, src/admin or the pipeline — and no module imports itself back through any chain.
// (src/policy's own purity is test/policy/architecture.test.ts.)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('..', import.meta.url));
const src = join(repo, 'src');

function files(dir: string, ext = '.ts'): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p, ext) : p.endsWith(ext) ? [p] : [];
  });
}

const SPEC = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

/** Relative imports of a file, resolved to the .ts files they name. */
function importsOf(file: string): string[] {
  const out: string[] = [];
  for (const m of readFileSync(file, 'utf8').matchAll(SPEC)) {
    const spec = m[1] ?? m[2] ?? m[3]!;
    if (!spec.startsWith('.')) continue;
    const base = resolve(dirname(file), spec);
    const target = [`${base}.ts`, join(base, 'index.ts'), base].find((p) => existsSync(p) && statSync(p).isFile());
    if (target) out.push(target);
  }
  return out;
}

const all = files(src);
const graph = new Map(all.map((f) => [f, importsOf(f)]));
const rel = (f: string) => relative(src, f).split('\\').join('/');

/** Directories under src/ that must not reach up into services, admin or the pipeline. */
const LOWER_LAYERS = ['authz', 'store', 'auth', 'http', 'aws', 'oidc', 'policy'];
const UPPER = (f: string) => /^(services|admin)\//.test(rel(f)) || /^(app|app-deps|server|index|cli|cli-mint-token)\.ts$/.test(rel(f));

describe('layers point down', () => {
  for (const layer of LOWER_LAYERS) {
    it(`src/${layer} imports nothing from src/services, src/admin or the pipeline`, () => {
      const bad: string[] = [];
      for (const [file, deps] of graph) {
        if (!rel(file).startsWith(`${layer}/`)) continue;
        for (const d of deps) if (UPPER(d)) bad.push(`${rel(file)} → ${rel(d)}`);
      }
      expect(bad).toEqual([]);
    });
  }
});

describe('no import cycles', () => {
  it('in the whole of src/', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (f: string) => {
      state.set(f, 'visiting');
      stack.push(f);
      for (const d of graph.get(f) ?? []) {
        if (state.get(d) === 'visiting') cycles.push([...stack.slice(stack.indexOf(d)), d].map(rel).join(' → '));
        else if (!state.has(d)) visit(d);
      }
      stack.pop();
      state.set(f, 'done');
    };
    for (const f of all) if (!state.has(f)) visit(f);
    expect(cycles).toEqual([]);
  });

  it('the scanner sees the imports (sanity: app.ts imports the admin routes)', () => {
    expect(graph.get(join(src, 'app.ts'))!.map(rel)).toContain('admin/routes.ts');
  });
});

describe('tests assert things that can fail', () => {
  it('no toBeTruthy() left in test/ (an array, an object or a non-empty string is always truthy)', () => {
    const hits = files(join(repo, 'test'))
      .filter((f) => f !== fileURLToPath(import.meta.url))
      .flatMap((f) => readFileSync(f, 'utf8').split('\n').map((line, i) => ({ f, line, i })))
      .filter(({ line }) => /\.toBeTruthy\(\)/.test(line))
      .map(({ f, i }) => `${relative(repo, f)}:${i + 1}`);
    expect(hits).toEqual([]);
  });
});
