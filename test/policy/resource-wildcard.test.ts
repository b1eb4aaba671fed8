// Resource-element wildcards against an obviously-correct regular-expression reference: `*`/`?` in the
// first five ARN segments stay within their segment unless the `*` ends the segment ("If the `*`
// wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon
// boundaries"); in the resource part they span anything.
import { describe, expect, it } from 'vitest';
import { resourceWildcardNoColon } from '../../src/policy/arn';
import { compileResource } from '../../src/policy/document';
import { matchGlob } from '../../src/policy/wildcard';

function reference(pattern: string, s: string): boolean {
  let re = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*' || c === '?') {
      const cls = resourceWildcardNoColon(pattern, i) ? '[^:]' : '[\\s\\S]';
      re += c === '*' ? `${cls}*` : cls;
    } else re += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`${re}$`).test(s);
}

describe('Resource wildcards', () => {
  it('agree with the reference on random patterns (seeded)', () => {
    let seed = 12345;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const pick = (alphabet: string, n: number) => Array.from({ length: n }, () => alphabet[rnd(alphabet.length)]).join('');
    for (let t = 0; t < 30_000; t++) {
      const p = `arn:${pick('ab:/*?-', 1 + rnd(12))}`;
      const s = `arn:${pick('ab:/-', rnd(12))}`;
      const g = compileResource(p, false).g!;
      expect([p, s, matchGlob(g, s)]).toEqual([p, s, reference(p, s)]);
    }
  });
  it('an unrestricted * may have to swallow a colon before a segment-bound * can match', () => {
    // Found by the random test: greedy leftmost placement alone answers false here.
    expect(matchGlob(compileResource('arn:*:*a*', false).g!, 'arn:/:-:bbba/-')).toBe(true);
    expect(matchGlob(compileResource('arn:b*:*b**:b', false).g!, 'arn:b/a:/:b::b')).toBe(true);
  });
});
