// e2e: the IAM families Terraform and CDK call in ordinary runs, with the real AWS CLI v1 and SDK v3
// against a real server: a service-linked role for EKS, a console password under the account's
// password policy (create-login-profile, change-password by the user itself), the account alias
// and get-account-summary.
import { ChangePasswordCommand, CreateServiceLinkedRoleCommand, DeleteServiceLinkedRoleCommand, GetServiceLinkedRoleDeletionStatusCommand, IAMClient } from '@aws-sdk/client-iam';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { awsCli, type CliResult } from '../helpers/aws-cli';

const ADMIN = { accessKeyId: 'AKIAQAAAAAAAACCTADMN', secretAccessKey: 'account-e2e-admin-secret-0000000000000000' };
const ALICE = { accessKeyId: 'AKIAQAAAAAAAACCTALIC', secretAccessKey: 'account-e2e-alice-secret-0000000000000000' };
const seed = {
  users: [
    { name: 'ops', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    // What AWS's IAMUserChangePassword managed policy grants: change one's own password, read the policy.
    { name: 'alice', accessKeys: [ALICE], managedPolicies: ['arn:aws:iam::aws:policy/IAMUserChangePassword'] },
  ],
};

let iam: IamLocal;
let home: string;
beforeAll(async () => {
  iam = await startIamLocal({ seed: [seed] });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-account-cli-'));
});
afterAll(async () => {
  await iam?.stop();
});

const aws = (creds: typeof ADMIN, ...args: string[]): Promise<CliResult> => awsCli({ endpoint: iam.endpoint, home, region: 'us-east-1', services: ['IAM'] }, creds, args);

// Each CLI call starts a Python interpreter (seconds on a busy 2-core machine): generous time per test.
describe('AWS CLI v1', { timeout: 180_000 }, () => {
  it('create-service-linked-role for eks.amazonaws.com → AWSServiceRoleForAmazonEKS with its policy; delete-service-linked-role + status', async () => {
    const created = await aws(ADMIN, 'iam', 'create-service-linked-role', '--aws-service-name', 'eks.amazonaws.com');
    expect(created.ok, created.out).toBe(true);
    const role = JSON.parse(created.out).Role;
    expect([role.RoleName, role.Path]).toEqual(['AWSServiceRoleForAmazonEKS', '/aws-service-role/eks.amazonaws.com/']);
    const attached = JSON.parse((await aws(ADMIN, 'iam', 'list-attached-role-policies', '--role-name', 'AWSServiceRoleForAmazonEKS')).out);
    expect(attached.AttachedPolicies.map((p: { PolicyArn: string }) => p.PolicyArn)).toEqual(['arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy']);
    const protectedRole = await aws(ADMIN, 'iam', 'delete-role', '--role-name', 'AWSServiceRoleForAmazonEKS');
    expect(protectedRole.ok).toBe(false);
    expect(protectedRole.out).toContain('UnmodifiableEntity');
    const taken = await aws(ADMIN, 'iam', 'create-service-linked-role', '--aws-service-name', 'eks.amazonaws.com');
    expect(taken.out).toContain('Service role name AWSServiceRoleForAmazonEKS has been taken in this account, please try a different suffix.');
    const del = JSON.parse((await aws(ADMIN, 'iam', 'delete-service-linked-role', '--role-name', 'AWSServiceRoleForAmazonEKS')).out);
    const status = JSON.parse((await aws(ADMIN, 'iam', 'get-service-linked-role-deletion-status', '--deletion-task-id', del.DeletionTaskId)).out);
    expect(status.Status).toBe('SUCCEEDED');
  });

  it('update-account-password-policy → create-login-profile refused then accepted → change-password by the user → reuse refused', async () => {
    expect((await aws(ADMIN, 'iam', 'update-account-password-policy', '--minimum-password-length', '12', '--require-numbers', '--require-symbols', '--allow-users-to-change-password', '--password-reuse-prevention', '1')).ok).toBe(true);
    const policy = JSON.parse((await aws(ALICE, 'iam', 'get-account-password-policy')).out).PasswordPolicy;
    expect([policy.MinimumPasswordLength, policy.RequireNumbers, policy.RequireSymbols, policy.AllowUsersToChangePassword]).toEqual([12, true, true, true]);
    const weak = await aws(ADMIN, 'iam', 'create-login-profile', '--user-name', 'alice', '--password', 'short1!');
    expect(weak.out).toContain('PasswordPolicyViolation');
    expect(weak.out).toContain('Password should have a minimum length of 12');
    const created = await aws(ADMIN, 'iam', 'create-login-profile', '--user-name', 'alice', '--password', 'Initial-pass-1!', '--password-reset-required');
    expect(created.ok, created.out).toBe(true);
    expect(JSON.parse(created.out).LoginProfile).toMatchObject({ UserName: 'alice', PasswordResetRequired: true });
    const changed = await aws(ALICE, 'iam', 'change-password', '--old-password', 'Initial-pass-1!', '--new-password', 'Second-pass-2!');
    expect(changed.ok, changed.out).toBe(true);
    const profile = JSON.parse((await aws(ADMIN, 'iam', 'get-login-profile', '--user-name', 'alice')).out).LoginProfile;
    expect(profile.PasswordResetRequired).toBe(false);
    const reused = await aws(ALICE, 'iam', 'change-password', '--old-password', 'Second-pass-2!', '--new-password', 'Second-pass-2!');
    expect(reused.out).toContain('PasswordPolicyViolation');
    // alice may change her own password, not an administrator's settings.
    const notHers = await aws(ALICE, 'iam', 'delete-login-profile', '--user-name', 'alice');
    expect(notHers.out).toContain('AccessDenied');
  });

  it('create-account-alias, list-account-aliases, get-account-summary', async () => {
    expect((await aws(ADMIN, 'iam', 'create-account-alias', '--account-alias', 'iamlocal-e2e')).ok).toBe(true);
    expect(JSON.parse((await aws(ADMIN, 'iam', 'list-account-aliases')).out).AccountAliases).toEqual(['iamlocal-e2e']);
    const summary = JSON.parse((await aws(ADMIN, 'iam', 'get-account-summary')).out).SummaryMap;
    expect(summary.Users).toBeGreaterThanOrEqual(2);
    expect([summary.UsersQuota, summary.RolesQuota]).toEqual([5000, 1000]);
  });
});

describe('SDK v3', () => {
  it('CreateServiceLinkedRole with a custom suffix, DeleteServiceLinkedRole, GetServiceLinkedRoleDeletionStatus; ChangePassword with a wrong old password fails', async () => {
    const c = new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: ADMIN, maxAttempts: 1 });
    const { Role } = await c.send(new CreateServiceLinkedRoleCommand({ AWSServiceName: 'autoscaling.amazonaws.com', CustomSuffix: 'sdk' }));
    expect(Role?.RoleName).toBe('AWSServiceRoleForAutoScaling_sdk');
    const { DeletionTaskId } = await c.send(new DeleteServiceLinkedRoleCommand({ RoleName: 'AWSServiceRoleForAutoScaling_sdk' }));
    expect((await c.send(new GetServiceLinkedRoleDeletionStatusCommand({ DeletionTaskId }))).Status).toBe('SUCCEEDED');
    const alice = new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: ALICE, maxAttempts: 1 });
    await expect(alice.send(new ChangePasswordCommand({ OldPassword: 'not-the-password-1!', NewPassword: 'Third-pass-3!!' }))).rejects.toMatchObject({ $metadata: { httpStatusCode: 400 } });
  });
});
