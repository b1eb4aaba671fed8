// randomIds draws its CSPRNG bytes from a pool (src/runtime.ts): every draw has the asked length and
// alphabet, draws never repeat across pool refills, and large draws bypass the pool.
import { describe, expect, it } from 'vitest';
import { randomIds } from '../src/runtime';

describe('randomIds', () => {
  it('bytes: the asked length, fresh copies, no two draws alike across many refills', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const b = randomIds.bytes(16);
      expect(b.length).toBe(16);
      seen.add(b.toString('hex'));
    }
    expect(seen.size).toBe(5000);
    const a = randomIds.bytes(8);
    const copy = Buffer.from(a);
    randomIds.bytes(4096);
    for (let i = 0; i < 600; i++) randomIds.bytes(8);
    expect(a.equals(copy)).toBe(true);
    expect(randomIds.bytes(1000).length).toBe(1000);
  });

  it('base32: the asked length in A–Z2–7, no two 20-character ids alike', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) {
      const s = randomIds.base32(20);
      expect(s).toMatch(/^[A-Z2-7]{20}$/);
      seen.add(s);
    }
    expect(seen.size).toBe(5000);
    expect(randomIds.base32(300)).toMatch(/^[A-Z2-7]{300}$/);
  });

  it('the bytes are not all equal (the pool is filled, not zeroed)', () => {
    const b = randomIds.bytes(64);
    expect(new Set(b).size).toBeGreaterThan(8);
  });
});
