// Owns caching what Organizations contributes to authorization — an account's membership (org, OU
// path) and its SCP/RCP levels — across requests. Every entry is tied to the `org` generation, which
// SQLite triggers bump on any write to the Organizations tables (migration 002), so a cached value is
// never used after the data behind it changed, whichever code path changed it.
import type { PolicySource } from '../policy/types';
import type { OrgMembership, OrgPolicyType } from '../store/repos/organizations';
import type { Store } from '../store/store';

interface OrgCache {
  generation: number;
  memberships: Map<string, OrgMembership | null>;
  levels: Map<string, PolicySource[][] | null>;
}

const caches = new WeakMap<Store, OrgCache>();
/** Set while one authorization runs: the generation was checked at its start and nothing writes until it ends. */
let checked: OrgCache | null = null;

function cacheFor(store: Store): OrgCache {
  if (checked && caches.get(store) === checked) return checked;
  const generation = store.db.generation('org');
  let c = caches.get(store);
  if (!c || c.generation !== generation) {
    c = { generation, memberships: new Map(), levels: new Map() };
    caches.set(store, c);
  }
  return c;
}

/**
 * Runs one (synchronous) authorization with the generation checked once at its start. Outside such a
 * scope every lookup re-checks the generation itself.
 */
export function withOrgMemo<T>(fn: () => T, store?: Store): T {
  if (checked) return fn();
  if (store) checked = cacheFor(store);
  try {
    return fn();
  } finally {
    checked = null;
  }
}

export function membershipOf(store: Store, accountId: string): OrgMembership | null {
  const c = cacheFor(store);
  if (c.memberships.has(accountId)) return c.memberships.get(accountId)!;
  const m = store.organizations.membership(accountId);
  c.memberships.set(accountId, m);
  return m;
}

/** Cached organization policy levels of an account; `compute` runs on a miss. */
export function cachedLevels(store: Store, accountId: string, type: OrgPolicyType, compute: () => PolicySource[][] | null): PolicySource[][] | null {
  const c = cacheFor(store);
  const key = `${type}:${accountId}`;
  if (c.levels.has(key)) return c.levels.get(key)!;
  const levels = compute();
  c.levels.set(key, levels);
  return levels;
}
