// e2e with the AWS CLI (v1, botocore's JSON 1.1 client) against a real iamlocal, configured only by
// environment (AWS_ENDPOINT_URL_ORGANIZATIONS / _IAM): create OU, move account, create SCP, attach,
// a real `aws iam create-role` of the member account is denied, detach, allowed again; CLI paging;
// botocore's rendering of Organizations errors. Seed: test/fixtures/services/organizations/e2e-seed.json.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed, trustAccount } from '../helpers/e2e-seed';
import orgSeed from '../fixtures/services/organizations/e2e-seed.json';
import { awsCli, type CliResult } from '../helpers/aws-cli';

const admin = orgSeed.users.find((u) => u.name === 'org-admin')!.accessKeys[0];
const ORG_ADMIN = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };

let iam: IamLocal;
let home: string;
beforeAll(async () => {
  iam = await startIamLocal({ seed: [e2eSeed, orgSeed] });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-orgs-cli-'));
});
afterAll(async () => {
  await iam?.stop();
});

async function aws(creds: { accessKeyId: string; secretAccessKey: string }, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint: iam.endpoint, home, region: 'us-east-1', services: ['ORGANIZATIONS', 'IAM'] }, creds, args);
}

async function ok(creds: { accessKeyId: string; secretAccessKey: string }, ...args: string[]): Promise<any> {
  const r = await aws(creds, ...args);
  if (!r.ok) throw new Error(`aws ${args.join(' ')} failed: ${r.out}`);
  return r.out.trim() === '' ? {} : JSON.parse(r.out);
}

describe('AWS CLI organizations', () => {
  it('create OU → move account → create SCP → attach → iam create-role denied → detach → allowed', async () => {
    const rootId: string = (await ok(ORG_ADMIN, 'organizations', 'list-roots')).Roots[0].Id;
    const ou = (await ok(ORG_ADMIN, 'organizations', 'create-organizational-unit', '--parent-id', rootId, '--name', 'CliRestricted')).OrganizationalUnit;
    expect(ou.Arn).toBe(`arn:aws:organizations::999999999999:ou/o-e2eorgtest01/${ou.Id}`);
    await ok(ORG_ADMIN, 'organizations', 'move-account', '--account-id', '000000000000', '--source-parent-id', rootId, '--destination-parent-id', ou.Id);
    expect((await ok(ORG_ADMIN, 'organizations', 'list-parents', '--child-id', '000000000000')).Parents).toEqual([{ Id: ou.Id, Type: 'ORGANIZATIONAL_UNIT' }]);

    const content = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'iam:CreateRole', Resource: '*' }] });
    const policy = (await ok(ORG_ADMIN, 'organizations', 'create-policy', '--name', 'CliDenyRoles', '--description', 'cli', '--type', 'SERVICE_CONTROL_POLICY', '--content', content)).Policy;
    expect(policy.PolicySummary).toMatchObject({ Name: 'CliDenyRoles', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: false });
    await ok(ORG_ADMIN, 'organizations', 'attach-policy', '--policy-id', policy.PolicySummary.Id, '--target-id', ou.Id);

    const denied = await aws(DEV, 'iam', 'create-role', '--role-name', 'cli-scp-denied', '--assume-role-policy-document', trustAccount());
    expect(denied.ok).toBe(false);
    expect(denied.out).toContain(
      'An error occurred (AccessDenied) when calling the CreateRole operation: User: arn:aws:iam::000000000000:user/dev is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::000000000000:role/cli-scp-denied with an explicit deny in a service control policy',
    );

    await ok(ORG_ADMIN, 'organizations', 'detach-policy', '--policy-id', policy.PolicySummary.Id, '--target-id', ou.Id);
    const created = await ok(DEV, 'iam', 'create-role', '--role-name', 'cli-scp-allowed', '--assume-role-policy-document', trustAccount());
    expect(created.Role.Arn).toBe('arn:aws:iam::000000000000:role/cli-scp-allowed');
    await ok(ORG_ADMIN, 'organizations', 'delete-policy', '--policy-id', policy.PolicySummary.Id);
  });

  it('list-accounts pages through NextToken (--page-size 1) and describe-organization reads timestamps', async () => {
    const all = await ok(ORG_ADMIN, 'organizations', 'list-accounts', '--page-size', '1');
    expect(all.Accounts.map((a: { Id: string }) => a.Id).sort()).toEqual(['000000000000', '111111111111', '999999999999']);
    // JSON 1.1 timestamps are epoch seconds; CLI v1 (cli_timestamp_format none) prints the wire value.
    const joined = all.Accounts[0].JoinedTimestamp;
    expect(typeof joined).toBe('number');
    expect(Math.abs(joined - iam.clock.now().getTime() / 1000)).toBeLessThan(600);
    const org = await ok(ORG_ADMIN, 'organizations', 'describe-organization');
    expect(org.Organization).toMatchObject({ Id: 'o-e2eorgtest01', MasterAccountId: '999999999999' });
  });

  it('errors render as botocore prints them', async () => {
    const member = await aws(iam.rootCredentials, 'organizations', 'list-accounts');
    expect(member.out).toContain("An error occurred (AccessDeniedException) when calling the ListAccounts operation: You don't have permissions to access this resource.");
    const missing = await aws(ORG_ADMIN, 'organizations', 'describe-policy', '--policy-id', 'p-doesnotexist');
    expect(missing.out).toContain("An error occurred (PolicyNotFoundException) when calling the DescribePolicy operation: We can't find a policy with the PolicyId that you specified.");
    const malformed = await aws(ORG_ADMIN, 'organizations', 'create-policy', '--name', 'bad', '--description', '', '--type', 'SERVICE_CONTROL_POLICY', '--content', '{"Statement":');
    expect(malformed.out).toContain('An error occurred (MalformedPolicyDocumentException) when calling the CreatePolicy operation: The provided policy document does not meet the requirements of the specified policy type.');
  });
});
