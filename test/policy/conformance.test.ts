// The public conformance sample, shipped in test/fixtures/conformance/ (a copy of the corpus sample the
// evaluator is judged on), through the same loader as `npm run conformance`; and the runner's CLI.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../scripts/conformance';

const dir = process.env.IAMLOCAL_CONFORMANCE_DIR ?? fileURLToPath(new URL('../fixtures/conformance', import.meta.url));
const root = fileURLToPath(new URL('../..', import.meta.url));

describe('conformance corpus (sample)', () => {
  it('the corpus directory exists', () => {
    expect(existsSync(dir), `missing ${dir}`).toBe(true);
  });

  const results = existsSync(dir) ? runConformance(dir) : [];

  it('has cases', () => {
    expect(results.length).toBeGreaterThan(100);
  });

  it('passes every case', () => {
    const failures = results
      .filter((r) => !r.pass)
      .map((r) => `${r.id}: expected ${r.expected}, got ${r.got} (${r.decision.cause?.phrase ?? '-'}) ${r.decision.notes.join(' | ')}`);
    expect(failures).toEqual([]);
  });
});

describe('npm run conformance -- DIR', () => {
  const run = (arg: string) => {
    try {
      const out = execFileSync(process.execPath, ['--import', 'tsx', 'scripts/conformance.ts', arg], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { code: 0, stdout: out, stderr: '' };
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      return { code: err.status, stdout: err.stdout, stderr: err.stderr };
    }
  };

  it('on a missing directory prints one clear line and exits non-zero', () => {
    const r = run('no-such-dir');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe('conformance: no-such-dir is not a directory of *.json case files\n');
  });

  it('on the shipped sample ends with the summary line and exits 0', () => {
    const r = run('test/fixtures/conformance');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\d+ passed, 0 failed\n$/m);
  });
});
