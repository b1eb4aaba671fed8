// Table-driven evaluator cases per theme (test/fixtures/policy/unit-*.json, corpus schema plus
// optional `expectCause` (policy kind that decided) and `expectNote` (substring of a note)).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { caseToRequest, type ConformanceCase } from '../../scripts/conformance';
import { evaluate } from '../../src/policy/index';

const dir = fileURLToPath(new URL('../fixtures/policy/', import.meta.url));
const toExpected = { allowed: 'Allow', explicitDeny: 'ExplicitDeny', implicitDeny: 'ImplicitDeny' } as const;

type UnitCase = ConformanceCase & { expectCause?: string; expectNote?: string };

for (const file of readdirSync(dir).filter((f) => f.startsWith('unit-') && f.endsWith('.json'))) {
  const { theme, cases } = JSON.parse(readFileSync(dir + file, 'utf8')) as { theme: string; cases: UnitCase[] };
  describe(theme, () => {
    for (const c of cases) {
      it(`${c.id}: ${c.description}`, () => {
        const d = evaluate(caseToRequest(c));
        expect(toExpected[d.decision]).toBe(c.expected);
        if (c.expectCause) expect(d.cause?.kind).toBe(c.expectCause);
        if (c.expectNote) expect(d.notes.join('\n')).toContain(c.expectNote);
        if (d.decision === 'allowed') expect(d.cause).toBeUndefined();
        else expect(d.cause?.phrase).toMatch(/^(because no .+ allows the .+ action|with an explicit deny in .+)$/);
      });
    }
  });
}
