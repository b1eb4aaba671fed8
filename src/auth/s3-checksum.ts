// Owns S3's additional checksums on uploads: a body sent with `x-amz-checksum-<algorithm>` (a header,
// or a trailer of an aws-chunked body named by `x-amz-trailer`) is checked against what it holds, as S3
// does: a mismatch is 400 BadDigest "The CRC32 you specified did not match the calculated checksum."
// and the object is not stored. https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
// The CRCs come from AWS's own @aws-sdk/checksums (the SDK's implementations); SHA-1/SHA-256 from node:crypto.
import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { Crc32, Crc32c, Crc64Nvme } from '@aws-sdk/checksums/crc';
import { awsError } from '../aws/errors';
import { HeldBackCheck } from './s3-chunked';

export type ChecksumAlgorithm = 'CRC32' | 'CRC32C' | 'CRC64NVME' | 'SHA1' | 'SHA256';

interface Hasher {
  update(data: Uint8Array): void;
  digest(): Promise<Uint8Array>;
}

function nodeHash(name: 'sha1' | 'sha256'): Hasher {
  const h = createHash(name);
  return { update: (d) => h.update(d), digest: async () => h.digest() };
}

/** Each algorithm: its digest length in bytes and a fresh hasher. */
const ALGORITHMS: Record<ChecksumAlgorithm, { bytes: number; make(): Hasher }> = {
  CRC32: { bytes: 4, make: () => new Crc32() },
  CRC32C: { bytes: 4, make: () => new Crc32c() },
  CRC64NVME: { bytes: 8, make: () => new Crc64Nvme() },
  SHA1: { bytes: 20, make: () => nodeHash('sha1') },
  SHA256: { bytes: 32, make: () => nodeHash('sha256') },
};

const PREFIX = 'x-amz-checksum-';

/** The algorithm an `x-amz-checksum-<name>` header names, or null for any other header (x-amz-checksum-type, …). */
export function checksumHeaderAlgorithm(header: string): ChecksumAlgorithm | null {
  const h = header.toLowerCase();
  if (!h.startsWith(PREFIX)) return null;
  const name = h.slice(PREFIX.length).toUpperCase();
  return Object.hasOwn(ALGORITHMS, name) ? (name as ChecksumAlgorithm) : null;
}

/** The checksum a request asks S3 to check: from a header (its value) or from the trailer (value read at the end). */
export interface RequestedChecksum {
  algorithm: ChecksumAlgorithm;
  header: string;
  /** The header's value, or null when it comes in the aws-chunked trailer. */
  value: string | null;
}

/**
 * The checksum a request carries, if any. S3 takes one: two value headers (or a header and a trailer)
 * are InvalidRequest ⚠ (text as S3 is reported to answer it; no recorded response found).
 */
export function requestedChecksum(headers: IncomingHttpHeaders): RequestedChecksum | null {
  const found: RequestedChecksum[] = [];
  for (const [k, v] of Object.entries(headers)) {
    const algorithm = checksumHeaderAlgorithm(k);
    if (algorithm && v !== undefined) found.push({ algorithm, header: k.toLowerCase(), value: Array.isArray(v) ? v.join(',') : v });
  }
  const trailer = headers['x-amz-trailer'];
  if (typeof trailer === 'string' && trailer.trim() !== '') {
    const algorithm = checksumHeaderAlgorithm(trailer.trim());
    if (algorithm === null) throw awsError('InvalidRequest', 'The value specified in the x-amz-trailer header is not supported');
    found.push({ algorithm, header: trailer.trim().toLowerCase(), value: null });
  }
  if (found.length > 1) throw awsError('InvalidRequest', 'Expecting a single x-amz-checksum- header. Multiple checksum Types are not allowed.');
  const c = found[0];
  if (c?.value !== null && c !== undefined) checkEncoding(c.algorithm, c.header, c.value);
  return c ?? null;
}

/** A value that is not the base64 of a digest of the algorithm's length is InvalidRequest ⚠. */
function checkEncoding(algorithm: ChecksumAlgorithm, header: string, value: string): void {
  const ok = /^[A-Za-z0-9+/]*={0,2}$/.test(value) && Buffer.from(value, 'base64').length === ALGORITHMS[algorithm].bytes;
  if (!ok) throw awsError('InvalidRequest', `Value for ${header} header is invalid.`);
}

/**
 * The body against the checksum it came with (held back at its end like every body check). `expected`
 * is asked at the end: a trailer's value is only known once the aws-chunked decoder before this stage
 * has read it.
 */
export class ChecksumCheck extends HeldBackCheck {
  private readonly hasher: Hasher;

  constructor(
    private readonly c: RequestedChecksum,
    private readonly expected: () => string | null,
  ) {
    super();
    this.hasher = ALGORITHMS[c.algorithm].make();
  }

  protected update(data: Buffer): void {
    this.hasher.update(data);
  }

  protected async verify(): Promise<void> {
    const want = this.expected();
    if (want === null) throw awsError('IncompleteBody', `The request body is not valid aws-chunked encoding: the trailer has no ${this.c.header}`);
    checkEncoding(this.c.algorithm, this.c.header, want);
    const got = Buffer.from(await this.hasher.digest()).toString('base64');
    if (got !== want) throw awsError('BadDigest', `The ${this.c.algorithm} you specified did not match the calculated checksum.`);
  }
}
