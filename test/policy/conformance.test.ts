// The public conformance sample (a copy of ../shared/conformance in test/fixtures/conformance, so a clone alone runs it) through the same loader as `npm run conformance`.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runConformance } from '../../scripts/conformance';

const dir = process.env.IAMLOCAL_CONFORMANCE_DIR ?? fileURLToPath(new URL('../fixtures/conformance', import.meta.url));

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
