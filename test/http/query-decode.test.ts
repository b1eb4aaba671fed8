// awsQuery decoding, table-driven from test/fixtures/http/query-decode.json.
import { describe, expect, it } from 'vitest';
import fixtures from '../fixtures/http/query-decode.json';
import { decodeForm, expandParams, MAX_NAME_SEGMENTS } from '../../src/http/query-decode';
import { pipeline } from '../helpers/pipeline';

describe('decodeForm', () => {
  for (const c of fixtures.decodeForm) {
    it(c.name, () => {
      expect([...decodeForm(c.body)]).toEqual(c.expect);
    });
  }
});

describe('expandParams', () => {
  for (const c of fixtures.expandParams) {
    it(c.name, () => {
      expect(expandParams(c.flat as unknown as Record<string, string>)).toEqual(c.expect);
      // The Map form (decodeForm output) expands the same way.
      expect(expandParams(new Map(Object.entries(c.flat).map(([k, v]) => [k, [v as string]])))).toEqual(c.expect);
    });
  }
  for (const c of fixtures.duplicates) {
    it(c.name, () => {
      expect(expandParams(decodeForm(c.body))).toEqual(c.expect);
    });
  }

  it('never pollutes Object.prototype', () => {
    expandParams(decodeForm('__proto__.polluted=yes&constructor.prototype.polluted=yes'));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('the SDK v3 and botocore AssumeRole bodies of aws-protocol.md §2.2 expand identically', () => {
    const v3 =
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s%201&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&DurationSeconds=900&Tags.member.1.Key=k&Tags.member.1.Value=v%20w&TransitiveTagKeys=';
    const boto =
      'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fdemo&RoleSessionName=s+1&PolicyArns.member.1.arn=arn%3Aaws%3Aiam%3A%3Aaws%3Apolicy%2FReadOnlyAccess&Tags.member.1.Key=k&Tags.member.1.Value=v+w&TransitiveTagKeys=&DurationSeconds=900';
    const expected = {
      Action: 'AssumeRole',
      Version: '2011-06-15',
      RoleArn: 'arn:aws:iam::123456789012:role/demo',
      RoleSessionName: 's 1',
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      DurationSeconds: '900',
      Tags: [{ Key: 'k', Value: 'v w' }],
      TransitiveTagKeys: '',
    };
    expect(expandParams(decodeForm(v3))).toEqual(expected);
    expect(expandParams(decodeForm(boto))).toEqual(expected);
  });
});

describe('decodeForm properties', () => {
  it('recovers any name/value list encoded SDK v3-style (%20) or botocore-style (+)', async () => {
    const fc = (await import('fast-check')).default;
    const v3 = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
    const boto = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.string({ unit: 'grapheme', minLength: 1 }), fc.string({ unit: 'grapheme' })), { maxLength: 6 }), (pairs) => {
        for (const enc of [v3, boto]) {
          const body = pairs.map(([k, v]) => `${enc(k)}=${enc(v)}`).join('&');
          const got: [string, string][] = [];
          for (const [k, vs] of decodeForm(body)) for (const v of vs) got.push([k, v]);
          const expected = [...pairs].sort((a, b) => pairs.findIndex((p) => p[0] === a[0]) - pairs.findIndex((p) => p[0] === b[0]));
          expect(got).toEqual(expected);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('bounded nesting (negative suite: a 20,000-level name once overflowed the stack → 500)', () => {
  const deep = `A${'.b'.repeat(20_000)}`;

  it('ignores a name nested past MAX_NAME_SEGMENTS like any unknown parameter', () => {
    expect(expandParams(decodeForm(`Action=GetCallerIdentity&${deep}=x`))).toEqual({ Action: 'GetCallerIdentity' });
    expect(expandParams({ [`A${'.b'.repeat(MAX_NAME_SEGMENTS - 1)}`]: 'x' })).not.toEqual({});
    expect(expandParams({ [`A${'.b'.repeat(MAX_NAME_SEGMENTS)}`]: 'x' })).toEqual({});
  });

  it('an unsigned request carrying it gets MissingAuthenticationToken, as AWS answers unsigned calls', async () => {
    const p = await pipeline({});
    const r = await p.unsigned({ Action: 'GetCallerIdentity', Version: '2011-06-15', [deep]: 'x' });
    expect(r.status).toBe(403);
    expect(r.error.code).toBe('MissingAuthenticationToken');
  });
});

describe('decodeForm agrees with URLSearchParams (the URL spec parser) everywhere', () => {
  const reference = (body: string) => {
    const out = new Map<string, string[]>();
    for (const [k, v] of new URLSearchParams(body)) out.set(k, [...(out.get(k) ?? []), v]);
    return [...out];
  };
  const pieces = ['Action', '=', '&', '&&', '==', '+', '%20', '%2B', '%3D', '%26', '%', '%4', '%zz', '%C3%A9', '%C3', '%E2%82%AC', '%F0%9F%98%80',
    '%ED%A0%80', '%C0%AF', '%FF', '%EF%BB%BF', 'é', '€', '\uD83D\uDE00', '\uD800', '\uDC00', 'a.b.1', 'Role%3Aarn', ' ', '%00', 'x'];
  it('on 20,000 generated bodies, malformed ones included', () => {
    let seed = 17;
    const next = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % pieces.length;
    for (let i = 0; i < 20_000; i++) {
      let body = '';
      for (let j = 0, n = 1 + (i % 14); j < n; j++) body += pieces[next()];
      expect([...decodeForm(body)], JSON.stringify(body)).toEqual(reference(body));
    }
  });
  it('on what the SDKs send', () => {
    const body = 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fr&RoleSessionName=s+1&Tags.member.1.Key=k%C3%A9';
    expect([...decodeForm(body)]).toEqual(reference(body));
  });
});
