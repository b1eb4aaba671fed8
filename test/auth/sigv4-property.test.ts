// Properties: whatever @smithy/signature-v4 signs (random headers, query, body, path, credentials)
// verifySigV4 accepts, and any single change to what was signed is rejected.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors';
import { parseSigV4, verifySigV4, type SignedRequestParts } from '../../src/auth/sigv4';
import { uriEncode } from '../../src/auth/sigv4-canonical';

const NOW = new Date('2026-11-29T18:10:08Z');
const token = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/).filter((h) => !['host', 'authorization', 'x-amz-date', 'x-amz-content-sha256', 'x-amz-security-token', 'user-agent', 'expect', 'connection', 'x-amzn-trace-id'].includes(h));
const headerValue = fc.stringMatching(/^[ -~\t]{0,30}$/).filter((v) => v.trim().length > 0);
const text = fc.string({ unit: 'grapheme', maxLength: 20 });

const input = fc.record({
  secret: fc.stringMatching(/^[A-Za-z0-9/+]{40}$/),
  sessionToken: fc.option(fc.stringMatching(/^[A-Za-z0-9/+=]{10,60}$/), { nil: undefined }),
  region: fc.constantFrom('us-east-1', 'eu-west-1', 'ap-southeast-2'),
  service: fc.constantFrom('sts', 'iam'),
  method: fc.constantFrom('POST', 'GET'),
  segments: fc.array(fc.stringMatching(/^[A-Za-z0-9._~-]{1,8}$/).filter((s) => s !== '.' && s !== '..'), { maxLength: 3 }),
  query: fc.dictionary(fc.stringMatching(/^[A-Za-z][A-Za-z0-9.]{0,10}$/).filter((k) => !k.startsWith('X-Amz')), text, { maxKeys: 4 }),
  headers: fc.dictionary(token, headerValue, { maxKeys: 4 }),
  body: text,
  applyChecksum: fc.boolean(),
});

type Input = typeof input extends fc.Arbitrary<infer T> ? T : never;

async function signed(i: Input): Promise<SignedRequestParts> {
  const signer = new SignatureV4({
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: i.secret, sessionToken: i.sessionToken },
    region: i.region,
    service: i.service,
    sha256: Sha256,
    applyChecksum: i.applyChecksum,
  });
  const path = '/' + i.segments.join('/');
  const body = i.method === 'GET' ? '' : i.body;
  const out = (await signer.sign({ method: i.method, path, query: i.query, headers: { host: '127.0.0.1:4566', ...i.headers }, body } as never, {
    signingDate: NOW,
  })) as unknown as { headers: Record<string, string> };
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(out.headers)) headers[k.toLowerCase()] = v;
  const rawQuery = Object.entries(i.query).map(([k, v]) => `${uriEncode(k)}=${uriEncode(v)}`).join('&');
  return { method: i.method, path, rawQuery, headers, body: Buffer.from(body, 'utf8') };
}

function accepts(parts: SignedRequestParts, secret: string, service: string): boolean {
  try {
    verifySigV4(parts, parseSigV4(parts)!, secret, NOW, service);
    return true;
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    return false;
  }
}

describe('SigV4 properties', () => {
  it('accepts every request @smithy/signature-v4 signs', async () => {
    await fc.assert(
      fc.asyncProperty(input, async (i) => {
        expect(accepts(await signed(i), i.secret, i.service)).toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it('rejects any change to the method, path, query, a signed header or the body', async () => {
    await fc.assert(
      fc.asyncProperty(input, fc.nat(4), async (i, which) => {
        const p = await signed(i);
        const changed: SignedRequestParts = { ...p, headers: { ...p.headers } };
        if (which === 0) changed.method = p.method === 'GET' ? 'POST' : 'GET';
        else if (which === 1) changed.path = p.path + (p.path.endsWith('/') ? 'x' : '/x');
        else if (which === 2) changed.rawQuery = p.rawQuery ? p.rawQuery + '&Z=1' : 'Z=1';
        else if (which === 3) changed.headers['x-amz-date'] = '20261129T181009Z';
        else changed.body = Buffer.concat([p.body, Buffer.from('&X=1')]);
        expect(accepts(changed, i.secret, i.service)).toBe(false);
      }),
      { numRuns: 150 },
    );
  });
});
