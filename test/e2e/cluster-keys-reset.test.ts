// A mock EKS cluster keeps its OIDC id and signing key across POST /_iamlocal/reset and across restarts
// with a data dir, so a kind cluster configured once with that issuer and key keeps working: seeded
// clusters get the same key back, clusters made through the admin API come back with their IAM OIDC
// provider, and DELETE /_iamlocal/clusters/NAME is the one way to forget a key.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';

const seed = { eksClusters: [{ name: 'seeded' }] };
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function cluster(iam: IamLocal, name: string) {
  const r = await admin<{ id: string; kid: string; issuer: string; oidcProviderArn: string | null }>(iam.endpoint, 'GET', `/_iamlocal/clusters/${name}`);
  return r.status === 200 ? r.json : null;
}

describe('cluster keys survive reset', () => {
  it('keeps seeded and admin-created clusters (id, kid, provider) through a reset', async () => {
    const iam = await startIamLocal({ seed });
    try {
      const created = await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'made' });
      expect(created.status).toBe(201);
      const before = { seeded: await cluster(iam, 'seeded'), made: await cluster(iam, 'made') };
      expect(before.made?.oidcProviderArn).toMatch(/^arn:aws:iam::000000000000:oidc-provider\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\//);
      const key = await admin(iam.endpoint, 'GET', '/_iamlocal/clusters/made/sa.key');

      expect((await admin(iam.endpoint, 'POST', '/_iamlocal/reset')).status).toBe(200);
      expect(await cluster(iam, 'seeded')).toEqual(before.seeded);
      expect(await cluster(iam, 'made')).toMatchObject({ id: before.made!.id, kid: before.made!.kid, issuer: before.made!.issuer, oidcProviderArn: before.made!.oidcProviderArn });
      expect((await admin(iam.endpoint, 'GET', '/_iamlocal/clusters/made/sa.key')).text).toBe(key.text);

      // It is back, so creating it again is EntityAlreadyExists.
      expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'made' })).status).toBe(409);

      // DELETE forgets the key: after the next reset the cluster does not come back, and a new one gets a new key.
      expect((await admin(iam.endpoint, 'DELETE', '/_iamlocal/clusters/made')).status).toBe(200);
      expect(await cluster(iam, 'made')).toBeNull();
      await admin(iam.endpoint, 'POST', '/_iamlocal/reset');
      expect(await cluster(iam, 'made')).toBeNull();
      const again = await admin<{ kid: string; id: string }>(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'made' });
      expect(again.status).toBe(201);
      expect(again.json.kid).not.toBe(before.made!.kid);
      expect(again.json.id).not.toBe(before.made!.id);
    } finally {
      await iam.stop();
    }
  });

  it('an explicit privateKeyPem replaces the kept key', async () => {
    const iam = await startIamLocal({});
    try {
      const first = await admin<{ kid: string }>(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'pem' });
      const pem = (await admin(iam.endpoint, 'GET', '/_iamlocal/clusters/pem/sa.key')).text;
      await admin(iam.endpoint, 'DELETE', '/_iamlocal/clusters/pem');
      const other = await admin<{ kid: string }>(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'pem2' });
      const otherPem = (await admin(iam.endpoint, 'GET', '/_iamlocal/clusters/pem2/sa.key')).text;
      const re = await admin<{ kid: string }>(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'pem', privateKeyPem: otherPem });
      expect(re.json.kid).toBe(other.json.kid);
      expect(re.json.kid).not.toBe(first.json.kid);
      await admin(iam.endpoint, 'POST', '/_iamlocal/reset');
      expect((await cluster(iam, 'pem'))?.kid).toBe(other.json.kid);
      expect(pem).not.toBe(otherPem);
    } finally {
      await iam.stop();
    }
  });

  it('keeps them across a restart with a data dir, and a reset after it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iamlocal-keys-'));
    dirs.push(dataDir);
    let iam = await startIamLocal({ seed, inMemory: false, dataDir });
    await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'made' });
    const before = { seeded: await cluster(iam, 'seeded'), made: await cluster(iam, 'made') };
    await iam.stop();
    iam = await startIamLocal({ seed, inMemory: false, dataDir });
    try {
      expect(await cluster(iam, 'seeded')).toEqual(before.seeded);
      expect(await cluster(iam, 'made')).toEqual(before.made);
      await admin(iam.endpoint, 'POST', '/_iamlocal/reset');
      expect((await cluster(iam, 'seeded'))?.kid).toBe(before.seeded!.kid);
      expect((await cluster(iam, 'made'))?.kid).toBe(before.made!.kid);
    } finally {
      await iam.stop();
    }
  });
});
