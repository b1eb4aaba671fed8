// IAM account settings, console passwords and service-linked roles through the whole pipeline:
// aliases, the password policy and its enforcement (fixtures: test/fixtures/iam/password-policy.json),
// GetAccountSummary's real counts, login profiles + ChangePassword, CreateServiceLinkedRole's names
// and policies, the protected role, and the deletion task.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { LINKED_SERVICES } from '../../src/services/iam/service-linked-roles';
import { findManagedPolicy } from '../../src/store/aws-managed-policies';
import { seededIds } from '../../src/runtime';
import { pipeline, type Pipeline } from '../helpers/pipeline';

const ADMIN = { accessKeyId: 'AKIAQAAAAAAASETTINGS', secretAccessKey: 'settings-admin-secret-00000000000000000000' };
const DEV = { accessKeyId: 'AKIAQAAAAAAASETDEVEL', secretAccessKey: 'settings-dev-secret-0000000000000000000000' };
const OTHER = { accessKeyId: 'AKIAQAAAAAAASETOTHER', secretAccessKey: 'settings-other-secret-00000000000000000000' };
const SEED = {
  accounts: [{ id: '111111111111' }],
  users: [
    { name: 'admin', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    { name: 'dev', accessKeys: [DEV], inlinePolicies: { self: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ChangePassword', 'iam:GetAccountPasswordPolicy'], Resource: '*' }] } } },
    { account: '111111111111', name: 'other-admin', accessKeys: [OTHER], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
  ],
};

async function iam(p: Pipeline, params: Record<string, string>, creds = ADMIN) {
  return p.signed({ Version: '2010-05-08', ...params }, creds, 'iam');
}

describe('account alias', () => {
  it('create, list, a second alias refused, unique across accounts, delete', async () => {
    const p = await pipeline(SEED);
    expect((await iam(p, { Action: 'CreateAccountAlias', AccountAlias: 'team-a' })).status).toBe(200);
    expect((await iam(p, { Action: 'ListAccountAliases' })).body).toContain('<AccountAliases><member>team-a</member></AccountAliases>');
    const second = await iam(p, { Action: 'CreateAccountAlias', AccountAlias: 'team-b' });
    expect([second.status, second.error.code]).toEqual([409, 'LimitExceeded']);
    const taken = await iam(p, { Action: 'CreateAccountAlias', AccountAlias: 'team-a' }, OTHER);
    expect([taken.status, taken.error.code]).toEqual([409, 'EntityAlreadyExists']);
    const wrong = await iam(p, { Action: 'DeleteAccountAlias', AccountAlias: 'team-b' });
    expect([wrong.status, wrong.error.code]).toEqual([404, 'NoSuchEntity']);
    expect((await iam(p, { Action: 'DeleteAccountAlias', AccountAlias: 'team-a' })).status).toBe(200);
    expect((await iam(p, { Action: 'ListAccountAliases' })).body).toContain('<AccountAliases/>');
  });

  it.each(['ab', 'Team', '-team', 'team-', 'te--am', 'a'.repeat(64)])('alias %j breaks the model pattern or length → ValidationError', async (alias) => {
    const p = await pipeline(SEED);
    const r = await iam(p, { Action: 'CreateAccountAlias', AccountAlias: alias });
    expect([r.status, r.error.code]).toEqual([400, 'ValidationError']);
    expect(r.error.message).toMatch(/at 'accountAlias' failed to satisfy constraint/);
  });

  it('without permission: AccessDenied on iam:CreateAccountAlias, and nothing changes', async () => {
    const p = await pipeline(SEED);
    const r = await iam(p, { Action: 'CreateAccountAlias', AccountAlias: 'team-a' }, DEV);
    expect([r.status, r.error.code]).toEqual([403, 'AccessDenied']);
    expect(r.error.message).toContain('iam:CreateAccountAlias');
    expect(p.store.accounts.get('000000000000')?.alias ?? null).toBeNull();
  });
});

describe('password policy', () => {
  it('none set: NoSuchEntity in AWS words; update replaces the whole policy with defaults for what is left out', async () => {
    const p = await pipeline(SEED);
    const none = await iam(p, { Action: 'GetAccountPasswordPolicy' });
    expect([none.status, none.error.code, none.error.message]).toEqual([404, 'NoSuchEntity', 'The Password Policy with domain name 000000000000 cannot be found.']);
    await iam(p, { Action: 'UpdateAccountPasswordPolicy', MinimumPasswordLength: '12', RequireSymbols: 'true', MaxPasswordAge: '90', PasswordReusePrevention: '3' });
    const got = await iam(p, { Action: 'GetAccountPasswordPolicy' });
    expect([got.tag('MinimumPasswordLength'), got.tag('RequireSymbols'), got.tag('ExpirePasswords'), got.tag('MaxPasswordAge'), got.tag('PasswordReusePrevention'), got.tag('AllowUsersToChangePassword')]).toEqual(['12', 'true', 'true', '90', '3', 'false']);
    await iam(p, { Action: 'UpdateAccountPasswordPolicy', RequireNumbers: 'true' });
    const replaced = await iam(p, { Action: 'GetAccountPasswordPolicy' });
    expect([replaced.tag('MinimumPasswordLength'), replaced.tag('RequireSymbols'), replaced.tag('ExpirePasswords'), replaced.tag('MaxPasswordAge')]).toEqual(['6', 'false', 'false', undefined]);
    expect((await iam(p, { Action: 'DeleteAccountPasswordPolicy' })).status).toBe(200);
    expect((await iam(p, { Action: 'DeleteAccountPasswordPolicy' })).error.code).toBe('NoSuchEntity');
  });

  it.each([
    [{ MinimumPasswordLength: '5' }, 'minimumPasswordLength', 'greater than or equal to 6'],
    [{ MinimumPasswordLength: '129' }, 'minimumPasswordLength', 'less than or equal to 128'],
    [{ MaxPasswordAge: '1096' }, 'maxPasswordAge', 'less than or equal to 1095'],
    [{ PasswordReusePrevention: '25' }, 'passwordReusePrevention', 'less than or equal to 24'],
  ])('%j → ValidationError on %s', async (params, member, text) => {
    const p = await pipeline(SEED);
    const r = await iam(p, { Action: 'UpdateAccountPasswordPolicy', ...(params as Record<string, string>) });
    expect([r.status, r.error.code]).toEqual([400, 'ValidationError']);
    expect(r.error.message).toContain(`at '${member}' failed to satisfy constraint: Member must have value ${text}`);
  });

  const fixture = JSON.parse(readFileSync(new URL('../fixtures/iam/password-policy.json', import.meta.url), 'utf8')) as {
    cases: { name: string; policy: Record<string, string> | null; password: string; violation: string | null }[];
  };
  it.each(fixture.cases.map((c) => [c.name, c] as const))('CreateLoginProfile under %s', async (_n, c) => {
    const p = await pipeline(SEED);
    if (c.policy) await iam(p, { Action: 'UpdateAccountPasswordPolicy', ...c.policy });
    const r = await iam(p, { Action: 'CreateLoginProfile', UserName: 'dev', Password: c.password });
    if (c.violation === null) expect(r.status).toBe(200);
    else expect([r.status, r.error.code, r.error.message]).toEqual([400, 'PasswordPolicyViolation', c.violation]);
  });
});

describe('login profiles and ChangePassword', () => {
  it('create, get, update, a user with a password cannot be deleted, delete', async () => {
    const p = await pipeline(SEED);
    const created = await iam(p, { Action: 'CreateLoginProfile', UserName: 'dev', Password: 'Initial-pass-1', PasswordResetRequired: 'true' });
    expect([created.status, created.tag('UserName'), created.tag('PasswordResetRequired')]).toEqual([200, 'dev', 'true']);
    expect(created.body).not.toContain('Initial-pass-1');
    expect((await iam(p, { Action: 'CreateLoginProfile', UserName: 'dev', Password: 'Initial-pass-1' })).error.code).toBe('EntityAlreadyExists');
    expect((await iam(p, { Action: 'GetLoginProfile', UserName: 'dev' })).tag('PasswordResetRequired')).toBe('true');
    await iam(p, { Action: 'UpdateLoginProfile', UserName: 'dev', PasswordResetRequired: 'false' });
    expect((await iam(p, { Action: 'GetLoginProfile', UserName: 'dev' })).tag('PasswordResetRequired')).toBe('false');
    // DeleteUser refuses first for the login profile (AWS's documented order).
    await iam(p, { Action: 'CreateUser', UserName: 'temp' });
    await iam(p, { Action: 'CreateLoginProfile', UserName: 'temp', Password: 'Temp-pass-123' });
    const conflict = await iam(p, { Action: 'DeleteUser', UserName: 'temp' });
    expect([conflict.status, conflict.error.message]).toEqual([409, 'Cannot delete entity, must delete login profile first.']);
    await iam(p, { Action: 'DeleteLoginProfile', UserName: 'temp' });
    expect((await iam(p, { Action: 'DeleteUser', UserName: 'temp' })).status).toBe(200);
    const gone = await iam(p, { Action: 'GetLoginProfile', UserName: 'dev2' });
    expect(gone.error.code).toBe('NoSuchEntity');
    await iam(p, { Action: 'DeleteLoginProfile', UserName: 'dev' });
    const none = await iam(p, { Action: 'GetLoginProfile', UserName: 'dev' });
    expect([none.status, none.error.message]).toEqual([404, 'Login Profile for User dev cannot be found.']);
  });

  it('ChangePassword: the caller\'s own password, the old one must match, the policy applies, reuse is refused', async () => {
    const p = await pipeline(SEED);
    await iam(p, { Action: 'UpdateAccountPasswordPolicy', MinimumPasswordLength: '10', RequireNumbers: 'true', AllowUsersToChangePassword: 'true', PasswordReusePrevention: '2' });
    await iam(p, { Action: 'CreateLoginProfile', UserName: 'dev', Password: 'first-pass-1', PasswordResetRequired: 'true' });
    const wrongOld = await iam(p, { Action: 'ChangePassword', OldPassword: 'not-it-1234', NewPassword: 'second-pass-2' }, DEV);
    expect(wrongOld.status).toBe(400);
    const weak = await iam(p, { Action: 'ChangePassword', OldPassword: 'first-pass-1', NewPassword: 'no-digits-here' }, DEV);
    expect([weak.error.code, weak.error.message]).toEqual(['PasswordPolicyViolation', 'Password should have at least one number']);
    const reused = await iam(p, { Action: 'ChangePassword', OldPassword: 'first-pass-1', NewPassword: 'first-pass-1' }, DEV);
    expect(reused.error.code).toBe('PasswordPolicyViolation');
    expect((await iam(p, { Action: 'ChangePassword', OldPassword: 'first-pass-1', NewPassword: 'second-pass-2' }, DEV)).status).toBe(200);
    // The change clears PasswordResetRequired, and the old password no longer works.
    expect((await iam(p, { Action: 'GetLoginProfile', UserName: 'dev' })).tag('PasswordResetRequired')).toBe('false');
    expect((await iam(p, { Action: 'ChangePassword', OldPassword: 'first-pass-1', NewPassword: 'third-pass-3' }, DEV)).status).toBe(400);
  });

  it('ChangePassword is refused when the policy does not let users change passwords, and for non-users', async () => {
    const p = await pipeline(SEED);
    await iam(p, { Action: 'UpdateAccountPasswordPolicy', AllowUsersToChangePassword: 'false' });
    await iam(p, { Action: 'CreateLoginProfile', UserName: 'dev', Password: 'first-pass-1' });
    const denied = await iam(p, { Action: 'ChangePassword', OldPassword: 'first-pass-1', NewPassword: 'second-pass-2' }, DEV);
    expect([denied.status, denied.error.code]).toEqual([403, 'AccessDenied']);
    const root = await iam(p, { Action: 'ChangePassword', OldPassword: 'a', NewPassword: 'b' }, { accessKeyId: 'test', secretAccessKey: 'test' });
    expect(root.status).toBeGreaterThanOrEqual(400);
  });
});

describe('GetAccountSummary', () => {
  it('counts what the account holds and reports IAM\'s quotas', async () => {
    const p = await pipeline(SEED);
    const before = await iam(p, { Action: 'GetAccountSummary' });
    const value = (body: string, key: string) => Number(new RegExp(`<key>${key}</key><value>(\\d+)</value>`).exec(body)?.[1]);
    expect([value(before.body, 'Users'), value(before.body, 'RolesQuota'), value(before.body, 'AccessKeysPerUserQuota')]).toEqual([2, 1000, 2]);
    await iam(p, { Action: 'CreateUser', UserName: 'third' });
    await iam(p, { Action: 'CreateRole', RoleName: 'r1', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) });
    const after = await iam(p, { Action: 'GetAccountSummary' });
    expect([value(after.body, 'Users'), value(after.body, 'Roles') - value(before.body, 'Roles')]).toEqual([3, 1]);
    await iam(p, { Action: 'SetSecurityTokenServicePreferences', GlobalEndpointTokenVersion: 'v2Token' });
    expect(value((await iam(p, { Action: 'GetAccountSummary' })).body, 'GlobalEndpointTokenVersion')).toBe(2);
    expect((await iam(p, { Action: 'SetSecurityTokenServicePreferences', GlobalEndpointTokenVersion: 'v3Token' })).error.code).toBe('ValidationError');
  });
});

describe('service-linked roles', () => {
  it('every policy the table names is in the shipped AWS managed policy catalogue', async () => {
    const p = await pipeline(SEED);
    const missing = Object.entries(LINKED_SERVICES)
      .filter(([, s]) => s.policy && !findManagedPolicy(p.store, seededIds(1), `arn:aws:iam::aws:policy/aws-service-role/${s.policy}`))
      .map(([k]) => k);
    expect(missing).toEqual([]);
  });

  it('eks.amazonaws.com: AWS\'s name, path, trust policy and policy; protected; taken names; delete + status', async () => {
    const p = await pipeline(SEED);
    const r = await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'eks.amazonaws.com' });
    expect([r.status, r.tag('RoleName'), r.tag('Path'), r.tag('Arn')]).toEqual([200, 'AWSServiceRoleForAmazonEKS', '/aws-service-role/eks.amazonaws.com/', 'arn:aws:iam::000000000000:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS']);
    expect(decodeURIComponent(r.tag('AssumeRolePolicyDocument')!)).toContain('"Service":["eks.amazonaws.com"]');
    const attached = await iam(p, { Action: 'ListAttachedRolePolicies', RoleName: 'AWSServiceRoleForAmazonEKS' });
    expect(attached.tag('PolicyArn')).toBe('arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy');
    const again = await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'eks.amazonaws.com' });
    expect([again.status, again.error.code, again.error.message]).toEqual([400, 'InvalidInput', 'Service role name AWSServiceRoleForAmazonEKS has been taken in this account, please try a different suffix.']);
    for (const params of <Record<string, string>[]>[
      { Action: 'DeleteRole', RoleName: 'AWSServiceRoleForAmazonEKS' },
      { Action: 'UpdateAssumeRolePolicy', RoleName: 'AWSServiceRoleForAmazonEKS', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: '*' }, Action: 'sts:AssumeRole' }] }) },
      { Action: 'AttachRolePolicy', RoleName: 'AWSServiceRoleForAmazonEKS', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ]) {
      const refused = await iam(p, params);
      expect([params.Action, refused.error.code]).toEqual([params.Action, 'UnmodifiableEntity']);
    }
    const del = await iam(p, { Action: 'DeleteServiceLinkedRole', RoleName: 'AWSServiceRoleForAmazonEKS' });
    const task = del.tag('DeletionTaskId')!;
    expect(task).toMatch(/^task\/aws-service-role\/eks\.amazonaws\.com\/AWSServiceRoleForAmazonEKS\/[0-9a-f-]{36}$/);
    expect((await iam(p, { Action: 'GetServiceLinkedRoleDeletionStatus', DeletionTaskId: task })).tag('Status')).toBe('SUCCEEDED');
    expect((await iam(p, { Action: 'GetRole', RoleName: 'AWSServiceRoleForAmazonEKS' })).error.code).toBe('NoSuchEntity');
    expect((await iam(p, { Action: 'GetServiceLinkedRoleDeletionStatus', DeletionTaskId: 'task/aws-service-role/x.amazonaws.com/R/00000000-0000-0000-0000-000000000000' })).error.code).toBe('NoSuchEntity');
  });

  it('custom suffixes only where the service allows them; unknown services follow AWS\'s naming; non-services refused', async () => {
    const p = await pipeline(SEED);
    const suffixed = await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'batch' });
    expect(suffixed.tag('RoleName')).toBe('AWSServiceRoleForAutoScaling_batch');
    expect((await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'eks.amazonaws.com', CustomSuffix: 'x' })).error.code).toBe('InvalidInput');
    expect((await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'newthing.amazonaws.com' })).tag('RoleName')).toBe('AWSServiceRoleForNewthing');
    expect((await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'example.com' })).error.code).toBe('InvalidInput');
    // A customer role is not deleted through DeleteServiceLinkedRole.
    await iam(p, { Action: 'CreateRole', RoleName: 'plain', AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] }) });
    expect((await iam(p, { Action: 'DeleteServiceLinkedRole', RoleName: 'plain' })).error.code).toBe('InvalidInput');
  });

  it('iam:AWSServiceName limits which services a caller may link', async () => {
    const p = await pipeline({
      ...SEED,
      users: [
        ...SEED.users,
        {
          name: 'platform',
          accessKeys: [{ accessKeyId: 'AKIAQAAAAAAASETPLATF', secretAccessKey: 'settings-platform-secret-000000000000000000' }],
          inlinePolicies: { slr: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:CreateServiceLinkedRole', Resource: '*', Condition: { StringEquals: { 'iam:AWSServiceName': 'eks.amazonaws.com' } } }] } },
        },
      ],
    });
    const creds = { accessKeyId: 'AKIAQAAAAAAASETPLATF', secretAccessKey: 'settings-platform-secret-000000000000000000' };
    expect((await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'eks.amazonaws.com' }, creds)).status).toBe(200);
    const denied = await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'rds.amazonaws.com' }, creds);
    expect([denied.status, denied.error.code]).toEqual([403, 'AccessDenied']);
    expect(p.store.roles.getByName('000000000000', 'AWSServiceRoleForRDS')).toBeNull();
  });
});

describe('a service-linked role\'s inline policies are AWS\'s', () => {
  it('PutRolePolicy and DeleteRolePolicy on it are UnmodifiableEntity', async () => {
    const p = await pipeline(SEED);
    await iam(p, { Action: 'CreateServiceLinkedRole', AWSServiceName: 'ecs.amazonaws.com' });
    const put = await iam(p, { Action: 'PutRolePolicy', RoleName: 'AWSServiceRoleForECS', PolicyName: 'x', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) });
    expect([put.status, put.error.code, put.error.message]).toEqual([400, 'UnmodifiableEntity', "Cannot perform the operation on the protected role 'AWSServiceRoleForECS' - this role is only modifiable by AWS"]);
    expect((await iam(p, { Action: 'DeleteRolePolicy', RoleName: 'AWSServiceRoleForECS', PolicyName: 'x' })).error.code).toBe('UnmodifiableEntity');
  });
});
