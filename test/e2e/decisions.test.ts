// The decision log end to end (issue 12's "Done when"): a real server, real SDK clients, the real
// `iamlocal decisions` command. Every authorization becomes a record that says why: the IRSA trust
// condition that failed (wanted vs seen), the boundary that denied, the would-deny of audit mode.
import { AssumeRoleCommand, AssumeRoleWithWebIdentityCommand, DecodeAuthorizationMessageCommand, STSClient } from '@aws-sdk/client-sts';
import { GetRoleCommand, IAMClient, ListRolesCommand, ListUsersCommand } from '@aws-sdk/client-iam';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { AUTHORIZATION_MESSAGE_HEADER } from '../../src/authz/authorization-message';
import { admin, mintToken } from '../helpers/admin-client';
import { errorOf, send, signedQuery } from '../helpers/raw-client';
import { error } from '../helpers/sdk-error';

const IRSA_SEED = fileURLToPath(new URL('../../seed/10-irsa-payments.yaml', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const ROLE = 'arn:aws:iam::000000000000:role/payments-api';
const ISSUER = 'oidc.eks.us-east-1.amazonaws.com/id/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D';
const run = promisify(execFile);

const BOUNDED = { accessKeyId: 'AKIADECISIONSBOUND01', secretAccessKey: 'bounded-secret-for-decision-tests-000001' };
const NOBODY = { accessKeyId: 'AKIADECISIONSNOBODY1', secretAccessKey: 'nobody-secret-for-decision-tests-000001' };
const DEV = { accessKeyId: 'AKIADECISIONSDEV0001', secretAccessKey: 'dev-secret-for-decision-tests-000000001' };
const BOUNDARY_ARN = 'arn:aws:iam::000000000000:policy/OnlyS3';

const seed = {
  policies: [{ name: 'OnlyS3', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
  users: [
    {
      name: 'bounded',
      accessKeys: [{ ...BOUNDED }],
      permissionsBoundary: 'OnlyS3',
      inlinePolicies: { admin: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:*'], Resource: '*' }] } },
    },
    { name: 'nobody', accessKeys: [{ ...NOBODY }] },
    { name: 'dev', accessKeys: [{ ...DEV }], inlinePolicies: { admin: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:*'], Resource: '*' }] } } },
  ],
  roles: [
    {
      name: 'tagged',
      trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: ['sts:AssumeRole', 'sts:TagSession'] }] },
    },
  ],
};

const sts = (iam: IamLocal, credentials = iam.credentials) => new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials });
// A copy: the SDK marks the credentials object it is given (`$source`), and the same objects seed the next server.
const iamClient = (iam: IamLocal, credentials: { accessKeyId: string; secretAccessKey: string }) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: { ...credentials } });

describe('enforce mode (the default)', () => {
  let iam: IamLocal;
  beforeAll(async () => {
    iam = await startIamLocal({ seed: [IRSA_SEED, seed] });
  });
  afterAll(async () => {
    await iam?.stop();
  });

  it('IRSA with the wrong namespace: AWS’s text on the wire; `iamlocal decisions --denied` prints the trust policy, the :sub condition, wanted and seen', async () => {
    const token = await mintToken(iam.endpoint, 'demo', { namespace: 'default', serviceAccount: 'payments-api' });
    const e = await error(sts(iam).send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'sa', WebIdentityToken: token })));
    expect(e).toMatchObject({ name: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity' });

    const [rec] = iam.decisions({ action: 'sts:AssumeRoleWithWebIdentity', decision: 'denied' });
    expect(rec).toMatchObject({ outcome: 'denied', decision: 'implicitDeny', decidedBy: 'resource', principal: { type: 'WebIdentity', arn: null, source: 'web-identity-token' } });
    expect(rec!.failedConditions[0]).toMatchObject({
      policyType: 'resource',
      policyId: `${ROLE}/trust-policy`,
      operator: 'StringEquals',
      key: `${ISSUER}:sub`,
      wanted: ['system:serviceaccount:payments:payments-api'],
      seen: 'system:serviceaccount:default:payments-api',
    });
    expect(rec!.failedConditions[0]!.text).toContain('sts:AssumeRoleWithWebIdentity');

    const { stdout } = await run(process.execPath, ['--import', 'tsx', CLI, 'decisions', '--denied', '--endpoint', iam.endpoint], { cwd: ROOT_DIR, env: { ...process.env, IAMLOCAL_ENDPOINT: '' } });
    const block = stdout.slice(stdout.indexOf('sts:AssumeRoleWithWebIdentity'));
    expect(block).toContain(`trust policy`);
    expect(block).toContain(`${ROLE}/trust-policy`);
    expect(block).toContain(`StringEquals ${ISSUER}:sub`);
    expect(block).toContain('wanted [system:serviceaccount:payments:payments-api]');
    expect(block).toContain('seen   system:serviceaccount:default:payments-api');
    expect(stdout).not.toContain('ALLOW');
  });

  it('a boundary denial names the boundary, in the record and the decoded authorization message (no ALLOW statements listed)', async () => {
    const res = await signedQuery(iam.endpoint, { Action: 'ListUsers', Version: '2010-05-08' }, BOUNDED, { service: 'iam' });
    expect(res.status).toBe(403);
    expect(errorOf(res.body).message).toBe('User: arn:aws:iam::000000000000:user/bounded is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::000000000000:user/ because no permissions boundary allows the iam:ListUsers action');
    const [rec] = iam.decisions({ principal: 'arn:aws:iam::000000000000:user/bounded', action: 'iam:ListUsers' });
    expect(rec).toMatchObject({ decidedBy: 'boundary', decidingPolicy: { type: 'boundary', id: BOUNDARY_ARN, name: 'OnlyS3' }, principal: { type: 'IAMUser', name: 'bounded', source: 'access-key' } });
    expect(rec!.reason).toContain('no permissions boundary allows iam:ListUsers');
    expect(rec!.reason).toContain(BOUNDARY_ARN);
    expect(rec!.policies.find((p) => p.type === 'identity')).toMatchObject({ outcome: 'allow' });
    expect(rec!.policies.find((p) => p.type === 'boundary')).toMatchObject({ id: BOUNDARY_ARN, outcome: 'none' });

    const decoded = JSON.parse((await sts(iam).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: res.headers[AUTHORIZATION_MESSAGE_HEADER] as string }))).DecodedMessage!);
    expect(decoded.matchedStatements.items).toEqual([]);
    expect(decoded.context).toMatchObject({ action: 'iam:ListUsers', principal: { name: 'bounded', arn: 'arn:aws:iam::000000000000:user/bounded' } });
    expect(decoded.iamlocal).toMatchObject({ decidedBy: 'permissions boundary', policy: { type: 'permissions boundary', arn: BOUNDARY_ARN, name: 'OnlyS3' } });
  });

  it('AccessDenied for GetRole names `role NAME`, as AWS does', async () => {
    const e = await error(iamClient(iam, NOBODY).send(new GetRoleCommand({ RoleName: 'payments-api' })));
    expect(e.message).toBe('User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: iam:GetRole on resource: role payments-api because no identity-based policy allows the iam:GetRole action');
  });

  it('enforce mode denies; health says enforce', async () => {
    const e = await error(iamClient(iam, NOBODY).send(new ListRolesCommand({})));
    expect(e.name).toBe('AccessDenied');
    expect(iam.decisions({ principal: 'arn:aws:iam::000000000000:user/nobody', action: 'iam:ListRoles' }).at(-1)).toMatchObject({ outcome: 'denied' });
    expect(JSON.parse((await send(iam.endpoint, { method: 'GET', path: '/_iamlocal/health' })).body).enforcement).toBe('enforce');
  });

  it('extra checks (sts:TagSession) are records of their own; filters and paging work over HTTP', async () => {
    const before = iam.decisions().length;
    const session = await sts(iam, DEV).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/tagged', RoleSessionName: 'xy', Tags: [{ Key: 'team', Value: 'payments' }] }));
    // A role session's records carry the role's ARN (what policy generation groups by).
    const c = session.Credentials!;
    await error(iamClient(iam, { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! } as never).send(new ListRolesCommand({})));
    expect(iam.decisions({ principal: 'arn:aws:iam::000000000000:role/tagged' }).at(-1)).toMatchObject({
      action: 'iam:ListRoles',
      principal: { type: 'AssumedRole', arn: 'arn:aws:sts::000000000000:assumed-role/tagged/xy', roleArn: 'arn:aws:iam::000000000000:role/tagged', name: 'xy', source: 'AssumeRole' },
    });
    const assume = iam.decisions({ action: 'sts:AssumeRole' }).at(-1)!;
    const sameRequest = iam.decisions({ requestId: assume.requestId });
    expect(sameRequest.map((r) => r.action)).toEqual(['sts:AssumeRole', 'sts:TagSession']);
    expect(sameRequest.every((r) => r.outcome === 'allowed')).toBe(true);
    await sts(iam, BOUNDED)
      .send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'xy', WebIdentityToken: await mintToken(iam.endpoint, 'demo', { namespace: 'payments', serviceAccount: 'payments-api' }) }));
    const all = await admin(iam.endpoint, 'GET', '/_iamlocal/decisions?limit=2');
    expect(all.status).toBe(200);
    expect(all.json.decisions).toHaveLength(2);
    const next = await admin(iam.endpoint, 'GET', `/_iamlocal/decisions?limit=2&nextToken=${all.json.nextToken}`);
    expect(next.json.decisions[0].seq).toBeGreaterThan(all.json.decisions[1].seq);
    const allowed = await admin(iam.endpoint, 'GET', `/_iamlocal/decisions?action=sts:AssumeRoleWithWebIdentity&decision=allowed`);
    expect(allowed.json.decisions.at(-1)).toMatchObject({ outcome: 'allowed', reason: expect.stringContaining('allowed by resource-based policy') });
    const byId = await admin(iam.endpoint, 'GET', `/_iamlocal/decisions?requestId=${allowed.json.decisions.at(-1).requestId}`);
    expect(byId.json.decisions).toHaveLength(1);
    expect(iam.decisions().length).toBeGreaterThan(before);
    expect((await admin(iam.endpoint, 'GET', '/_iamlocal/decisions?decision=maybe')).status).toBe(400);
  });

  it('the decision endpoints need admin credentials', async () => {
    for (const path of ['/_iamlocal/decisions', '/_iamlocal/decisions/stream', '/_iamlocal/snapshots', '/_iamlocal/console/api/principals']) {
      expect((await send(iam.endpoint, { method: 'GET', path })).status, path).toBe(403);
    }
    expect((await admin(iam.endpoint, 'GET', '/_iamlocal/decisions', undefined, NOBODY)).status).toBe(403);
    expect((await send(iam.endpoint, { method: 'POST', path: '/_iamlocal/snapshots', headers: { 'content-type': 'application/json' }, body: '{"name":"x"}' })).status).toBe(403);
  });

  it('the stream sends new decisions as Server-Sent Events', async () => {
    const { signRequest } = await import('../../src/auth/sigv4');
    const url = `${iam.endpoint}/_iamlocal/decisions/stream?decision=denied`;
    const headers = signRequest({ method: 'GET', url, headers: {}, body: '' }, iam.credentials, { region: 'us-east-1', service: 'iamlocal', now: new Date() });
    const ac = new AbortController();
    const res = await fetch(url, { headers, signal: ac.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const reader = res.body!.getReader();
    let text = '';
    const read = async (until: string) => {
      while (!text.includes(until)) text += new TextDecoder().decode((await reader.read()).value);
    };
    await read('event: ready');
    await error(iamClient(iam, NOBODY).send(new ListUsersCommand({})));
    await read('iam:ListUsers');
    ac.abort();
    const data = text.split('\n').find((l) => l.startsWith('data:') && l.includes('iam:ListUsers'))!;
    expect(JSON.parse(data.slice(5))).toMatchObject({ action: 'iam:ListUsers', outcome: 'denied', principal: { arn: 'arn:aws:iam::000000000000:user/nobody' } });
  });
});

describe('audit mode', () => {
  let iam: IamLocal;
  beforeAll(async () => {
    iam = await startIamLocal({ seed, enforce: 'audit' });
  });
  afterAll(async () => {
    await iam?.stop();
  });

  it('lets a denied call succeed and records would-deny; health shows the mode', async () => {
    const out = await iamClient(iam, NOBODY).send(new ListRolesCommand({}));
    expect(out.Roles).toBeDefined();
    const rec = iam.decisions({ action: 'iam:ListRoles' }).at(-1);
    expect(rec).toMatchObject({ outcome: 'would-deny', decision: 'implicitDeny', decidedBy: 'identity', principal: { arn: 'arn:aws:iam::000000000000:user/nobody' } });
    expect(JSON.parse((await send(iam.endpoint, { method: 'GET', path: '/_iamlocal/health' })).body).enforcement).toBe('audit');
  });

  it('never relaxes SigV4: a bad signature is still refused', async () => {
    const e = await error(iamClient(iam, { accessKeyId: NOBODY.accessKeyId, secretAccessKey: 'wrong' }).send(new ListRolesCommand({})));
    expect(e.name).toBe('SignatureDoesNotMatch');
  });
});

describe('console data: principals and policies', () => {
  let iam: IamLocal;
  beforeAll(async () => {
    iam = await startIamLocal({ seed: fileURLToPath(new URL('../../seed/', import.meta.url)) });
  });
  afterAll(async () => {
    await iam?.stop();
  });

  it('lists roles with trust policies and boundaries, OIDC providers, clusters and SCPs by OU (admin access only)', async () => {
    const r = await admin(iam.endpoint, 'GET', '/_iamlocal/console/api/principals');
    expect(r.status).toBe(200);
    const acct = r.json.accounts.find((a: { id: string }) => a.id === '000000000000');
    const role = acct.roles.find((x: { name: string }) => x.name === 'payments-api');
    expect(JSON.parse(role.trustPolicy).Statement[0].Action).toBe('sts:AssumeRoleWithWebIdentity');
    expect(acct.oidcProviders.length).toBeGreaterThan(0);
    expect(r.json.clusters.map((c: { name: string }) => c.name)).toContain('demo');
    const root = r.json.organizations[0].root;
    expect(root.scps.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['FullAWSAccess', 'DenyLeavingOrganization']));
    const workloads = root.children.find((u: { name: string }) => u.name === 'Workloads');
    expect(workloads.scps.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['RequireIMDSv2', 'DenyRegionsOutsideUS']));
    expect((await admin(iam.endpoint, 'GET', '/_iamlocal/console/api/principals', undefined, NOBODY)).status).toBe(403);
  });
});
