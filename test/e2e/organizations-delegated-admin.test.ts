// e2e with the real @aws-sdk/client-organizations: who besides the management account may call the
// operations AWS documents as "You can only call this operation from the management account or a member
// account that is a delegated administrator" (botocore's model):
// - a member registered as delegated administrator for an AWS service gets the read operations
//   ("It grants read-only access to Organizations service data", RegisterDelegatedAdministrator);
// - a member named by the organization's resource-based delegation policy
//   (https://docs.aws.amazon.com/organizations/latest/userguide/orgs-policy-delegate.html) gets what the
//   policy grants, evaluated across accounts: its own identity policy and the delegation policy must both allow;
// - the management-only operations stay the management account's.
import {
  CreatePolicyCommand,
  DeleteResourcePolicyCommand,
  EnableAWSServiceAccessCommand,
  EnablePolicyTypeCommand,
  ListAccountsCommand,
  ListRootsCommand,
  MoveAccountCommand,
  OrganizationsClient,
  PutResourcePolicyCommand,
  RegisterDelegatedAdministratorCommand,
} from '@aws-sdk/client-organizations';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { error } from '../helpers/sdk-error';
import { startIamLocal, type IamLocal } from '../../src/index';

type Creds = { accessKeyId: string; secretAccessKey: string };
const creds = (tag: string): Creds => ({ accessKeyId: `AKIAE2EDELEG${tag.padEnd(8, '0')}`, secretAccessKey: `delegation-secret-for-e2e-tests-${tag}`.padEnd(40, '0') });
const ORG_ADMIN = creds('ADMIN');
const DELEGATE = creds('DELEGATE');
const DELEGATE_NOPERM = creds('NOPERM');
const SECURITY = creds('SECURITY');
const PLAIN = creds('PLAIN');

const MGMT = '999999999999';
const DELEGATED = '111111111111';
const SECURITY_ACCOUNT = '444444444444';
const PLAIN_ACCOUNT = '555555555555';
const ALL_ORGS = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'organizations:*', Resource: '*' }] };
const user = (name: string, account: string, key: Creds, policy?: object) => ({
  name,
  account,
  accessKeys: [key],
  ...(policy ? { inlinePolicies: { orgs: policy } } : {}),
});
const seed = {
  accounts: [
    { id: MGMT, name: 'Management', email: 'management@example.com' },
    { id: DELEGATED, name: 'Platform' },
    { id: SECURITY_ACCOUNT, name: 'Security' },
    { id: PLAIN_ACCOUNT, name: 'Workloads' },
  ],
  organization: { id: 'o-e2edelegate1', managementAccount: MGMT, accounts: [DELEGATED, SECURITY_ACCOUNT, PLAIN_ACCOUNT] },
  users: [
    user('org-admin', MGMT, ORG_ADMIN, ALL_ORGS),
    user('delegate', DELEGATED, DELEGATE, ALL_ORGS),
    user('delegate-noperm', DELEGATED, DELEGATE_NOPERM),
    user('security', SECURITY_ACCOUNT, SECURITY, ALL_ORGS),
    user('plain', PLAIN_ACCOUNT, PLAIN, ALL_ORGS),
  ],
};

/** Delegates navigation and tag-policy management to the platform account (the guide's two examples, narrowed). */
const DELEGATION_POLICY = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'DelegatingNecessaryDescribeListActions',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${DELEGATED}:root` },
      Action: ['organizations:DescribeOrganization', 'organizations:ListRoots', 'organizations:ListAccounts'],
      Resource: '*',
    },
    {
      Sid: 'DelegatingTagPolicies',
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${DELEGATED}:root` },
      Action: ['organizations:CreatePolicy'],
      Resource: '*',
      Condition: { StringEquals: { 'organizations:PolicyType': 'TAG_POLICY' } },
    },
  ],
};
const TAG_POLICY = JSON.stringify({ tags: { team: { tag_key: { '@@assign': 'team' } } } });
const SCP = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] });

let iam: IamLocal;
const orgs = (credentials: Creds) => new OrganizationsClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

const NOT_MANAGEMENT = { name: 'AccessDeniedException', status: 400, message: "You don't have permissions to access this resource." };
const ids = (r: { Accounts?: { Id?: string }[] }) => r.Accounts!.map((a) => a.Id).sort();

beforeAll(async () => {
  iam = await startIamLocal({ seed: [seed] });
});
afterAll(async () => {
  await iam?.stop();
});

describe('delegated administrators of Organizations (SDK v3)', () => {
  it('a member account without delegation gets AccessDenied for the read operations', async () => {
    expect(await error(orgs(DELEGATE).send(new ListAccountsCommand({})))).toEqual(NOT_MANAGEMENT);
    expect(await error(orgs(SECURITY).send(new ListRootsCommand({})))).toEqual(NOT_MANAGEMENT);
  });

  it('a delegated administrator for a service reads the organization, and changes nothing', async () => {
    const admin = orgs(ORG_ADMIN);
    await admin.send(new EnableAWSServiceAccessCommand({ ServicePrincipal: 'securityhub.amazonaws.com' }));
    await admin.send(new RegisterDelegatedAdministratorCommand({ AccountId: SECURITY_ACCOUNT, ServicePrincipal: 'securityhub.amazonaws.com' }));
    const security = orgs(SECURITY);
    expect(ids(await security.send(new ListAccountsCommand({})))).toEqual([DELEGATED, SECURITY_ACCOUNT, PLAIN_ACCOUNT, MGMT].sort());
    expect((await security.send(new ListRootsCommand({}))).Roots).toHaveLength(1);
    expect(await error(security.send(new CreatePolicyCommand({ Name: 'x', Description: 'x', Type: 'SERVICE_CONTROL_POLICY', Content: SCP })))).toEqual(NOT_MANAGEMENT);
  });

  it('the delegation policy grants what it says, to whom it names, with the member’s own policies', async () => {
    const admin = orgs(ORG_ADMIN);
    const [root] = (await admin.send(new ListRootsCommand({}))).Roots!;
    await admin.send(new EnablePolicyTypeCommand({ RootId: root.Id, PolicyType: 'TAG_POLICY' }));
    await admin.send(new PutResourcePolicyCommand({ Content: JSON.stringify(DELEGATION_POLICY) }));

    const delegate = orgs(DELEGATE);
    expect(ids(await delegate.send(new ListAccountsCommand({})))).toContain(PLAIN_ACCOUNT);
    const created = (await delegate.send(new CreatePolicyCommand({ Name: 'team-tags', Description: 'by the platform team', Type: 'TAG_POLICY', Content: TAG_POLICY }))).Policy!;
    // The policy is the organization's: it lives under the management account.
    expect(created.PolicySummary!.Arn).toMatch(new RegExp(`^arn:aws:organizations::${MGMT}:policy/o-e2edelegate1/tag_policy/p-`));

    // The condition on organizations:PolicyType: an SCP is not delegated.
    const scp = await error(delegate.send(new CreatePolicyCommand({ Name: 'deny-s3', Description: 'x', Type: 'SERVICE_CONTROL_POLICY', Content: SCP })));
    expect(scp).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(scp.message).toMatch(/^User: arn:aws:iam::111111111111:user\/delegate is not authorized to perform: organizations:CreatePolicy .*because no resource-based policy allows the organizations:CreatePolicy action$/);

    // The member's own identity policy must allow it too.
    const noperm = await error(orgs(DELEGATE_NOPERM).send(new ListAccountsCommand({})));
    expect(noperm).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(noperm.message).toMatch(/user\/delegate-noperm is not authorized to perform: organizations:ListAccounts .*because no identity-based policy allows/);

    // An account the policy does not name.
    const plain = await error(orgs(PLAIN).send(new ListAccountsCommand({})));
    expect(plain).toMatchObject({ name: 'AccessDeniedException', status: 400 });
    expect(plain.message).toMatch(/user\/plain is not authorized to perform: organizations:ListAccounts .*because no resource-based policy allows/);

    // Management-only operations stay management-only, whatever the policy says.
    const [acct] = (await admin.send(new ListAccountsCommand({}))).Accounts!.filter((a) => a.Id === PLAIN_ACCOUNT);
    expect(await error(delegate.send(new MoveAccountCommand({ AccountId: acct.Id, SourceParentId: root.Id, DestinationParentId: root.Id })))).toEqual(NOT_MANAGEMENT);

    // Without the policy the delegation ends at once.
    await admin.send(new DeleteResourcePolicyCommand({}));
    expect(await error(delegate.send(new ListAccountsCommand({})))).toEqual(NOT_MANAGEMENT);
  });
});
