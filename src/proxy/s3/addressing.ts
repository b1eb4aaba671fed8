// Owns S3 request addressing: which bucket and key a request names, from a virtual-hosted-style Host
// (`bucket.s3.region.amazonaws.com`, `bucket.localhost`) or a path-style path (`/bucket/key`).
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/VirtualHosting.html
import { isIP } from 'node:net';

export interface S3Address {
  bucket: string | null;
  /** Decoded key, or null for bucket and service requests. */
  key: string | null;
  /** The key as it was on the wire (still percent-encoded), for forwarding; '' when none. */
  rawKeyPath: string;
  style: 'virtual' | 'path';
}

function hostName(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const colon = host.lastIndexOf(':');
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

/**
 * The bucket in a virtual-hosted Host: every label before the first `s3`, `s3-…` or `localhost`
 * label (bucket names may contain dots). An IP address, `localhost` itself or any other name is
 * path-style.
 */
export function virtualHostBucket(host: string): string | null {
  const name = hostName(host);
  if (name.startsWith('[') || isIP(name) !== 0) return null;
  const labels = name.split('.');
  for (let i = 1; i < labels.length; i++) {
    const l = labels[i]!;
    if (l === 's3' || l.startsWith('s3-') || l === 'localhost') return labels.slice(0, i).join('.');
  }
  return null;
}

function decode(s: string): string | null {
  try {
    return decodeURIComponent(s);
  } catch {
    return null;
  }
}

/** Resolves the bucket and key; null when the path cannot be decoded. */
export function resolveS3Address(host: string, rawPath: string): S3Address | null {
  const vbucket = virtualHostBucket(host);
  const path = rawPath.length === 0 ? '/' : rawPath;
  if (vbucket !== null) {
    const rawKey = path.slice(1);
    const key = rawKey.length === 0 ? null : decode(rawKey);
    if (rawKey.length > 0 && key === null) return null;
    return { bucket: vbucket, key, rawKeyPath: rawKey, style: 'virtual' };
  }
  if (path === '/') return { bucket: null, key: null, rawKeyPath: '', style: 'path' };
  const rest = path.slice(1);
  const slash = rest.indexOf('/');
  const rawBucket = slash === -1 ? rest : rest.slice(0, slash);
  const rawKey = slash === -1 ? '' : rest.slice(slash + 1);
  const bucket = decode(rawBucket);
  const key = rawKey.length === 0 ? null : decode(rawKey);
  if (bucket === null || (rawKey.length > 0 && key === null)) return null;
  return { bucket, key, rawKeyPath: rawKey, style: 'path' };
}
