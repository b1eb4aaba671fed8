// Custom policy checks, table-driven from test/fixtures/access-analyzer/custom-checks/*.json: AWS's
// documented examples answer as AWS does, and the checks are sound — every construct that may grant
// the access (conditions that may hold, conditional Denies, wildcards, variables, unreadable
// statements) answers FAIL.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAccessNotGranted, checkNoNewAccess, checkNoPublicAccess } from '../../../src/services/access-analyzer/custom-checks';

const DIR = join(__dirname, '../../fixtures/access-analyzer/custom-checks');
const load = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8')) as any[];
const text = (p: unknown) => JSON.stringify(p);

type Answer = { result: string; message: string; reasons?: { description: string; statementIndex: number; statementId?: string }[] };

function assertAnswer(got: Answer, want: any) {
  expect(got.result).toBe(want.result);
  if (want.message) expect(got.message).toBe(want.message);
  if (want.reasons) expect(got.reasons).toEqual(want.reasons);
  if (want.reasonIndexes) expect(got.reasons?.map((r) => r.statementIndex)).toEqual(want.reasonIndexes);
  if (want.reasonContains) expect(got.reasons?.[0]?.description).toContain(want.reasonContains);
  if (want.result === 'PASS') expect(got.reasons).toBeUndefined();
}

describe('CheckAccessNotGranted', () => {
  for (const c of load('check-access-not-granted.json')) it(c.name, () => assertAnswer(checkAccessNotGranted(text(c.policy), c.actions ?? [], c.resources ?? []), c.expect));
});

describe('CheckNoNewAccess', () => {
  for (const c of load('check-no-new-access.json')) it(c.name, () => assertAnswer(checkNoNewAccess(text(c.new), text(c.existing)), c.expect));
});

describe('CheckNoPublicAccess', () => {
  for (const c of load('check-no-public-access.json')) it(c.name, () => assertAnswer(checkNoPublicAccess(text(c.policy)), c.expect));
});

describe('soundness: never PASS when some request may be allowed', () => {
  // Random small policies over a fixed vocabulary; a brute-force oracle enumerates concrete
  // (action, resource) pairs and every assignment of the conditions (each may hold or not).
  const ACTIONS = ['s3:GetObject', 's3:PutObject', 'iam:CreateUser', 'iam:GetUser'];
  const PATTERNS = ['s3:*', 's3:Get*', 's3:PutObject', 'iam:*', 'iam:Get*', '*', 'iam:CreateUser'];
  const RES = ['arn:aws:s3:::a/x', 'arn:aws:s3:::b/x', '*'];
  const RPATTERNS = ['*', 'arn:aws:s3:::a/*', 'arn:aws:s3:::b/*', 'arn:aws:s3:::*'];
  let seed = 7;
  const rnd = (n: number) => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const glob = (p: string, s: string, ci: boolean) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, ci ? 'i' : '').test(s);
  for (let n = 0; n < 300; n++) {
    const statements = Array.from({ length: 1 + rnd(3) }, () => {
      const st: Record<string, unknown> = { Effect: rnd(3) === 0 ? 'Deny' : 'Allow', Resource: RPATTERNS[rnd(RPATTERNS.length)] };
      st[rnd(4) === 0 ? 'NotAction' : 'Action'] = PATTERNS[rnd(PATTERNS.length)];
      if (rnd(3) === 0) st.Condition = { Bool: { 'aws:SecureTransport': 'true' } };
      return st;
    });
    const action = ACTIONS[rnd(ACTIONS.length)];
    const resource = RES[rnd(RES.length)];
    it(`random policy ${n}`, () => {
      const conds = statements.filter((s) => s.Condition).length;
      let mayAllow = false;
      for (let mask = 0; mask < 2 ** conds; mask++) {
        let k = 0;
        const applies = statements.map((s) => (s.Condition ? ((mask >> k++) & 1) === 1 : true));
        const concreteResources = resource === '*' ? ['arn:aws:s3:::a/x', 'arn:aws:s3:::b/x', 'arn:aws:iam::1:user/u'] : [resource];
        for (const r of concreteResources) {
          const matches = (s: Record<string, unknown>) =>
            (s.Action !== undefined ? glob(s.Action as string, action, true) : !glob(s.NotAction as string, action, true)) && glob(s.Resource as string, r, false);
          const allowed = statements.some((s, i) => applies[i] && s.Effect === 'Allow' && matches(s));
          const denied = statements.some((s, i) => applies[i] && s.Effect === 'Deny' && matches(s));
          if (allowed && !denied) mayAllow = true;
        }
      }
      const got = checkAccessNotGranted(JSON.stringify({ Version: '2012-10-17', Statement: statements }), [action], resource === '*' ? [] : [resource]);
      if (mayAllow) expect(got.result).toBe('FAIL');
    });
  }
});
