// Every fixture family the policy README cites as backing its readings (`review-*`, `review2-*`,
// `unit-*` in test/fixtures/policy/, corpus schema) is run here, so a reading the README promises
// cannot silently lose its cases. The prefixes are read from the README itself.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caseToRequest, type ConformanceCase } from '../../scripts/conformance';
import { evaluate } from '../../src/policy/index';

const dir = fileURLToPath(new URL('../fixtures/policy/', import.meta.url));
const readme = readFileSync(fileURLToPath(new URL('../../src/policy/README.md', import.meta.url)), 'utf8');
const toExpected = { allowed: 'Allow', explicitDeny: 'ExplicitDeny', implicitDeny: 'ImplicitDeny' } as const;

const cited = [...readme.matchAll(/`([a-z0-9]+-)\*`/g)].map((m) => m[1]!);

describe('the README cites fixture families', () => {
  it('review-, review2- and unit-', () => {
    expect(cited.sort()).toEqual(['review-', 'review2-', 'unit-']);
  });
});

for (const prefix of cited) {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix) && f.endsWith('.json'));
  describe(`${prefix}* fixtures`, () => {
    it('exist', () => expect(files.length).toBeGreaterThan(0));
    for (const file of files) {
      const { theme, cases } = JSON.parse(readFileSync(dir + file, 'utf8')) as { theme: string; cases: ConformanceCase[] };
      describe(`${file} (${theme})`, () => {
        for (const c of cases) {
          it(`${c.id}: ${c.description}`, () => {
            expect(toExpected[evaluate(caseToRequest(c)).decision]).toBe(c.expected);
          });
        }
      });
    }
  });
}
