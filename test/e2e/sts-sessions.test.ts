// STS session lifecycles with the real SDK v3 against a real server: role chaining's one-hour cap,
// ExternalId against the shipped cross-account trust policy (seed/30-cross-account-deployment.yaml),
// the admin test clock expiring a session, GetSessionToken / GetFederationToken / GetAccessKeyInfo, and
// DecodeAuthorizationMessage reading the message every AccessDenied carries.
import { CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  AssumeRoleCommand,
  DecodeAuthorizationMessageCommand,
  GetAccessKeyInfoCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
  GetSessionTokenCommand,
  STSClient,
} from '@aws-sdk/client-sts';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newAccessKeyId } from '../../src/aws/ids';
import { startIamLocal, type IamLocal } from '../../src/index';
import { seededIds } from '../../src/runtime';
import { totpCodeAt, totpStep } from '../../src/services/iam/mfa-totp';
import { AUTHORIZATION_MESSAGE_HEADER } from '../../src/authz/authorization-message';
import { admin } from '../helpers/admin-client';
import { DEV, e2eSeed, NOBODY, trustAccount } from '../helpers/e2e-seed';
import { errorOf, signedQuery } from '../helpers/raw-client';
import { error } from '../helpers/sdk-error';

const CROSS = fileURLToPath(new URL('../../seed/30-cross-account-deployment.yaml', import.meta.url));
const DEPLOYER = { accessKeyId: 'AKIAQAAAAAAABTHUGJX3', secretAccessKey: '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' };
const DEPLOYMENT_ROLE = 'arn:aws:iam::111111111111:role/DeploymentRole';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
let iam: IamLocal;
const sts = (credentials: Creds) => new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const iamClient = (credentials: Creds) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const credsOf = (c: { AccessKeyId?: string; SecretAccessKey?: string; SessionToken?: string } | undefined): Creds => ({
  accessKeyId: c!.AccessKeyId!,
  secretAccessKey: c!.SecretAccessKey!,
  sessionToken: c!.SessionToken!,
});

beforeAll(async () => {
  iam = await startIamLocal({
    seed: [
      CROSS,
      e2eSeed,
      {
        roles: [
          {
            name: 'chain-a',
            maxSessionDuration: 43200,
            trustPolicy: trustAccount(),
            inlinePolicies: { chain: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: 'arn:aws:iam::000000000000:role/chain-b' }] } },
          },
          { name: 'chain-b', maxSessionDuration: 43200, trustPolicy: trustAccount() },
        ],
      },
    ],
  });
});
afterAll(async () => {
  await iam?.stop();
});

describe('role chaining', () => {
  it('A → B with DurationSeconds 7200 fails with AWS’s message; 3600 works', async () => {
    const a = await sts(DEV).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/chain-a', RoleSessionName: 'first', DurationSeconds: 7200 }));
    expect(a.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(7100_000);
    const fromA = sts(credsOf(a.Credentials));
    // chain-a's own policies must allow sts:AssumeRole for the chained call to be authorized.
    const e = await error(fromA.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/chain-b', RoleSessionName: 'second', DurationSeconds: 7200 })));
    expect(e).toEqual({ name: 'ValidationError', message: 'The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.', status: 400 });
    const b = await fromA.send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/chain-b', RoleSessionName: 'second', DurationSeconds: 3600 }));
    expect(b.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/chain-b/second');
    const left = b.Credentials!.Expiration!.getTime() - Date.now();
    expect(left).toBeGreaterThan(3500_000);
    expect(left).toBeLessThanOrEqual(3600_000);
    expect((await sts(credsOf(b.Credentials)).send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::000000000000:assumed-role/chain-b/second');
  });
});

describe('ExternalId against the cross-account DeploymentRole', () => {
  const deployer = () => sts(DEPLOYER);
  const denied = `User: arn:aws:iam::000000000000:user/deployer is not authorized to perform: sts:AssumeRole on resource: ${DEPLOYMENT_ROLE}`;

  it('the right ExternalId → a session in account 111111111111 (up to the role’s 7200 s)', async () => {
    const out = await deployer().send(new AssumeRoleCommand({ RoleArn: DEPLOYMENT_ROLE, RoleSessionName: 'deploy', ExternalId: 'deploy-7f3a9c', DurationSeconds: 7200 }));
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::111111111111:assumed-role/DeploymentRole/deploy');
    const who = await sts(credsOf(out.Credentials)).send(new GetCallerIdentityCommand({}));
    expect(who.Account).toBe('111111111111');
  });

  it('no ExternalId → AccessDenied', async () => {
    expect(await error(deployer().send(new AssumeRoleCommand({ RoleArn: DEPLOYMENT_ROLE, RoleSessionName: 'deploy' })))).toEqual({ name: 'AccessDenied', message: denied, status: 403 });
  });

  it('a wrong ExternalId → the same AccessDenied', async () => {
    expect(await error(deployer().send(new AssumeRoleCommand({ RoleArn: DEPLOYMENT_ROLE, RoleSessionName: 'deploy', ExternalId: 'deploy-7f3a9d' })))).toEqual({
      name: 'AccessDenied',
      message: denied,
      status: 403,
    });
  });

  it('the right ExternalId but a duration above MaxSessionDuration → ValidationError', async () => {
    expect(await error(deployer().send(new AssumeRoleCommand({ RoleArn: DEPLOYMENT_ROLE, RoleSessionName: 'deploy', ExternalId: 'deploy-7f3a9c', DurationSeconds: 7201 })))).toEqual({
      name: 'ValidationError',
      message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.',
      status: 400,
    });
  });
});

describe('the admin test clock', () => {
  it('moving the clock past a session’s Expiration makes the next call ExpiredToken; admin calls keep working', async () => {
    const out = await sts(DEV).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/chain-a', RoleSessionName: 'clock', DurationSeconds: 900 }));
    const session = sts(credsOf(out.Credentials));
    expect((await session.send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:sts::000000000000:assumed-role/chain-a/clock');
    // Two hours ahead: far outside SigV4's 15-minute window, yet the (real-time-signed) admin call is accepted.
    const moved = await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { advanceSeconds: 7200 });
    expect(moved.status).toBe(200);
    try {
      expect(await error(session.send(new GetCallerIdentityCommand({})))).toEqual({ name: 'ExpiredToken', message: 'The security token included in the request is expired', status: 403 });
      // Long-term keys still work while the clock is moved.
      expect((await sts(DEV).send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::000000000000:user/dev');
    } finally {
      expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { reset: true })).status).toBe(200);
    }
  });
});

describe('GetSessionToken', () => {
  it('gives the user’s own identity for 12 h by default; IAM refuses the credentials without MFA; they cannot mint more', async () => {
    const out = await sts(DEV).send(new GetSessionTokenCommand({}));
    const exp = out.Credentials!.Expiration!.getTime() - Date.now();
    expect(exp).toBeGreaterThan(43100_000);
    expect(exp).toBeLessThanOrEqual(43200_000);
    const creds = credsOf(out.Credentials);
    expect((await sts(creds).send(new GetCallerIdentityCommand({}))).Arn).toBe('arn:aws:iam::000000000000:user/dev');
    expect(await error(iamClient(creds).send(new ListRolesCommand({})))).toEqual({ name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid', status: 403 });
    expect(await error(sts(creds).send(new GetSessionTokenCommand({})))).toEqual({ name: 'AccessDenied', message: 'Cannot call GetSessionToken with session credentials', status: 403 });
    // AssumeRole with GetSessionToken credentials is allowed.
    const assumed = await sts(creds).send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/chain-a', RoleSessionName: 'from-gst' }));
    expect(assumed.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/chain-a/from-gst');
  });

  it('with a virtual MFA device created and enabled through IAM, MFA session credentials may call IAM', async () => {
    const device = await iamClient(DEV).send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'dev-phone' }));
    const serial = device.VirtualMFADevice!.SerialNumber!;
    const seed = new TextDecoder().decode(device.VirtualMFADevice!.Base32StringSeed!);
    const step = totpStep(new Date());
    await iamClient(DEV).send(new EnableMFADeviceCommand({ UserName: 'dev', SerialNumber: serial, AuthenticationCode1: totpCodeAt(seed, step - 1), AuthenticationCode2: totpCodeAt(seed, step) }));
    // Codes of steps already used by EnableMFADevice are refused; the next one works.
    expect(await error(sts(DEV).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: totpCodeAt(seed, step) })))).toEqual({
      name: 'AccessDenied',
      message: 'MultiFactorAuthentication failed with invalid MFA one time pass code.',
      status: 403,
    });
    const out = await sts(DEV).send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: totpCodeAt(seed, step + 1), DurationSeconds: 900 }));
    const listed = await iamClient(credsOf(out.Credentials)).send(new ListRolesCommand({}));
    expect(listed.Roles?.map((r) => r.RoleName)).toContain('chain-a');
  });

  it('the root user’s session is capped at one hour; 129601 s is a ValidationError', async () => {
    const out = await sts(iam.rootCredentials).send(new GetSessionTokenCommand({ DurationSeconds: 129600 }));
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(await error(sts(DEV).send(new GetSessionTokenCommand({ DurationSeconds: 129601 })))).toEqual({
      name: 'ValidationError',
      message: "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600",
      status: 400,
    });
  });
});

describe('GetFederationToken', () => {
  it('a federated-user session: its identity, IAM refusing it, and no further tokens', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }] });
    const out = await sts(DEV).send(new GetFederationTokenCommand({ Name: 'bob', Policy: policy, DurationSeconds: 900 }));
    expect(out.FederatedUser).toEqual({ FederatedUserId: '000000000000:bob', Arn: 'arn:aws:sts::000000000000:federated-user/bob' });
    expect(out.PackedPolicySize).toBeGreaterThan(0);
    const bob = credsOf(out.Credentials);
    expect(await sts(bob).send(new GetCallerIdentityCommand({}))).toMatchObject({ Arn: 'arn:aws:sts::000000000000:federated-user/bob', UserId: '000000000000:bob' });
    // "You cannot call any IAM operations" with these credentials — even one the session policy allows.
    expect(await error(iamClient(bob).send(new ListRolesCommand({})))).toEqual({ name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid', status: 403 });

    const bare = await sts(DEV).send(new GetFederationTokenCommand({ Name: 'carol' }));
    expect(bare.PackedPolicySize).toBe(0);
    expect(await error(sts(bob).send(new GetFederationTokenCommand({ Name: 'dave' })))).toEqual({
      name: 'AccessDenied',
      message: 'Cannot call GetFederationToken with session credentials',
      status: 403,
    });
  });

  it('a user without sts:GetFederationToken is denied on the federated-user ARN', async () => {
    const e = await error(sts(NOBODY).send(new GetFederationTokenCommand({ Name: 'eve' })));
    expect(e).toEqual({
      name: 'AccessDenied',
      message: 'User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: sts:GetFederationToken on resource: arn:aws:sts::000000000000:federated-user/eve because no identity-based policy allows the sts:GetFederationToken action',
      status: 403,
    });
  });
});

describe('GetAccessKeyInfo', () => {
  it('names the account of issued keys and decodes ids it never issued', async () => {
    expect((await sts(DEV).send(new GetAccessKeyInfoCommand({ AccessKeyId: DEPLOYER.accessKeyId }))).Account).toBe('000000000000');
    const foreign = newAccessKeyId(seededIds(3), 'AKIA', '123456789012');
    expect((await sts(DEV).send(new GetAccessKeyInfoCommand({ AccessKeyId: foreign }))).Account).toBe('123456789012');
    const session = await sts(DEPLOYER).send(new AssumeRoleCommand({ RoleArn: DEPLOYMENT_ROLE, RoleSessionName: 'info', ExternalId: 'deploy-7f3a9c' }));
    expect((await sts(DEV).send(new GetAccessKeyInfoCommand({ AccessKeyId: session.Credentials!.AccessKeyId! }))).Account).toBe('111111111111');
    expect(await error(sts(NOBODY).send(new GetAccessKeyInfoCommand({ AccessKeyId: foreign })))).toMatchObject({ name: 'AccessDenied', status: 403 });
  });
});

describe('DecodeAuthorizationMessage', () => {
  it('every AccessDenied carries an encoded message that decodes to AWS’s JSON shape for a permitted caller', async () => {
    const res = await signedQuery(iam.endpoint, { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'x', AssumeRolePolicyDocument: trustAccount() }, NOBODY, { service: 'iam' });
    expect(res.status).toBe(403);
    expect(errorOf(res.body).code).toBe('AccessDenied');
    const encoded = res.headers[AUTHORIZATION_MESSAGE_HEADER] as string;
    // A reference to the decision the server holds (128 random bits), not the decision itself.
    expect(encoded).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from(encoded, 'base64url').toString('latin1')).not.toContain('CreateRole');

    const out = await sts(DEV).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: encoded }));
    const decoded = JSON.parse(out.DecodedMessage!);
    expect(decoded).toMatchObject({
      allowed: false,
      explicitDeny: false,
      matchedStatements: { items: [] },
      context: { principal: { arn: 'arn:aws:iam::000000000000:user/nobody' }, action: 'iam:CreateRole', resource: 'arn:aws:iam::000000000000:role/x' },
    });
    expect(decoded.context.conditions.items).toContainEqual({ key: 'aws:username', values: { items: [{ value: 'nobody' }] } });

    // The caller needs sts:DecodeAuthorizationMessage; its own denial carries a message too.
    const denied = await signedQuery(iam.endpoint, { Action: 'DecodeAuthorizationMessage', Version: '2011-06-15', EncodedMessage: encoded }, NOBODY);
    expect(denied.status).toBe(403);
    expect(errorOf(denied.body).message).toBe(
      'User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: sts:DecodeAuthorizationMessage because no identity-based policy allows the sts:DecodeAuthorizationMessage action',
    );
    expect(denied.headers[AUTHORIZATION_MESSAGE_HEADER]).toMatch(/^\S{16,}$/);
  });

  it('an explicit deny decodes with the matched statement', async () => {
    const out = await sts(DEV).send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::000000000000:role/chain-a',
        RoleSessionName: 'limited',
        Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoRoles', Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*' }, { Effect: 'Allow', Action: '*', Resource: '*' }] }),
      }),
    );
    const res = await signedQuery(iam.endpoint, { Action: 'ListRoles', Version: '2010-05-08' }, credsOf(out.Credentials), { service: 'iam' });
    expect(res.status).toBe(403);
    const decoded = JSON.parse((await sts(DEV).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: res.headers[AUTHORIZATION_MESSAGE_HEADER] as string }))).DecodedMessage!);
    expect(decoded.allowed).toBe(false);
    expect(decoded.explicitDeny).toBe(true);
    expect(decoded.matchedStatements.items).toContainEqual(
      expect.objectContaining({ statementId: 'NoRoles', effect: 'DENY', actions: { items: [{ value: 'iam:ListRoles' }] }, resources: { items: [{ value: '*' }] } }),
    );
  });

  it('anything not sealed by this server → InvalidAuthorizationMessageException', async () => {
    const e = await error(sts(DEV).send(new DecodeAuthorizationMessageCommand({ EncodedMessage: Buffer.from('{"allowed":true}').toString('base64url') })));
    expect(e).toEqual({ name: 'InvalidAuthorizationMessageException', message: 'The message passed to DecodeAuthorizationMessage was invalid.', status: 400 });
  });
});
