// e2e over the shipped seed/ directory with SDK v3: the DeveloperBoundary delegation pattern, the
// cross-account DeploymentRole with its ExternalId, the mock EKS issuer of the IRSA scenario and the
// mock SAML IdP of the SSO scenario.
import { CreateRoleCommand, IAMClient, PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';
import { send } from '../helpers/raw-client';

const DEVELOPER = { accessKeyId: 'AKIAQAAAAAAADO3VFQIT', secretAccessKey: '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' };
const DEPLOYER = { accessKeyId: 'AKIAQAAAAAAABTHUGJX3', secretAccessKey: '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' };
const BOUNDARY = 'arn:aws:iam::000000000000:policy/DeveloperBoundary';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

let iam: IamLocal;
beforeAll(async () => {
  iam = await startIamLocal({ seed: 'seed' });
});
afterAll(async () => {
  await iam?.stop();
});

const iamAs = (credentials: { accessKeyId: string; secretAccessKey: string }) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const stsAs = (credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }) => new STSClient({ endpoint: iam.endpoint, region: 'us-west-2', credentials, maxAttempts: 1 });

async function failure(p: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await p;
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
  throw new Error('expected an error');
}

describe('DeveloperBoundary delegation', () => {
  it('creating an /app/ role without the boundary is denied, with it allowed', async () => {
    const denied = await failure(iamAs(DEVELOPER).send(new CreateRoleCommand({ RoleName: 'svc', Path: '/app/', AssumeRolePolicyDocument: trust })));
    expect(denied).toEqual({
      name: 'AccessDenied',
      message: 'User: arn:aws:iam::000000000000:user/developer is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::000000000000:role/app/svc because no identity-based policy allows the iam:CreateRole action',
    });
    const other = await failure(iamAs(DEVELOPER).send(new CreateRoleCommand({ RoleName: 'svc', Path: '/app/', AssumeRolePolicyDocument: trust, PermissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess' })));
    expect(other.name).toBe('AccessDenied');
    const ok = await iamAs(DEVELOPER).send(new CreateRoleCommand({ RoleName: 'svc', Path: '/app/', AssumeRolePolicyDocument: trust, PermissionsBoundary: BOUNDARY }));
    expect(ok.Role?.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY });
    // Roles outside /app/ stay off limits even with the boundary.
    const outside = await failure(iamAs(DEVELOPER).send(new CreateRoleCommand({ RoleName: 'svc2', AssumeRolePolicyDocument: trust, PermissionsBoundary: BOUNDARY })));
    expect(outside.name).toBe('AccessDenied');
  });

  it('inline policies may be added to a bounded /app/ role', async () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    await iamAs(DEVELOPER).send(new PutRolePolicyCommand({ RoleName: 'svc', PolicyName: 'read', PolicyDocument: doc }));
  });
});

describe('cross-account DeploymentRole', () => {
  const ROLE = 'arn:aws:iam::111111111111:role/DeploymentRole';

  it('assumable with the ExternalId, up to its MaxSessionDuration', async () => {
    const out = await stsAs(DEPLOYER).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci', ExternalId: 'deploy-7f3a9c', DurationSeconds: 7200 }));
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111111111111:assumed-role/DeploymentRole/ci');
    const c = out.Credentials!;
    const who = await stsAs({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('111111111111');
  });

  it('denied without or with a wrong ExternalId', async () => {
    const msg = `User: arn:aws:iam::000000000000:user/deployer is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`;
    expect(await failure(stsAs(DEPLOYER).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci' })))).toEqual({ name: 'AccessDenied', message: msg });
    expect(await failure(stsAs(DEPLOYER).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci', ExternalId: 'guess' })))).toEqual({ name: 'AccessDenied', message: msg });
  });

  it('cross-account needs the caller identity permission too: the developer is trusted by account but not allowed', async () => {
    const e = await failure(stsAs(DEVELOPER).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'ci', ExternalId: 'deploy-7f3a9c' })));
    expect(e.name).toBe('AccessDenied');
  });
});

describe('IRSA mock EKS issuer', () => {
  it('serves discovery and JWKS for the seeded cluster', async () => {
    const base = '/_iamlocal/oidc/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D';
    const disc = await send(iam.endpoint, { method: 'GET', path: `${base}/.well-known/openid-configuration` });
    expect(JSON.parse(disc.body)).toMatchObject({ issuer: 'https://oidc.eks.us-east-1.amazonaws.com/id/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D', jwks_uri: 'https://oidc.eks.us-east-1.amazonaws.com/id/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D/keys' });
    const keys = JSON.parse((await send(iam.endpoint, { method: 'GET', path: `${base}/keys` })).body);
    expect(keys.keys[0]).toMatchObject({ use: 'sig', kty: 'RSA', alg: 'RS256' });
    expect(keys.keys[0].d).toBeUndefined();
  });
});

describe('quick-start admin user', () => {
  it('creates a role and assumes it (root cannot)', async () => {
    const ADMIN = { accessKeyId: 'test', secretAccessKey: 'test' };
    const account = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] });
    const role = await iamAs(ADMIN).send(new CreateRoleCommand({ RoleName: 'quick-start', AssumeRolePolicyDocument: account }));
    const out = await stsAs(ADMIN).send(new AssumeRoleCommand({ RoleArn: role.Role!.Arn!, RoleSessionName: 'me' }));
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/quick-start/me');
  });
});

describe('SAML SSO (70-saml-sso.yaml)', () => {
  it('a response from the mock IdP corp gets SSODeveloper credentials', async () => {
    const role = 'arn:aws:iam::000000000000:role/SSODeveloper';
    const minted = await admin<{ samlResponse: string }>(iam.endpoint, 'POST', '/_iamlocal/saml-idps/corp/responses', { subject: 'alice@corp.example', roles: [role] });
    expect(minted.status, minted.text).toBe(200);
    const out = await stsAs({ accessKeyId: 'x', secretAccessKey: 'x' }).send(new AssumeRoleWithSAMLCommand({ RoleArn: role, PrincipalArn: 'arn:aws:iam::000000000000:saml-provider/corp', SAMLAssertion: minted.json.samlResponse }));
    expect(out.Issuer).toBe('https://sso.corp.example/saml');
    const c = out.Credentials!;
    const who = await stsAs({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:sts::000000000000:assumed-role/SSODeveloper/alice@corp.example');
  });
});
