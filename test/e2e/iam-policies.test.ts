// e2e of managed policies with the real SDK v3 (paginators included) and the AWS CLI: create → version →
// set default → attach → list entities → detach → delete, the AWS-managed catalogue, quotas and
// DeleteConflicts as the SDKs surface them.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachRolePolicyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  DeletePolicyCommand,
  DeletePolicyVersionCommand,
  DetachRolePolicyCommand,
  GetPolicyCommand,
  GetPolicyVersionCommand,
  IAMClient,
  ListPolicyVersionsCommand,
  paginateListAttachedRolePolicies,
  paginateListEntitiesForPolicy,
  paginateListPolicies,
  SetDefaultPolicyVersionCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { awsCli, type CliResult } from '../helpers/aws-cli';
import { error } from '../helpers/sdk-error';

type Creds = { accessKeyId: string; secretAccessKey: string };
const ACCT = '000000000000';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const doc = (action: string) => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

let iam: IamLocal;
let home: string;
let client: IAMClient;

async function aws(creds: Creds, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint: iam.endpoint, home, region: 'us-east-1', services: ['IAM', 'STS'] }, creds, args);
}

beforeAll(async () => {
  iam = await startIamLocal();
  home = mkdtempSync(join(tmpdir(), 'iamlocal-policies-'));
  client = new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: iam.rootCredentials, maxAttempts: 1 });
});
afterAll(async () => {
  await iam?.stop();
});

describe('SDK v3: policy lifecycle', () => {
  it('create → version → set default → attach → list entities → detach → delete', async () => {
    const created = await client.send(new CreatePolicyCommand({ PolicyName: 'Lifecycle', Path: '/team/', PolicyDocument: doc('s3:GetObject'), Description: 'e2e', Tags: [{ Key: 'team', Value: 'a' }] }));
    const arn = created.Policy!.Arn!;
    expect(arn).toBe(`arn:aws:iam::${ACCT}:policy/team/Lifecycle`);
    expect(created.Policy).toMatchObject({ DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true, Tags: [{ Key: 'team', Value: 'a' }] });
    expect(created.Policy!.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect(created.Policy!.CreateDate).toBeInstanceOf(Date);

    const v2 = await client.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:PutObject') }));
    expect(v2.PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: false });
    await client.send(new SetDefaultPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    const got = await client.send(new GetPolicyCommand({ PolicyArn: arn }));
    expect(got.Policy).toMatchObject({ DefaultVersionId: 'v2', Description: 'e2e' });
    const version = await client.send(new GetPolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' }));
    expect(version.PolicyVersion?.IsDefaultVersion).toBe(true);
    // SDK v3 hands back the percent-encoded text as IAM sends it.
    expect(decodeURIComponent(version.PolicyVersion!.Document!)).toBe(doc('s3:PutObject'));
    const versions = await client.send(new ListPolicyVersionsCommand({ PolicyArn: arn }));
    expect(versions.Versions?.map((v) => [v.VersionId, v.IsDefaultVersion])).toEqual([['v2', true], ['v1', false]]);

    for (const name of ['life-a', 'life-b', 'life-c']) {
      await client.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: trust }));
      await client.send(new AttachRolePolicyCommand({ RoleName: name, PolicyArn: arn }));
    }
    expect((await client.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy?.AttachmentCount).toBe(3);

    const pages: string[][] = [];
    for await (const page of paginateListEntitiesForPolicy({ client, pageSize: 1 }, { PolicyArn: arn })) {
      pages.push((page.PolicyRoles ?? []).map((r) => r.RoleName!));
      expect(page.PolicyUsers).toEqual([]);
      expect(page.PolicyGroups).toEqual([]);
    }
    expect(pages).toEqual([['life-a'], ['life-b'], ['life-c']]);

    const conflict = await error(client.send(new DeletePolicyCommand({ PolicyArn: arn })));
    expect(conflict).toMatchObject({ message: 'Cannot delete a policy attached to entities.', status: 409 });
    expect(conflict.name).toMatch(/^DeleteConflict/);

    for (const name of ['life-a', 'life-b', 'life-c']) await client.send(new DetachRolePolicyCommand({ RoleName: name, PolicyArn: arn }));
    const versionsLeft = await error(client.send(new DeletePolicyCommand({ PolicyArn: arn })));
    expect(versionsLeft.message).toBe("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.");
    const defaultVersion = await error(client.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v2' })));
    expect(defaultVersion.message).toBe('Cannot delete the default version of a policy.');
    await client.send(new DeletePolicyVersionCommand({ PolicyArn: arn, VersionId: 'v1' }));
    await client.send(new DeletePolicyCommand({ PolicyArn: arn }));
    const gone = await error(client.send(new GetPolicyCommand({ PolicyArn: arn })));
    expect(gone).toMatchObject({ message: `Policy ${arn} was not found.`, status: 404 });
    expect(gone.name).toMatch(/^NoSuchEntity/);
  });

  it('quotas: the 6th version and the 11th managed policy on a role → LimitExceeded', async () => {
    const arn = (await client.send(new CreatePolicyCommand({ PolicyName: 'Versions', PolicyDocument: doc('s3:GetObject') }))).Policy!.Arn!;
    for (let i = 2; i <= 5; i++) await client.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc(`s3:Get${i}`) }));
    const sixth = await error(client.send(new CreatePolicyVersionCommand({ PolicyArn: arn, PolicyDocument: doc('s3:Get6') })));
    expect(sixth).toMatchObject({ status: 409, message: 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.' });
    expect(sixth.name).toMatch(/^LimitExceeded/);

    await client.send(new CreateRoleCommand({ RoleName: 'crowded', AssumeRolePolicyDocument: trust }));
    const awsPolicies = ['ReadOnlyAccess', 'IAMReadOnlyAccess', 'AmazonS3ReadOnlyAccess', 'AmazonS3FullAccess', 'AmazonDynamoDBReadOnlyAccess', 'AmazonDynamoDBFullAccess', 'AmazonSQSReadOnlyAccess', 'AmazonSQSFullAccess', 'IAMFullAccess', 'PowerUserAccess'];
    for (const name of awsPolicies) await client.send(new AttachRolePolicyCommand({ RoleName: 'crowded', PolicyArn: `arn:aws:iam::aws:policy/${name}` }));
    const eleventh = await error(client.send(new AttachRolePolicyCommand({ RoleName: 'crowded', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })));
    expect(eleventh).toMatchObject({ status: 409, message: 'Cannot exceed quota for PoliciesPerRole: 10' });

    const attached: string[] = [];
    for await (const page of paginateListAttachedRolePolicies({ client, pageSize: 4 }, { RoleName: 'crowded' })) attached.push(...page.AttachedPolicies!.map((p) => p.PolicyName!));
    expect(attached).toEqual([...awsPolicies].sort());
  });

  it('paginateListPolicies walks customer policies (Scope Local) and the AWS catalogue (OnlyAttached)', async () => {
    for (const n of ['pg-e', 'pg-a', 'pg-c', 'pg-b', 'pg-d']) await client.send(new CreatePolicyCommand({ PolicyName: n, Path: '/paged/', PolicyDocument: doc('sqs:SendMessage') }));
    const names: string[] = [];
    let pages = 0;
    for await (const page of paginateListPolicies({ client, pageSize: 2 }, { Scope: 'Local', PathPrefix: '/paged/' })) {
      pages++;
      names.push(...page.Policies!.map((p) => p.PolicyName!));
    }
    expect(names).toEqual(['pg-a', 'pg-b', 'pg-c', 'pg-d', 'pg-e']);
    expect(pages).toBe(3);

    const attachedAws: string[] = [];
    for await (const page of paginateListPolicies({ client, pageSize: 3 }, { Scope: 'AWS', OnlyAttached: true })) {
      for (const p of page.Policies!) {
        expect(p.Arn).toMatch(/^arn:aws:iam::aws:policy\//);
        expect(p.AttachmentCount).toBeGreaterThan(0);
        attachedAws.push(p.PolicyName!);
      }
    }
    // The seed's ten, and AdministratorAccess of the default user admin.
    expect(attachedAws).toHaveLength(11);
    expect(attachedAws).toContain('PowerUserAccess');
    expect(attachedAws).toContain('AdministratorAccess');

    // The whole AWS catalogue pages to its end (1000 a page) without a Marker on the last page.
    let total = 0;
    for await (const page of paginateListPolicies({ client, pageSize: 1000 }, { Scope: 'AWS' })) total += page.Policies!.length;
    expect(total).toBeGreaterThan(1000);
  });

  it('AWS-managed policies cannot be deleted, even by the root user', async () => {
    const e = await error(client.send(new DeletePolicyCommand({ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' })));
    expect(e).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(e.message).toContain(`User: arn:aws:iam::${ACCT}:root is not authorized to perform: iam:DeletePolicy on resource: policy arn:aws:iam::aws:policy/AdministratorAccess`);
  });
});

describe('AWS CLI: policy lifecycle', () => {
  it('create-policy → create-policy-version --set-as-default → attach → list-entities → detach → delete', async () => {
    const root = iam.rootCredentials;
    const created = await aws(root, 'iam', 'create-policy', '--policy-name', 'CliPolicy', '--policy-document', doc('dynamodb:GetItem'));
    expect(created.ok).toBe(true);
    const arn = JSON.parse(created.out).Policy.Arn;
    expect(arn).toBe(`arn:aws:iam::${ACCT}:policy/CliPolicy`);
    const v2 = await aws(root, 'iam', 'create-policy-version', '--policy-arn', arn, '--policy-document', doc('dynamodb:PutItem'), '--set-as-default');
    expect(JSON.parse(v2.out).PolicyVersion).toMatchObject({ VersionId: 'v2', IsDefaultVersion: true });
    // botocore decodes the percent-encoded document into a JSON object.
    const got = await aws(root, 'iam', 'get-policy-version', '--policy-arn', arn, '--version-id', 'v2');
    expect(JSON.parse(got.out).PolicyVersion.Document).toEqual(JSON.parse(doc('dynamodb:PutItem')));

    expect((await aws(root, 'iam', 'create-role', '--role-name', 'cli-holder', '--assume-role-policy-document', trust)).ok).toBe(true);
    expect((await aws(root, 'iam', 'attach-role-policy', '--role-name', 'cli-holder', '--policy-arn', arn)).ok).toBe(true);
    const entities = await aws(root, 'iam', 'list-entities-for-policy', '--policy-arn', arn);
    expect(JSON.parse(entities.out)).toMatchObject({ PolicyGroups: [], PolicyUsers: [], PolicyRoles: [{ RoleName: 'cli-holder' }] });
    const conflict = await aws(root, 'iam', 'delete-policy', '--policy-arn', arn);
    expect(conflict.out).toContain('An error occurred (DeleteConflict) when calling the DeletePolicy operation: Cannot delete a policy attached to entities.');
    expect((await aws(root, 'iam', 'detach-role-policy', '--role-name', 'cli-holder', '--policy-arn', arn)).ok).toBe(true);
    expect((await aws(root, 'iam', 'delete-policy-version', '--policy-arn', arn, '--version-id', 'v1')).ok).toBe(true);
    expect((await aws(root, 'iam', 'delete-policy', '--policy-arn', arn)).ok).toBe(true);
    const gone = await aws(root, 'iam', 'get-policy', '--policy-arn', arn);
    expect(gone.out).toContain(`An error occurred (NoSuchEntity) when calling the GetPolicy operation: Policy ${arn} was not found.`);
  }, 90_000);

  it('list-policies --scope AWS pages with the CLI paginator; attaching an unknown policy names it', async () => {
    const root = iam.rootCredentials;
    const listed = await aws(root, 'iam', 'list-policies', '--scope', 'AWS', '--path-prefix', '/job-function/', '--page-size', '3');
    expect(listed.ok).toBe(true);
    const names = JSON.parse(listed.out).Policies.map((p: { PolicyName: string }) => p.PolicyName);
    expect(names).toContain('ViewOnlyAccess');
    expect(names.length).toBeGreaterThan(3);
    const bad = await aws(root, 'iam', 'attach-role-policy', '--role-name', 'cli-holder', '--policy-arn', `arn:aws:iam::${ACCT}:policy/Nope`);
    expect(bad.out).toContain(`An error occurred (NoSuchEntity) when calling the AttachRolePolicy operation: Policy arn:aws:iam::${ACCT}:policy/Nope does not exist or is not attachable.`);
  }, 60_000);
});
