// Owns time and randomness: every clock read and every generated id goes through these, so tests
// can freeze them and the admin clock endpoint can move iamlocal's time.
import { randomBytes, randomFillSync, randomUUID } from 'node:crypto';

export interface Clock {
  now(): Date;
}

/** A clock that follows the system clock plus an adjustable offset (the test clock endpoint). */
export class AdjustableClock implements Clock {
  private offsetMs = 0;
  private frozenAt: number | null = null;
  constructor(private readonly base: () => number = Date.now) {}
  now(): Date {
    return new Date(this.frozenAt ?? this.base() + this.offsetMs);
  }
  /** Jump to an absolute time; time keeps flowing from there unless frozen. */
  set(at: Date): void {
    if (this.frozenAt !== null) this.frozenAt = at.getTime();
    else this.offsetMs = at.getTime() - this.base();
  }
  advance(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    else this.offsetMs += ms;
  }
  freeze(at?: Date): void {
    this.frozenAt = (at ?? this.now()).getTime();
  }
  unfreeze(): void {
    if (this.frozenAt !== null) this.offsetMs = this.frozenAt - this.base();
    this.frozenAt = null;
  }
  reset(): void {
    this.offsetMs = 0;
    this.frozenAt = null;
  }
}

export function fixedClock(at: Date | string): AdjustableClock {
  const c = new AdjustableClock();
  c.freeze(new Date(at));
  return c;
}

/**
 * Milliseconds since an arbitrary origin, for measuring how long something took (request log lines). It
 * is `process.hrtime.bigint()`, not the `performance` global: that global's first use loads Node's
 * perf_hooks modules, which took ~5 ms in a fresh Node 20 process and ~11 ms with a V8 flag on the
 * command line (V8 then rejects Node's code cache for them), and the first use was a server's first request.
 */
export function monotonicMs(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

export interface IdSource {
  /** x-amzn-RequestId: a UUID. */
  requestId(): string;
  /** `count` characters of uppercase base32 (A–Z, 2–7), the alphabet of AWS key ids and unique ids. */
  base32(count: number): string;
  /** `bytes` random bytes. */
  bytes(bytes: number): Buffer;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/**
 * CSPRNG bytes drawn from a pool refilled 4 KiB at a time: one OpenSSL call per ~60 AssumeRole answers
 * instead of four per answer (key id, secret, token, ids). Each byte is handed out once, and the
 * pool's used part is zeroed, so nothing random is ever reused or left behind.
 */
const POOL_SIZE = 4096;
let pool = Buffer.alloc(0);
let poolAt = 0;
function fromPool(n: number): number {
  if (poolAt + n > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(POOL_SIZE));
    poolAt = 0;
  }
  const at = poolAt;
  poolAt += n;
  return at;
}

export const randomIds: IdSource = {
  requestId: () => randomUUID(),
  base32(count) {
    if (count > 256) {
      const b = randomBytes(count);
      let s = '';
      for (let i = 0; i < count; i++) s += B32[b[i] & 31];
      return s;
    }
    const at = fromPool(count);
    let s = '';
    for (let i = 0; i < count; i++) s += B32[pool[at + i] & 31];
    pool.fill(0, at, at + count);
    return s;
  },
  bytes(n) {
    if (n > 256) return randomBytes(n);
    const at = fromPool(n);
    const out = Buffer.from(pool.subarray(at, at + n));
    pool.fill(0, at, at + n);
    return out;
  },
};

/** Deterministic ids for tests: a counter-driven PRNG (mulberry32) seeded with `seed`. */
export function seededIds(seed = 1): IdSource {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const hex = () => Math.floor(next() * 16).toString(16);
  return {
    requestId: () =>
      `${Array.from({ length: 8 }, hex).join('')}-${Array.from({ length: 4 }, hex).join('')}-4${Array.from({ length: 3 }, hex).join('')}-a${Array.from({ length: 3 }, hex).join('')}-${Array.from({ length: 12 }, hex).join('')}`,
    base32: (count) => Array.from({ length: count }, () => B32[Math.floor(next() * 32)]).join(''),
    bytes: (n) => Buffer.from(Array.from({ length: n }, () => Math.floor(next() * 256))),
  };
}
