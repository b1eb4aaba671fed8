// Owns the record of requests and their authorization decisions that Access Analyzer's policy
// generation reads (StartPolicyGeneration "from actual usage": AWS reads CloudTrail; iamlocal sees
// every decision it makes). One bounded in-memory ring per store: the oldest records fall out once
// `capacity` is reached, so memory stays bounded whatever the traffic.
// Role sessions are recorded with their role's ARN, so a role's activity is found whatever its
// sessions were named.
// This is the minimal part of the decision log (issue 12) that policy generation needs, behind a small
// interface (recordDecision / recordsFor) so that log can replace it.
import { parseIso } from '../aws/time';

export interface RequestRecord {
  /** ISO time of the request on iamlocal's clock. */
  time: string;
  /** The caller's ARN (the session ARN for role sessions). */
  principalArn: string | null;
  /** Role sessions: the role's ARN. */
  roleArn?: string;
  action: string;
  resource: string;
  decision: 'allowed' | 'denied';
}

export const DEFAULT_CAPACITY = 50_000;

/** Distinct strings kept shared by the recorder (the map is emptied when it is reached; nothing breaks). */
const INTERN_MAX = 8192;

/**
 * The ring is kept in columns (times in a Float64Array, strings shared through an intern table), not as
 * one object per record: 50,000 records as objects with their own ISO time and resource strings were
 * ~10 MB of heap, the largest thing in a heap snapshot after 100k AssumeRole calls.
 */
export class RequestRecorder {
  private readonly times: Float64Array;
  private readonly principals: (string | null)[];
  private readonly roles: (string | undefined)[];
  private readonly actions: string[];
  private readonly resources: string[];
  private readonly denied: Uint8Array;
  private readonly interned = new Map<string, string>();
  private next = 0;
  private size = 0;
  private dropped = false;

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    this.times = new Float64Array(capacity);
    this.principals = new Array(capacity);
    this.roles = new Array(capacity);
    this.actions = new Array(capacity);
    this.resources = new Array(capacity);
    this.denied = new Uint8Array(capacity);
  }

  private intern(v: string): string {
    const had = this.interned.get(v);
    if (had !== undefined) return had;
    if (this.interned.size >= INTERN_MAX) this.interned.clear();
    this.interned.set(v, v);
    return v;
  }

  record(r: RequestRecord): void {
    if (this.size === this.capacity) this.dropped = true;
    const i = this.next;
    this.times[i] = parseIso(r.time);
    this.principals[i] = r.principalArn === null ? null : this.intern(r.principalArn);
    this.roles[i] = r.roleArn === undefined ? undefined : this.intern(r.roleArn);
    this.actions[i] = this.intern(r.action);
    this.resources[i] = this.intern(r.resource);
    this.denied[i] = r.decision === 'denied' ? 1 : 0;
    this.next = (i + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Records, oldest first, of `principalArn` (a user, or a role and all its sessions) in [start, end]. */
  recordsFor(principalArn: string, start: Date, end: Date): RequestRecord[] {
    const out: RequestRecord[] = [];
    const from = start.getTime();
    const to = end.getTime();
    const first = (this.next - this.size + this.capacity) % this.capacity;
    for (let k = 0; k < this.size; k++) {
      const i = (first + k) % this.capacity;
      if (this.principals[i] !== principalArn && this.roles[i] !== principalArn) continue;
      const t = this.times[i];
      if (!(t >= from && t <= to)) continue;
      const r: RequestRecord = { time: new Date(t).toISOString(), principalArn: this.principals[i], action: this.actions[i], resource: this.resources[i], decision: this.denied[i] ? 'denied' : 'allowed' };
      if (this.roles[i] !== undefined) r.roleArn = this.roles[i];
      out.push(r);
    }
    return out;
  }

  /** Time (ms) of the oldest record kept, or null when empty. */
  oldestTime(): number | null {
    if (this.size === 0) return null;
    return this.times[(this.next - this.size + this.capacity) % this.capacity];
  }

  /** Whether records have fallen out of the ring since it was last cleared. */
  hasDropped(): boolean {
    return this.dropped;
  }

  clear(): void {
    this.dropped = false;
    this.principals.fill(null);
    this.roles.fill(undefined);
    this.actions.fill('');
    this.resources.fill('');
    this.interned.clear();
    this.next = 0;
    this.size = 0;
  }
}

const recorders = new WeakMap<object, RequestRecorder>();

/** The recorder of one server's state (keyed by its store, so each server and test has its own). */
export function recorderFor(owner: object): RequestRecorder {
  let r = recorders.get(owner);
  if (!r) {
    r = new RequestRecorder();
    recorders.set(owner, r);
  }
  return r;
}

export function recordDecision(owner: object, r: RequestRecord): void {
  recorderFor(owner).record(r);
}

export function recordsFor(owner: object, principalArn: string, start: Date, end: Date): RequestRecord[] {
  return recorderFor(owner).recordsFor(principalArn, start, end);
}
