// ValidatePolicy, table-driven from test/fixtures/access-analyzer/validate-policy/*.json (one file per
// family of checks of the policy check reference): each policy must produce exactly the findings the
// fixture lists — issue code, finding type, location path, and span/findingDetails/learnMoreLink where given.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKS, validatePolicyText, type PolicyType } from '../../../src/services/access-analyzer/validate-policy';

interface Case {
  name: string;
  policyType: PolicyType;
  resourceType?: string;
  policy?: unknown;
  generate?: 'scp-over-quota';
  findings: { issueCode: string; findingType: string; path: unknown[]; span?: unknown; findingDetails?: string; learnMoreLink?: string }[];
}

const DIR = join(__dirname, '../../fixtures/access-analyzer/validate-policy');

function policyText(c: Case): string {
  if (c.generate === 'scp-over-quota') {
    const resources = Array.from({ length: 300 }, (_, i) => `arn:aws:s3:::bucket-${i}/*`);
    return JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: resources }] });
  }
  return typeof c.policy === 'string' ? c.policy : JSON.stringify(c.policy, null, 2);
}

for (const file of readdirSync(DIR).filter((f) => f.endsWith('.json'))) {
  const cases = JSON.parse(readFileSync(join(DIR, file), 'utf8')) as Case[];
  describe(`ValidatePolicy: ${file}`, () => {
    for (const c of cases) {
      it(c.name, async () => {
        const findings = await validatePolicyText(policyText(c), { policyType: c.policyType, trust: c.resourceType === 'AWS::IAM::AssumeRolePolicyDocument' });
        expect(findings.map((f) => [f.issueCode, f.findingType, f.locations[0]?.path])).toEqual(c.findings.map((f) => [f.issueCode, f.findingType, f.path]));
        c.findings.forEach((want, i) => {
          const got = findings[i]!;
          if (want.span) expect(got.locations[0]?.span).toEqual(want.span);
          if (want.findingDetails) expect(got.findingDetails).toBe(want.findingDetails);
          if (want.learnMoreLink) expect(got.learnMoreLink).toBe(want.learnMoreLink);
          // Every finding links to its check in the reference.
          expect(got.learnMoreLink).toMatch(/^https:\/\/docs\.aws\.amazon\.com\/IAM\/latest\/UserGuide\/access-analyzer-reference-policy-checks\.html#access-analyzer-reference-policy-checks-/);
          expect(CHECKS[got.issueCode]?.type).toBe(got.findingType);
        });
      });
    }
  });
}
