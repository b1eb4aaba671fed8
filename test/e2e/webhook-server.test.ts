// The pod identity webhook as the API server meets it: HTTPS on its own port with iamlocal's CA (verified
// against the caBundle GET /_iamlocal/webhook hands out, for the Service name in the SANs), ServiceAccount
// reviews teaching it a role, pod reviews answered with a JSON Patch, the Pod Identity variant through the
// association lookup, the CA kept across restarts with a data dir, and HTTP-level refusals that are never 5xx.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';
import { applyJsonPatch } from '../helpers/json-patch';

function post(iam: IamLocal, path: string, body: string, contentType = 'application/json', servername = 'iamlocal.iamlocal.svc'): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: iam.webhook!.port, path, method: 'POST', ca: iam.webhook!.caCert, servername, headers: { 'content-type': contentType } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const review = (kind: string, operation: string, object: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: `uid-${kind}`, kind: { group: '', version: 'v1', kind }, namespace: 'apps', operation, object, ...extra } });

const POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web', namespace: 'apps' }, spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'amazon/aws-cli' }] } };
const dirs: string[] = [];
let iam: IamLocal;
let clusterPath: string;

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'iamlocal-webhook-'));
  dirs.push(dataDir);
  iam = await startIamLocal({
    webhookPort: 0,
    inMemory: false,
    dataDir,
    podIdentityAssociations: { find: (_c, ns, sa) => (ns === 'apps' && sa === 'agent' ? { roleArn: 'arn:aws:iam::000000000000:role/pi' } : null) },
  });
  const created = await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'kind' });
  expect(created.status).toBe(201);
  const put = await admin(iam.endpoint, 'PUT', '/_iamlocal/clusters/kind/webhook', { stsEndpointUrl: 'http://iamlocal.iamlocal.svc.cluster.local:4599', iamEndpointUrl: 'http://iamlocal.iamlocal.svc.cluster.local:4599' });
  expect(put.status).toBe(200);
  clusterPath = put.json.path;
});
afterAll(async () => {
  await iam?.stop();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

describe('webhook over HTTPS', () => {
  it('GET /_iamlocal/webhook gives the caBundle; the serving certificate chains to it for the Service name', async () => {
    const r = await admin(iam.endpoint, 'GET', '/_iamlocal/webhook');
    expect(r.json).toMatchObject({ enabled: true, port: iam.webhook!.port });
    expect(Buffer.from(r.json.caBundle, 'base64').toString()).toBe(iam.webhook!.caCert);
    expect(r.json.sans).toEqual(expect.arrayContaining(['iamlocal.iamlocal.svc', 'iamlocal.iamlocal.svc.cluster.local', '127.0.0.1']));
    expect(new X509Certificate(iam.webhook!.caCert).ca).toBe(true);
    // TLS verification against the CA with the Service's name succeeds (and fails for a name not in the SANs).
    expect((await post(iam, clusterPath, review('ConfigMap', 'CREATE', {}))).status).toBe(200);
    await expect(post(iam, clusterPath, '{}', 'application/json', 'not-a-san.example')).rejects.toThrow(/altnames|Hostname/i);
  });

  it('a pod of a service account it has not seen is allowed untouched; after the SA review it is patched', async () => {
    const before = JSON.parse((await post(iam, clusterPath, review('Pod', 'CREATE', POD))).body);
    expect(before.response).toEqual({ uid: 'uid-Pod', allowed: true });

    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'apps', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::000000000000:role/web' } } };
    expect(JSON.parse((await post(iam, clusterPath, review('ServiceAccount', 'UPDATE', sa, { name: 'web' }))).body).response.allowed).toBe(true);
    const listed = await admin(iam.endpoint, 'GET', '/_iamlocal/clusters/kind/service-accounts');
    expect(listed.json.serviceAccounts).toEqual([expect.objectContaining({ namespace: 'apps', name: 'web', source: 'admission', annotations: sa.metadata.annotations })]);

    const after = JSON.parse((await post(iam, clusterPath, review('Pod', 'CREATE', POD))).body);
    expect(after.response).toMatchObject({ uid: 'uid-Pod', allowed: true, patchType: 'JSONPatch' });
    const pod = applyJsonPatch(POD, JSON.parse(Buffer.from(after.response.patch, 'base64').toString()));
    expect(pod.spec.containers[0].env).toEqual([
      { name: 'AWS_DEFAULT_REGION', value: 'us-east-1' },
      { name: 'AWS_REGION', value: 'us-east-1' },
      { name: 'AWS_ROLE_ARN', value: 'arn:aws:iam::000000000000:role/web' },
      { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token' },
      { name: 'AWS_ENDPOINT_URL_STS', value: 'http://iamlocal.iamlocal.svc.cluster.local:4599' },
      { name: 'AWS_ENDPOINT_URL_IAM', value: 'http://iamlocal.iamlocal.svc.cluster.local:4599' },
    ]);
    expect(pod.spec.volumes[0].name).toBe('aws-iam-token');

    // The service-account view survives a reset (it mirrors the kind cluster, which a reset does not touch).
    await admin(iam.endpoint, 'POST', '/_iamlocal/reset');
    expect(JSON.parse((await post(iam, clusterPath, review('Pod', 'CREATE', POD))).body).response.patchType).toBe('JSONPatch');
  });

  it('the Pod Identity variant comes from the association lookup', async () => {
    const pod = { ...POD, spec: { ...POD.spec, serviceAccountName: 'agent' } };
    const r = JSON.parse((await post(iam, clusterPath, review('Pod', 'CREATE', pod))).body);
    const out = applyJsonPatch(pod, JSON.parse(Buffer.from(r.response.patch, 'base64').toString()));
    expect(out.metadata.labels).toEqual({ 'eks.amazonaws.com/pod-identity': 'enabled' });
    expect(out.spec.containers[0].env.map((e: any) => e.name)).toContain('AWS_CONTAINER_CREDENTIALS_FULL_URI');
    expect(out.spec.volumes[0].projected.sources[0].serviceAccountToken.audience).toBe('pods.eks.amazonaws.com');
  });

  it('admin service-account endpoints validate and set/forget mappings', async () => {
    expect((await admin(iam.endpoint, 'PUT', '/_iamlocal/clusters/kind/service-accounts/apps/api', { roleArn: 'not-an-arn' })).status).toBe(400);
    expect((await admin(iam.endpoint, 'PUT', '/_iamlocal/clusters/kind/service-accounts/apps/api', { annotations: { foo: 'bar' }, roleArn: 'arn:aws:iam::000000000000:role/x' })).status).toBe(400);
    expect((await admin(iam.endpoint, 'PUT', '/_iamlocal/clusters/kind/service-accounts/Apps/api', { roleArn: 'arn:aws:iam::000000000000:role/x' })).status).toBe(400);
    expect((await admin(iam.endpoint, 'PUT', '/_iamlocal/clusters/kind/service-accounts/apps/api', { roleArn: 'arn:aws:iam::000000000000:role/x' })).status).toBe(200);
    expect((await admin(iam.endpoint, 'DELETE', '/_iamlocal/clusters/kind/service-accounts/apps/api')).status).toBe(200);
    expect((await admin(iam.endpoint, 'DELETE', '/_iamlocal/clusters/kind/service-accounts/apps/api')).status).toBe(404);
    expect((await admin(iam.endpoint, 'PUT', '/_iamlocal/clusters/kind/webhook', { tokenExpiration: 10 })).status).toBe(400);
    expect((await admin(iam.endpoint, 'PUT', '/_iamlocal/clusters/kind/webhook', { stsEndpoint: 'http://x' })).status).toBe(400);
  });

  it('refuses a wrong content type with 415 and answers garbage with a denial; unknown cluster paths are no-ops', async () => {
    expect((await post(iam, clusterPath, review('Pod', 'CREATE', POD), 'text/plain')).status).toBe(415);
    const bad = await post(iam, clusterPath, '{"kind":');
    expect(bad.status).toBe(200);
    expect(JSON.parse(bad.body).response).toMatchObject({ allowed: false, status: { code: 400 } });
    const unknown = JSON.parse((await post(iam, '/clusters/00000000000000000000000000000000/mutate', review('Pod', 'CREATE', POD))).body);
    expect(unknown.response).toMatchObject({ allowed: true, warnings: [expect.any(String)] });
    expect((await post(iam, '/nope', '{}')).status).toBe(404);
    // Bounded: a 4 MiB review is refused with 413 (then the failurePolicy applies), never buffered whole.
    expect((await post(iam, clusterPath, JSON.stringify({ kind: 'AdmissionReview', pad: 'x'.repeat(4 * 1024 * 1024) }))).status).toBe(413);
  });
});

describe('webhook CA across restarts', () => {
  it('a restart with the same data dir serves the same CA (the caBundle in a cluster stays valid)', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'iamlocal-webhook-ca-'));
    dirs.push(dataDir);
    const a = await startIamLocal({ webhookPort: 0, inMemory: false, dataDir });
    const ca = a.webhook!.caCert;
    await a.stop();
    const b = await startIamLocal({ webhookPort: 0, inMemory: false, dataDir, webhookSans: ['host.docker.internal'] });
    try {
      expect(b.webhook!.caCert).toBe(ca);
      const r = await admin(b.endpoint, 'GET', '/_iamlocal/webhook');
      expect(r.json.sans).toContain('host.docker.internal');
      expect((await post(b, '/clusters/x/mutate', '{}', 'application/json', 'host.docker.internal')).status).toBe(200);
    } finally {
      await b.stop();
    }
  });
});

describe('service accounts from a seed', () => {
  it('eksClusters[].serviceAccounts are known to the webhook; a bad entry stops start-up', async () => {
    const s = await startIamLocal({ seed: { eksClusters: [{ name: 'seeded', serviceAccounts: [{ namespace: 'payments', name: 'payments-api', roleArn: 'arn:aws:iam::000000000000:role/payments-api', annotations: { 'eks.amazonaws.com/token-expiration': 3600 } }] }] } });
    try {
      const r = await admin(s.endpoint, 'GET', '/_iamlocal/clusters/seeded/service-accounts');
      expect(r.json.serviceAccounts).toEqual([
        expect.objectContaining({ namespace: 'payments', name: 'payments-api', source: 'seed', annotations: { 'eks.amazonaws.com/token-expiration': '3600', 'eks.amazonaws.com/role-arn': 'arn:aws:iam::000000000000:role/payments-api' } }),
      ]);
    } finally {
      await s.stop();
    }
    await expect(startIamLocal({ seed: { eksClusters: [{ name: 'x', serviceAccounts: [{ namespace: 'a', name: 'b', roleArn: 'role/x' }] }] } })).rejects.toThrow(/roleArn/);
    await expect(startIamLocal({ seed: { eksClusters: [{ name: 'x', serviceAccounts: [{ namespace: 'a', name: 'b', annotations: { foo: 'x' } }] }] } })).rejects.toThrow(/eks\.amazonaws\.com/);
  });
});
