// `iamlocal kind` end to end, without a cluster: the command writes the kind config, key pair and
// manifest for a running iamlocal; the kind config must validate against kind's v1alpha4 schema and the
// manifest's objects against the Kubernetes schemas (test/fixtures/schemas/, checks that do fail on a
// wrong file); the webhook the manifest registers (reached over HTTPS with the manifest's caBundle, for the
// Service name) patches a pod; then what kind's API server would do is done by hand: a token signed with the
// exported sa.key under the issuer of the kind config, for the audience and lifetime of the patched pod's
// projected volume, written to the file the patched pod names. With exactly the env the patch injects, the
// SDK v3 default chain, the AWS CLI v1 and boto3 get role credentials from iamlocal on a real port.
// The one stand-in: AWS_ENDPOINT_URL_STS names the in-cluster Service (iamlocal.iamlocal.svc.cluster.local),
// which only a cluster resolves; its host is replaced with 127.0.0.1 (where the EndpointSlice's host address
// leads), the port kept. The token file path is rooted in a temp dir.
import Ajv2020 from 'ajv/dist/2020';
import { execFile } from 'node:child_process';
import { createPrivateKey, createPublicKey, createHash, randomUUID, X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { load, loadAll as loadAllYaml } from 'js-yaml';
import { runKind } from '../../src/cli-kind';
import { startIamLocal, type IamLocal } from '../../src/index';
import { applyJsonPatch } from '../helpers/json-patch';

// The generated files are read back as any: their shape is what the JSON schemas below check.
const parse = (text: string): any => load(text);
const loadAll = (text: string): any[] => loadAllYaml(text);

const run = promisify(execFile);
const SCHEMAS = fileURLToPath(new URL('../fixtures/schemas/', import.meta.url));
const REPO = fileURLToPath(new URL('../../', import.meta.url));
const schema = (n: string) => JSON.parse(readFileSync(join(SCHEMAS, n), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
const validKind = ajv.compile(schema('kind-v1alpha4.json'));
const validKubeadmPatch = ajv.compile(schema('kubeadm-cluster-configuration-patch.json'));
const validK8s = ajv.compile(schema('k8s-objects.json'));

const ID = '0A1B2C3D4E5F60718293A4B5C6D7E8F9';
const ISSUER_HOST = `oidc.eks.us-east-1.amazonaws.com/id/${ID}`;
const ROLE = 'arn:aws:iam::000000000000:role/web';
const seed = {
  eksClusters: [{ name: 'rehearsal', id: ID }],
  roles: [
    {
      name: 'web',
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: { Federated: `arn:aws:iam::000000000000:oidc-provider/${ISSUER_HOST}` },
            Action: 'sts:AssumeRoleWithWebIdentity',
            Condition: { StringEquals: { [`${ISSUER_HOST}:sub`]: 'system:serviceaccount:apps:web', [`${ISSUER_HOST}:aud`]: 'sts.amazonaws.com' } },
          },
        ],
      },
    },
  ],
};

let iam: IamLocal;
let dir: string;
let out: string;
const files: Record<string, string> = {};

function capture() {
  const chunks = { out: '', err: '' };
  return { chunks, io: { out: { write: (s: string) => ((chunks.out += s), true) }, err: { write: (s: string) => ((chunks.err += s), true) } } };
}

beforeAll(async () => {
  iam = await startIamLocal({ seed, webhookPort: 0 });
  dir = mkdtempSync(join(tmpdir(), 'iamlocal-kind-'));
  out = join(dir, 'files');
  const { chunks, io } = capture();
  const code = await runKind(['--cluster', 'rehearsal', '--out', out, '--endpoint', iam.endpoint, '--service-account', `apps/web=${ROLE}`, '--host-address', '172.18.0.1'], io);
  expect(chunks.err).toBe('');
  expect(code).toBe(0);
  expect(chunks.out).toMatch(/reusing mock EKS cluster rehearsal/);
  for (const f of ['kind-config.yaml', 'sa.key', 'sa.pub', 'iamlocal.yaml']) files[f] = readFileSync(join(out, f), 'utf8');
}, 60_000);
afterAll(async () => {
  await iam?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const kubeadmPatch = (config: any) => parse(config.kubeadmConfigPatches[0]);
const manifest = () => loadAll(files['iamlocal.yaml']);

describe('generated files', () => {
  it('kind-config.yaml validates against kind v1alpha4 and sets the issuer, key files and mounts', () => {
    const config = parse(files['kind-config.yaml']);
    expect(validKind(config), JSON.stringify(validKind.errors)).toBe(true);
    expect(validKubeadmPatch(kubeadmPatch(config)), JSON.stringify(validKubeadmPatch.errors)).toBe(true);
    expect(kubeadmPatch(config).apiServer.extraArgs).toEqual({
      'service-account-issuer': `https://${ISSUER_HOST}`,
      'service-account-key-file': '/etc/kubernetes/pki/sa.pub',
      'service-account-signing-key-file': '/etc/kubernetes/pki/sa.key',
      'api-audiences': 'https://kubernetes.default.svc.cluster.local',
    });
    expect(config.nodes[0].extraMounts).toEqual([
      { hostPath: join(out, 'sa.key'), containerPath: '/etc/kubernetes/pki/sa.key', readOnly: true },
      { hostPath: join(out, 'sa.pub'), containerPath: '/etc/kubernetes/pki/sa.pub', readOnly: true },
    ]);
    expect(statSync(join(out, 'sa.key')).mode & 0o777).toBe(0o600);
    // The schema checks can fail: a misspelt member, a wrong role, a missing kubeadm flag.
    expect(validKind({ ...config, nodes: [{ role: 'control-plane', extraMount: [] }] })).toBe(false);
    expect(validKind({ ...config, nodes: [{ role: 'master' }] })).toBe(false);
    expect(validKind({ ...config, apiVersion: 'kind.x-k8s.io/v1alpha3' })).toBe(false);
    expect(validKubeadmPatch({ kind: 'ClusterConfiguration', apiServer: { extraArgs: { 'service-account-issuer': 'http://x' } } })).toBe(false);
  });

  it('iamlocal.yaml parses as Kubernetes objects that validate against their schemas', () => {
    const objects = manifest();
    expect(objects.map((o) => `${o.apiVersion}/${o.kind}`)).toEqual(['v1/Namespace', 'v1/Service', 'discovery.k8s.io/v1/EndpointSlice', 'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration']);
    for (const o of objects) expect(validK8s(o), `${o.kind}: ${JSON.stringify(validK8s.errors?.slice(0, 3))}`).toBe(true);
    expect(files['iamlocal.yaml']).not.toMatch(/[&*]a1/); // no YAML aliases
    const [, service, slice, mwc] = objects;
    expect(service.spec.selector).toBeUndefined();
    expect(slice.metadata.labels['kubernetes.io/service-name']).toBe(service.metadata.name);
    expect(slice.endpoints[0].addresses).toEqual(['172.18.0.1']);
    expect(slice.ports).toEqual([{ name: 'http', protocol: 'TCP', port: Number(new URL(iam.endpoint).port) }, { name: 'webhook', protocol: 'TCP', port: iam.webhook!.port }]);
    expect(Buffer.from(mwc.webhooks[0].clientConfig.caBundle, 'base64').toString()).toBe(iam.webhook!.caCert);
    expect(mwc.webhooks.map((w: any) => [w.failurePolicy, w.sideEffects, w.rules[0].resources[0]])).toEqual([['Ignore', 'None', 'pods'], ['Ignore', 'NoneOnDryRun', 'serviceaccounts']]);
    // …and the checks can fail.
    const broken = structuredClone(mwc);
    delete broken.webhooks[0].sideEffects;
    expect(validK8s(broken)).toBe(false);
    expect(validK8s({ ...slice, addressType: 'IP' })).toBe(false);
    expect(validK8s({ ...service, spec: { ports: [{ port: 70000 }] } })).toBe(false);
  });

  it('running it again reuses the cluster and key; a bad host address or a server without the webhook is refused', async () => {
    const again = join(dir, 'again');
    expect(await runKind(['--cluster', 'rehearsal', '--out', again, '--endpoint', iam.endpoint], capture().io)).toBe(0);
    expect(readFileSync(join(again, 'sa.key'), 'utf8')).toBe(files['sa.key']);
    const c = capture();
    expect(await runKind(['--cluster', 'x', '--host-address', '127.0.0.1'], c.io)).toBe(2);
    expect(c.chunks.err).toMatch(/loopback/);
    const plain = await startIamLocal({});
    try {
      const c2 = capture();
      expect(await runKind(['--cluster', 'x', '--out', join(dir, 'none'), '--endpoint', plain.endpoint], c2.io)).toBe(1);
      expect(c2.chunks.err).toMatch(/--webhook-port/);
    } finally {
      await plain.stop();
    }
  });
});

function postReview(path: string, caBundle: string, body: unknown): Promise<any> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: iam.webhook!.port, path, method: 'POST', ca: Buffer.from(caBundle, 'base64').toString(), servername: 'iamlocal.iamlocal.svc', headers: { 'content-type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString())));
    });
    req.on('error', reject);
    req.end(JSON.stringify(body));
  });
}

describe('a pod configured by the generated files gets role credentials', () => {
  let env: Record<string, string>;
  let caller: string;

  beforeAll(async () => {
    const mwc = manifest()[3];
    const hook = mwc.webhooks[0].clientConfig;
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'web-0', namespace: 'apps', uid: randomUUID() }, spec: { serviceAccountName: 'web', containers: [{ name: 'app', image: 'amazon/aws-cli' }] } };
    const answer = await postReview(hook.service.path, hook.caBundle, { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: { uid: 'r1', kind: { group: '', version: 'v1', kind: 'Pod' }, namespace: 'apps', operation: 'CREATE', object: pod } });
    expect(answer.response).toMatchObject({ uid: 'r1', allowed: true, patchType: 'JSONPatch' });
    const patched = applyJsonPatch(pod, JSON.parse(Buffer.from(answer.response.patch, 'base64').toString()));
    const container = patched.spec.containers[0];
    const projection = patched.spec.volumes.find((v: any) => v.name === 'aws-iam-token').projected.sources[0].serviceAccountToken;
    const podEnv: Record<string, string> = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
    expect(podEnv).toMatchObject({ AWS_ROLE_ARN: ROLE, AWS_WEB_IDENTITY_TOKEN_FILE: '/var/run/secrets/eks.amazonaws.com/serviceaccount/token', AWS_REGION: 'us-east-1', AWS_DEFAULT_REGION: 'us-east-1' });
    expect(container.volumeMounts).toEqual([{ name: 'aws-iam-token', readOnly: true, mountPath: '/var/run/secrets/eks.amazonaws.com/serviceaccount' }]);

    // What kind's kube-apiserver does (kubernetes pkg/serviceaccount/claims.go, jwt.go): sign with the
    // --service-account-signing-key-file under the --service-account-issuer, kid from the public key.
    const config = parse(files['kind-config.yaml']);
    const issuer = kubeadmPatch(config).apiServer.extraArgs['service-account-issuer'];
    const kid = createHash('sha256').update(createPublicKey(files['sa.pub']).export({ type: 'spki', format: 'der' })).digest('base64url');
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({
      'kubernetes.io': { namespace: 'apps', pod: { name: 'web-0', uid: pod.metadata.uid }, serviceaccount: { name: 'web', uid: randomUUID() } },
    })
      .setProtectedHeader({ alg: 'RS256', kid })
      .setIssuer(issuer)
      .setSubject('system:serviceaccount:apps:web')
      .setAudience([projection.audience])
      .setIssuedAt(now)
      .setNotBefore(now)
      .setExpirationTime(now + projection.expirationSeconds)
      .setJti(randomUUID())
      .sign(createPrivateKey(files['sa.key']));
    const root = join(dir, 'pod-root');
    const tokenFile = join(root, podEnv.AWS_WEB_IDENTITY_TOKEN_FILE);
    mkdirSync(dirname(tokenFile), { recursive: true });
    writeFileSync(tokenFile, token);

    const local = (u: string) => {
      const url = new URL(u);
      expect(url.hostname).toBe('iamlocal.iamlocal.svc.cluster.local');
      url.hostname = '127.0.0.1';
      return url.toString().replace(/\/$/, '');
    };
    const home = join(dir, 'home');
    mkdirSync(home, { recursive: true });
    env = {
      ...podEnv,
      AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
      AWS_ENDPOINT_URL_STS: local(podEnv.AWS_ENDPOINT_URL_STS),
      AWS_ENDPOINT_URL_IAM: local(podEnv.AWS_ENDPOINT_URL_IAM),
      PATH: process.env.PATH ?? '',
      HOME: home,
      AWS_CONFIG_FILE: '/dev/null',
      AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_ROLE_SESSION_NAME: 'web-0',
    };
    caller = 'arn:aws:sts::000000000000:assumed-role/web/web-0';
    expect(new X509Certificate(Buffer.from(hook.caBundle, 'base64')).ca).toBe(true);
  }, 60_000);

  it('AWS SDK for JavaScript v3 (default credential chain → web identity)', async () => {
    const script = `import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
const r = await new STSClient({}).send(new GetCallerIdentityCommand({}));
process.stdout.write(r.Arn);`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { env, cwd: REPO });
    expect(stdout).toBe(caller);
  }, 60_000);

  it('AWS CLI v1', async () => {
    const { stdout } = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env });
    expect(JSON.parse(stdout).Arn).toBe(caller);
  }, 60_000);

  it('AWS CLI v1 caches web-identity credentials in ~/.aws/cli/cache by role ARN (+ session name), not by token', async () => {
    // What docs/irsa.md warns about: re-running a rehearsal with a token of the wrong service account in
    // the same HOME still "works" from the cache; a fresh HOME (or an emptied cache) gets iamlocal's 403.
    const home = join(dir, 'cli-cache-home');
    mkdirSync(home, { recursive: true });
    const first = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env: { ...env, HOME: home } });
    expect(JSON.parse(first.stdout).Arn).toBe(caller);
    const [header, payload] = readFileSync(env.AWS_WEB_IDENTITY_TOKEN_FILE, 'utf8').split('.').slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
    const wrong = await new SignJWT({ ...payload, sub: 'system:serviceaccount:other:web' }).setProtectedHeader(header).sign(createPrivateKey(files['sa.key']));
    const wrongFile = join(dir, 'wrong-token');
    writeFileSync(wrongFile, wrong);
    const cached = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env: { ...env, HOME: home, AWS_WEB_IDENTITY_TOKEN_FILE: wrongFile } });
    expect(JSON.parse(cached.stdout).Arn).toBe(caller);
    const fresh = join(dir, 'cli-fresh-home');
    mkdirSync(fresh, { recursive: true });
    const denied = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env: { ...env, HOME: fresh, AWS_WEB_IDENTITY_TOKEN_FILE: wrongFile } }).catch((e) => e);
    expect(String(denied.stderr)).toMatch(/AccessDenied.*Not authorized to perform sts:AssumeRoleWithWebIdentity/);
  }, 60_000);

  it('boto3', async () => {
    const { stdout } = await run('python3', ['-c', "import boto3; print(boto3.client('sts').get_caller_identity()['Arn'], end='')"], { env });
    expect(stdout).toBe(caller);
  }, 60_000);
});

describe('mode B: trust an existing kind cluster as it is', () => {
  it('registers the stock issuer with the uploaded JWKS and writes only the manifest; its tokens are accepted', async () => {
    const KIND_ISSUER = 'https://kubernetes.default.svc.cluster.local';
    const key = createPrivateKey(readFileSync(fileURLToPath(new URL('../fixtures/oidc/keys/other-rsa.key', import.meta.url)), 'utf8'));
    const pub = createPublicKey(key);
    const kid = createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest('base64url');
    // What `kubectl get --raw /openid/v1/jwks` prints for that cluster.
    const jwksFile = join(dir, 'jwks.json');
    writeFileSync(jwksFile, JSON.stringify({ keys: [{ ...pub.export({ format: 'jwk' }), use: 'sig', kid, alg: 'RS256' }] }));
    const outB = join(dir, 'mode-b');
    const c = capture();
    expect(await runKind(['--cluster', 'existing', '--existing-cluster', '--jwks', jwksFile, '--out', outB, '--endpoint', iam.endpoint], c.io)).toBe(0);
    expect(c.chunks.out).toMatch(/oidc-provider\/kubernetes\.default\.svc\.cluster\.local/);
    expect(() => statSync(join(outB, 'kind-config.yaml'))).toThrow();
    for (const o of loadAll(readFileSync(join(outB, 'iamlocal.yaml'), 'utf8'))) expect(validK8s(o)).toBe(true);

    const { CreateRoleCommand, IAMClient } = await import('@aws-sdk/client-iam');
    const { AssumeRoleWithWebIdentityCommand, STSClient } = await import('@aws-sdk/client-sts');
    const creds = { accessKeyId: 'test', secretAccessKey: 'test' };
    await new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: creds }).send(
      new CreateRoleCommand({
        RoleName: 'kind-web',
        AssumeRolePolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Federated: 'arn:aws:iam::000000000000:oidc-provider/kubernetes.default.svc.cluster.local' }, Action: 'sts:AssumeRoleWithWebIdentity', Condition: { StringEquals: { 'kubernetes.default.svc.cluster.local:sub': 'system:serviceaccount:apps:web' } } }],
        }),
      }),
    );
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setIssuer(KIND_ISSUER).setSubject('system:serviceaccount:apps:web').setAudience(['sts.amazonaws.com']).setIssuedAt(now).setNotBefore(now).setExpirationTime(now + 3600).sign(key);
    const r = await new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: creds }).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: 'arn:aws:iam::000000000000:role/kind-web', RoleSessionName: 'kind-b', WebIdentityToken: token }));
    expect(r.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/kind-web/kind-b');
  }, 60_000);

  it('needs --jwks, and refuses --jwks without --existing-cluster', async () => {
    const c = capture();
    expect(await runKind(['--cluster', 'x', '--existing-cluster'], c.io)).toBe(2);
    expect(c.chunks.err).toMatch(/--jwks FILE/);
    expect(await runKind(['--cluster', 'x', '--jwks', 'f'], c.io)).toBe(2);
    expect(await runKind(['--cluster', 'x', '--existing-cluster', '--jwks', 'f', '--issuer', 'http://insecure'], c.io)).toBe(2);
  });
});
