// EKS Pod Identity below the wire: the association store (findAssociation, the question EKS Auth and a
// pod-identity webhook ask), the podIdentityAssociations seed section (applied, idempotent, strict),
// reset, and the session name EKS Auth gives a pod.
import { CreatePodIdentityAssociationCommand, EKSClient, ListPodIdentityAssociationsCommand } from '@aws-sdk/client-eks';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { startIamLocal } from '../../src/index';
import { seededIds } from '../../src/runtime';
import { podIdentitySessionName } from '../../src/services/eks-auth/assume-role-for-pod-identity';
import { bootstrapDefaults } from '../../src/store/bootstrap';
import { applySeedDocuments, loadSeedSources } from '../../src/store/seed-load';
import { SeedError } from '../../src/store/seed-schema';
import { Store } from '../../src/store/store';
import { admin } from '../helpers/admin-client';

const NOW = new Date('2026-12-01T12:00:00Z');
const config = { defaultAccountId: '000000000000', defaultRegion: 'us-east-1', rootCredentials: { accessKeyId: 'test', secretAccessKey: 'test' } as const };
const SEED = fileURLToPath(new URL('../../seed/70-pod-identity.yaml', import.meta.url));

async function seeded(sources: Parameters<typeof loadSeedSources>[0], seed = 3): Promise<Store> {
  const store = new Store();
  bootstrapDefaults(store, config, NOW);
  await applySeedDocuments(store, await loadSeedSources(sources), { ids: seededIds(seed), now: NOW, config });
  return store;
}

describe('podIdentity store repo', () => {
  it('findAssociation answers (account, cluster, namespace, service account), with or without region', async () => {
    const store = await seeded([SEED]);
    const a = store.podIdentity.findAssociation('000000000000', 'my-cluster', 'payments', 'payments-api')!;
    expect(a).toMatchObject({ id: 'a-paymentsapi000001', region: 'us-east-1', roleArn: 'arn:aws:iam::000000000000:role/payments-pods', disableSessionTags: false, targetRoleArn: null });
    expect(a.arn).toBe('arn:aws:eks:us-east-1:000000000000:podidentityassociation/my-cluster/a-paymentsapi000001');
    expect(store.podIdentity.findAssociation('000000000000', 'my-cluster', 'payments', 'payments-api', 'us-east-1')).toEqual(a);
    expect(store.podIdentity.findAssociation('000000000000', 'my-cluster', 'payments', 'payments-api', 'eu-west-1')).toBeNull();
    expect(store.podIdentity.findAssociation('000000000000', 'my-cluster', 'payments', 'other')).toBeNull();
    expect(store.podIdentity.findAssociation('111111111111', 'my-cluster', 'payments', 'payments-api')).toBeNull();
    expect(store.podIdentity.findAssociation('000000000000', 'my-cluster', 'batch', 'reporter')!.id).toMatch(/^a-[a-z0-9]{17}$/);
    store.close();
  });

  it('deleting the cluster deletes its associations', async () => {
    const store = await seeded([SEED]);
    const cl = store.eksClusters.get('000000000000', 'us-east-1', 'my-cluster')!;
    store.eksClusters.delete(cl.id);
    expect(store.podIdentity.listAll()).toEqual([]);
    store.close();
  });
});

describe('podIdentityAssociations seed section', () => {
  it('re-applying the seed changes nothing (same ids, no duplicates)', async () => {
    const store = await seeded([SEED]);
    const before = store.podIdentity.listAll();
    await applySeedDocuments(store, await loadSeedSources([SEED]), { ids: seededIds(9), now: NOW, config });
    expect(store.podIdentity.listAll()).toEqual(before);
    store.close();
  });

  it.each([
    [{ podIdentityAssociations: [{ cluster: 'nope', namespace: 'a', serviceAccount: 'b', role: 'r' }] }, 'cluster nope is not defined (eksClusters)'],
    [{ eksClusters: [{ name: 'c' }], podIdentityAssociations: [{ cluster: 'c', namespace: 'a', serviceAccount: 'b', role: 'missing' }] }, 'role missing does not exist'],
    [{ podIdentityAssociations: [{ cluster: 'c', namespace: 'A_B', serviceAccount: 'b', role: 'r' }] }, 'namespace'],
    [{ podIdentityAssociations: [{ cluster: 'c', namespace: 'a', serviceAccount: 'b' }] }, 'role (a role name) or roleArn is required'],
    [{ podIdentityAssociations: [{ cluster: 'c', namespace: 'a', serviceAccount: 'b', role: 'r', id: 'x-1' }] }, 'id'],
  ])('a bad entry stops the seed: %j', async (doc, problem) => {
    const err = await seeded([doc as never]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SeedError);
    expect((err as Error).message).toContain('podIdentityAssociations[0]');
    expect((err as Error).message).toContain(problem);
  });
});

// The admin user the former seed/05-admin-user.yaml shipped (now the default user is test/test).
const ADMIN_SEED = { users: [{ name: 'seed-admin', accessKeys: [{ accessKeyId: 'AKIAQAAAAAAAOJVTEHVZ', secretAccessKey: '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' }], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }] };

describe('reset', () => {
  it('drops associations made through the API and restores the seeded ones', async () => {
    const iam = await startIamLocal({ seed: [ADMIN_SEED, SEED] });
    try {
      const eks = new EKSClient({ region: 'us-east-1', endpoint: iam.endpoint, maxAttempts: 1, credentials: { accessKeyId: 'AKIAQAAAAAAAOJVTEHVZ', secretAccessKey: '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' } });
      await eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'my-cluster', namespace: 'tmp', serviceAccount: 'tmp', roleArn: 'arn:aws:iam::000000000000:role/payments-pods' }));
      const names = async () => ((await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'my-cluster' }))).associations ?? []).map((a) => `${a.namespace}/${a.serviceAccount}`).sort();
      expect(await names()).toEqual(['batch/reporter', 'payments/payments-api', 'tmp/tmp']);
      expect((await admin(iam.endpoint, 'POST', '/_iamlocal/reset')).status).toBe(200);
      expect(await names()).toEqual(['batch/reporter', 'payments/payments-api']);
    } finally {
      await iam.stop();
    }
  });
});

describe('the session name EKS Auth gives a pod', () => {
  const uuid = '0f8e4c2a-7b1d-4e3f-9a6b-5c4d3e2f1a0b';
  it('is eks-<cluster>-<pod>-<uuid>, at most 64 characters', () => {
    expect(podIdentitySessionName('demo', 'web-0', uuid)).toBe(`eks-demo-web-0-${uuid}`);
    const long = podIdentitySessionName('a-very-long-cluster-name', 'an-even-longer-pod-name-7d9f8b6c4-x2k9p', uuid);
    // The cluster keeps 10 characters, the pod name what is left of 64 after the UUID.
    expect(long).toBe(`eks-a-very-lon-an-even-long-${uuid}`);
    expect(long.length).toBe(64);
    expect(long).toMatch(/^[\w+=,.@-]{2,64}$/);
  });
});
