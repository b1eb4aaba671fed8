// Owns the record of requests and their authorization decisions that Access Analyzer's policy
// generation reads (StartPolicyGeneration "from actual usage": AWS reads CloudTrail; iamlocal sees
// every decision it makes). One bounded in-memory ring per store: the oldest records fall out once
// `capacity` is reached, so memory stays bounded whatever the traffic.
// Role sessions are recorded with their role's ARN, so a role's activity is found whatever its
// sessions were named.
// This is the minimal part of the decision log (issue 12) that policy generation needs, behind a small
// interface (recordDecision / recordsFor) so that log can replace it.

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

export class RequestRecorder {
  private readonly ring: (RequestRecord | undefined)[];
  private next = 0;
  private size = 0;
  private dropped = false;

  constructor(readonly capacity = DEFAULT_CAPACITY) {
    this.ring = new Array(capacity);
  }

  record(r: RequestRecord): void {
    if (this.size === this.capacity) this.dropped = true;
    this.ring[this.next] = r;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
  }

  /** Records, oldest first, of `principalArn` (a user, or a role and all its sessions) in [start, end]. */
  recordsFor(principalArn: string, start: Date, end: Date): RequestRecord[] {
    const out: RequestRecord[] = [];
    const from = start.getTime();
    const to = end.getTime();
    const first = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) {
      const r = this.ring[(first + i) % this.capacity]!;
      if (r.principalArn !== principalArn && r.roleArn !== principalArn) continue;
      const t = Date.parse(r.time);
      if (t >= from && t <= to) out.push(r);
    }
    return out;
  }

  /** Time (ms) of the oldest record kept, or null when empty. */
  oldestTime(): number | null {
    if (this.size === 0) return null;
    const first = (this.next - this.size + this.capacity) % this.capacity;
    return Date.parse(this.ring[first]!.time);
  }

  /** Whether records have fallen out of the ring since it was last cleared. */
  hasDropped(): boolean {
    return this.dropped;
  }

  clear(): void {
    this.dropped = false;
    this.ring.fill(undefined);
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
