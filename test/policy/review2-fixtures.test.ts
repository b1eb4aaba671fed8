// Second review's doc-statement cases (test/fixtures/policy/review2-*.json, corpus schema): each one
// quotes the AWS sentence it follows in `notes`.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caseToRequest, type ConformanceCase } from '../../scripts/conformance';
import { evaluate } from '../../src/policy/index';

const dir = fileURLToPath(new URL('../fixtures/policy/', import.meta.url));
const toExpected = { allowed: 'Allow', explicitDeny: 'ExplicitDeny', implicitDeny: 'ImplicitDeny' } as const;

for (const file of readdirSync(dir).filter((f) => f.startsWith('review2-') && f.endsWith('.json'))) {
  const { theme, cases } = JSON.parse(readFileSync(dir + file, 'utf8')) as { theme: string; cases: ConformanceCase[] };
  describe(`review2 ${theme}`, () => {
    for (const c of cases) {
      it(`${c.id}: ${c.description}`, () => {
        expect(toExpected[evaluate(caseToRequest(c)).decision]).toBe(c.expected);
      });
    }
  });
}
