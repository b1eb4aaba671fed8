// The webhook's default Pod Identity lookup is iamlocal's own store: an association made by a seed (or
// eks:CreatePodIdentityAssociation) gives the pod the Pod Identity Agent's variables, as the EKS-managed
// webhook does; a service account without one gets nothing from Pod Identity.
// https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { defaults, silentLogger } from '../../src/config';
import { fixedClock, seededIds } from '../../src/runtime';
import { bootstrapDefaults } from '../../src/store/bootstrap';
import { applySeedDocuments, loadSeedSources } from '../../src/store/seed-load';
import { Store } from '../../src/store/store';
import { storedPodIdentityAssociations } from '../../src/webhook/identities';
import { webhookApp } from '../../src/webhook/server';
import { applyJsonPatch } from '../helpers/json-patch';

const SEED = fileURLToPath(new URL('../../seed/70-pod-identity.yaml', import.meta.url));

async function seeded() {
  const store = new Store();
  const clock = fixedClock('2026-11-29T12:00:00Z');
  const ids = seededIds(3);
  bootstrapDefaults(store, defaults, clock.now());
  await applySeedDocuments(store, await loadSeedSources([SEED]), { ids, now: clock.now(), config: defaults });
  return { store, clock, ids };
}

const review = (namespace: string, serviceAccountName: string) => ({
  apiVersion: 'admission.k8s.io/v1',
  kind: 'AdmissionReview',
  request: { uid: 'u-1', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace, operation: 'CREATE', object: { metadata: { name: 'p' }, spec: { serviceAccountName, containers: [{ name: 'app', image: 'x' }] } } },
});

describe('stored Pod Identity associations', () => {
  it('finds the seeded association of payments/payments-api, and none for another service account', async () => {
    const { store } = await seeded();
    const cluster = store.eksClusters.get('000000000000', 'us-east-1', 'my-cluster')!;
    const find = storedPodIdentityAssociations(store).find;
    expect(find(cluster, 'payments', 'payments-api')).toEqual({ roleArn: 'arn:aws:iam::000000000000:role/payments-pods' });
    expect(find(cluster, 'payments', 'default')).toBeNull();
    expect(find(cluster, 'other', 'payments-api')).toBeNull();
  });

  it('the webhook injects the container-credentials variables for an associated service account only', async () => {
    const deps = await seeded();
    const cluster = deps.store.eksClusters.get('000000000000', 'us-east-1', 'my-cluster')!;
    const app = webhookApp({ ...deps, logger: silentLogger });
    const mutate = async (ns: string, sa: string) => {
      const body = review(ns, sa);
      const r = await app.request(`/clusters/${cluster.id}/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(r.status).toBe(200);
      const a = (await r.json()) as { response: { allowed: boolean; patch?: string } };
      expect(a.response.allowed).toBe(true);
      const pod = a.response.patch ? applyJsonPatch(body.request.object, JSON.parse(Buffer.from(a.response.patch, 'base64').toString())) : body.request.object;
      return Object.fromEntries(((pod.spec.containers[0] as { env?: { name: string; value: string }[] }).env ?? []).map((e) => [e.name, e.value]));
    };
    const env = await mutate('payments', 'payments-api');
    expect(env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE).toBe('/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token');
    expect(env.AWS_CONTAINER_CREDENTIALS_FULL_URI).toMatch(/^http:\/\/.+\/v1\/credentials$/);
    expect((await mutate('payments', 'default')).AWS_CONTAINER_CREDENTIALS_FULL_URI).toBeUndefined();
  });
});
