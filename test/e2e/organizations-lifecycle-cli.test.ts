// e2e with the AWS CLI v1 against a real iamlocal on a port: the reference article's account vending
// flow. create-account → describe-create-account-status → assume OrganizationAccountAccessRole from the
// management account → the new account's leave-organization denied by a DenyLeavingOrganization SCP →
// allowed once detached; the management account cannot leave; create/delete-organization of a lone account.
// Seed: test/fixtures/organizations/lifecycle-seed.json.
import { describe, expect, it } from 'vitest';
import seed from '../fixtures/organizations/lifecycle-seed.json';
import type { CliCreds } from '../helpers/aws-cli';
import { cliServer } from '../helpers/aws-cli-server';

const ADMIN: CliCreds = seed.users[0].accessKeys[0];
const LONER: CliCreds = seed.accounts[1].rootAccessKeys![0];

const server = cliServer(seed, 'orgs-lifecycle');
const { aws, ok } = server;

const DENY_LEAVING = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Sid: 'DenyLeavingOrganization', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' }],
});

// Each CLI call starts a Python interpreter (seconds on a busy 2-core machine): generous time per test.
describe('AWS CLI organizations: account lifecycle', { timeout: 180_000 }, () => {
  it('create-account → assume OrganizationAccountAccessRole → leave-organization denied by an SCP, allowed once detached', async () => {
    const created = (await ok(ADMIN, 'organizations', 'create-account', '--email', 'workload@example.com', '--account-name', 'Workload')).CreateAccountStatus;
    expect(created).toMatchObject({ AccountName: 'Workload', State: 'SUCCEEDED' });
    expect(created.Id).toMatch(/^car-[a-z0-9]{8,32}$/);
    const accountId: string = created.AccountId;
    expect(accountId).toMatch(/^\d{12}$/);
    const status = (await ok(ADMIN, 'organizations', 'describe-create-account-status', '--create-account-request-id', created.Id)).CreateAccountStatus;
    expect(status).toMatchObject({ Id: created.Id, State: 'SUCCEEDED', AccountId: accountId });
    const listed = (await ok(ADMIN, 'organizations', 'list-create-account-status', '--states', 'SUCCEEDED')).CreateAccountStatuses;
    expect(listed.map((s: { Id: string }) => s.Id)).toEqual([created.Id]);
    const described = (await ok(ADMIN, 'organizations', 'describe-account', '--account-id', accountId)).Account;
    expect(described).toMatchObject({ Id: accountId, Name: 'Workload', Email: 'workload@example.com', Status: 'ACTIVE', JoinedMethod: 'CREATED' });

    const assumed = await ok(ADMIN, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`, '--role-session-name', 'vending');
    const member: CliCreds = {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    };
    const who = await ok(member, 'sts', 'get-caller-identity');
    expect(who.Arn).toBe(`arn:aws:sts::${accountId}:assumed-role/OrganizationAccountAccessRole/vending`);
    // AdministratorAccess inside the new account.
    expect((await ok(member, 'iam', 'list-attached-role-policies', '--role-name', 'OrganizationAccountAccessRole')).AttachedPolicies).toEqual([
      { PolicyName: 'AdministratorAccess', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' },
    ]);

    const policy = (await ok(ADMIN, 'organizations', 'create-policy', '--name', 'DenyLeavingOrganization', '--description', 'article', '--type', 'SERVICE_CONTROL_POLICY', '--content', DENY_LEAVING)).Policy;
    await ok(ADMIN, 'organizations', 'attach-policy', '--policy-id', policy.PolicySummary.Id, '--target-id', accountId);
    const denied = await aws(member, 'organizations', 'leave-organization');
    expect(denied.ok).toBe(false);
    expect(denied.out).toContain('An error occurred (AccessDeniedException) when calling the LeaveOrganization operation');
    expect(denied.out).toContain('with an explicit deny in a service control policy');
    expect((await ok(ADMIN, 'organizations', 'list-accounts')).Accounts.map((a: { Id: string }) => a.Id)).toContain(accountId);

    await ok(ADMIN, 'organizations', 'detach-policy', '--policy-id', policy.PolicySummary.Id, '--target-id', accountId);
    await ok(member, 'organizations', 'leave-organization');
    const gone = await aws(member, 'organizations', 'describe-organization');
    expect(gone.out).toContain('An error occurred (AWSOrganizationsNotInUseException) when calling the DescribeOrganization operation: Your account is not a member of an organization.');
    expect((await ok(ADMIN, 'organizations', 'list-accounts')).Accounts.map((a: { Id: string }) => a.Id)).not.toContain(accountId);
  }, 180_000); // 13 CLI processes: over 30 s on a machine shared by parallel runs

  it('create-account with --role-name names the access role; close-account suspends; remove-account-from-organization removes', async () => {
    const created = (await ok(ADMIN, 'organizations', 'create-account', '--email', 'sandbox@example.com', '--account-name', 'Sandbox', '--role-name', 'VendingAdmin')).CreateAccountStatus;
    const accountId: string = created.AccountId;
    const assumed = await aws(ADMIN, 'sts', 'assume-role', '--role-arn', `arn:aws:iam::${accountId}:role/VendingAdmin`, '--role-session-name', 'sandbox');
    expect(assumed.ok).toBe(true);
    const again = (await ok(ADMIN, 'organizations', 'create-account', '--email', 'sandbox@example.com', '--account-name', 'Sandbox2')).CreateAccountStatus;
    expect(again).toMatchObject({ State: 'FAILED', FailureReason: 'EMAIL_ALREADY_EXISTS' });

    await ok(ADMIN, 'organizations', 'close-account', '--account-id', accountId);
    expect((await ok(ADMIN, 'organizations', 'describe-account', '--account-id', accountId)).Account.Status).toBe('SUSPENDED');
    const closedTwice = await aws(ADMIN, 'organizations', 'close-account', '--account-id', accountId);
    expect(closedTwice.out).toContain('An error occurred (AccountAlreadyClosedException) when calling the CloseAccount operation');

    await ok(ADMIN, 'organizations', 'remove-account-from-organization', '--account-id', accountId);
    const missing = await aws(ADMIN, 'organizations', 'describe-account', '--account-id', accountId);
    expect(missing.out).toContain("An error occurred (AccountNotFoundException) when calling the DescribeAccount operation: You specified an account that doesn't exist.");
  });

  it('the management account cannot leave or be removed', async () => {
    const leave = await aws(ADMIN, 'organizations', 'leave-organization');
    expect(leave.out).toContain('An error occurred (MasterCannotLeaveOrganizationException) when calling the LeaveOrganization operation');
    const remove = await aws(ADMIN, 'organizations', 'remove-account-from-organization', '--account-id', '999999999999');
    expect(remove.out).toContain('An error occurred (MasterCannotLeaveOrganizationException) when calling the RemoveAccountFromOrganization operation');
    await ok(ADMIN, 'organizations', 'create-account', '--email', 'keeper@example.com', '--account-name', 'Keeper');
    const del = await aws(ADMIN, 'organizations', 'delete-organization');
    expect(del.out).toContain('An error occurred (OrganizationNotEmptyException) when calling the DeleteOrganization operation');
  });

  it('a lone account: create-organization (consolidated billing) → enable-all-features → delete-organization', async () => {
    const org = (await ok(LONER, 'organizations', 'create-organization', '--feature-set', 'CONSOLIDATED_BILLING')).Organization;
    expect(org).toMatchObject({ FeatureSet: 'CONSOLIDATED_BILLING', MasterAccountId: '444444444444' });
    expect(org.Id).toMatch(/^o-[a-z0-9]{10,32}$/);
    const twice = await aws(LONER, 'organizations', 'create-organization');
    expect(twice.out).toContain('An error occurred (AlreadyInOrganizationException) when calling the CreateOrganization operation');
    const hs = (await ok(LONER, 'organizations', 'enable-all-features')).Handshake;
    expect(hs).toMatchObject({ Action: 'ENABLE_ALL_FEATURES', State: 'ACCEPTED' });
    expect((await ok(LONER, 'organizations', 'describe-organization')).Organization.FeatureSet).toBe('ALL');
    expect((await ok(LONER, 'organizations', 'list-roots')).Roots).toHaveLength(1);
    await ok(LONER, 'organizations', 'delete-organization');
    const gone = await aws(LONER, 'organizations', 'describe-organization');
    expect(gone.out).toContain('AWSOrganizationsNotInUseException');
  });
});
