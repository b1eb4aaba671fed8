// The evaluator's caches stay bounded whatever the number of policy ids sharing one text (every
// session that passed the same session policy has its own id): review found +380 bytes per session.
import { describe, expect, it } from 'vitest';
import { compilePolicy } from '../../src/policy/document';
import { MATCH_RECORD_IDS_MAX } from '../../src/policy/evaluate';
import { evaluate, type EvalRequest } from '../../src/policy/index';

const sessionPolicy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'Read', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const roleArn = 'arn:aws:iam::111122223333:role/app';

function request(sessionId: string): EvalRequest {
  return {
    principal: { type: 'AssumedRole', arn: `arn:aws:sts::111122223333:assumed-role/app/${sessionId}`, account: '111122223333', roleArn } as EvalRequest['principal'],
    action: 's3:GetObject',
    resource: 'arn:aws:s3:::bucket/key',
    context: {},
    policies: {
      identity: [{ id: 'role-policy', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
      boundary: null,
      scps: null,
      rcps: null,
      session: [{ id: `session/${sessionId}`, document: sessionPolicy }],
      resource: null,
    },
  };
}

describe('match records of one compiled policy', () => {
  it(`keep at most ${MATCH_RECORD_IDS_MAX} ids per kind however many sessions share the text`, () => {
    for (let i = 0; i < 5_000; i++) {
      const d = evaluate(request(`s-${i}`));
      expect(d.decision).toBe('allowed');
      expect(d.matchedStatements.find((m) => m.policyKind === 'session')).toMatchObject({ policyId: `session/s-${i}`, sid: 'Read' });
    }
    const records = compilePolicy(sessionPolicy).matchRecords.get('session')!;
    expect(records.size).toBeGreaterThan(0);
    expect(records.size).toBeLessThanOrEqual(MATCH_RECORD_IDS_MAX);
  });
});
