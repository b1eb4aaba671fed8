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

  it('reads back each record exactly as recorded, past the intern table bound too', () => {
    const r = new RequestRecorder(20_000);
    const role = 'arn:aws:iam::000000000000:role/app';
    const made = Array.from({ length: 10_000 }, (_, i) =>
      i % 2 ? rec(i % 60, { resource: `arn:aws:s3:::b/key-${i}`, decision: 'denied' }) : rec(i % 60, { principalArn: `arn:aws:sts::000000000000:assumed-role/app/s${i}`, roleArn: role, resource: `arn:aws:s3:::b/key-${i}` }),
    );
    for (const m of made) r.record(m);
    const all = [new Date(0), new Date(Date.UTC(2027, 0))] as const;
    expect(r.recordsFor(role, ...all)).toEqual(made.filter((_, i) => i % 2 === 0));
    expect(r.recordsFor('arn:aws:iam::000000000000:user/dev', ...all)).toEqual(made.filter((_, i) => i % 2 === 1));
  });

  it('a record whose time does not parse is never returned, and nothing throws', () => {
    const r = new RequestRecorder(5);
    r.record(rec(1, { time: 'not a time' }));
    r.record(rec(2));
    expect(r.recordsFor('arn:aws:iam::000000000000:user/dev', new Date(0), new Date(Date.UTC(2027, 0))).map((x) => x.action)).toEqual(['iam:Get2']);
  });
});
