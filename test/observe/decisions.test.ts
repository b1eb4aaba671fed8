// The decision log: a bounded ring with filters and paging, subscribers, lazy explanations, and the
// optional SQLite copy (migration 008) that survives a restart and is written off the request path.
import { describe, expect, it } from 'vitest';
import { ANONYMOUS } from '../../src/auth/principal';
import { SqliteDecisionStore } from '../../src/observe/decision-store';
import { DecisionLog, formatDecisionLine, type DecisionInput } from '../../src/observe/decisions';
import { evaluate, type EvalRequest } from '../../src/policy/index';
import { Store } from '../../src/store/store';

const request = (action: string, arn = 'arn:aws:iam::111122223333:user/u'): EvalRequest => ({
  principal: { type: 'IAMUser', arn, account: '111122223333', name: arn.split('/').pop() },
  action,
  resource: '*',
  context: {},
  policies: { identity: [{ id: 'p', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }], boundary: null, scps: null, rcps: null, session: null, resource: null },
});

function input(action: string, t: number, arn?: string): DecisionInput {
  const req = request(action, arn);
  const decision = evaluate(req);
  return { requestId: `req-${t}`, time: new Date(Date.UTC(2026, 0, 1, 0, 0, t)), request: req, decision, outcome: decision.decision === 'allowed' ? 'allowed' : 'denied', principal: { ...ANONYMOUS } as never };
}

describe('DecisionLog', () => {
  it('keeps the newest `size` records, pages in seq order and filters by principal, action, decision, time and request id', () => {
    const log = new DecisionLog({ size: 5 });
    for (let i = 0; i < 8; i++) log.record(input(i % 2 ? 's3:GetObject' : 'iam:ListRoles', i, i < 4 ? 'arn:aws:iam::111122223333:user/a' : 'arn:aws:iam::111122223333:user/b'));
    const all = log.query();
    expect(all.decisions.map((r) => r.seq)).toEqual([4, 5, 6, 7, 8]);
    const p1 = log.query({ limit: 2 });
    expect(p1.decisions.map((r) => r.seq)).toEqual([4, 5]);
    expect(log.query({ limit: 2, after: Number(p1.nextToken) }).decisions.map((r) => r.seq)).toEqual([6, 7]);
    expect(log.query({ decision: 'denied' }).decisions.every((r) => r.action === 'iam:ListRoles')).toBe(true);
    expect(log.query({ action: 'S3:*' }).decisions.map((r) => r.seq)).toEqual([4, 6, 8]);
    expect(log.query({ principal: 'arn:aws:iam::111122223333:user/a' }).decisions.map((r) => r.seq)).toEqual([4]);
    expect(log.query({ since: '2026-01-01T00:00:06Z' }).decisions.map((r) => r.seq)).toEqual([7, 8]);
    expect(log.query({ until: '2026-01-01T00:00:05Z' }).decisions.map((r) => r.seq)).toEqual([4, 5]);
    expect(log.query({ requestId: 'req-6' }).decisions.map((r) => r.seq)).toEqual([7]);
  });

  it('subscribers see each record as it is made, with its reason; a failing subscriber changes nothing', () => {
    const log = new DecisionLog();
    const seen: string[] = [];
    log.subscribe(() => {
      throw new Error('broken listener');
    });
    const stop = log.subscribe((r) => seen.push(formatDecisionLine(r)));
    log.record(input('iam:ListRoles', 1));
    stop();
    log.record(input('iam:ListRoles', 2));
    expect(seen).toEqual(['2026-01-01T00:00:01.000Z DENY arn:aws:iam::111122223333:user/u iam:ListRoles * — implicit deny: no identity-based policy allows iam:ListRoles']);
  });

  it('detail() adds the policy texts and the request context', () => {
    const log = new DecisionLog();
    const seq = log.record(input('s3:GetObject', 1));
    expect(log.query().decisions[0]!.policies[0]!.text).toBeUndefined();
    const d = log.detail(seq)!;
    expect(d.policies[0]).toMatchObject({ id: 'p', outcome: 'allow' });
    expect(JSON.parse(d.policies[0]!.text!).Statement[0].Action).toBe('s3:*');
    expect(d.context).toEqual({});
    expect(log.detail(999)).toBeNull();
  });

  it('with SQLite persistence the log outlives the ring and continues its numbering after a restart', async () => {
    const store = new Store();
    try {
      const log = new DecisionLog({ size: 2, persistence: new SqliteDecisionStore(store.db) });
      for (let i = 0; i < 5; i++) log.record(input('iam:ListRoles', i));
      // Written after the request, in a batch.
      expect(store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM decisions')!.n).toBe(0);
      await new Promise((r) => setImmediate(r));
      expect(store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM decisions')!.n).toBe(5);
      expect(log.query().decisions.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5]);
      const again = new DecisionLog({ persistence: new SqliteDecisionStore(store.db) });
      expect(again.record(input('s3:GetObject', 9))).toBe(6);
      // A reset keeps the history.
      store.wipe();
      expect(store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM decisions')!.n).toBe(5);
    } finally {
      store.close();
    }
  });
});
