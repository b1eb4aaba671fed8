// e2e with the real @aws-sdk/client-organizations (AwsJson1_1Protocol) against a real iamlocal:
// create OU → move account → create SCP → attach → a real IAM call is denied → detach → allowed;
// paginators; the management-account rule, AWSOrganizationsNotInUse, IAM denials of Organizations
// calls; and aws:PrincipalOrgID / aws:PrincipalOrgPaths / aws:ResourceOrgID on real STS/IAM calls.
// Seed: test/fixtures/services/organizations/e2e-seed.json (organization o-e2eorgtest01, management
// account 999999999999, members 000000000000 and 111111111111; 222222222222 outside).
import { CreateRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import {
  AttachPolicyCommand,
  CreateOrganizationalUnitCommand,
  CreatePolicyCommand,
  DeletePolicyCommand,
  DescribeOrganizationCommand,
  DescribePolicyCommand,
  DetachPolicyCommand,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListParentsCommand,
  ListPoliciesForTargetCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListPolicies,
} from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed, trustAccount } from '../helpers/e2e-seed';
import orgSeed from '../fixtures/services/organizations/e2e-seed.json';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const key = (user: string): Creds => {
  const u = orgSeed.users.find((x) => x.name === user)!;
  return { accessKeyId: u.accessKeys[0].accessKeyId, secretAccessKey: u.accessKeys[0].secretAccessKey };
};
const ORG_ADMIN = key('org-admin');
const ORG_READER = key('org-reader');
const OUTSIDER_ROOT = { accessKeyId: orgSeed.accounts[2].rootAccessKeys![0].accessKeyId, secretAccessKey: orgSeed.accounts[2].rootAccessKeys![0].secretAccessKey };
const ORG_ID = 'o-e2eorgtest01';

let iam: IamLocal;
const orgs = (credentials: Creds, region = 'us-east-1') => new OrganizationsClient({ endpoint: iam.endpoint, region, credentials, maxAttempts: 1 });
const iamClient = (credentials: Creds) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const sts = (credentials: Creds) => new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

async function error(p: Promise<unknown>): Promise<{ name: string; message: string; status?: number; reason?: string }> {
  try {
    await p;
  } catch (e) {
    const err = e as { name: string; message: string; Reason?: string; $metadata?: { httpStatusCode?: number } };
    return { name: err.name, message: err.message, status: err.$metadata?.httpStatusCode, ...(err.Reason ? { reason: err.Reason } : {}) };
  }
  throw new Error('expected an error');
}

beforeAll(async () => {
  iam = await startIamLocal({ seed: [e2eSeed, orgSeed] });
});
afterAll(async () => {
  await iam?.stop();
});

describe('SDK v3 Organizations: an SCP attached to an OU governs a member account’s real IAM calls', () => {
  it('create OU → move account → create SCP → attach → denied → detach → allowed', async () => {
    const admin = orgs(ORG_ADMIN);
    const dev = iamClient(DEV);
    await dev.send(new CreateRoleCommand({ RoleName: 'before-scp', AssumeRolePolicyDocument: trustAccount() }));

    const [root] = (await admin.send(new ListRootsCommand({}))).Roots!;
    expect(root).toMatchObject({ Arn: `arn:aws:organizations::999999999999:root/${ORG_ID}/${root.Id}`, Name: 'Root', PolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }] });

    const ou = (await admin.send(new CreateOrganizationalUnitCommand({ ParentId: root.Id, Name: 'Restricted' }))).OrganizationalUnit!;
    expect(ou.Id).toMatch(new RegExp(`^ou-${root.Id!.slice(2)}-[a-z0-9]{8}$`));
    expect(ou.Arn).toBe(`arn:aws:organizations::999999999999:ou/${ORG_ID}/${ou.Id}`);

    expect((await admin.send(new ListParentsCommand({ ChildId: '000000000000' }))).Parents).toEqual([{ Id: root.Id, Type: 'ROOT' }]);
    await admin.send(new MoveAccountCommand({ AccountId: '000000000000', SourceParentId: root.Id, DestinationParentId: ou.Id }));
    const inOu = (await admin.send(new ListAccountsForParentCommand({ ParentId: ou.Id }))).Accounts!;
    expect(inOu.map((a) => a.Id)).toEqual(['000000000000']);
    expect(inOu[0].JoinedTimestamp).toBeInstanceOf(Date);

    const content = JSON.stringify({ Version: '2012-10-17', Statement: [{ Sid: 'NoRoleCreation', Effect: 'Deny', Action: 'iam:CreateRole', Resource: '*' }] });
    const created = (await admin.send(new CreatePolicyCommand({ Name: 'DenyRoleCreation', Description: 'no new roles', Type: 'SERVICE_CONTROL_POLICY', Content: content }))).Policy!;
    const policyId = created.PolicySummary!.Id!;
    expect(created.PolicySummary).toEqual({
      Id: policyId,
      Arn: `arn:aws:organizations::999999999999:policy/${ORG_ID}/service_control_policy/${policyId}`,
      Name: 'DenyRoleCreation',
      Description: 'no new roles',
      Type: 'SERVICE_CONTROL_POLICY',
      AwsManaged: false,
    });
    expect(created.Content).toBe(content);

    await admin.send(new AttachPolicyCommand({ PolicyId: policyId, TargetId: ou.Id }));
    const onOu = (await admin.send(new ListPoliciesForTargetCommand({ TargetId: ou.Id, Filter: 'SERVICE_CONTROL_POLICY' }))).Policies!;
    expect(onOu.map((p) => p.Name).sort()).toEqual(['DenyRoleCreation', 'FullAWSAccess']);

    const denied = await error(dev.send(new CreateRoleCommand({ RoleName: 'during-scp', AssumeRolePolicyDocument: trustAccount() })));
    expect(denied).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: 'User: arn:aws:iam::000000000000:user/dev is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::000000000000:role/during-scp with an explicit deny in a service control policy',
    });
    // The SCP denies only iam:CreateRole.
    expect((await dev.send(new GetRoleCommand({ RoleName: 'before-scp' }))).Role?.RoleName).toBe('before-scp');

    expect(await error(admin.send(new DeletePolicyCommand({ PolicyId: policyId })))).toMatchObject({ name: 'PolicyInUseException', status: 400 });
    await admin.send(new DetachPolicyCommand({ PolicyId: policyId, TargetId: ou.Id }));
    const after = await dev.send(new CreateRoleCommand({ RoleName: 'after-scp', AssumeRolePolicyDocument: trustAccount() }));
    expect(after.Role?.Arn).toBe('arn:aws:iam::000000000000:role/after-scp');
    await admin.send(new DeletePolicyCommand({ PolicyId: policyId }));
    expect(await error(admin.send(new DescribePolicyCommand({ PolicyId: policyId })))).toEqual({
      name: 'PolicyNotFoundException',
      status: 400,
      message: "We can't find a policy with the PolicyId that you specified.",
    });
  });

  it('the management account is exempt: an SCP on the root does not deny its principals', async () => {
    const admin = orgs(ORG_ADMIN);
    const [root] = (await admin.send(new ListRootsCommand({}))).Roots!;
    const content = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'organizations:ListAccounts', Resource: '*' }] });
    const p = (await admin.send(new CreatePolicyCommand({ Name: 'DenyListAccounts', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: content }))).Policy!.PolicySummary!;
    await admin.send(new AttachPolicyCommand({ PolicyId: p.Id, TargetId: root.Id }));
    try {
      expect((await admin.send(new ListAccountsCommand({}))).Accounts!.length).toBeGreaterThan(0);
    } finally {
      await admin.send(new DetachPolicyCommand({ PolicyId: p.Id, TargetId: root.Id }));
      await admin.send(new DeletePolicyCommand({ PolicyId: p.Id }));
    }
  });
});

describe('SDK v3 Organizations: paginators, shapes and errors', () => {
  it('paginateListAccounts and paginateListPolicies walk NextToken to the end', async () => {
    const ids: string[] = [];
    let pages = 0;
    for await (const page of paginateListAccounts({ client: orgs(ORG_READER), pageSize: 1 }, {})) {
      pages++;
      ids.push(...page.Accounts!.map((a) => a.Id!));
    }
    expect(pages).toBe(3);
    expect(ids.sort()).toEqual(['000000000000', '111111111111', '999999999999']);
    const names: string[] = [];
    for await (const page of paginateListPolicies({ client: orgs(ORG_READER), pageSize: 1 }, { Filter: 'SERVICE_CONTROL_POLICY' })) names.push(...page.Policies!.map((p) => p.Name!));
    expect(names).toContain('FullAWSAccess');
  });

  it('a member account can describe its organization but not list its accounts', async () => {
    // The member account's root user (full access in its own account); dev has no organizations:* grant.
    const o = (await orgs(iam.rootCredentials, 'eu-west-1').send(new DescribeOrganizationCommand({}))).Organization!;
    expect(o).toMatchObject({ Id: ORG_ID, MasterAccountId: '999999999999', MasterAccountEmail: 'management@example.com', FeatureSet: 'ALL' });
    expect(await error(orgs(iam.rootCredentials).send(new ListAccountsCommand({})))).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: "You don't have permissions to access this resource.",
    });
    expect(await error(orgs(DEV).send(new DescribeOrganizationCommand({})))).toEqual({
      name: 'AccessDeniedException',
      status: 400,
      message: 'User: arn:aws:iam::000000000000:user/dev is not authorized to perform: organizations:DescribeOrganization because no identity-based policy allows the organizations:DescribeOrganization action',
    });
  });

  it('an account in no organization gets AWSOrganizationsNotInUseException', async () => {
    expect(await error(orgs(OUTSIDER_ROOT).send(new DescribeOrganizationCommand({})))).toEqual({
      name: 'AWSOrganizationsNotInUseException',
      status: 400,
      message: 'Your account is not a member of an organization.',
    });
  });

  it('an IAM policy that does not allow the action is AccessDeniedException naming the action and the ARN', async () => {
    const e = await error(orgs(ORG_READER).send(new CreatePolicyCommand({ Name: 'x', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: '{}' })));
    expect(e.name).toBe('AccessDeniedException');
    expect(e.status).toBe(400);
    expect(e.message).toMatch(
      new RegExp(`^User: arn:aws:iam::999999999999:user/org-reader is not authorized to perform: organizations:CreatePolicy on resource: arn:aws:organizations::999999999999:policy/${ORG_ID}/service_control_policy/p-[a-z0-9]{8} because no identity-based policy allows the organizations:CreatePolicy action$`),
    );
  });

  it('InvalidInputException carries its Reason', async () => {
    expect(await error(orgs(ORG_ADMIN).send(new DescribePolicyCommand({ PolicyId: 'not-a-policy' })))).toEqual({
      name: 'InvalidInputException',
      status: 400,
      message: 'You provided a value that does not match the required pattern.',
      reason: 'INVALID_PATTERN',
    });
  });
});

describe('organization condition keys on real STS/IAM calls', () => {
  const ROLE = 'arn:aws:iam::000000000000:role/org-shared';

  it('aws:PrincipalOrgID / aws:PrincipalOrgPaths: a principal of a member account may assume, one outside may not', async () => {
    const ok = await sts(key('in-org')).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'member' }));
    expect(ok.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/org-shared/member');
    expect(await error(sts(key('outside-org')).send(new AssumeRoleCommand({ RoleArn: ROLE, RoleSessionName: 'outsider' })))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::222222222222:user/outside-org is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
    });
  });

  it('aws:ResourceOrgID is the organization of the account that owns the resource', async () => {
    expect((await iamClient(key('same-org-reader')).send(new ListRolesCommand({}))).Roles).toEqual(expect.any(Array));
    expect(await error(iamClient(key('other-org-reader')).send(new ListRolesCommand({})))).toMatchObject({ name: 'AccessDenied', status: 403 });
  });
});
