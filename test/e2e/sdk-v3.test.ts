// e2e with the real AWS SDK for JavaScript v3 against a real iamlocal on an ephemeral port:
// create role → assume → GetCallerIdentity, and the acceptance errors of issue 2.
import { CreateRoleCommand, DeleteRoleCommand, GetRoleCommand, IAMClient, paginateListRoles, PutRolePolicyCommand, GetRolePolicyCommand } from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed, NOBODY, trustAccount, trustLambdaOnly } from '../helpers/e2e-seed';
import { admin } from '../helpers/admin-client';
import { error } from '../helpers/sdk-error';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let iam: IamLocal;
const sts = (credentials: Creds, endpoint = iam.endpoint) => new STSClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const iamClient = (credentials: Creds) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

beforeAll(async () => {
  iam = await startIamLocal({ seed: e2eSeed });
});
afterAll(async () => {
  await iam?.stop();
});

describe('SDK v3: create role → assume → caller identity', () => {
  it('root key identifies as the account root', async () => {
    const id = await sts(iam.rootCredentials).send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root', UserId: '000000000000' });
  });

  it('a created role can be assumed and the session identifies as assumed-role/NAME/SESSION', async () => {
    const created = await iamClient(DEV).send(new CreateRoleCommand({ RoleName: 'e2e-app', AssumeRolePolicyDocument: trustAccount() }));
    expect(created.Role?.Arn).toBe('arn:aws:iam::000000000000:role/e2e-app');
    expect(created.Role?.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(decodeURIComponent(created.Role!.AssumeRolePolicyDocument!)).toBe(trustAccount());

    const assumed = await sts(DEV).send(new AssumeRoleCommand({ RoleArn: created.Role!.Arn!, RoleSessionName: 'sess1' }));
    expect(assumed.Credentials?.AccessKeyId).toMatch(/^ASIA[A-Z2-7]{16}$/);
    expect(assumed.AssumedRoleUser).toEqual({ Arn: 'arn:aws:sts::000000000000:assumed-role/e2e-app/sess1', AssumedRoleId: `${created.Role!.RoleId}:sess1` });
    expect(assumed.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(3500_000);

    const c = assumed.Credentials!;
    const who = await sts({ accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! }).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe('arn:aws:sts::000000000000:assumed-role/e2e-app/sess1');
    expect(who.UserId).toBe(`${created.Role!.RoleId}:sess1`);
  });

  it('test/test (the default, as in LocalStack and moto) is the IAM user admin, which can create and assume a role at once', async () => {
    const defaults = { accessKeyId: 'test', secretAccessKey: 'test' };
    expect(iam.credentials).toEqual(defaults);
    const id = await sts(defaults).send(new GetCallerIdentityCommand({}));
    expect(id).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:iam::000000000000:user/admin' });
    const created = await iamClient(defaults).send(new CreateRoleCommand({ RoleName: 'first-hour', AssumeRolePolicyDocument: trustAccount() }));
    const assumed = await sts(defaults).send(new AssumeRoleCommand({ RoleArn: created.Role!.Arn!, RoleSessionName: 'demo' }));
    expect(assumed.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/first-hour/demo');
  });

  it('the default user comes back after a reset, and defaultUser: false issues no test/test key', async () => {
    const other = await startIamLocal({ defaultUser: false });
    try {
      expect(other.credentials).toEqual({ accessKeyId: '', secretAccessKey: '' });
      expect((await error(sts({ accessKeyId: 'test', secretAccessKey: 'test' }, other.endpoint).send(new GetCallerIdentityCommand({})))).name).toBe('InvalidClientTokenId');
    } finally {
      await other.stop();
    }
    const fresh = await startIamLocal();
    try {
      expect((await admin(fresh.endpoint, 'POST', '/_iamlocal/reset')).status).toBe(200);
      expect((await sts({ accessKeyId: 'test', secretAccessKey: 'test' }, fresh.endpoint).send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::000000000000:user/admin');
    } finally {
      await fresh.stop();
    }
  });

  it('root cannot assume roles', async () => {
    const e = await error(sts(iam.rootCredentials).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/e2e-app', RoleSessionName: 'x1' })));
    expect(e).toMatchObject({ name: 'AccessDenied', message: 'Roles may not be assumed by root accounts.', status: 403 });
  });

  it('a role whose trust policy does not allow the caller → AccessDenied', async () => {
    await iamClient(DEV).send(new CreateRoleCommand({ RoleName: 'lambda-only', AssumeRolePolicyDocument: trustLambdaOnly }));
    const e = await error(sts(DEV).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/lambda-only', RoleSessionName: 's' + 'x' })));
    expect(e.name).toBe('AccessDenied');
    expect(e.status).toBe(403);
    expect(e.message).toBe('User: arn:aws:iam::000000000000:user/dev is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/lambda-only');
  });

  it('a role that does not exist → the same AccessDenied', async () => {
    const e = await error(sts(DEV).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/nope', RoleSessionName: 'sx' })));
    expect(e.message).toBe('User: arn:aws:iam::000000000000:user/dev is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/nope');
  });

  it('a user without permissions is denied iam:CreateRole with the reason', async () => {
    const e = await error(iamClient(NOBODY).send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: trustAccount() })));
    expect(e).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(e.message).toBe('User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::000000000000:role/x because no identity-based policy allows the iam:CreateRole action');
  });
});

describe('SDK v3: authentication failures', () => {
  it('wrong secret → SignatureDoesNotMatch', async () => {
    const e = await error(sts({ accessKeyId: 'test', secretAccessKey: 'wrong' }).send(new GetCallerIdentityCommand({})));
    expect(e).toMatchObject({ name: 'SignatureDoesNotMatch', status: 403 });
    expect(e.message).toMatch(/^The request signature we calculated does not match/);
  });

  it('unknown key → InvalidClientTokenId', async () => {
    const e = await error(sts({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }).send(new GetCallerIdentityCommand({})));
    expect(e).toMatchObject({ name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid', status: 403 });
  });

  it('session past its expiry (clock advanced) → ExpiredToken', async () => {
    const assumed = await sts(DEV).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/e2e-app', RoleSessionName: 'short', DurationSeconds: 900 }));
    const c = assumed.Credentials!;
    const creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    await sts(creds).send(new GetCallerIdentityCommand({}));
    iam.clock.advance(901_000);
    try {
      // SDK v3 corrects its clock from the Date header; the signature window is fine, the session is not.
      const e = await error(sts(creds).send(new GetCallerIdentityCommand({})));
      expect(e).toMatchObject({ name: 'ExpiredToken', message: 'The security token included in the request is expired', status: 403 });
    } finally {
      iam.clock.advance(-901_000);
    }
  });
});

describe('SDK v3: IAM roles', () => {
  it('ListRoles paginator walks every page', async () => {
    for (let i = 0; i < 7; i++) {
      await iamClient(DEV).send(new CreateRoleCommand({ RoleName: `page-${i}`, Path: '/paging/', AssumeRolePolicyDocument: trustAccount() }));
    }
    const names: string[] = [];
    for await (const page of paginateListRoles({ client: iamClient(DEV), pageSize: 3 }, { PathPrefix: '/paging/' })) {
      names.push(...(page.Roles ?? []).map((r) => r.RoleName!));
    }
    expect(names).toEqual(['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
  });

  it('MalformedPolicyDocument for bad JSON', async () => {
    const e = await error(iamClient(DEV).send(new CreateRoleCommand({ RoleName: 'bad', AssumeRolePolicyDocument: '{not json' })));
    expect(e).toMatchObject({ name: 'MalformedPolicyDocumentException', status: 400 });
  });

  it('inline policy round-trips percent-encoded; DeleteRole conflicts while it exists', async () => {
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/a b' }] });
    await iamClient(DEV).send(new PutRolePolicyCommand({ RoleName: 'e2e-app', PolicyName: 'p1', PolicyDocument: doc }));
    const got = await iamClient(DEV).send(new GetRolePolicyCommand({ RoleName: 'e2e-app', PolicyName: 'p1' }));
    expect(got.PolicyDocument).toContain('%20');
    expect(decodeURIComponent(got.PolicyDocument!)).toBe(doc);
    const e = await error(iamClient(DEV).send(new DeleteRoleCommand({ RoleName: 'e2e-app' })));
    expect(e).toMatchObject({ name: 'DeleteConflictException', message: 'Cannot delete entity, must delete policies first.', status: 409 });
  });

  it('GetRole of a missing role → NoSuchEntity', async () => {
    const e = await error(iamClient(DEV).send(new GetRoleCommand({ RoleName: 'missing' })));
    expect(e).toMatchObject({ name: 'NoSuchEntityException', message: 'The role with name missing cannot be found.', status: 404 });
  });
});
