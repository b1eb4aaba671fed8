// Owns a memo of organization membership for the duration of one authorization: the request context
// (aws:PrincipalOrgID/Paths), the SCP levels and the RCP levels all need the same accounts' placement.
// Scoped strictly to synchronous authorization (opened and closed around it), so it can never serve a
// placement older than the request's own transaction.
import type { OrgMembership } from '../store/repos/organizations';
import type { Store } from '../store/store';

let memo: Map<string, OrgMembership | null> | null = null;

/** Runs `fn` with membership lookups memoized; nested calls share the outer memo. */
export function withOrgMemo<T>(fn: () => T): T {
  if (memo) return fn();
  memo = new Map();
  try {
    return fn();
  } finally {
    memo = null;
  }
}

export function membershipOf(store: Store, accountId: string): OrgMembership | null {
  if (!memo) return store.organizations.membership(accountId);
  if (memo.has(accountId)) return memo.get(accountId)!;
  const m = store.organizations.membership(accountId);
  memo.set(accountId, m);
  return m;
}
