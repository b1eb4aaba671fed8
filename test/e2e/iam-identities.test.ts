// e2e for IAM identities with the real AWS SDK v3 and the AWS CLI against a real iamlocal on an ephemeral
// port: create user → create key → call as that user (denied, then allowed by a user policy, then by a
// group policy through membership) → deactivate the key (refused at authentication) → delete everything;
// ListUsers/ListGroups paginators; a virtual MFA device enabled with computed TOTP codes.
import {
  AddUserToGroupCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteAccessKeyCommand,
  DeleteGroupCommand,
  DeleteGroupPolicyCommand,
  DeleteUserCommand,
  DeleteUserPolicyCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetAccessKeyLastUsedCommand,
  GetGroupCommand,
  GetUserCommand,
  GetUserPolicyCommand,
  IAMClient,
  ListAccessKeysCommand,
  ListGroupsCommand,
  ListMFADevicesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  paginateGetGroup,
  paginateListGroups,
  paginateListUsers,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
  RemoveUserFromGroupCommand,
  UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { totpCode, totpCodeAt, totpStep } from '../../src/services/iam/mfa-totp';
import { awsCli, type CliResult } from '../helpers/aws-cli';
import { error } from '../helpers/sdk-error';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

let iam: IamLocal;
let home: string;
const iamClient = (credentials: Creds) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const root = () => iamClient(iam.rootCredentials);

const allow = (...actions: string[]) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });

beforeAll(async () => {
  iam = await startIamLocal();
  home = mkdtempSync(join(tmpdir(), 'iamlocal-identities-cli-'));
});
afterAll(async () => {
  await iam?.stop();
});

describe('SDK v3: user → key → permissions → deactivate → delete', () => {
  it('walks the whole lifecycle with AWS errors at each refusal', async () => {
    const created = await root().send(new CreateUserCommand({ UserName: 'e2e-alice', Path: '/people/' }));
    expect(created.User).toMatchObject({ UserName: 'e2e-alice', Path: '/people/', Arn: 'arn:aws:iam::000000000000:user/people/e2e-alice' });
    expect(created.User!.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);

    const { AccessKey: key } = await root().send(new CreateAccessKeyCommand({ UserName: 'e2e-alice' }));
    expect(key).toMatchObject({ UserName: 'e2e-alice', Status: 'Active' });
    expect(key!.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    const alice: Creds = { accessKeyId: key!.AccessKeyId!, secretAccessKey: key!.SecretAccessKey! };

    // The new key works at once; STS says who it is.
    const who = await new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: alice, maxAttempts: 1 }).send(new GetCallerIdentityCommand({}));
    expect(who).toMatchObject({ Arn: 'arn:aws:iam::000000000000:user/people/e2e-alice', UserId: created.User!.UserId, Account: '000000000000' });

    // No policy: denied, with AWS's reason.
    const denied = await error(iamClient(alice).send(new ListUsersCommand({})));
    expect(denied).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(denied.message).toBe(
      'User: arn:aws:iam::000000000000:user/people/e2e-alice is not authorized to perform: iam:ListUsers on resource: arn:aws:iam::000000000000:user/ because no identity-based policy allows the iam:ListUsers action',
    );

    // A user policy allows it; GetUserPolicy returns the document percent-encoded.
    await root().send(new PutUserPolicyCommand({ UserName: 'e2e-alice', PolicyName: 'self', PolicyDocument: allow('iam:ListUsers', 'iam:GetUser', 'iam:ListAccessKeys', 'iam:ListMFADevices') }));
    const listed = await iamClient(alice).send(new ListUsersCommand({ PathPrefix: '/people/' }));
    expect(listed.Users!.map((u) => u.UserName)).toEqual(['e2e-alice']);
    const me = await iamClient(alice).send(new GetUserCommand({}));
    expect(me.User).toMatchObject({ UserName: 'e2e-alice', Arn: 'arn:aws:iam::000000000000:user/people/e2e-alice' });
    const pol = await root().send(new GetUserPolicyCommand({ UserName: 'e2e-alice', PolicyName: 'self' }));
    expect(JSON.parse(decodeURIComponent(pol.PolicyDocument!))).toEqual(JSON.parse(allow('iam:ListUsers', 'iam:GetUser', 'iam:ListAccessKeys', 'iam:ListMFADevices')));

    // A group grants through membership only.
    await root().send(new CreateGroupCommand({ GroupName: 'e2e-readers' }));
    await root().send(new PutGroupPolicyCommand({ GroupName: 'e2e-readers', PolicyName: 'groups', PolicyDocument: allow('iam:ListGroups') }));
    expect((await error(iamClient(alice).send(new ListGroupsCommand({})))).name).toBe('AccessDenied');
    await root().send(new AddUserToGroupCommand({ GroupName: 'e2e-readers', UserName: 'e2e-alice' }));
    const groups = await iamClient(alice).send(new ListGroupsCommand({}));
    expect(groups.Groups!.map((g) => g.GroupName)).toContain('e2e-readers');
    const g = await root().send(new GetGroupCommand({ GroupName: 'e2e-readers' }));
    expect(g.Users!.map((u) => u.UserName)).toEqual(['e2e-alice']);

    // Last use is recorded per service and region.
    const last = await root().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: alice.accessKeyId }));
    expect(last.UserName).toBe('e2e-alice');
    expect(last.AccessKeyLastUsed).toMatchObject({ ServiceName: 'iam', Region: 'us-east-1' });
    expect(last.AccessKeyLastUsed!.LastUsedDate).toBeInstanceOf(Date);
    const unknown = await error(root().send(new GetAccessKeyLastUsedCommand({ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' })));
    expect(unknown).toMatchObject({
      name: 'AccessDenied',
      message: 'User: arn:aws:iam::000000000000:root is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE',
    });

    // A third key is over the quota.
    await root().send(new CreateAccessKeyCommand({ UserName: 'e2e-alice' }));
    expect(await error(root().send(new CreateAccessKeyCommand({ UserName: 'e2e-alice' })))).toMatchObject({
      name: 'LimitExceededException', message: 'Cannot exceed quota for AccessKeysPerUser: 2', status: 409,
    });

    // Inactive: refused at authentication, exactly like an unknown key.
    await root().send(new UpdateAccessKeyCommand({ UserName: 'e2e-alice', AccessKeyId: alice.accessKeyId, Status: 'Inactive' }));
    expect(await error(iamClient(alice).send(new ListUsersCommand({})))).toMatchObject({
      name: 'InvalidClientTokenId', message: 'The security token included in the request is invalid', status: 403,
    });
    const keys = await root().send(new ListAccessKeysCommand({ UserName: 'e2e-alice' }));
    expect(keys.AccessKeyMetadata!.find((k) => k.AccessKeyId === alice.accessKeyId)!.Status).toBe('Inactive');

    // Delete everything; DeleteUser says what is still in the way.
    expect(await error(root().send(new DeleteUserCommand({ UserName: 'e2e-alice' })))).toMatchObject({
      name: 'DeleteConflictException', message: 'Cannot delete entity, must delete access keys first.', status: 409,
    });
    for (const k of keys.AccessKeyMetadata!) await root().send(new DeleteAccessKeyCommand({ UserName: 'e2e-alice', AccessKeyId: k.AccessKeyId }));
    expect((await error(root().send(new DeleteUserCommand({ UserName: 'e2e-alice' })))).message).toBe('Cannot delete entity, must delete policies first.');
    await root().send(new DeleteUserPolicyCommand({ UserName: 'e2e-alice', PolicyName: 'self' }));
    expect((await error(root().send(new DeleteGroupCommand({ GroupName: 'e2e-readers' })))).message).toBe('Cannot delete entity, must remove users from group first.');
    expect((await error(root().send(new DeleteUserCommand({ UserName: 'e2e-alice' })))).message).toBe('Cannot delete entity, must remove users from group first.');
    await root().send(new RemoveUserFromGroupCommand({ GroupName: 'e2e-readers', UserName: 'e2e-alice' }));
    await root().send(new DeleteUserCommand({ UserName: 'e2e-alice' }));
    await root().send(new DeleteGroupPolicyCommand({ GroupName: 'e2e-readers', PolicyName: 'groups' }));
    await root().send(new DeleteGroupCommand({ GroupName: 'e2e-readers' }));
    expect(await error(root().send(new GetUserCommand({ UserName: 'e2e-alice' })))).toMatchObject({
      name: 'NoSuchEntityException', message: 'The user with name e2e-alice cannot be found.', status: 404,
    });
    expect((await error(root().send(new GetGroupCommand({ GroupName: 'e2e-readers' })))).message).toBe('The group with name e2e-readers cannot be found.');
  });
});

describe('SDK v3: paginators', () => {
  it('paginateListUsers, paginateListGroups and paginateGetGroup walk every page with a small page size', async () => {
    const names = ['p-e', 'p-a', 'p-d', 'p-c', 'p-b'];
    await root().send(new CreateGroupCommand({ GroupName: 'pg-all', Path: '/paging/' }));
    for (const n of names) {
      await root().send(new CreateUserCommand({ UserName: n, Path: '/paging/' }));
      await root().send(new CreateGroupCommand({ GroupName: `g${n}`, Path: '/paging/' }));
      await root().send(new AddUserToGroupCommand({ GroupName: 'pg-all', UserName: n }));
    }
    const users: string[] = [];
    let pages = 0;
    for await (const page of paginateListUsers({ client: root(), pageSize: 2 }, { PathPrefix: '/paging/' })) {
      pages++;
      users.push(...page.Users!.map((u) => u.UserName!));
    }
    expect(users).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
    expect(pages).toBe(3);

    const groups: string[] = [];
    for await (const page of paginateListGroups({ client: root(), pageSize: 2 }, { PathPrefix: '/paging/' })) groups.push(...page.Groups!.map((x) => x.GroupName!));
    expect(groups).toEqual(['gp-a', 'gp-b', 'gp-c', 'gp-d', 'gp-e', 'pg-all']);

    const members: string[] = [];
    for await (const page of paginateGetGroup({ client: root(), pageSize: 2 }, { GroupName: 'pg-all' })) members.push(...page.Users!.map((u) => u.UserName!));
    expect(members).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
  });
});

describe('SDK v3: virtual MFA', () => {
  it('create → enable with two computed TOTP codes → listed → deactivate → delete', async () => {
    await root().send(new CreateUserCommand({ UserName: 'mfa-user' }));
    await root().send(new PutUserPolicyCommand({ UserName: 'mfa-user', PolicyName: 'own-mfa', PolicyDocument: JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['iam:ListMFADevices', 'iam:EnableMFADevice'], Resource: 'arn:aws:iam::*:user/${aws:username}' }],
    }) }));
    const { AccessKey: k } = await root().send(new CreateAccessKeyCommand({ UserName: 'mfa-user' }));
    const user = iamClient({ accessKeyId: k!.AccessKeyId!, secretAccessKey: k!.SecretAccessKey! });

    const dev = await root().send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'mfa-user-phone' }));
    const serial = dev.VirtualMFADevice!.SerialNumber!;
    expect(serial).toBe('arn:aws:iam::000000000000:mfa/mfa-user-phone');
    const seed = Buffer.from(dev.VirtualMFADevice!.Base32StringSeed!).toString('ascii');
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);

    const bad = await error(user.send(new EnableMFADeviceCommand({ UserName: 'mfa-user', SerialNumber: serial, AuthenticationCode1: '000000', AuthenticationCode2: '000001' })));
    expect(bad).toMatchObject({ name: 'InvalidAuthenticationCodeException', message: 'Authentication code for device is not valid.', status: 403 });

    // The user enables its own device (policy on user/${aws:username}); codes of the previous and current step.
    const step = totpStep(iam.clock.now());
    await user.send(new EnableMFADeviceCommand({ UserName: 'mfa-user', SerialNumber: serial, AuthenticationCode1: totpCodeAt(seed, step - 1), AuthenticationCode2: totpCodeAt(seed, step) }));
    const mine = await user.send(new ListMFADevicesCommand({}));
    expect(mine.MFADevices!.map((d) => d.SerialNumber)).toEqual([serial]);
    expect(mine.MFADevices![0].EnableDate).toBeInstanceOf(Date);
    expect((await error(user.send(new ListMFADevicesCommand({ UserName: 'e2e-nobody' })))).name).toBe('AccessDenied');

    const assigned = await root().send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    expect(assigned.VirtualMFADevices!.find((d) => d.SerialNumber === serial)!.User!.UserName).toBe('mfa-user');
    expect(totpCode(seed, iam.clock.now())).toMatch(/^\d{6}$/);

    expect((await error(root().send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })))).name).toBe('DeleteConflictException');
    expect((await error(root().send(new DeleteUserCommand({ UserName: 'mfa-user' })))).message).toBe('Cannot delete entity, must delete access keys first.');
    await root().send(new DeleteAccessKeyCommand({ UserName: 'mfa-user', AccessKeyId: k!.AccessKeyId! }));
    expect((await error(root().send(new DeleteUserCommand({ UserName: 'mfa-user' })))).message).toBe('Cannot delete entity, must delete MFA device first.');
    await root().send(new DeactivateMFADeviceCommand({ UserName: 'mfa-user', SerialNumber: serial }));
    await root().send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }));
    const left = await root().send(new ListVirtualMFADevicesCommand({}));
    expect(left.VirtualMFADevices!.map((d) => d.SerialNumber)).not.toContain(serial);
  });
});

// ------------------------------------------------------------------ AWS CLI (botocore)

/** Runs `aws …` with keys in the environment only, against the server, returning stdout or the stderr of a failure. */
async function aws(creds: Creds, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint: iam.endpoint, home, region: 'eu-west-1', services: ['STS', 'IAM'] }, creds, args);
}

describe('AWS CLI: user, key, policy, group, MFA', () => {
  it('create-user → create-access-key → denied → put-user-policy → allowed → group grant → deactivated key refused', async () => {
    const rootCreds = iam.rootCredentials;
    expect((await aws(rootCreds, 'iam', 'create-user', '--user-name', 'cli-bob')).ok).toBe(true);
    const key = JSON.parse((await aws(rootCreds, 'iam', 'create-access-key', '--user-name', 'cli-bob')).out).AccessKey;
    const bob: Creds = { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };

    const denied = await aws(bob, 'iam', 'get-user');
    expect(denied.ok).toBe(false);
    expect(denied.out).toContain('An error occurred (AccessDenied) when calling the GetUser operation: User: arn:aws:iam::000000000000:user/cli-bob is not authorized to perform: iam:GetUser');

    expect((await aws(rootCreds, 'iam', 'put-user-policy', '--user-name', 'cli-bob', '--policy-name', 'self', '--policy-document', allow('iam:GetUser'))).ok).toBe(true);
    const me = JSON.parse((await aws(bob, 'iam', 'get-user')).out);
    expect(me.User).toMatchObject({ UserName: 'cli-bob', Arn: 'arn:aws:iam::000000000000:user/cli-bob' });
    // botocore decodes the percent-encoded document into JSON.
    const pol = JSON.parse((await aws(rootCreds, 'iam', 'get-user-policy', '--user-name', 'cli-bob', '--policy-name', 'self')).out);
    expect(pol.PolicyDocument).toEqual(JSON.parse(allow('iam:GetUser')));

    await aws(rootCreds, 'iam', 'create-group', '--group-name', 'cli-listers');
    await aws(rootCreds, 'iam', 'put-group-policy', '--group-name', 'cli-listers', '--policy-name', 'list', '--policy-document', allow('iam:ListGroupsForUser'));
    expect((await aws(bob, 'iam', 'list-groups-for-user', '--user-name', 'cli-bob')).out).toContain('(AccessDenied)');
    await aws(rootCreds, 'iam', 'add-user-to-group', '--group-name', 'cli-listers', '--user-name', 'cli-bob');
    const mine = JSON.parse((await aws(bob, 'iam', 'list-groups-for-user', '--user-name', 'cli-bob')).out);
    expect(mine.Groups.map((x: { GroupName: string }) => x.GroupName)).toEqual(['cli-listers']);

    expect((await aws(rootCreds, 'iam', 'update-access-key', '--user-name', 'cli-bob', '--access-key-id', bob.accessKeyId, '--status', 'Inactive')).ok).toBe(true);
    const refused = await aws(bob, 'iam', 'get-user');
    expect(refused.out).toContain('An error occurred (InvalidClientTokenId) when calling the GetUser operation: The security token included in the request is invalid');

    const conflict = await aws(rootCreds, 'iam', 'delete-user', '--user-name', 'cli-bob');
    expect(conflict.out).toContain('An error occurred (DeleteConflict) when calling the DeleteUser operation: Cannot delete entity, must delete access keys first.');
  }, 90_000);

  it('create-virtual-mfa-device writes the seed file; enable-mfa-device with computed codes; list-mfa-devices', async () => {
    const rootCreds = iam.rootCredentials;
    await aws(rootCreds, 'iam', 'create-user', '--user-name', 'cli-carol');
    const outfile = join(home, 'carol.seed');
    const created = await aws(rootCreds, 'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'cli-carol', '--outfile', outfile, '--bootstrap-method', 'Base32StringSeed');
    expect(created.ok).toBe(true);
    const serial = JSON.parse(created.out).VirtualMFADevice.SerialNumber;
    expect(serial).toBe('arn:aws:iam::000000000000:mfa/cli-carol');
    const seed = readFileSync(outfile, 'ascii');
    expect(seed).toMatch(/^[A-Z2-7]{64}$/);

    const wrong = await aws(rootCreds, 'iam', 'enable-mfa-device', '--user-name', 'cli-carol', '--serial-number', serial, '--authentication-code1', '111111', '--authentication-code2', '222222');
    expect(wrong.out).toContain('An error occurred (InvalidAuthenticationCode) when calling the EnableMFADevice operation: Authentication code for device is not valid.');

    const step = totpStep(iam.clock.now());
    const ok = await aws(rootCreds, 'iam', 'enable-mfa-device', '--user-name', 'cli-carol', '--serial-number', serial, '--authentication-code1', totpCodeAt(seed, step - 1), '--authentication-code2', totpCodeAt(seed, step));
    expect(ok.ok).toBe(true);
    const listed = JSON.parse((await aws(rootCreds, 'iam', 'list-mfa-devices', '--user-name', 'cli-carol')).out);
    expect(listed.MFADevices).toEqual([{ UserName: 'cli-carol', SerialNumber: serial, EnableDate: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) }]);

    // The QR code bootstrap method writes the PNG AWS returns in QRCodePNG.
    const png = join(home, 'spare.png');
    expect((await aws(rootCreds, 'iam', 'create-virtual-mfa-device', '--virtual-mfa-device-name', 'cli-spare', '--outfile', png, '--bootstrap-method', 'QRCodePNG')).ok).toBe(true);
    expect(readFileSync(png).subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  }, 90_000);
});
