// AWS-managed policies imported into the store carry AWS's whole version history. An in-memory store
// copies the older versions only when something reads or changes them (start-up imports just the
// default version, which is all evaluation needs); a data file copies them at import. Either way
// ListPolicyVersions / GetPolicyVersion see the same versions, and a reset forgets the pending copy.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { randomIds } from '../../src/runtime';
import { catalogEntry, ensureAwsManagedPolicy } from '../../src/store/aws-managed-policies';
import { Store } from '../../src/store/store';

const ARN = 'arn:aws:iam::aws:policy/job-function/ViewOnlyAccess';
const rows = (s: Store) => s.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM policy_versions WHERE policy_arn = ?', ARN)!.n;

describe('AWS-managed policy version history', () => {
  const expected = Object.keys(catalogEntry('ViewOnlyAccess')!.versions).length;

  it('the catalogue has a history to copy', () => {
    expect(expected).toBeGreaterThan(1);
  });

  for (const mode of ['memory', 'file'] as const) {
    it(`${mode}: every version is listed, newest first, and the default one evaluates`, () => {
      const store = new Store(mode === 'file' ? { filename: join(mkdtempSync(join(tmpdir(), 'iamlocal-hist-')), 'iamlocal.db') } : {});
      try {
        const p = store.transaction(() => ensureAwsManagedPolicy(store, randomIds, ARN))!;
        expect(rows(store)).toBe(mode === 'memory' ? 1 : expected);
        expect(store.managedPolicies.defaultDocument(ARN)).toBe(store.managedPolicies.getVersion(ARN, p.defaultVersionId)!.document);
        const versions = store.managedPolicies.versions(ARN);
        expect(versions).toHaveLength(expected);
        expect(versions[0].versionId).toBe(p.defaultVersionId);
        expect(rows(store)).toBe(expected);
        const oldest = versions[versions.length - 1].versionId;
        expect(store.managedPolicies.getVersion(ARN, oldest)!.document).toBe(JSON.stringify(catalogEntry('ViewOnlyAccess')!.versions[oldest].document, null, 4));
      } finally {
        store.close();
      }
    });
  }

  it('memory: GetPolicyVersion of an old version copies the history first', () => {
    const store = new Store();
    try {
      store.transaction(() => ensureAwsManagedPolicy(store, randomIds, ARN));
      const oldest = Object.keys(catalogEntry('ViewOnlyAccess')!.versions).sort((a, b) => Number(a.slice(1)) - Number(b.slice(1)))[0];
      expect(store.managedPolicies.getVersion(ARN, oldest)).not.toBeNull();
      expect(rows(store)).toBe(expected);
    } finally {
      store.close();
    }
  });

  it('memory: a reset forgets the pending copy; importing again defers again', () => {
    const store = new Store();
    try {
      store.transaction(() => ensureAwsManagedPolicy(store, randomIds, ARN));
      store.wipe();
      expect(store.managedPolicies.versions(ARN)).toEqual([]);
      expect(rows(store)).toBe(0);
      store.transaction(() => ensureAwsManagedPolicy(store, randomIds, ARN));
      expect(store.managedPolicies.versions(ARN)).toHaveLength(expected);
    } finally {
      store.close();
    }
  });
});
