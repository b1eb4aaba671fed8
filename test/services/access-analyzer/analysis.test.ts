// External-access analysis of role trust policies, table-driven from
// test/fixtures/access-analyzer/trust-policy-findings.json (one case per kind of principal).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyzeTrustPolicy } from '../../../src/services/access-analyzer/analysis';

const cases = JSON.parse(readFileSync(join(__dirname, '../../fixtures/access-analyzer/trust-policy-findings.json'), 'utf8')) as {
  name: string;
  zone: string[];
  orgId?: string;
  policy: unknown;
  findings: unknown[];
}[];

describe('analyzeTrustPolicy', () => {
  for (const c of cases) {
    it(c.name, () => {
      expect(analyzeTrustPolicy(JSON.stringify(c.policy), { accounts: new Set(c.zone), orgId: c.orgId })).toEqual(c.findings);
    });
  }
});
