// Owns S3's aws-chunked request bodies: decoding them while streaming and verifying each chunk's
// signature (STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]), or reading the unsigned chunks and trailer
// of STREAMING-UNSIGNED-PAYLOAD-TRAILER. A chunk's bytes are passed on only once its signature has
// verified, so nothing unverified leaves; memory is one chunk at most.
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { awsError, type AwsError } from '../aws/errors';
import type { S3Verified } from './sigv4';
import { sha256Hex } from './sigv4-canonical';

const EMPTY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
/** The largest chunk buffered for verification (the SDKs send 64 KiB … 8 MiB chunks). */
export const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
/** The longest chunk header or trailer line accepted. */
const MAX_LINE = 4096;

function sameHex(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

const chunkSignatureMismatch = (): AwsError =>
  awsError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.');
const malformed = (why: string): AwsError => awsError('IncompleteBody', `The request body is not valid aws-chunked encoding: ${why}`);

type State = 'header' | 'data' | 'data-crlf' | 'trailer' | 'done';

/**
 * A Transform from the aws-chunked wire body to the object's bytes. Errors (AwsError) with
 * SignatureDoesNotMatch on a bad chunk or trailer signature, IncompleteBody on bad framing, a body
 * that ends early, or a decoded length other than x-amz-decoded-content-length.
 */
export class AwsChunkedDecoder extends Transform {
  private buf: Buffer = Buffer.alloc(0);
  private state: State = 'header';
  private remaining = 0;
  private chunkSig = '';
  private chunkParts: Buffer[] = [];
  private chunkLen = 0;
  private prevSig: string;
  private decoded = 0;
  private readonly trailerLines: string[] = [];

  constructor(
    private readonly v: S3Verified,
    private readonly decodedLength: number | null,
  ) {
    super();
    this.prevSig = v.seedSignature;
  }

  private get signed(): boolean {
    return this.v.payload.kind === 'streaming-signed';
  }

  private get hasTrailer(): boolean {
    return (this.v.payload.kind === 'streaming-signed' && this.v.payload.trailer) || this.v.payload.kind === 'streaming-unsigned-trailer';
  }

  override _transform(data: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.buf = this.buf.length === 0 ? data : Buffer.concat([this.buf, data]);
    try {
      this.drain();
      cb();
    } catch (e) {
      cb(e as Error);
    }
  }

  override _flush(cb: TransformCallback): void {
    if (this.state !== 'done' || this.buf.length > 0) return cb(malformed('the body ended before the final chunk'));
    if (this.decodedLength !== null && this.decoded !== this.decodedLength) {
      return cb(malformed(`x-amz-decoded-content-length is ${this.decodedLength}, the chunks hold ${this.decoded} bytes`));
    }
    cb();
  }

  /** The next CRLF-terminated line, or null when more bytes are needed. */
  private line(): string | null {
    const i = this.buf.indexOf('\r\n');
    if (i === -1) {
      if (this.buf.length > MAX_LINE) throw malformed('a chunk header line is too long');
      return null;
    }
    const l = this.buf.subarray(0, i).toString('latin1');
    this.buf = this.buf.subarray(i + 2);
    return l;
  }

  private drain(): void {
    for (;;) {
      switch (this.state) {
        case 'header': {
          const l = this.line();
          if (l === null) return;
          const semi = l.indexOf(';');
          const sizeHex = semi === -1 ? l : l.slice(0, semi);
          if (!/^[0-9a-fA-F]{1,8}$/.test(sizeHex)) throw malformed(`bad chunk size ${JSON.stringify(sizeHex)}`);
          const size = parseInt(sizeHex, 16);
          if (size > MAX_CHUNK_BYTES) throw malformed(`a chunk of ${size} bytes is larger than ${MAX_CHUNK_BYTES}`);
          if (this.signed) {
            const m = /^chunk-signature=([0-9a-f]{64})$/.exec(semi === -1 ? '' : l.slice(semi + 1));
            if (!m) throw malformed('a chunk has no chunk-signature');
            this.chunkSig = m[1]!;
          }
          this.remaining = size;
          this.chunkParts = [];
          this.chunkLen = 0;
          if (size === 0) {
            this.finishChunk();
            if (this.hasTrailer) this.state = 'trailer';
            else this.state = 'data-crlf';
            continue;
          }
          this.state = 'data';
          continue;
        }
        case 'data': {
          if (this.buf.length === 0) return;
          const take = Math.min(this.remaining, this.buf.length);
          this.chunkParts.push(this.buf.subarray(0, take));
          this.chunkLen += take;
          this.buf = this.buf.subarray(take);
          this.remaining -= take;
          if (this.remaining > 0) return;
          this.finishChunk();
          this.state = 'data-crlf';
          continue;
        }
        case 'data-crlf': {
          if (this.buf.length < 2) return;
          if (this.buf[0] !== 0x0d || this.buf[1] !== 0x0a) throw malformed('a chunk is not followed by CRLF');
          this.buf = this.buf.subarray(2);
          // The CRLF after the zero-length chunk ends a body without a trailer.
          this.state = this.chunkLen === 0 && this.lastWasFinal ? 'done' : 'header';
          if (this.state === 'done') return this.rejectExtra();
          continue;
        }
        case 'trailer': {
          const l = this.line();
          if (l === null) return;
          if (l.length === 0) {
            this.verifyTrailer();
            this.state = 'done';
            return this.rejectExtra();
          }
          this.trailerLines.push(l);
          if (this.trailerLines.length > 16) throw malformed('too many trailer headers');
          continue;
        }
        case 'done':
          return this.rejectExtra();
      }
    }
  }

  private lastWasFinal = false;

  private rejectExtra(): void {
    if (this.buf.length > 0) throw malformed('bytes follow the final chunk');
  }

  /** Verifies the chunk just read and passes its bytes on. */
  private finishChunk(): void {
    const data = this.chunkParts.length === 1 ? this.chunkParts[0]! : Buffer.concat(this.chunkParts, this.chunkLen);
    if (this.signed) {
      const sts = `AWS4-HMAC-SHA256-PAYLOAD\n${this.v.amzDate}\n${this.v.credentialScope}\n${this.prevSig}\n${EMPTY_SHA256}\n${sha256Hex(data)}`;
      const expected = createHmac('sha256', this.v.signingKey).update(sts).digest('hex');
      if (!sameHex(expected, this.chunkSig)) throw chunkSignatureMismatch();
      this.prevSig = expected;
    }
    this.lastWasFinal = data.length === 0;
    if (data.length > 0) {
      this.decoded += data.length;
      if (this.decodedLength !== null && this.decoded > this.decodedLength) throw malformed('the chunks hold more than x-amz-decoded-content-length');
      this.push(data);
    }
  }

  /** A trailing header's value (`x-amz-checksum-crc32`, …) once the body has been read, or null. */
  trailer(name: string): string | null {
    const n = name.toLowerCase();
    for (const l of this.trailerLines) {
      const i = l.indexOf(':');
      if (i > 0 && l.slice(0, i).trim().toLowerCase() === n) return l.slice(i + 1).trim();
    }
    return null;
  }

  /** The signed trailer: `x-amz-trailer-signature` over the trailing headers, chained from the last chunk. */
  private verifyTrailer(): void {
    if (!this.signed) return;
    const sigLine = this.trailerLines.find((l) => l.toLowerCase().startsWith('x-amz-trailer-signature:'));
    if (!sigLine) throw malformed('the trailer has no x-amz-trailer-signature');
    const headers = this.trailerLines.filter((l) => l !== sigLine).map((l) => l.trim() + '\n').join('');
    const sts = `AWS4-HMAC-SHA256-TRAILER\n${this.v.amzDate}\n${this.v.credentialScope}\n${this.prevSig}\n${sha256Hex(headers)}`;
    const expected = createHmac('sha256', this.v.signingKey).update(sts).digest('hex');
    if (!sameHex(expected, sigLine.slice(sigLine.indexOf(':') + 1).trim())) throw chunkSignatureMismatch();
  }
}

/**
 * A pass-through that checks the whole body once it has been seen, holding back the last piece until
 * then: a body that fails the check never reaches its end downstream (the upstream sees a short body
 * and stores nothing). `verify` throws the service's error (an AwsError).
 */
export abstract class HeldBackCheck extends Transform {
  private held: Buffer | null = null;

  protected abstract update(data: Buffer): void;
  protected abstract verify(): void | Promise<void>;

  override _transform(data: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.update(data);
    if (this.held) this.push(this.held);
    this.held = data;
    cb();
  }

  override _flush(cb: TransformCallback): void {
    Promise.resolve()
      .then(() => this.verify())
      .then(
        () => {
          if (this.held) this.push(this.held);
          cb();
        },
        (e: Error) => cb(e),
      );
  }
}

/** The body's SHA-256 against the signed x-amz-content-sha256. Errors with XAmzContentSHA256Mismatch. */
export class Sha256Check extends HeldBackCheck {
  private readonly hash = createHash('sha256');

  constructor(private readonly expected: string) {
    super();
  }

  protected update(data: Buffer): void {
    this.hash.update(data);
  }

  protected verify(): void {
    const actual = this.hash.digest('hex');
    if (actual !== this.expected) {
      throw awsError('XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.", {
        fields: { ClientComputedContentSHA256: this.expected, S3ComputedContentSHA256: actual },
      });
    }
  }
}
