// IAM user and inline user-policy handlers, called directly with a frozen clock and seeded ids:
// validation table, shapes per operation, GetUser for the caller (user, root, role session), pagination,
// rename, quotas and every DeleteUser conflict with AWS's text.
import { describe, expect, it } from 'vitest';
import { iamOperations } from '../../src/services/iam/index';
import { createAccessKey } from '../../src/services/iam/access-keys';
import { addUserToGroup, createGroup } from '../../src/services/iam/groups';
import { createVirtualMFADevice, enableMFADevice } from '../../src/services/iam/mfa-devices';
import { totpCodeAt, totpStep } from '../../src/services/iam/mfa-totp';
import { ensureAwsManagedPolicy } from '../../src/store/aws-managed-policies';
import { deleteUserPolicy, getUserPolicy, listUserPolicies, putUserPolicy } from '../../src/services/iam/user-policies';
import { createUser, deleteUser, getUser, listUsers, updateUser } from '../../src/services/iam/users';
import fixtures from '../fixtures/services/users/validation.json';
import { harness, thrown, type Harness } from '../helpers/services';

const allowS3 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });
const keysOf = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);

describe('IAM user validation', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness();
      expect(thrown(() => h.run(iamOperations.get(c.op)!, c.params, h.root()))).toEqual({ code: 'ValidationError', message: c.message, status: 400 });
    });
  }
});

describe('CreateUser / GetUser', () => {
  it('CreateUser returns Path, UserName, UserId (AIDA…), Arn, CreateDate; GetUser the same', async () => {
    const h = await harness();
    const out = h.run(createUser, { UserName: 'Alice', Path: '/team/' }, h.root());
    expect(keysOf(out.User)).toEqual(['Path', 'UserName', 'UserId', 'Arn', 'CreateDate']);
    expect(out.User).toMatchObject({ Path: '/team/', UserName: 'Alice', Arn: 'arn:aws:iam::000000000000:user/team/Alice', CreateDate: new Date('2026-11-29T12:00:00Z') });
    expect(out.User.UserId).toMatch(/^AIDA[A-Z2-7]{17}$/);
    // Lookups are case-insensitive; the name comes back as created.
    const got = h.run(getUser, { UserName: 'alice' }, h.root()).User;
    expect(got).toEqual(out.User);
  });

  it('names are unique case-insensitively', async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'bob' }, h.root());
    expect(thrown(() => h.run(createUser, { UserName: 'BOB' }, h.root()))).toEqual({ code: 'EntityAlreadyExists', message: 'User with name BOB already exists.', status: 409 });
  });

  it('tags and a permissions boundary at create time are returned by CreateUser and GetUser', async () => {
    const h = await harness();
    const out = h.run(createUser, { UserName: 'u', Tags: [{ Key: 'team', Value: 'pay' }], PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, h.root());
    expect(out.User.Tags).toEqual([{ Key: 'team', Value: 'pay' }]);
    expect(out.User.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    expect(h.run(getUser, { UserName: 'u' }, h.root()).User).toMatchObject({ Tags: [{ Key: 'team', Value: 'pay' }], PermissionsBoundary: out.User.PermissionsBoundary });
    expect(h.store.users.getByName('000000000000', 'u')!.boundaryArn).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
  });

  it('boundary that does not exist, duplicate tag keys: nothing is created', async () => {
    const h = await harness();
    expect(thrown(() => h.run(createUser, { UserName: 'u', PermissionsBoundary: 'arn:aws:iam::000000000000:policy/Nope' }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: 'Scope ARN: arn:aws:iam::000000000000:policy/Nope does not exist or is not attachable.', status: 404,
    });
    expect(thrown(() => h.run(createUser, { UserName: 'u', Tags: [{ Key: 'a', Value: '1' }, { Key: 'A', Value: '2' }] }, h.root()))).toEqual({
      code: 'InvalidInput', message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', status: 400,
    });
    expect(h.store.users.getByName('000000000000', 'u')).toBeNull();
  });

  it('iam:PermissionsBoundary and aws:RequestTag/aws:TagKeys are the condition keys of CreateUser', async () => {
    const h = await harness();
    const input = createUser.input({ UserName: 'u', PermissionsBoundary: 'arn:aws:iam::000000000000:policy/B', Tags: [{ Key: 'team', Value: 'x' }] }, h.call(h.root()));
    expect(createUser.conditionKeys!(input, h.call(h.root()))).toEqual({
      'iam:PermissionsBoundary': 'arn:aws:iam::000000000000:policy/B',
      'aws:RequestTag/team': 'x',
      'aws:TagKeys': ['team'],
    });
    expect(createUser.resource(input, h.call(h.root()))).toBe('arn:aws:iam::000000000000:user/u');
  });

  it('GetUser of a missing user → NoSuchEntity', async () => {
    const h = await harness();
    expect(thrown(() => h.run(getUser, { UserName: 'ghost' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The user with name ghost cannot be found.', status: 404 });
  });

  it('GetUser without UserName: the calling user; root gets its account id and root ARN; a role session must name the user', async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'me', Path: '/p/' }, h.root());
    expect(h.run(getUser, {}, h.user('me')).User).toMatchObject({ UserName: 'me', Arn: 'arn:aws:iam::000000000000:user/p/me' });
    expect(getUser.resource(getUser.input({}, h.call(h.user('me'))), h.call(h.user('me')))).toBe('arn:aws:iam::000000000000:user/p/me');

    const root = h.run(getUser, {}, h.root()).User;
    expect(root).toMatchObject({ UserId: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
    expect(root.UserName).toBeUndefined();
    expect(root.CreateDate).toBeInstanceOf(Date);

    const sessionCaller = { ...h.root(), kind: 'assumed-role' } as unknown as ReturnType<Harness['root']>;
    expect(thrown(() => h.run(getUser, {}, sessionCaller))).toEqual({ code: 'ValidationError', message: 'Must specify userName when calling with non-User credentials', status: 400 });
  });
});

describe('ListUsers', () => {
  it('pages by name, case-insensitively sorted; Marker only while truncated; PathPrefix filters; no Tags in the list', async () => {
    const h = await harness();
    for (const n of ['e', 'B', 'a', 'd', 'C']) h.run(createUser, { UserName: n, Path: n === 'd' ? '/x/' : '/', Tags: [{ Key: 'k', Value: 'v' }] }, h.root());
    const p1 = h.run(listUsers, { MaxItems: '2' }, h.root());
    expect(p1.Users.map((u: Record<string, unknown>) => u.UserName)).toEqual(['a', 'B']);
    expect(p1.IsTruncated).toBe(true);
    const p2 = h.run(listUsers, { MaxItems: '2', Marker: p1.Marker }, h.root());
    expect(p2.Users.map((u: Record<string, unknown>) => u.UserName)).toEqual(['C', 'd']);
    const p3 = h.run(listUsers, { MaxItems: '2', Marker: p2.Marker }, h.root());
    expect(p3).toMatchObject({ IsTruncated: false });
    expect(p3.Marker).toBeUndefined();
    expect(h.run(listUsers, { PathPrefix: '/x/' }, h.root()).Users.map((u: Record<string, unknown>) => u.UserName)).toEqual(['d']);
    expect(keysOf(p1.Users[0])).toEqual(['Path', 'UserName', 'UserId', 'Arn', 'CreateDate']);
  });

  it('is authorized against the user path prefix', async () => {
    const h = await harness();
    const call = h.call(h.root());
    expect(listUsers.resource(listUsers.input({ PathPrefix: '/x/' }, call), call)).toBe('arn:aws:iam::000000000000:user/x/');
  });
});

describe('UpdateUser', () => {
  it('renames and moves; the ARN follows; policies and keys stay with the user', async () => {
    const h = await harness();
    const id = h.run(createUser, { UserName: 'bob' }, h.root()).User.UserId;
    h.run(putUserPolicy, { UserName: 'bob', PolicyName: 'p', PolicyDocument: allowS3 }, h.root());
    expect(h.run(updateUser, { UserName: 'bob', NewUserName: 'robert', NewPath: '/eng/' }, h.root())).toBeUndefined();
    expect(thrown(() => h.run(getUser, { UserName: 'bob' }, h.root())).code).toBe('NoSuchEntity');
    expect(h.run(getUser, { UserName: 'robert' }, h.root()).User).toMatchObject({ UserId: id, Path: '/eng/', Arn: 'arn:aws:iam::000000000000:user/eng/robert' });
    expect(h.run(listUserPolicies, { UserName: 'robert' }, h.root()).PolicyNames).toEqual(['p']);
  });

  it('a new name taken by another user → EntityAlreadyExists; a change of case only is fine', async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'a' }, h.root());
    h.run(createUser, { UserName: 'b' }, h.root());
    expect(thrown(() => h.run(updateUser, { UserName: 'a', NewUserName: 'B' }, h.root()))).toEqual({ code: 'EntityAlreadyExists', message: 'User with name B already exists.', status: 409 });
    h.run(updateUser, { UserName: 'a', NewUserName: 'A' }, h.root());
    expect(h.run(getUser, { UserName: 'a' }, h.root()).User.UserName).toBe('A');
    expect(thrown(() => h.run(updateUser, { UserName: 'zz', NewPath: '/x/' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The user with name zz cannot be found.', status: 404 });
  });

  it('renaming also needs iam:UpdateUser on the target ARN', async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'bob', Path: '/a/' }, h.root());
    const call = h.call(h.root());
    const input = updateUser.input({ UserName: 'bob', NewUserName: 'robert' }, call);
    expect(updateUser.resource(input, call)).toBe('arn:aws:iam::000000000000:user/a/bob');
    expect(updateUser.extraChecks!(input, call)).toEqual([{ action: 'iam:UpdateUser', resource: 'arn:aws:iam::000000000000:user/a/robert' }]);
    expect(updateUser.extraChecks!(updateUser.input({ UserName: 'bob' }, call), call)).toEqual([]);
  });
});

describe('DeleteUser', () => {
  async function userWithEverything(): Promise<Harness> {
    const h = await harness();
    h.run(createUser, { UserName: 'u' }, h.root());
    h.run(createAccessKey, { UserName: 'u' }, h.root());
    const serial = (await h.runPrepared(createVirtualMFADevice, { VirtualMFADeviceName: 'u-phone' }, h.root())).VirtualMFADevice.SerialNumber;
    const seed = h.store.mfaDevices.get(serial)!.seedBase32;
    const step = totpStep(h.clock.now());
    h.run(enableMFADevice, { UserName: 'u', SerialNumber: serial, AuthenticationCode1: totpCodeAt(seed, step - 1), AuthenticationCode2: totpCodeAt(seed, step) }, h.root());
    h.run(putUserPolicy, { UserName: 'u', PolicyName: 'p', PolicyDocument: allowS3 }, h.root());
    const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    h.store.transaction(() => {
      // Attaching is another operation group's; the repository is enough to set up the conflict.
      ensureAwsManagedPolicy(h.store, h.ids, arn);
      h.store.managedPolicies.attach(arn, 'user', h.store.users.getByName('000000000000', 'u')!.id, h.clock.now().toISOString());
    });
    h.run(createGroup, { GroupName: 'g' }, h.root());
    h.run(addUserToGroup, { GroupName: 'g', UserName: 'u' }, h.root());
    return h;
  }

  it('refuses while keys, MFA devices, inline policies, attached policies or groups remain — each with its AWS text, in that order', async () => {
    const h = await userWithEverything();
    const del = () => thrown(() => h.run(deleteUser, { UserName: 'u' }, h.root()));
    const user = h.store.users.getByName('000000000000', 'u')!;
    const steps: [string, () => void][] = [
      ['Cannot delete entity, must delete access keys first.', () => h.store.accessKeys.listFor('000000000000', user.id).forEach((k) => h.store.accessKeys.delete(k.id))],
      ['Cannot delete entity, must delete MFA device first.', () => h.store.mfaDevices.forUser(user.id).forEach((d) => h.store.mfaDevices.deactivate(d.serial))],
      ['Cannot delete entity, must delete policies first.', () => h.run(deleteUserPolicy, { UserName: 'u', PolicyName: 'p' }, h.root())],
      ['Cannot delete entity, must detach all policies first.', () => h.store.managedPolicies.detach('arn:aws:iam::aws:policy/ReadOnlyAccess', 'user', user.id)],
      ['Cannot delete entity, must remove users from group first.', () => h.store.groups.removeMember(h.store.groups.getByName('000000000000', 'g')!.id, user.id)],
    ];
    for (const [message, clear] of steps) {
      expect(del()).toEqual({ code: 'DeleteConflict', message, status: 409 });
      clear();
    }
    expect(h.run(deleteUser, { UserName: 'u' }, h.root())).toBeUndefined();
    expect(h.store.users.getByName('000000000000', 'u')).toBeNull();
    expect(thrown(() => h.run(deleteUser, { UserName: 'u' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The user with name u cannot be found.', status: 404 });
  });
});

describe('inline user policies', () => {
  it('Put/Get/List/Delete with AWS messages; the document comes back percent-encoded', async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'u' }, h.root());
    const spaced = '{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/%3A" } }';
    h.run(putUserPolicy, { UserName: 'u', PolicyName: 'p1', PolicyDocument: spaced }, h.root());
    h.run(putUserPolicy, { UserName: 'u', PolicyName: 'p0', PolicyDocument: allowS3 }, h.root());
    const got = h.run(getUserPolicy, { UserName: 'U', PolicyName: 'p1' }, h.root());
    expect(got.UserName).toBe('u');
    expect(got.PolicyDocument).toContain('%20%22Version%22');
    expect(got.PolicyDocument).toContain('%253A');
    expect(decodeURIComponent(got.PolicyDocument)).toBe(spaced);
    expect(h.run(listUserPolicies, { UserName: 'u', MaxItems: '1' }, h.root())).toMatchObject({ PolicyNames: ['p0'], IsTruncated: true });
    expect(thrown(() => h.run(getUserPolicy, { UserName: 'u', PolicyName: 'zz' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The user policy with name zz cannot be found.', status: 404 });
    expect(thrown(() => h.run(putUserPolicy, { UserName: 'nope', PolicyName: 'p', PolicyDocument: allowS3 }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The user with name nope cannot be found.', status: 404 });
    expect(thrown(() => h.run(putUserPolicy, { UserName: 'u', PolicyName: 'bad', PolicyDocument: '{"Version": ' }, h.root())).code).toBe('MalformedPolicyDocument');
    expect(thrown(() => h.run(putUserPolicy, { UserName: 'u', PolicyName: 'bad', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] }) }, h.root()))).toEqual({
      code: 'MalformedPolicyDocument', message: 'Policy statement must contain resources.', status: 400,
    });
    h.run(deleteUserPolicy, { UserName: 'u', PolicyName: 'p1' }, h.root());
    expect(thrown(() => h.run(deleteUserPolicy, { UserName: 'u', PolicyName: 'p1' }, h.root())).message).toBe('The user policy with name p1 cannot be found.');
  });

  it('inline policies of a user may total 2048 characters, whitespace not counted; replacing one counts only the new text', async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'u' }, h.root());
    const doc = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: n }, (_, i) => ({ Effect: 'Allow', Action: `s3:GetObject`, Resource: `arn:aws:s3:::bucket-${String(i).padStart(3, '0')}/*` })) });
    const one = doc(12); // ≈ 900 characters
    h.run(putUserPolicy, { UserName: 'u', PolicyName: 'a', PolicyDocument: one }, h.root());
    h.run(putUserPolicy, { UserName: 'u', PolicyName: 'b', PolicyDocument: one }, h.root());
    h.run(putUserPolicy, { UserName: 'u', PolicyName: 'b', PolicyDocument: JSON.stringify(JSON.parse(one), null, 8) }, h.root());
    expect(thrown(() => h.run(putUserPolicy, { UserName: 'u', PolicyName: 'c', PolicyDocument: one }, h.root()))).toEqual({
      code: 'LimitExceeded', message: 'Maximum policy size of 2048 bytes exceeded for user u', status: 409,
    });
    expect(h.run(listUserPolicies, { UserName: 'u' }, h.root()).PolicyNames).toEqual(['a', 'b']);
  });

  it('iam:PermissionsBoundary on Put/DeleteUserPolicy is the boundary the user carries', async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'b', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, h.root());
    h.run(createUser, { UserName: 'n' }, h.root());
    const call = h.call(h.root());
    const keys = (name: string) => putUserPolicy.conditionKeys!(putUserPolicy.input({ UserName: name, PolicyName: 'p', PolicyDocument: allowS3 }, call), call);
    expect(keys('b')).toEqual({ 'iam:PermissionsBoundary': 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
    expect(keys('n')).toEqual({});
  });
});

