// The webhook's AdmissionReview handling beyond upstream parity: iamlocal's endpoint variables (never over
// a user's own), ServiceAccount reviews feeding the service-account view, the Pod Identity expiry jitter,
// skip-containers CSV parsing like Go's encoding/csv, and well-formed denials for bad input.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { answerAdmissionReview, type AdmissionDeps } from '../../src/webhook/admission';
import { DEFAULT_WEBHOOK_FLAGS, parseCsvRecord, type PodIdentities } from '../../src/webhook/pod-mutation';
import { applyJsonPatch } from '../helpers/json-patch';

const fixture = (n: string) => JSON.parse(readFileSync(join(__dirname, '../fixtures/webhook', `${n}.json`), 'utf8'));
const ENDPOINTS = { stsEndpointUrl: 'http://iamlocal.iamlocal.svc.cluster.local:4599', iamEndpointUrl: 'http://iamlocal.iamlocal.svc.cluster.local:4599' };
const ROLE = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::000000000000:role/app' };

function deps(ids: Partial<PodIdentities>, over: Partial<AdmissionDeps> = {}): AdmissionDeps {
  return {
    flags: { ...DEFAULT_WEBHOOK_FLAGS, ...ENDPOINTS },
    identities: () => ({ serviceAccount: null, podIdentity: null, ...ids }),
    recordServiceAccount: () => {},
    randomInt: () => 0,
    ...over,
  };
}

function podReview(pod: any, uid = 'u-1') {
  return JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid, kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: 'apps', operation: 'CREATE', object: pod } });
}
const patched = (pod: any, d: AdmissionDeps) => {
  const a = answerAdmissionReview(podReview(pod), d);
  return a.response.patch ? applyJsonPatch(pod, JSON.parse(Buffer.from(a.response.patch, 'base64').toString())) : pod;
};
const envOf = (c: any) => Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e.value]));

describe('iamlocal endpoint variables', () => {
  const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { serviceAccountName: 'app', containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x', env: [{ name: 'AWS_ENDPOINT_URL_STS', value: 'http://mine' }] }, { name: 'c', image: 'x', env: [{ name: 'AWS_ENDPOINT_URL', value: 'http://global' }] }] } };

  it('adds AWS_ENDPOINT_URL_STS / _IAM after the upstream variables, unless the container sets them or AWS_ENDPOINT_URL', () => {
    const out = patched(pod, deps({ serviceAccount: ROLE }));
    expect(out.spec.containers[0].env.map((e: any) => e.name)).toEqual(['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_IAM']);
    expect(envOf(out.spec.containers[0]).AWS_ENDPOINT_URL_STS).toBe(ENDPOINTS.stsEndpointUrl);
    expect(envOf(out.spec.containers[1])).toMatchObject({ AWS_ENDPOINT_URL_STS: 'http://mine', AWS_ENDPOINT_URL_IAM: ENDPOINTS.iamEndpointUrl });
    expect(envOf(out.spec.containers[2])).not.toHaveProperty('AWS_ENDPOINT_URL_STS');
    expect(envOf(out.spec.containers[2])).toMatchObject({ AWS_ENDPOINT_URL: 'http://global', AWS_ROLE_ARN: ROLE['eks.amazonaws.com/role-arn'] });
  });

  it('also in skip-containers pods only for the containers not skipped, and idempotently', () => {
    const skip = { ...pod, metadata: { name: 'p', annotations: { 'eks.amazonaws.com/skip-containers': 'a,c' } } };
    const out = patched(skip, deps({ serviceAccount: ROLE }));
    expect(out.spec.containers[0]).toEqual(pod.spec.containers[0]);
    expect(out.spec.containers[2]).toEqual(pod.spec.containers[2]);
    expect(answerAdmissionReview(podReview(out), deps({ serviceAccount: ROLE })).response.patch).toBeUndefined();
  });

  it('a pod upstream would leave alone (rawPodHasAll) still gets the endpoint, and nothing else', () => {
    const f = fixture('rawPodHasAll');
    const out = patched(f.review.request.object, { ...deps({ serviceAccount: f.serviceAccount.annotations }), flags: { ...DEFAULT_WEBHOOK_FLAGS, ...f.flags, ...ENDPOINTS } });
    const c = out.spec.containers[0];
    expect(c.env.map((e: any) => e.name)).toEqual(['AWS_REGION', 'AWS_STS_REGIONAL_ENDPOINTS', 'AWS_ROLE_ARN', 'AWS_ENDPOINT_URL_STS', 'AWS_ENDPOINT_URL_IAM']);
    expect(c.volumeMounts).toBeUndefined();
  });

  it('Pod Identity variant: container credentials env, eks-pod-identity-token volume, label, endpoint', () => {
    const out = patched({ ...pod, metadata: { name: 'p', labels: { app: 'x' } } }, { ...deps({ serviceAccount: ROLE, podIdentity: { roleArn: 'arn:aws:iam::000000000000:role/pi' } }), flags: { ...DEFAULT_WEBHOOK_FLAGS, ...ENDPOINTS, containerCredentialsFullUri: 'http://127.0.0.1:4599/v1/credentials' } });
    expect(out.metadata.labels).toEqual({ app: 'x', 'eks.amazonaws.com/pod-identity': 'enabled' });
    expect(envOf(out.spec.containers[0])).toEqual({
      AWS_CONTAINER_CREDENTIALS_FULL_URI: 'http://127.0.0.1:4599/v1/credentials',
      AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: '/var/run/secrets/pods.eks.amazonaws.com/serviceaccount/eks-pod-identity-token',
      AWS_ENDPOINT_URL_STS: ENDPOINTS.stsEndpointUrl,
      AWS_ENDPOINT_URL_IAM: ENDPOINTS.iamEndpointUrl,
    });
    expect(out.spec.volumes).toEqual([{ name: 'eks-pod-identity-token', projected: { sources: [{ serviceAccountToken: { audience: 'pods.eks.amazonaws.com', expirationSeconds: 79200, path: 'eks-pod-identity-token' } }] } }]);
  });

  it('jitters the default Pod Identity expiry into [79200, 86400], and only the default', () => {
    const exp = (n: number, sa: Record<string, string> | null) =>
      patched(pod, deps({ serviceAccount: sa, podIdentity: { roleArn: 'arn:aws:iam::000000000000:role/pi' } }, { randomInt: (max) => (expect(max).toBe(7201), n) })).spec.volumes[0].projected.sources[0].serviceAccountToken.expirationSeconds;
    expect(exp(0, null)).toBe(79200);
    expect(exp(7200, null)).toBe(86400);
    expect(exp(0, { 'eks.amazonaws.com/token-expiration': '3600' })).toBe(3600);
  });
});

describe('ServiceAccount reviews', () => {
  const saReview = (operation: string, annotations: Record<string, string> | undefined, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: { uid: 'sa-1', kind: { group: '', version: 'v1', kind: 'ServiceAccount' }, name: 'app', namespace: 'apps', operation, object: operation === 'DELETE' ? null : { metadata: { name: 'app', namespace: 'apps', annotations } }, oldObject: { metadata: { name: 'app' } }, ...extra },
    });

  it('records eks.amazonaws.com/* annotations on CREATE/UPDATE, forgets on DELETE or when they are removed, allows always', () => {
    const seen: unknown[] = [];
    const d = deps({}, { recordServiceAccount: (ns, n, a) => seen.push([ns, n, a]) });
    expect(answerAdmissionReview(saReview('UPDATE', { ...ROLE, 'kubectl.kubernetes.io/last-applied-configuration': '{}' }), d).response).toEqual({ uid: 'sa-1', allowed: true });
    answerAdmissionReview(saReview('UPDATE', { other: 'x' }), d);
    answerAdmissionReview(saReview('DELETE', undefined), d);
    answerAdmissionReview(saReview('CREATE', ROLE, { dryRun: true }), d);
    expect(seen).toEqual([['apps', 'app', ROLE], ['apps', 'app', null], ['apps', 'app', null]]);
  });
});

describe('bad requests get a well-formed answer, never an error', () => {
  const d = deps({ serviceAccount: ROLE });
  it.each([
    ['not JSON', '{', ''],
    ['not an AdmissionReview', '{"kind":"Pod"}', ''],
    ['no request', '{"kind":"AdmissionReview","apiVersion":"admission.k8s.io/v1"}', ''],
    ['no uid', '{"kind":"AdmissionReview","request":{"kind":{"kind":"Pod"}}}', ''],
    ['pod object missing', '{"kind":"AdmissionReview","request":{"uid":"x","kind":{"kind":"Pod"},"object":"nope"}}', 'x'],
    ['pod without spec', '{"kind":"AdmissionReview","request":{"uid":"x","kind":{"kind":"Pod"},"object":{"metadata":{}}}}', 'x'],
  ])('%s → allowed: false with a message', (_n, body, uid) => {
    const a = answerAdmissionReview(body, d);
    expect(a).toMatchObject({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: false, status: { code: 400 } } });
    expect(a.response.status?.message).toMatch(/./);
  });

  it('other kinds and unknown clusters are allowed untouched', () => {
    expect(answerAdmissionReview('{"kind":"AdmissionReview","request":{"uid":"x","kind":{"kind":"ConfigMap"},"object":{}}}', d).response).toEqual({ uid: 'x', allowed: true });
    const a = answerAdmissionReview(podReview({ spec: { containers: [] } }), { ...d, flags: null });
    expect(a.response).toMatchObject({ uid: 'u-1', allowed: true, warnings: [expect.stringMatching(/no cluster/)] });
    expect(a.response.patch).toBeUndefined();
  });

  it('echoes admission.k8s.io/v1beta1 reviews in kind', () => {
    const body = podReview({ spec: { containers: [{ name: 'a' }] } }).replace('admission.k8s.io/v1', 'admission.k8s.io/v1beta1');
    expect(answerAdmissionReview(body, d).apiVersion).toBe('admission.k8s.io/v1beta1');
  });
});

describe('skip-containers is read like Go encoding/csv', () => {
  it.each([
    ['a,b', ['a', 'b']],
    ['a', ['a']],
    ['"a,b",c', ['a,b', 'c']],
    ['"a""b"', ['a"b']],
    ['a, b', ['a', ' b']],
    ['a,b\nc', ['a', 'b']],
    ['', null],
    ['a"b', null],
    ['"a', null],
  ])('%j → %j', (v, want) => expect(parseCsvRecord(v)).toEqual(want));
});
