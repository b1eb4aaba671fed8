// Glob matching (actions, resources, Like operators) and the Resource element's ARN segment rules,
// plus a property test against a naive reference matcher.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileResource } from '../../src/policy/document';
import { globFromString, matchGlob, referenceGlobMatch } from '../../src/policy/wildcard';

const resourceMatches = (pattern: string, resource: string) => {
  const e = compileResource(pattern, true);
  return matchGlob(e.g!, resource);
};

describe('glob', () => {
  const table: [string, string, boolean][] = [
    ['*', '', true],
    ['*', 'anything:at/all', true],
    ['s3:Get*', 's3:GetObject', true],
    ['s3:*Object', 's3:GetObjectAcl', false],
    ['s3:*Object', 's3:GetObject', true],
    ['iam:*AccessKey*', 'iam:ListAccessKeys', true],
    ['a?c', 'abc', true],
    ['a?c', 'ac', false],
    ['a*b*c', 'aXXbYYc', true],
    ['a*b*c', 'aXXcYYb', false],
    ['*a*a*', 'aa', true],
    ['*a*a*', 'a', false],
    ['exact', 'exact', true],
    ['exact', 'exactly', false],
    ['pre*', 'pre', true],
  ];
  for (const [p, s, want] of table) {
    it(`${p} ~ ${s} → ${want}`, () => expect(matchGlob(globFromString(p), s)).toBe(want));
  }

  it('lower-cased compilation matches actions case-insensitively', () => {
    expect(matchGlob(globFromString('IAM:List*', true), 'iam:listaccesskeys')).toBe(true);
  });

  it('agrees with the reference matcher on generated inputs', () => {
    const alphabet = fc.constantFrom('a', 'b', ':', '/', '*', '?');
    const text = fc.constantFrom('a', 'b', ':', '/');
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 8 }), fc.array(text, { maxLength: 10 }), (p, s) => {
        const pattern = p.join('');
        const str = s.join('');
        expect(matchGlob(globFromString(pattern), str)).toBe(referenceGlobMatch(pattern, str));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('Resource element ARN rules', () => {
  const table: [string, string, boolean, string][] = [
    ['arn:aws:s3:::bucket/*', 'arn:aws:s3:::bucket/a/b/c', true, '* spans / in the resource part'],
    ['arn:aws:s3:::MyBucket/*', 'arn:aws:s3:::mybucket/x', false, 'resources are case-sensitive'],
    ['arn:aws:logs:us-east-1:1:log-group:app:*', 'arn:aws:logs:us-east-1:1:log-group:app:log-stream:s', true, '* spans : in the resource part'],
    ['arn:aws:dynamodb:*:111122223333:table/T', 'arn:aws:dynamodb:us-east-1:444455556666:table/T', false, 'account compared on its own'],
    ['arn:aws:dynamodb:us-*-1:1:table/T', 'arn:aws:dynamodb:us-east-1:1:table/T', true, 'mid-segment * within the segment'],
    ['arn:aws:dynamodb:us-*:1:table/T', 'arn:aws:dynamodb:us-east-1:1:table/T', true, 'segment-final *'],
    ['arn:aws:ec2:us-*-1:*', 'arn:aws:ec2:us-east:1-1:instance/x', false, 'mid-segment * does not swallow a colon'],
    ['arn:aws:ec2:us-east-1:*', 'arn:aws:ec2:us-east-1:1:instance/x', true, 'segment-final * expands beyond colons'],
    ['arn:aws:s3:::*', '*', false, 'an ARN pattern does not match the * request resource'],
    ['*', '*', true, '* matches the * request resource'],
    ['arn:aws:s3:::b/${aws:username}', 'arn:aws:s3:::b/alice', false, 'variables need a context (unresolved here)'],
  ];
  for (const [p, r, want, why] of table) {
    it(`${why}: ${p} ~ ${r}`, () => {
      const e = compileResource(p, true);
      if (e.g) expect(matchGlob(e.g, r)).toBe(want);
      else expect(want).toBe(false);
    });
  }

  it('agrees with the reference matcher inside the resource part', () => {
    const part = fc.array(fc.constantFrom('a', 'b', ':', '/', '*', '?'), { maxLength: 8 });
    const text = fc.array(fc.constantFrom('a', 'b', ':', '/'), { maxLength: 10 });
    fc.assert(
      fc.property(part, text, (p, s) => {
        const pattern = 'arn:aws:s3:::' + p.join('');
        const str = 'arn:aws:s3:::' + s.join('');
        expect(resourceMatches(pattern, str)).toBe(referenceGlobMatch(pattern, str));
      }),
      { numRuns: 2000 },
    );
  });

  it('agrees with a reference matcher for wildcards in the region segment (mid-segment ones stay within it)', () => {
    // Reference: `*` that ends its segment may span anything; other `*`/`?` before the resource part never match `:`.
    const ref = (pattern: string, str: string): boolean => {
      const rp = (() => {
        let i = 0;
        for (let k = 0; k < 5; k++) {
          const c = pattern.indexOf(':', i);
          if (c < 0) return -1;
          i = c + 1;
        }
        return i;
      })();
      const free = (pi: number) => (rp >= 0 && pi >= rp) || (pattern[pi] === '*' && (pi + 1 === pattern.length || pattern[pi + 1] === ':'));
      const rec = (pi: number, si: number): boolean => {
        if (pi === pattern.length) return si === str.length;
        const c = pattern[pi];
        if (c === '*') {
          for (let k = si; k <= str.length; k++) {
            if (k > si && !free(pi) && str[k - 1] === ':') break;
            if (rec(pi + 1, k)) return true;
          }
          return false;
        }
        if (si >= str.length) return false;
        if (c === '?') return (free(pi) || str[si] !== ':') && rec(pi + 1, si + 1);
        return c === str[si] && rec(pi + 1, si + 1);
      };
      return rec(0, 0);
    };
    const seg = fc.array(fc.constantFrom('a', 'b', '-', '*', '?'), { maxLength: 6 });
    const region = fc.array(fc.constantFrom('a', 'b', '-', ':'), { maxLength: 8 });
    fc.assert(
      fc.property(seg, region, (p, r) => {
        const pattern = `arn:aws:ec2:${p.join('')}:1:i/x`;
        const str = `arn:aws:ec2:${r.join('')}:1:i/x`;
        expect(resourceMatches(pattern, str)).toBe(ref(pattern, str));
      }),
      { numRuns: 3000 },
    );
  });
});
