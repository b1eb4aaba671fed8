// S3's additional checksums as the proxy checks them (src/auth/s3-checksum.ts), table-driven from the
// algorithms' published check values (test/fixtures/s3/checksums.json).
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChecksumCheck, requestedChecksum, type RequestedChecksum } from '../../src/auth/s3-checksum';
import fixture from '../fixtures/s3/checksums.json';

async function run(c: RequestedChecksum, parts: string[], expected: string | null): Promise<{ out: string; error?: { code?: string; message?: string } }> {
  const out: Buffer[] = [];
  try {
    for await (const b of Readable.from(parts.map((p) => Buffer.from(p))).pipe(new ChecksumCheck(c, () => expected))) out.push(b as Buffer);
    return { out: Buffer.concat(out).toString() };
  } catch (e) {
    return { out: Buffer.concat(out).toString(), error: e as { code?: string; message?: string } };
  }
}

describe('x-amz-checksum-* is checked against the body', () => {
  for (const k of fixture.cases) {
    it(`${k.algorithm}: the right value passes the body through whole`, async () => {
      const c = requestedChecksum({ [k.header]: k.value })!;
      expect(c).toEqual({ algorithm: k.algorithm, header: k.header, value: k.value });
      expect(await run(c, ['1234', '56789'], c.value)).toEqual({ out: fixture.input });
    });

    it(`${k.algorithm}: another body is BadDigest with S3's text, and its end is held back`, async () => {
      const c = requestedChecksum({ [k.header]: k.value })!;
      const r = await run(c, ['1234', '5678X'], c.value);
      expect(r.error).toMatchObject({ code: 'BadDigest', message: `The ${k.algorithm} you specified did not match the calculated checksum.` });
      expect(fixture.input.startsWith(r.out) && r.out.length < fixture.input.length).toBe(true);
    });
  }

  it('a value from the trailer is read at the end', async () => {
    const c = requestedChecksum({ 'x-amz-trailer': 'x-amz-checksum-crc32' })!;
    expect(c).toEqual({ algorithm: 'CRC32', header: 'x-amz-checksum-crc32', value: null });
    expect((await run(c, [fixture.input], 'y/Q5Jg==')).error).toBeUndefined();
    expect((await run(c, [fixture.input], null)).error).toMatchObject({ code: 'IncompleteBody' });
  });

  it('no checksum header: nothing to check', () => {
    expect(requestedChecksum({ 'content-type': 'text/plain', 'x-amz-checksum-type': 'FULL_OBJECT', 'x-amz-sdk-checksum-algorithm': 'CRC32' })).toBeNull();
  });

  it('two checksums, a value of the wrong length or not base64, an unknown trailer: InvalidRequest', () => {
    const bad = (h: Record<string, string>) => {
      try {
        requestedChecksum(h);
        return null;
      } catch (e) {
        return [(e as { code: string }).code, (e as Error).message];
      }
    };
    expect(bad({ 'x-amz-checksum-crc32': 'y/Q5Jg==', 'x-amz-checksum-sha1': '98O8HYCOBHMq32eZZczDTKeuNEE=' })).toEqual([
      'InvalidRequest',
      'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.',
    ]);
    expect(bad({ 'x-amz-checksum-crc32': 'AAAAAAAA' })).toEqual(['InvalidRequest', 'Value for x-amz-checksum-crc32 header is invalid.']);
    expect(bad({ 'x-amz-checksum-sha256': 'not base64!' })).toEqual(['InvalidRequest', 'Value for x-amz-checksum-sha256 header is invalid.']);
    expect(bad({ 'x-amz-trailer': 'x-amz-checksum-md5' })?.[0]).toBe('InvalidRequest');
  });
});
