// EKS Pod Identity end to end with real clients against a real server (seed/70-pod-identity.yaml):
// the EKS API (SDK v3 @aws-sdk/client-eks, the AWS CLI, boto3), EKS Auth AssumeRoleForPodIdentity
// (boto3's eks-auth client), and the Pod Identity Agent endpoint GET /v1/credentials through the SDKs'
// own container credential providers (SDK v3 fromHttp / fromContainerMetadata / the default chain in a
// child process, botocore's ContainerProvider via boto3 and the AWS CLI) configured by the
// environment only. Every negative case of issue 10 gets its own test.
import {
  CreateClusterCommand,
  CreatePodIdentityAssociationCommand,
  DeleteClusterCommand,
  DeletePodIdentityAssociationCommand,
  DescribeClusterCommand,
  DescribePodIdentityAssociationCommand,
  EKSClient,
  ListClustersCommand,
  ListPodIdentityAssociationsCommand,
  ListTagsForResourceCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdatePodIdentityAssociationCommand,
} from '@aws-sdk/client-eks';
import { CreateRoleCommand, GetRoleCommand, IAMClient, PutRolePolicyCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { execFile } from 'node:child_process';
import { createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin, mintToken } from '../helpers/admin-client';
import { awsCli, type CliTarget } from '../helpers/aws-cli';

const SEEDS: (string | Record<string, unknown>)[] = [
  // The admin user the former seed/05-admin-user.yaml shipped (the default user is now test/test).
  { users: [{ name: 'seed-admin', accessKeys: [{ accessKeyId: 'AKIAQAAAAAAAOJVTEHVZ', secretAccessKey: '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' }], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }] },
  fileURLToPath(new URL('../../seed/70-pod-identity.yaml', import.meta.url)),
];
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const CHILD = fileURLToPath(new URL('./pod_identity_sdk.mjs', import.meta.url));
const PY = fileURLToPath(new URL('./pod_identity_boto3.py', import.meta.url));
const OTHER_KEY = readFileSync(fileURLToPath(new URL('../fixtures/oidc/keys/other-rsa.key', import.meta.url)), 'utf8');
const ADMIN = { accessKeyId: 'AKIAQAAAAAAAOJVTEHVZ', secretAccessKey: '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' };
const ACCOUNT = '000000000000';
const ROLE = `arn:aws:iam::${ACCOUNT}:role/payments-pods`;
const CLUSTER_ARN = `arn:aws:eks:us-east-1:${ACCOUNT}:cluster/my-cluster`;
const ISSUER = 'https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE';
const run = promisify(execFile);

let iam: IamLocal;
let dir: string;
let eks: EKSClient;
let iamClient: IAMClient;
let cli: CliTarget;

beforeAll(async () => {
  iam = await startIamLocal({ seed: SEEDS });
  dir = mkdtempSync(join(tmpdir(), 'iamlocal-pod-identity-'));
  const clientConfig = { region: 'us-east-1', endpoint: iam.endpoint, credentials: ADMIN, maxAttempts: 1 };
  eks = new EKSClient(clientConfig);
  iamClient = new IAMClient(clientConfig);
  cli = { endpoint: iam.endpoint, home: dir, region: 'us-east-1', services: ['IAM', 'STS', 'EKS', 'EKS_AUTH'] };
  // Roles for the negative cases and for target-role chaining.
  const trust = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  await iamClient.send(new CreateRoleCommand({ RoleName: 'ec2-only', AssumeRolePolicyDocument: trust({ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }) }));
  await iamClient.send(new CreateRoleCommand({ RoleName: 'no-tag-session', AssumeRolePolicyDocument: trust({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }) }));
  await iamClient.send(new CreateRoleCommand({ RoleName: 'untagged-ok', AssumeRolePolicyDocument: trust({ Effect: 'Allow', Principal: { Service: 'pods.eks.amazonaws.com' }, Action: 'sts:AssumeRole' }) }));
  await iamClient.send(new CreateRoleCommand({ RoleName: 'chain-target', AssumeRolePolicyDocument: trust({ Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['sts:AssumeRole', 'sts:TagSession'] }) }));
  for (const [ns, sa, role] of [['neg', 'ec2-only', 'ec2-only'], ['neg', 'no-tag-session', 'no-tag-session']]) {
    await eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'my-cluster', namespace: ns, serviceAccount: sa, roleArn: `arn:aws:iam::${ACCOUNT}:role/${role}` }));
  }
  const getRoleIf = (condition: object) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: condition }] });
  await iamClient.send(new PutRolePolicyCommand({ RoleName: 'untagged-ok', PolicyName: 'needs-tag', PolicyDocument: getRoleIf({ StringLike: { 'aws:PrincipalTag/kubernetes-namespace': '*' } }) }));
  await iamClient.send(new PutRolePolicyCommand({ RoleName: 'chain-target', PolicyName: 'chain-ns', PolicyDocument: getRoleIf({ StringEquals: { 'aws:PrincipalTag/kubernetes-namespace': 'chain' } }) }));
  // payments-pods (seeded: iam:GetRole only for namespace payments) gets a Deny unless all six tags are right.
  const six: [string, object][] = [
    ['StringNotEquals', { 'aws:PrincipalTag/eks-cluster-arn': CLUSTER_ARN }],
    ['StringNotEquals', { 'aws:PrincipalTag/eks-cluster-name': 'my-cluster' }],
    ['StringNotEquals', { 'aws:PrincipalTag/kubernetes-namespace': 'payments' }],
    ['StringNotEquals', { 'aws:PrincipalTag/kubernetes-service-account': 'payments-api' }],
    ['StringNotLike', { 'aws:PrincipalTag/kubernetes-pod-name': 'payments-api-?*' }],
    ['StringNotLike', { 'aws:PrincipalTag/kubernetes-pod-uid': '????????-????-????-????-????????????' }],
  ];
  await iamClient.send(new PutRolePolicyCommand({ RoleName: 'payments-pods', PolicyName: 'six-tags', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: six.map(([op, cond]) => ({ Effect: 'Deny', Action: 'iam:GetRole', Resource: '*', Condition: { [op]: cond } })) }) }));
  await eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'my-cluster', namespace: 'neg', serviceAccount: 'untagged', roleArn: `arn:aws:iam::${ACCOUNT}:role/untagged-ok`, disableSessionTags: true }));
});
afterAll(async () => {
  await iam?.stop();
});

const podToken = (namespace: string, serviceAccount: string, extra: { audience?: string; lifetimeSeconds?: number; podName?: string } = {}) =>
  mintToken(iam.endpoint, 'my-cluster', { namespace, serviceAccount, audience: extra.audience ?? 'pods.eks.amazonaws.com', podName: extra.podName ?? `${serviceAccount}-7d9f8b6c4-x2k9p`, lifetimeSeconds: extra.lifetimeSeconds });

function tokenFile(token: string): string {
  const f = join(dir, `token-${Math.random().toString(36).slice(2)}`);
  writeFileSync(f, token);
  return f;
}

/** Only what a pod gets: the two container-credential variables, plus the endpoint of the service it calls. */
function podEnv(tokenPath: string, path = '/v1/credentials'): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_CONTAINER_CREDENTIALS_FULL_URI: `${iam.endpoint}${path}`,
    AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE: tokenPath,
    AWS_ENDPOINT_URL_STS: iam.endpoint,
    AWS_ENDPOINT_URL_IAM: iam.endpoint,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
  };
}

async function sdkChild(provider: 'fromHttp' | 'fromContainerMetadata' | 'chain', env: NodeJS.ProcessEnv): Promise<Record<string, unknown>> {
  const { stdout } = await run(process.execPath, [CHILD, provider], { env, encoding: 'utf8' });
  return JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, unknown>;
}

async function boto3(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<any> {
  const child = execFile('python3', [PY, ...args], { env, encoding: 'utf8' });
  if (input !== undefined) child.stdin!.end(input);
  else child.stdin!.end();
  let out = '';
  child.stdout!.on('data', (d: string) => (out += d));
  await new Promise<void>((resolve, reject) => child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python3 exited ${code}: ${out}`)))));
  return JSON.parse(out);
}

/** boto3's eks-auth client, signed with the admin key (as the agent's node role would sign). */
async function eksAuth(cases: { cluster: string; token: string }[], creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = ADMIN): Promise<any[]> {
  return boto3(['eks-auth'], {
    PATH: process.env.PATH,
    HOME: dir,
    AWS_CONFIG_FILE: '/dev/null',
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
    AWS_ACCESS_KEY_ID: creds.accessKeyId,
    AWS_SECRET_ACCESS_KEY: creds.secretAccessKey,
    ...(creds.sessionToken ? { AWS_SESSION_TOKEN: creds.sessionToken } : {}),
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_ENDPOINT_URL_EKS_AUTH: iam.endpoint,
  }, JSON.stringify(cases));
}

/** iam:GetRole ROLE with credentials EKS Auth returned: 'ok' or the error code. */
async function getRoleWith(r: { accessKeyId: string; secretAccessKey: string; sessionToken: string }, role: string): Promise<string> {
  const client = new IAMClient({ region: 'us-east-1', endpoint: iam.endpoint, maxAttempts: 1, credentials: { accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey, sessionToken: r.sessionToken } });
  try {
    await client.send(new GetRoleCommand({ RoleName: role }));
    return 'ok';
  } catch (e) {
    return (e as Error).name;
  }
}

async function agent(token: string | undefined, path = '/v1/credentials'): Promise<{ status: number; body: string; type: string | null }> {
  const res = await fetch(`${iam.endpoint}${path}`, { headers: token === undefined ? {} : { authorization: token } });
  return { status: res.status, body: await res.text(), type: res.headers.get('content-type') };
}

describe('the EKS API: mock clusters are EKS resources', () => {
  it('DescribeCluster shows the seeded cluster with its issuer, ARN, status, endpoint and CA', async () => {
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'my-cluster' }));
    expect(cluster).toMatchObject({
      name: 'my-cluster',
      arn: CLUSTER_ARN,
      status: 'ACTIVE',
      endpoint: 'https://EXAMPLED539D4633E53DE1B71EXAMPLE.gr7.us-east-1.eks.amazonaws.com',
      identity: { oidc: { issuer: ISSUER } },
    });
    expect(cluster!.createdAt).toBeInstanceOf(Date);
    expect(Buffer.from(cluster!.certificateAuthority!.data!, 'base64').toString()).toMatch(/^-----BEGIN PUBLIC KEY-----/);
  });

  it('a cluster made by the admin endpoint shows up in ListClusters and DescribeCluster', async () => {
    const made = await admin(iam.endpoint, 'POST', '/_iamlocal/clusters', { name: 'admin-made', oidcProvider: false });
    expect(made.status).toBe(201);
    const { clusters } = await eks.send(new ListClustersCommand({}));
    expect(clusters).toEqual(expect.arrayContaining(['admin-made', 'my-cluster']));
    const { cluster } = await eks.send(new DescribeClusterCommand({ name: 'admin-made' }));
    expect(cluster!.identity!.oidc!.issuer).toBe(made.json.issuer);
  });

  it('CreateCluster → tags → DeleteCluster; unknown names are ResourceNotFoundException, duplicates ResourceInUseException', async () => {
    const { cluster } = await eks.send(new CreateClusterCommand({ name: 'sdk-made', roleArn: `arn:aws:iam::${ACCOUNT}:role/payments-pods`, version: '1.30', resourcesVpcConfig: { subnetIds: ['subnet-1'] }, tags: { team: 'a' } }));
    expect(cluster).toMatchObject({ name: 'sdk-made', status: 'ACTIVE', version: '1.30', roleArn: ROLE, tags: { team: 'a' }, resourcesVpcConfig: { subnetIds: ['subnet-1'] } });
    expect(cluster!.identity!.oidc!.issuer).toMatch(/^https:\/\/oidc\.eks\.us-east-1\.amazonaws\.com\/id\/[0-9A-F]{32}$/);
    const arn = cluster!.arn!;
    await eks.send(new TagResourceCommand({ resourceArn: arn, tags: { env: 'test' } }));
    expect((await eks.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ team: 'a', env: 'test' });
    await eks.send(new UntagResourceCommand({ resourceArn: arn, tagKeys: ['team'] }));
    expect((await eks.send(new ListTagsForResourceCommand({ resourceArn: arn }))).tags).toEqual({ env: 'test' });
    await expect(eks.send(new CreateClusterCommand({ name: 'sdk-made', roleArn: ROLE, resourcesVpcConfig: {} }))).rejects.toMatchObject({ name: 'ResourceInUseException', $metadata: { httpStatusCode: 409 } });
    expect((await eks.send(new DeleteClusterCommand({ name: 'sdk-made' }))).cluster!.status).toBe('DELETING');
    await expect(eks.send(new DescribeClusterCommand({ name: 'sdk-made' }))).rejects.toMatchObject({ name: 'ResourceNotFoundException', message: 'No cluster found for name: sdk-made.', $metadata: { httpStatusCode: 404 } });
    await expect(eks.send(new ListTagsForResourceCommand({ resourceArn: arn }))).rejects.toMatchObject({ name: 'NotFoundException' });
  });

  it('the reference article\'s verify command works verbatim (AWS CLI, grep, cut)', async () => {
    const env = { PATH: process.env.PATH, HOME: dir, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_ENDPOINT_URL_IAM: iam.endpoint, AWS_ENDPOINT_URL_EKS: iam.endpoint };
    const cmd = `aws iam list-open-id-connect-providers | grep $(aws eks describe-cluster --name my-cluster --query "cluster.identity.oidc.issuer" --output text | cut -d '/' -f 5)`;
    const { stdout } = await run('bash', ['-c', cmd], { env, encoding: 'utf8' });
    expect(stdout).toContain(`arn:aws:iam::${ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE`);
  });
});

describe('Pod Identity associations', () => {
  it('`aws eks create-pod-identity-association` works as written, and describe/list/update/delete follow', async () => {
    const created = await awsCli(cli, ADMIN, ['eks', 'create-pod-identity-association', '--cluster-name', 'my-cluster', '--namespace', 'cli', '--service-account', 'cli-sa', '--role-arn', ROLE, '--tags', 'owner=cli']);
    expect(created.ok, created.out).toBe(true);
    const a = JSON.parse(created.out).association;
    expect(a).toMatchObject({ clusterName: 'my-cluster', namespace: 'cli', serviceAccount: 'cli-sa', roleArn: ROLE, tags: { owner: 'cli' }, disableSessionTags: false });
    expect(a.associationId).toMatch(/^a-[a-z0-9]{17}$/);
    expect(a.associationArn).toBe(`arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/my-cluster/${a.associationId}`);

    const described = await eks.send(new DescribePodIdentityAssociationCommand({ clusterName: 'my-cluster', associationId: a.associationId }));
    expect(described.association!.createdAt).toBeInstanceOf(Date);
    const filtered = await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'my-cluster', namespace: 'cli' }));
    expect(filtered.associations!.map((x) => x.serviceAccount)).toEqual(['cli-sa']);
    // Paging: one at a time through every association of the cluster.
    const seen: string[] = [];
    let nextToken: string | undefined;
    do {
      const p = await eks.send(new ListPodIdentityAssociationsCommand({ clusterName: 'my-cluster', maxResults: 1, nextToken }));
      seen.push(...p.associations!.map((x) => `${x.namespace}/${x.serviceAccount}`));
      nextToken = p.nextToken;
    } while (nextToken);
    expect(seen).toEqual(expect.arrayContaining(['payments/payments-api', 'batch/reporter', 'cli/cli-sa']));
    expect(new Set(seen).size).toBe(seen.length);

    const updated = await eks.send(new UpdatePodIdentityAssociationCommand({ clusterName: 'my-cluster', associationId: a.associationId, disableSessionTags: true }));
    expect(updated.association!.disableSessionTags).toBe(true);
    await expect(eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'my-cluster', namespace: 'cli', serviceAccount: 'cli-sa', roleArn: ROLE }))).rejects.toMatchObject({ name: 'ResourceInUseException', $metadata: { httpStatusCode: 409 } });
    await eks.send(new DeletePodIdentityAssociationCommand({ clusterName: 'my-cluster', associationId: a.associationId }));
    await expect(eks.send(new DescribePodIdentityAssociationCommand({ clusterName: 'my-cluster', associationId: a.associationId }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('boto3 lists the seeded associations', async () => {
    const list = await boto3(['eks', 'my-cluster'], { PATH: process.env.PATH, HOME: dir, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', AWS_ACCESS_KEY_ID: ADMIN.accessKeyId, AWS_SECRET_ACCESS_KEY: ADMIN.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_ENDPOINT_URL_EKS: iam.endpoint });
    expect(list).toEqual(expect.arrayContaining([expect.objectContaining({ namespace: 'payments', serviceAccount: 'payments-api', associationId: 'a-paymentsapi000001' })]));
  });

  it('creating one needs iam:PassRole on the role (AccessDeniedException 403), the role must exist; EKS Auth needs eks-auth:AssumeRoleForPodIdentity', async () => {
    await iamClient.send(new CreateRoleCommand({ RoleName: 'eks-operator', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }) }));
    await iamClient.send(new PutRolePolicyCommand({ RoleName: 'eks-operator', PolicyName: 'eks-only', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'eks:*', Resource: '*' }] }) }));
    const { STSClient, AssumeRoleCommand } = await import('@aws-sdk/client-sts');
    const { Credentials: c } = await new STSClient({ region: 'us-east-1', endpoint: iam.endpoint, credentials: ADMIN }).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/eks-operator`, RoleSessionName: 'op' }));
    const operator = new EKSClient({ region: 'us-east-1', endpoint: iam.endpoint, maxAttempts: 1, credentials: { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! } });
    await expect(operator.send(new CreatePodIdentityAssociationCommand({ clusterName: 'my-cluster', namespace: 'x', serviceAccount: 'y', roleArn: ROLE }))).rejects.toMatchObject({
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
      message: expect.stringContaining('iam:PassRole'),
    });
    await expect(eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'my-cluster', namespace: 'x', serviceAccount: 'y', roleArn: `arn:aws:iam::${ACCOUNT}:role/missing` }))).rejects.toMatchObject({ name: 'InvalidParameterException' });
    // The same caller has no eks-auth:AssumeRoleForPodIdentity: denied first, even with a bad token
    // (the token's verdict is held back until the caller is authorized).
    const asOperator = { accessKeyId: c!.AccessKeyId!, secretAccessKey: c!.SecretAccessKey!, sessionToken: c!.SessionToken! };
    const [good, bad] = await eksAuth([{ cluster: 'my-cluster', token: await podToken('payments', 'payments-api') }, { cluster: 'my-cluster', token: 'not.a.jwt' }], asOperator);
    for (const r of [good, bad]) {
      expect(r).toMatchObject({ code: 'AccessDeniedException', status: 403 });
      expect(r.message).toContain(`is not authorized to perform: eks-auth:AssumeRoleForPodIdentity on resource: ${CLUSTER_ARN}`);
    }
    await expect(eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'nope', namespace: 'x', serviceAccount: 'y', roleArn: ROLE }))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });
});

describe('EKS Auth AssumeRoleForPodIdentity (boto3 eks-auth)', () => {
  it('answers as AWS: subject, audience, association, assumed role, credentials with the six session tags', async () => {
    const [r] = await eksAuth([{ cluster: 'my-cluster', token: await podToken('payments', 'payments-api', { podName: 'payments-api-0' }) }]);
    expect(r.subject).toEqual({ namespace: 'payments', serviceAccount: 'payments-api' });
    expect(r.audience).toBe('pods.eks.amazonaws.com');
    expect(r.association).toEqual({ associationArn: `arn:aws:eks:us-east-1:${ACCOUNT}:podidentityassociation/my-cluster/a-paymentsapi000001`, associationId: 'a-paymentsapi000001' });
    expect(r.assumedRoleUser.arn).toMatch(/^arn:aws:sts::000000000000:assumed-role\/payments-pods\/eks-my-cluster-payments-api-[0-9a-f-]{36}$/);
    expect(r.assumedRoleUser.assumeRoleId).toMatch(/^AROA[A-Z0-9]+:eks-my-cluster-/);
    expect(r.accessKeyId).toMatch(/^ASIA/);
    expect(new Date(r.expiration).getTime()).toBeGreaterThan(Date.now());
    // The six tags are the session's aws:PrincipalTag/*: the probe role's policy needs every one.
    expect(await getRoleWith(r, 'payments-pods')).toBe('ok');
  });

  it('disableSessionTags: no tags, and then the trust policy needs no sts:TagSession', async () => {
    const [r] = await eksAuth([{ cluster: 'my-cluster', token: await podToken('neg', 'untagged') }]);
    expect(r.accessKeyId).toMatch(/^ASIA/);
    // untagged-ok's policy requires aws:PrincipalTag/kubernetes-namespace: absent, so denied.
    expect(await getRoleWith(r, 'untagged-ok')).toBe('AccessDenied');
  });

  it('targetRoleArn chains into the target role with the association\'s externalId as sts:ExternalId', async () => {
    const { association } = await eks.send(new CreatePodIdentityAssociationCommand({ clusterName: 'my-cluster', namespace: 'chain', serviceAccount: 'chained', roleArn: ROLE, targetRoleArn: `arn:aws:iam::${ACCOUNT}:role/chain-target` }));
    expect(association!.externalId).toMatch(/^[0-9a-f-]{36}$/);
    const token = await podToken('chain', 'chained');
    // The target's trust policy requires the external id: first without the condition being met.
    await iamClient.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'chain-target', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'sts:ExternalId': 'not-it' } } }] }) }));
    const [denied] = await eksAuth([{ cluster: 'my-cluster', token }]);
    expect(denied).toMatchObject({ code: 'AccessDeniedException', status: 400 });
    await iamClient.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'chain-target', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: ['sts:AssumeRole', 'sts:TagSession'], Condition: { StringEquals: { 'sts:ExternalId': association!.externalId } } }] }) }));
    const [r] = await eksAuth([{ cluster: 'my-cluster', token }]);
    expect(r.assumedRoleUser.arn).toMatch(/^arn:aws:sts::000000000000:assumed-role\/chain-target\/eks-my-cluster-/);
    // The transitive session tags carried into the chained session (chain-target's policy needs kubernetes-namespace=chain).
    expect(await getRoleWith(r, 'chain-target')).toBe('ok');
  });
});

describe('negative cases: each gets AWS\'s error, and nothing else', () => {
  /** A token signed with a key that is not the cluster's, with the cluster's kid. */
  async function forged(): Promise<string> {
    const good = await podToken('payments', 'payments-api');
    const [h, p] = good.split('.');
    const sig = sign('sha256', Buffer.from(`${h}.${p}`), createPrivateKey(OTHER_KEY)).toString('base64url');
    return `${h}.${p}.${sig}`;
  }

  it('no association for the namespace / service account → ResourceNotFoundException 404', async () => {
    const [wrongNs, wrongSa] = await eksAuth([
      { cluster: 'my-cluster', token: await podToken('other', 'payments-api') },
      { cluster: 'my-cluster', token: await podToken('payments', 'someone-else') },
    ]);
    for (const r of [wrongNs, wrongSa]) expect(r).toMatchObject({ code: 'ResourceNotFoundException', status: 404 });
    expect(wrongNs.message).toContain('namespace other');
  });

  it('a trust policy without pods.eks.amazonaws.com → AccessDeniedException', async () => {
    const [r] = await eksAuth([{ cluster: 'my-cluster', token: await podToken('neg', 'ec2-only') }]);
    expect(r).toMatchObject({ code: 'AccessDeniedException', status: 400 });
    expect(r.message).toContain('pods.eks.amazonaws.com is not authorized to perform: sts:AssumeRole');
  });

  it('a trust policy without sts:TagSession → AccessDeniedException naming sts:TagSession', async () => {
    const [r] = await eksAuth([{ cluster: 'my-cluster', token: await podToken('neg', 'no-tag-session') }]);
    expect(r).toMatchObject({ code: 'AccessDeniedException', status: 400 });
    expect(r.message).toContain('sts:TagSession');
  });

  it('a web-identity-audience token (sts.amazonaws.com) → InvalidTokenException', async () => {
    const [r] = await eksAuth([{ cluster: 'my-cluster', token: await podToken('payments', 'payments-api', { audience: 'sts.amazonaws.com' }) }]);
    expect(r).toMatchObject({ code: 'InvalidTokenException', status: 400 });
  });

  it('a forged token → InvalidTokenException; a garbage token → InvalidTokenException; an unknown cluster → ResourceNotFoundException', async () => {
    const [f, g, c] = await eksAuth([
      { cluster: 'my-cluster', token: await forged() },
      { cluster: 'my-cluster', token: 'not.a.jwt' },
      { cluster: 'nope', token: await podToken('payments', 'payments-api') },
    ]);
    expect(f).toMatchObject({ code: 'InvalidTokenException', status: 400 });
    expect(g).toMatchObject({ code: 'InvalidTokenException', status: 400 });
    expect(c).toMatchObject({ code: 'ResourceNotFoundException', status: 404 });
  });

  it('a token that is not pod-bound → InvalidTokenException', async () => {
    const t = await mintToken(iam.endpoint, 'my-cluster', { namespace: 'payments', serviceAccount: 'payments-api', audience: 'pods.eks.amazonaws.com' });
    const [r] = await eksAuth([{ cluster: 'my-cluster', token: t }]);
    expect(r).toMatchObject({ code: 'InvalidTokenException', status: 400 });
  });

  it('an expired token → ExpiredTokenException from EKS Auth, and the agent\'s own 400 before it', async () => {
    const token = await podToken('payments', 'payments-api', { lifetimeSeconds: 600 });
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { advanceSeconds: 1000 })).status).toBe(200);
    try {
      const [r] = await eksAuth([{ cluster: 'my-cluster', token }]);
      expect(r).toMatchObject({ code: 'ExpiredTokenException', status: 400 });
      expect(r.message).toMatch(/^Token expired: current date\/time \d+ must be before the expiration date\/time \d+$/);
      const a = await agent(token);
      expect(a.status).toBe(400);
      expect(a.body).toBe('Service account token failed basic claim validations: token has invalid claims: token is expired\n');
    } finally {
      await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { reset: true });
    }
  });

  it('the agent endpoint answers errors as the agent does: status passed through, `[id]: (Code): msg, fault: client`', async () => {
    expect(await agent(undefined)).toMatchObject({ status: 400, body: 'Service account token cannot be empty\n' });
    const nf = await agent(await podToken('other', 'nobody'));
    expect(nf.status).toBe(404);
    expect(nf.type).toMatch(/^text\/plain/);
    expect(nf.body).toMatch(/^\[[0-9a-f-]+\]: \(ResourceNotFoundException\): .+, fault: client\n$/);
    const forgedRes = await agent(await forged());
    expect(forgedRes.status).toBe(400);
    expect(forgedRes.body).toContain('(InvalidTokenException)');
  });
});

describe('the Pod Identity Agent endpoint through the SDKs\' container credential providers', () => {
  it('SDK v3 fromHttp and the default chain, with only the two variables: the assumed role, and the namespace condition allows', async () => {
    const env = podEnv(tokenFile(await podToken('payments', 'payments-api')));
    for (const provider of ['fromHttp', 'chain'] as const) {
      const r = await sdkChild(provider, env);
      expect(r, provider).toMatchObject({ account: ACCOUNT, getRole: 'ok' });
      expect(r.arn).toMatch(/^arn:aws:sts::000000000000:assumed-role\/payments-pods\/eks-my-cluster-/);
      expect(r.accessKeyId).toMatch(/^ASIA/);
    }
  });

  it('SDK v3 fromContainerMetadata (which reads AWS_CONTAINER_AUTHORIZATION_TOKEN, not a file), on the /v1/credentials/<cluster> path', async () => {
    const env: NodeJS.ProcessEnv = { ...podEnv('/nonexistent', '/v1/credentials/my-cluster'), AWS_CONTAINER_AUTHORIZATION_TOKEN: await podToken('payments', 'payments-api') };
    delete env.AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE;
    const r = await sdkChild('fromContainerMetadata', env);
    expect(r.arn).toMatch(/^arn:aws:sts::000000000000:assumed-role\/payments-pods\//);
  });

  it('aws:PrincipalTag/kubernetes-namespace in the identity policy is enforced: another namespace, same role, is denied', async () => {
    const r = await sdkChild('fromHttp', podEnv(tokenFile(await podToken('batch', 'reporter'))));
    expect(r.arn).toMatch(/assumed-role\/payments-pods\//);
    expect(r.getRole).toBe('AccessDenied');
  });

  it('botocore\'s ContainerProvider: boto3 and the AWS CLI, token file written by `iamlocal mint-token --audience pods.eks.amazonaws.com`', async () => {
    const file = join(dir, 'eks-pod-identity-token');
    const { stderr } = await run('npx', ['tsx', CLI, 'mint-token', '--cluster', 'my-cluster', '--namespace', 'payments', '--service-account', 'payments-api', '--audience', 'pods.eks.amazonaws.com', '--pod', 'payments-api-1', '--out', file, '--endpoint', iam.endpoint], { encoding: 'utf8' });
    expect(stderr).toContain(file);
    const env = podEnv(file);
    const py = await boto3(['container'], env);
    expect(py).toMatchObject({ method: 'container-role', getRole: 'ok' });
    expect(py.arn).toMatch(/^arn:aws:sts::000000000000:assumed-role\/payments-pods\/eks-my-cluster-payments-api-/);
    const { stdout } = await run('aws', ['sts', 'get-caller-identity', '--output', 'json'], { env, encoding: 'utf8' });
    expect(JSON.parse(stdout).Arn).toMatch(/^arn:aws:sts::000000000000:assumed-role\/payments-pods\/eks-my-cluster-/);
    const denied = await boto3(['container'], podEnv(tokenFile(await podToken('batch', 'reporter'))));
    expect(denied.getRole).toBe('AccessDenied');
  });
});
