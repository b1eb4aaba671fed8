// The evaluator is a pure module: nothing in src/policy imports from the rest of iamlocal.
// Allowed: relative imports that stay inside src/policy, node: builtins, and ipaddr.js.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../src/policy/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const SPEC = /(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|import\s*\(\s*['"]([^'"]+)['"]\s*\)|require\s*\(\s*['"]([^'"]+)['"]\s*\)|^\s*import\s*['"]([^'"]+)['"]/gm;

describe('src/policy is self-contained', () => {
  const all = files(root);
  it('has source files', () => expect(all.length).toBeGreaterThan(5));
  for (const file of all) {
    it(relative(root, file), () => {
      const text = readFileSync(file, 'utf8');
      const bad: string[] = [];
      for (const m of text.matchAll(SPEC)) {
        const spec = m[1] ?? m[2] ?? m[3] ?? m[4]!;
        if (spec.startsWith('.')) {
          const target = resolve(dirname(file), spec);
          if (!(target + sep).startsWith(root) && target !== root.slice(0, -1)) bad.push(spec);
        } else if (spec.startsWith('node:') || builtinModules.includes(spec)) {
          // builtin
        } else if (spec !== 'ipaddr.js') bad.push(spec);
      }
      expect(bad, `${relative(root, file)} imports outside src/policy`).toEqual([]);
    });
  }
});
