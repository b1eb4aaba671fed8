// The request record policy generation reads: bounded (oldest records fall out), found by user ARN
// or by role ARN for every session of the role, limited to the time window.
import { describe, expect, it } from 'vitest';
import { RequestRecorder } from '../../src/observe/request-record';

const rec = (i: number, over: Partial<Parameters<RequestRecorder['record']>[0]> = {}) => ({
  time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
  principalArn: 'arn:aws:iam::000000000000:user/dev',
  action: `iam:Get${i}`,
  resource: '*',
  decision: 'allowed' as const,
  ...over,
});

describe('RequestRecorder', () => {
  it('keeps at most `capacity` records, dropping the oldest', () => {
    const r = new RequestRecorder(3);
    for (let i = 0; i < 5; i++) r.record(rec(i));
    const all = r.recordsFor('arn:aws:iam::000000000000:user/dev', new Date(0), new Date(Date.UTC(2027, 0)));
    expect(all.map((x) => x.action)).toEqual(['iam:Get2', 'iam:Get3', 'iam:Get4']);
    expect(r.hasDropped()).toBe(true);
    expect(r.oldestTime()).toBe(Date.UTC(2026, 0, 1, 0, 0, 2));
    r.clear();
    expect([r.hasDropped(), r.oldestTime()]).toEqual([false, null]);
  });

  it('finds a role by its ARN across its sessions, a user by its ARN, within the window', () => {
    const r = new RequestRecorder(10);
    const role = 'arn:aws:iam::000000000000:role/app';
    r.record(rec(1, { principalArn: 'arn:aws:sts::000000000000:assumed-role/app/s1', roleArn: role }));
    r.record(rec(2, { principalArn: 'arn:aws:sts::000000000000:assumed-role/app/s2', roleArn: role, decision: 'denied' }));
    r.record(rec(3));
    r.record(rec(9, { principalArn: 'arn:aws:sts::000000000000:assumed-role/app/s3', roleArn: role }));
    const window = [new Date(Date.UTC(2026, 0, 1, 0, 0, 0)), new Date(Date.UTC(2026, 0, 1, 0, 0, 5))] as const;
    expect(r.recordsFor(role, ...window).map((x) => [x.action, x.decision])).toEqual([['iam:Get1', 'allowed'], ['iam:Get2', 'denied']]);
    expect(r.recordsFor('arn:aws:iam::000000000000:user/dev', ...window).map((x) => x.action)).toEqual(['iam:Get3']);
  });
});
