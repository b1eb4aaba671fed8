// The SCP region scenario of issue 5 with seed/40-organization-scps.yaml: DenyRegionsOutsideUS (AWS's
// example, https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_scps_examples_general.html#example-scp-deny-region)
// is attached to the Workloads OU that holds 000000000000.
// (a) a principal of that account calling IAM/STS with client region eu-west-1 is allowed (iam:* and
//     sts:* are in the NotAction list) — real SDK v3 and AWS CLI calls signed for eu-west-1;
// (b) ec2:RunInstances outside us-east-1/us-west-2 is denied by the SCP: iamlocal serves no EC2, so
//     the simulator answers it through the same evaluator (aws:RequestedRegion as a ContextEntry);
// (c) aws:RequestedRegion of real calls is the client's signing region: an SCP that does not exempt
//     IAM denies the eu-west-1 client and allows the us-east-1 one.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateRoleCommand, GetRoleCommand, IAMClient, ListRolesCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { AttachPolicyCommand, CreatePolicyCommand, DetachPolicyCommand, ListOrganizationalUnitsForParentCommand, ListRootsCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { trustAccount } from '../helpers/e2e-seed';
import { awsCli, type CliResult } from '../helpers/aws-cli';

const SEED_FILE = join(__dirname, '../../seed/40-organization-scps.yaml');
const OPERATOR = { accessKeyId: 'AKIAE2EEC2OPERATOR01', secretAccessKey: 'ec2-operator-secret-for-e2e-tests-only-01' };
const MGMT_ROOT = { accessKeyId: 'AKIAE2EMGMTROOT00001', secretAccessKey: 'mgmt-root-secret-for-e2e-tests-only-0001' };
const OPERATOR_ARN = 'arn:aws:iam::000000000000:user/ec2-operator';

const extraSeed = {
  accounts: [{ id: '999999999999', rootAccessKeys: [MGMT_ROOT] }],
  users: [
    {
      name: 'ec2-operator',
      accessKeys: [OPERATOR],
      inlinePolicies: { ops: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['ec2:RunInstances', 'iam:*', 'sts:*'], Resource: '*' }] } },
    },
  ],
};

let iam: IamLocal;
let home: string;
beforeAll(async () => {
  iam = await startIamLocal({ seed: [SEED_FILE, extraSeed] });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-scp-cli-'));
});
afterAll(async () => {
  await iam?.stop();
});

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
const iamIn = (region: string, c: Creds = OPERATOR) => new IAMClient({ endpoint: iam.endpoint, region, credentials: c, maxAttempts: 1 });
const stsIn = (region: string, c: Creds = OPERATOR) => new STSClient({ endpoint: iam.endpoint, region, credentials: c, maxAttempts: 1 });

async function aws(region: string, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint: iam.endpoint, home, region, services: ['IAM', 'STS'] }, OPERATOR, args);
}

function regionEntry(region: string) {
  return [{ ContextKeyName: 'aws:RequestedRegion', ContextKeyValues: [region], ContextKeyType: 'string' as const }];
}

describe('(a) IAM and STS stay usable from eu-west-1 (global services are exempt)', () => {
  it('SDK v3 clients configured for eu-west-1: IAM create/get/list, STS caller identity and AssumeRole', async () => {
    const created = await iamIn('eu-west-1').send(new CreateRoleCommand({ RoleName: 'eu-app', AssumeRolePolicyDocument: trustAccount() }));
    expect(created.Role?.Arn).toBe('arn:aws:iam::000000000000:role/eu-app');
    expect((await iamIn('eu-west-1').send(new GetRoleCommand({ RoleName: 'eu-app' }))).Role?.RoleName).toBe('eu-app');
    expect((await iamIn('eu-west-1').send(new ListRolesCommand({}))).Roles?.map((r) => r.RoleName)).toContain('eu-app');
    expect((await stsIn('eu-west-1').send(new GetCallerIdentityCommand({}))).Arn).toBe(OPERATOR_ARN);
    const assumed = await stsIn('eu-west-1').send(new AssumeRoleCommand({ RoleArn: created.Role!.Arn!, RoleSessionName: 'eu' }));
    expect(assumed.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/eu-app/eu');
  });

  it('AWS CLI with AWS_DEFAULT_REGION=eu-west-1', async () => {
    const r = await aws('eu-west-1', 'iam', 'create-role', '--role-name', 'eu-cli-app', '--assume-role-policy-document', trustAccount());
    expect(r.ok).toBe(true);
    expect(JSON.parse(r.out).Role.Arn).toBe('arn:aws:iam::000000000000:role/eu-cli-app');
  });
});

describe('(b) ec2:RunInstances is denied outside us-east-1 / us-west-2 (policy simulator, same evaluator)', () => {
  it.each([
    ['eu-west-1', 'explicitDeny', false],
    ['ap-southeast-2', 'explicitDeny', false],
    ['us-east-1', 'allowed', true],
    ['us-west-2', 'allowed', true],
  ] as const)('SimulatePrincipalPolicy ec2:RunInstances in %s → %s', async (region, decision, allowedByOrgs) => {
    const r = await iamIn('us-east-1').send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: OPERATOR_ARN, ActionNames: ['ec2:RunInstances'], ContextEntries: regionEntry(region) }),
    );
    expect(r.EvaluationResults).toHaveLength(1);
    expect(r.EvaluationResults![0]).toMatchObject({
      EvalActionName: 'ec2:RunInstances',
      EvalDecision: decision,
      OrganizationsDecisionDetail: { AllowedByOrganizations: allowedByOrgs },
    });
  });

  it('iam:CreateRole simulated in eu-west-1 is allowed: iam:* is in the SCP’s NotAction list', async () => {
    const r = await iamIn('eu-west-1').send(
      new SimulatePrincipalPolicyCommand({ PolicySourceArn: OPERATOR_ARN, ActionNames: ['iam:CreateRole', 'ec2:RunInstances'], ContextEntries: regionEntry('eu-west-1') }),
    );
    const byAction = Object.fromEntries(r.EvaluationResults!.map((e) => [e.EvalActionName, e.EvalDecision]));
    expect(byAction).toEqual({ 'iam:CreateRole': 'allowed', 'ec2:RunInstances': 'explicitDeny' });
  });

  it('aws iam simulate-principal-policy (CLI) answers the same', async () => {
    const r = await aws(
      'us-east-1',
      'iam', 'simulate-principal-policy',
      '--policy-source-arn', OPERATOR_ARN,
      '--action-names', 'ec2:RunInstances',
      '--context-entries', 'ContextKeyName=aws:RequestedRegion,ContextKeyValues=eu-west-1,ContextKeyType=string',
    );
    expect(r.ok).toBe(true);
    const [result] = JSON.parse(r.out).EvaluationResults;
    expect(result.EvalDecision).toBe('explicitDeny');
    expect(result.OrganizationsDecisionDetail).toEqual({ AllowedByOrganizations: false });
  });
});

describe('(c) aws:RequestedRegion of a real call is the client’s region', () => {
  it('an SCP without the IAM exemption denies the eu-west-1 client and allows the us-east-1 one', async () => {
    const orgs = new OrganizationsClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: MGMT_ROOT, maxAttempts: 1 });
    const [root] = (await orgs.send(new ListRootsCommand({}))).Roots!;
    const workloads = (await orgs.send(new ListOrganizationalUnitsForParentCommand({ ParentId: root.Id }))).OrganizationalUnits!.find((u) => u.Name === 'Workloads')!;
    const content = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Action: 'iam:ListRoles', Resource: '*', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } } }],
    });
    const p = (await orgs.send(new CreatePolicyCommand({ Name: 'DenyIamListOutsideUS', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: content }))).Policy!.PolicySummary!;
    await orgs.send(new AttachPolicyCommand({ PolicyId: p.Id, TargetId: workloads.Id }));
    try {
      await expect(iamIn('eu-west-1').send(new ListRolesCommand({}))).rejects.toMatchObject({
        name: 'AccessDenied',
        message: 'User: arn:aws:iam::000000000000:user/ec2-operator is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::000000000000:role/ with an explicit deny in a service control policy',
      });
      expect((await iamIn('us-east-1').send(new ListRolesCommand({}))).Roles).toEqual(expect.any(Array));
    } finally {
      await orgs.send(new DetachPolicyCommand({ PolicyId: p.Id, TargetId: workloads.Id }));
    }
    expect((await iamIn('eu-west-1').send(new ListRolesCommand({}))).Roles).toEqual(expect.any(Array));
  });
});
