// The store's read cache (src/store/db.ts): reads are answered from memory until a write could have
// changed them. A write to a leaf table (no trigger on it, no foreign key pointing at it) makes only
// that table's reads stale; any other write, a rolled-back transaction and a reset make every read
// stale. Cached rows are frozen. Each case checks what a reader sees, and that a cached answer really
// skipped SQLite (statements prepared-or-fetched are counted through Db.stmt).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { randomIds } from '../../src/runtime';
import { ensureAwsManagedPolicy } from '../../src/store/aws-managed-policies';
import { Snapshots } from '../../src/store/snapshots';
import { Store } from '../../src/store/store';

let store: Store;
let executed: string[];

beforeEach(() => {
  store = new Store();
  executed = [];
  const stmt = store.db.stmt.bind(store.db);
  vi.spyOn(store.db, 'stmt').mockImplementation((sql: string) => {
    executed.push(sql);
    return stmt(sql);
  });
  store.db.run(`INSERT INTO accounts (id, created_at) VALUES ('111111111111', 'now')`);
});
afterEach(() => {
  vi.restoreAllMocks();
  store.close();
});

const ACCOUNT = `SELECT * FROM accounts WHERE id = ?`;
const TAGS = `SELECT key, value FROM tags WHERE resource_kind = ? AND resource_id = ? ORDER BY seq`;
const reads = (sql: string) => executed.filter((s) => s === sql).length;

describe('store read cache', () => {
  it('keeps apart one string parameter, the same text as null or a number, and several parameters', () => {
    const BY = `SELECT COUNT(*) AS n, ? AS p FROM accounts`;
    const seen = (p: unknown) => store.db.get<{ p: unknown }>(BY, p)!.p;
    // 'z;' and 'n1;' are the composite keys null and 1 would make: each is still its own entry.
    expect([seen('z;'), seen(null), seen('n1;'), seen(1), seen('z;'), seen(null)]).toEqual(['z;', null, 'n1;', 1, 'z;', null]);
    expect(reads(BY)).toBe(4);
    // Two parameters: a shared first value, then values that differ only in type.
    const BY2 = `SELECT ? AS a, ? AS b FROM accounts LIMIT 1`;
    const pair = (a: unknown, b: unknown) => store.db.get<{ a: unknown; b: unknown }>(BY2, a, b)!;
    expect([pair('x', '1'), pair('x', 1), pair('x', '2'), pair('x', null), pair('x', '1')]).toEqual([
      { a: 'x', b: '1' }, { a: 'x', b: 1 }, { a: 'x', b: '2' }, { a: 'x', b: null }, { a: 'x', b: '1' },
    ]);
    expect(reads(BY2)).toBe(4);
    // The one-string entries go stale with the rest.
    store.db.run(`INSERT INTO accounts (id, created_at) VALUES ('222222222222', 'now')`);
    seen('z;');
    expect(reads(BY)).toBe(5);
  });

  it('answers a repeated read from memory, with frozen rows', () => {
    const a = store.db.get<{ id: string }>(ACCOUNT, '111111111111')!;
    const b = store.db.get<{ id: string }>(ACCOUNT, '111111111111')!;
    expect(b).toEqual(a);
    expect(reads(ACCOUNT)).toBe(1);
    expect(Object.isFrozen(a)).toBe(true);
    expect(() => {
      (a as { id: string }).id = 'x';
    }).toThrow(TypeError);
    const list = store.db.all(TAGS, 'role', 'r1');
    expect(Object.isFrozen(list)).toBe(true);
  });

  it('keeps parameters apart (types and values)', () => {
    expect(store.db.get(ACCOUNT, '111111111111')).toBeDefined();
    expect(store.db.get(ACCOUNT, '222222222222')).toBeUndefined();
    expect(store.db.get(`SELECT ? AS v`, 1)).toEqual({ v: 1 });
    expect(store.db.get(`SELECT ? AS v`, '1')).toEqual({ v: '1' });
    expect(store.db.get(`SELECT ? AS a, ? AS b`, 'x:1', 'y')).toEqual({ a: 'x:1', b: 'y' });
    expect(store.db.get(`SELECT ? AS a, ? AS b`, 'x', ':1y')).toEqual({ a: 'x', b: ':1y' });
  });

  it('a write to a non-leaf table makes every read stale', () => {
    expect(store.db.get<{ alias: string | null }>(ACCOUNT, '111111111111')!.alias).toBeNull();
    store.db.all(TAGS, 'role', 'r1');
    store.db.run(`UPDATE accounts SET alias = 'corp' WHERE id = ?`, '111111111111');
    expect(store.db.get<{ alias: string | null }>(ACCOUNT, '111111111111')!.alias).toBe('corp');
    store.db.all(TAGS, 'role', 'r1');
    expect(reads(ACCOUNT)).toBe(2);
    expect(reads(TAGS)).toBe(2);
  });

  it('a write to a leaf table makes only its own reads stale', () => {
    store.db.get(ACCOUNT, '111111111111');
    expect(store.db.all(TAGS, 'role', 'r1')).toEqual([]);
    store.db.run(`INSERT INTO tags (resource_kind, resource_id, key, value, seq) VALUES ('role', 'r1', 'k', 'v', 0)`);
    expect(store.db.all(TAGS, 'role', 'r1')).toEqual([{ key: 'k', value: 'v' }]);
    store.db.get(ACCOUNT, '111111111111');
    expect(reads(TAGS)).toBe(2);
    expect(reads(ACCOUNT)).toBe(1);
  });

  it('a write whose triggers change another table makes that table stale too (Organizations → generations)', () => {
    const before = store.db.generation('org');
    store.db.run(`INSERT INTO organizations (id, management_account_id, created_at) VALUES ('o-1', '111111111111', 'now')`);
    expect(store.db.generation('org')).toBeGreaterThan(before);
  });

  it('a rolled-back transaction leaves no read of its own rows behind', () => {
    expect(() =>
      store.transaction(() => {
        store.db.run(`UPDATE accounts SET alias = 'gone' WHERE id = ?`, '111111111111');
        expect(store.db.get<{ alias: string }>(ACCOUNT, '111111111111')!.alias).toBe('gone');
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(store.db.get<{ alias: string | null }>(ACCOUNT, '111111111111')!.alias).toBeNull();
  });

  it('a leaf write rolled back is not seen either', () => {
    expect(() =>
      store.transaction(() => {
        store.db.run(`INSERT INTO tags (resource_kind, resource_id, key, value, seq) VALUES ('role', 'r2', 'k', 'v', 0)`);
        expect(store.db.all(TAGS, 'role', 'r2')).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).toThrow('roll back');
    expect(store.db.all(TAGS, 'role', 'r2')).toEqual([]);
  });

  it('a reset makes every read stale', () => {
    expect(store.db.get(ACCOUNT, '111111111111')).toBeDefined();
    store.wipe();
    expect(store.db.get(ACCOUNT, '111111111111')).toBeUndefined();
  });

  it('a snapshot restore makes every read stale, and a snapshot holds deferred policy histories', async () => {
    const snaps = new Snapshots(store.db, null);
    const arn = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess';
    store.transaction(() => ensureAwsManagedPolicy(store, randomIds, arn));
    await snaps.save('s1');
    store.db.run(`UPDATE accounts SET alias = 'later' WHERE id = ?`, '111111111111');
    expect(store.db.get<{ alias: string }>(ACCOUNT, '111111111111')!.alias).toBe('later');
    await snaps.restore('s1');
    expect(store.db.get<{ alias: string | null }>(ACCOUNT, '111111111111')!.alias).toBeNull();
    expect(store.managedPolicies.versions(arn).length).toBeGreaterThan(1);
    const n = store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM policy_versions WHERE policy_arn = ?', arn)!.n;
    expect(store.managedPolicies.versions(arn)).toHaveLength(n);
    snaps.dispose?.();
  });
});
