// The fast timestamp helpers answer exactly what Date#toISOString and Date.parse answer.
import { describe, expect, it, vi } from 'vitest';
import { isoSeconds, isoString, parseIso } from '../../src/aws/time';

// A fixed pseudo-random sequence (mulberry32) so a failure names a reproducible instant.
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EDGES = [
  0, 1, 9, 10, 99, 100, 999, 1000, 1001, 59_999, 60_000,
  Date.UTC(2024, 1, 29, 23, 59, 59, 999), Date.UTC(2024, 2, 1), Date.UTC(2026, 11, 31, 23, 59, 59, 999), Date.UTC(2027, 0, 1),
  Date.UTC(9999, 11, 31, 23, 59, 59, 999),
];

describe('isoString / isoSeconds', () => {
  it('match toISOString at edges and 20,000 random instants, in and out of order', () => {
    const r = rng(7);
    const instants = [...EDGES];
    for (let i = 0; i < 10_000; i++) instants.push(Math.floor(r() * 253_402_300_800_000));
    // Runs of the same second with varying milliseconds (the cached prefix's case), then jumps back.
    let t = Date.UTC(2026, 11, 5, 15, 40);
    for (let i = 0; i < 10_000; i++) instants.push((t += Math.floor(r() * 120)));
    for (const ms of instants) {
      const native = new Date(ms).toISOString();
      expect(isoString(ms)).toBe(native);
      expect(isoString(new Date(ms))).toBe(native);
      expect(isoSeconds(new Date(ms))).toBe(native.slice(0, 19) + 'Z');
    }
  });

  it('format the seconds a request alternates between (issued, expiring, a cut-off) without the built-in', () => {
    const now = Date.UTC(2026, 11, 5, 16, 0, 0, 5);
    const times = [now, now + 3_600_000, now - 60_000];
    for (const t of times) isoString(t);
    const spy = vi.spyOn(Date.prototype, 'toISOString');
    try {
      for (let i = 0; i < 300; i++) for (const t of times) isoString(t + (i % 900));
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });

  it('leave what is outside 1970-9999 or not an integer to the built-in, errors included', () => {
    for (const ms of [-1, -62_198_755_200_000, 253_402_300_800_000, 8.64e15, 1.5]) {
      expect(isoString(ms)).toBe(new Date(ms).toISOString());
      expect(isoSeconds(ms)).toBe(new Date(ms).toISOString().slice(0, 19) + 'Z');
    }
    expect(() => isoString(Number.NaN)).toThrow(RangeError);
    expect(() => isoString(new Date('nope'))).toThrow(RangeError);
    expect(() => isoSeconds(8.64e15 + 1)).toThrow(RangeError);
  });
});

describe('parseIso', () => {
  it('matches Date.parse for what was just formatted, other seconds, and strings that are not canonical', () => {
    const r = rng(11);
    const now = Date.UTC(2026, 11, 5, 15, 40, 0, 123);
    isoString(now);
    const cases = [
      isoString(now), isoSeconds(now), isoString(now + 1), isoString(now + 5000), isoString(now),
      '2026-12-05T15:40:00.1Z', '2026-12-05T15:40:00.12Z', '2026-12-05T15:40:00.abcZ', '2026-12-05T15:40:00.123', '2026-12-05T15:40:00,123Z',
      '2026-12-05T15:40:00.123+01:00', '2026-12-05', 'Sat, 05 Dec 2026 15:40:00 GMT', '', 'garbage', '2026-12-05T15:40:00.1234Z', 'x'.repeat(100),
    ];
    for (let i = 0; i < 2000; i++) {
      const ms = Math.floor(r() * 253_402_300_800_000);
      cases.push(isoString(ms), isoSeconds(ms));
      // A string of the cached second with a corrupted character at each position in turn.
      const s = isoString(ms);
      const at = i % 24;
      cases.push(s.slice(0, at) + '#' + s.slice(at + 1));
    }
    for (const s of cases) expect(Number.isNaN(parseIso(s)) ? 'NaN' : parseIso(s), s).toBe(Number.isNaN(Date.parse(s)) ? 'NaN' : Date.parse(s));
  });
});
