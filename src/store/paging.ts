// Owns IAM-style Marker/MaxItems paging over name-sorted lists: the marker is an opaque token for
// the last key returned; `Marker` is present only when truncated (aws-protocol §6.5).
import { awsErrors } from '../aws/errors';

export interface Page<T> {
  items: T[];
  isTruncated: boolean;
  marker?: string;
}

export function encodeMarker(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/** The key after which the next page starts; a malformed marker is AWS's ValidationError. */
export function decodeMarker(marker: string | undefined): string | null {
  if (marker === undefined) return null;
  if (!/^[A-Za-z0-9_-]+$/.test(marker)) throw awsErrors.validation('Invalid Marker.');
  return Buffer.from(marker, 'base64url').toString('utf8');
}

/** Rows were fetched with LIMIT maxItems + 1; trims and builds the page. */
export function pageOf<T>(rows: T[], maxItems: number, keyOf: (t: T) => string): Page<T> {
  if (rows.length <= maxItems) return { items: rows, isTruncated: false };
  const items = rows.slice(0, maxItems);
  return { items, isTruncated: true, marker: encodeMarker(keyOf(items[items.length - 1])) };
}
