// aws-chunked decoding with chunk signatures, against the worked example of the S3 docs
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html#example-signature-calculations-streaming):
// 66560 bytes of 'a' in a 65536-byte and a 1024-byte chunk, then the final empty chunk.
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { AwsChunkedDecoder, Sha256Check } from '../../src/auth/s3-chunked';
import type { S3Verified } from '../../src/auth/sigv4';
import { signingKey } from '../../src/auth/sigv4-canonical';

const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const SEED = '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9';
const SIGS = [
  'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
  '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
  'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
];
const verified: S3Verified = {
  payload: { kind: 'streaming-signed', trailer: false },
  seedSignature: SEED,
  signingKey: signingKey(SECRET, '20130524', 'us-east-1', 's3'),
  amzDate: '20130524T000000Z',
  credentialScope: '20130524/us-east-1/s3/aws4_request',
};

function body(sigs = SIGS, chunks = [Buffer.alloc(65536, 'a'), Buffer.alloc(1024, 'a')]): Buffer {
  const parts: Buffer[] = [];
  chunks.forEach((c, i) => parts.push(Buffer.from(`${c.length.toString(16)};chunk-signature=${sigs[i]}\r\n`), c, Buffer.from('\r\n')));
  parts.push(Buffer.from(`0;chunk-signature=${sigs[chunks.length]}\r\n\r\n`));
  return Buffer.concat(parts);
}

/** Feeds the wire body in small pieces (as a socket would) and collects what the decoder lets through. */
async function decode(wire: Buffer, v = verified, length: number | null = 66560): Promise<{ out: Buffer; error?: Error }> {
  const pieces: Buffer[] = [];
  for (let i = 0; i < wire.length; i += 1000) pieces.push(wire.subarray(i, i + 1000));
  const out: Buffer[] = [];
  const d = Readable.from(pieces).pipe(new AwsChunkedDecoder(v, length));
  try {
    for await (const c of d) out.push(c as Buffer);
    return { out: Buffer.concat(out) };
  } catch (e) {
    return { out: Buffer.concat(out), error: e as Error };
  }
}

describe('STREAMING-AWS4-HMAC-SHA256-PAYLOAD (the S3 docs example)', () => {
  it('decodes the chunks and verifies every signature in the chain', async () => {
    const { out, error } = await decode(body());
    expect(error).toBeUndefined();
    expect(out.length).toBe(66560);
    expect(out.every((b) => b === 0x61)).toBe(true);
  });

  it('a tampered byte in the second chunk: SignatureDoesNotMatch, and only the verified first chunk got through', async () => {
    const wire = body();
    wire[wire.length - 200] = 0x62;
    const { out, error } = await decode(wire);
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch' });
    expect(out.length).toBe(65536);
  });

  it('a wrong final-chunk signature fails (the chain ends signed)', async () => {
    const { error } = await decode(body([SIGS[0]!, SIGS[1]!, SIGS[0]!]));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('chunks swapped in order fail: each signature chains the previous one', async () => {
    const { error } = await decode(body([SIGS[1]!, SIGS[0]!, SIGS[2]!], [Buffer.alloc(1024, 'a'), Buffer.alloc(65536, 'a')]));
    expect(error).toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('a body cut before the final chunk, or a wrong decoded length, is IncompleteBody', async () => {
    const wire = body();
    expect((await decode(wire.subarray(0, wire.length - 90))).error).toMatchObject({ code: 'IncompleteBody' });
    expect((await decode(wire, verified, 66561)).error).toMatchObject({ code: 'IncompleteBody' });
    expect((await decode(wire, verified, 100)).error).toMatchObject({ code: 'IncompleteBody' });
  });

  it('a chunk without its chunk-signature is refused', async () => {
    const wire = Buffer.from('5\r\nhello\r\n0\r\n\r\n');
    expect((await decode(wire, verified, 5)).error).toMatchObject({ code: 'IncompleteBody' });
  });
});

describe('STREAMING-UNSIGNED-PAYLOAD-TRAILER', () => {
  const unsigned: S3Verified = { ...verified, payload: { kind: 'streaming-unsigned-trailer' } };
  it('decodes unsigned chunks and reads the trailing checksum header', async () => {
    const wire = Buffer.from('5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n');
    const { out, error } = await decode(wire, unsigned, 11);
    expect(error).toBeUndefined();
    expect(out.toString()).toBe('hello world');
  });
});

describe('signed payload hash', () => {
  it('passes the body through when it hashes to the signed value, and holds back the end when it does not', async () => {
    const hello = '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824';
    const ok: Buffer[] = [];
    for await (const c of Readable.from([Buffer.from('hel'), Buffer.from('lo')]).pipe(new Sha256Check(hello))) ok.push(c as Buffer);
    expect(Buffer.concat(ok).toString()).toBe('hello');
    const bad: Buffer[] = [];
    let err: unknown;
    try {
      for await (const c of Readable.from([Buffer.from('hel'), Buffer.from('LO')]).pipe(new Sha256Check(hello))) bad.push(c as Buffer);
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: 'XAmzContentSHA256Mismatch' });
    expect(Buffer.concat(bad).toString()).not.toContain('LO');
  });
});
