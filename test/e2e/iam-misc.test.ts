// e2e: tags round trip (SDK v3 and CLI, with aws:ResourceTag deciding a real request), instance
// profiles (SDK v3 paginator), and `aws iam get-account-authorization-details` → seed file → a fresh
// iamlocal → the same details.
import {
  AddRoleToInstanceProfileCommand,
  CreateInstanceProfileCommand,
  CreateRoleCommand,
  GetRoleCommand,
  IAMClient,
  ListInstanceProfilesForRoleCommand,
  ListRoleTagsCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListInstanceProfiles,
  paginateListRoleTags,
  PutUserPolicyCommand,
  TagRoleCommand,
  UntagRoleCommand,
} from '@aws-sdk/client-iam';
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed, NOBODY } from '../helpers/e2e-seed';
import { awsCli, type CliResult } from '../helpers/aws-cli';

type Creds = { accessKeyId: string; secretAccessKey: string };
let iam: IamLocal;
let home: string;
const client = (credentials: Creds, endpoint = iam.endpoint) => new IAMClient({ endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const ec2Trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });

beforeAll(async () => {
  iam = await startIamLocal({ seed: e2eSeed });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-misc-cli-'));
});
afterAll(async () => {
  await iam?.stop();
});

async function aws(creds: Creds, endpoint: string, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint, home, region: 'us-east-1', services: ['IAM'], maxBuffer: 64 * 1024 * 1024 }, creds, args);
}

describe('tags round trip', () => {
  it('SDK v3: TagRole (case-insensitive keys) → ListRoleTags paginator → GetRole Tags → UntagRole', async () => {
    const c = client(DEV);
    await c.send(new CreateRoleCommand({ RoleName: 'tagged', AssumeRolePolicyDocument: ec2Trust, Tags: [{ Key: 'team', Value: 'a' }] }));
    await c.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'TEAM', Value: 'b' }, ...Array.from({ length: 4 }, (_, i) => ({ Key: `k${i}`, Value: String(i) }))] }));
    const keys: string[] = [];
    let pages = 0;
    for await (const page of paginateListRoleTags({ client: c, pageSize: 2 }, { RoleName: 'tagged' })) {
      pages++;
      keys.push(...(page.Tags ?? []).map((t) => `${t.Key}=${t.Value}`));
    }
    expect(pages).toBe(3);
    expect(keys).toEqual(['TEAM=b', 'k0=0', 'k1=1', 'k2=2', 'k3=3']);
    expect((await c.send(new GetRoleCommand({ RoleName: 'tagged' }))).Role?.Tags?.[0]).toEqual({ Key: 'TEAM', Value: 'b' });
    await c.send(new UntagRoleCommand({ RoleName: 'tagged', TagKeys: ['team', 'k0', 'k1', 'k2'] }));
    expect((await c.send(new ListRoleTagsCommand({ RoleName: 'tagged' }))).Tags).toEqual([{ Key: 'k3', Value: '3' }]);
    const dup = await c.send(new TagRoleCommand({ RoleName: 'tagged', Tags: [{ Key: 'x', Value: '1' }, { Key: 'X', Value: '2' }] })).catch((e: Error) => e);
    expect(dup).toMatchObject({ name: 'InvalidInputException', message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' });
  });

  it('aws:ResourceTag decides a real request: a user may read only roles tagged team=payments', async () => {
    const c = client(DEV);
    await c.send(new PutUserPolicyCommand({
      UserName: 'nobody',
      PolicyName: 'read-payments-roles',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments' } } }] }),
    }));
    await c.send(new CreateRoleCommand({ RoleName: 'payments-job', AssumeRolePolicyDocument: ec2Trust }));
    const denied = await client(NOBODY).send(new GetRoleCommand({ RoleName: 'payments-job' })).catch((e: Error) => e);
    expect(denied).toMatchObject({ name: 'AccessDenied' });
    await c.send(new TagRoleCommand({ RoleName: 'payments-job', Tags: [{ Key: 'team', Value: 'payments' }] }));
    expect((await client(NOBODY).send(new GetRoleCommand({ RoleName: 'payments-job' }))).Role?.RoleName).toBe('payments-job');
  });

  it('AWS CLI: tag-user / list-user-tags / untag-user', async () => {
    const tag = await aws(DEV, iam.endpoint, 'iam', 'tag-user', '--user-name', 'nobody', '--tags', 'Key=cost-center,Value=42', 'Key=Env,Value=dev');
    expect(tag.ok, tag.out).toBe(true);
    expect(JSON.parse((await aws(DEV, iam.endpoint, 'iam', 'list-user-tags', '--user-name', 'nobody')).out).Tags).toEqual([{ Key: 'cost-center', Value: '42' }, { Key: 'Env', Value: 'dev' }]);
    await aws(DEV, iam.endpoint, 'iam', 'untag-user', '--user-name', 'nobody', '--tag-keys', 'env');
    expect(JSON.parse((await aws(DEV, iam.endpoint, 'iam', 'list-user-tags', '--user-name', 'nobody')).out).Tags).toEqual([{ Key: 'cost-center', Value: '42' }]);
    const reserved = await aws(DEV, iam.endpoint, 'iam', 'tag-user', '--user-name', 'nobody', '--tags', 'Key=aws:owner,Value=x');
    expect(reserved.out).toContain("An error occurred (InvalidInput) when calling the TagUser operation: Tag keys starting with 'aws:' are reserved for internal use.");
  }, 60_000);
});

describe('instance profiles (SDK v3)', () => {
  it('create → add role → paginated list → second role refused', async () => {
    const c = client(DEV);
    await c.send(new CreateRoleCommand({ RoleName: 'ec2-app', AssumeRolePolicyDocument: ec2Trust }));
    await c.send(new CreateRoleCommand({ RoleName: 'ec2-other', AssumeRolePolicyDocument: ec2Trust }));
    for (const n of ['ip-a', 'ip-b', 'ip-c']) {
      const out = await c.send(new CreateInstanceProfileCommand({ InstanceProfileName: n, Path: '/apps/' }));
      expect(out.InstanceProfile).toMatchObject({ InstanceProfileName: n, Roles: [], Arn: `arn:aws:iam::000000000000:instance-profile/apps/${n}` });
    }
    await c.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ip-a', RoleName: 'ec2-app' }));
    const second = await c.send(new AddRoleToInstanceProfileCommand({ InstanceProfileName: 'ip-a', RoleName: 'ec2-other' })).catch((e: Error) => e);
    expect(second).toMatchObject({ name: 'LimitExceededException', message: 'Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1' });
    const names: string[] = [];
    for await (const page of paginateListInstanceProfiles({ client: c, pageSize: 2 }, { PathPrefix: '/apps/' })) names.push(...(page.InstanceProfiles ?? []).map((p) => p.InstanceProfileName!));
    expect(names).toEqual(['ip-a', 'ip-b', 'ip-c']);
    const forRole = await c.send(new ListInstanceProfilesForRoleCommand({ RoleName: 'ec2-app' }));
    expect(forRole.InstanceProfiles?.[0]?.Roles?.[0]?.RoleName).toBe('ec2-app');
    expect(decodeURIComponent(forRole.InstanceProfiles![0]!.Roles![0]!.AssumeRolePolicyDocument!)).toBe(ec2Trust);
  });
});

describe('GetAccountAuthorizationDetails (SDK v3 paginator)', () => {
  it('pages of 2 across users, groups, roles and policies add up to the single-page answer; documents are percent-encoded', async () => {
    const c = client(DEV);
    const names = (p: { UserDetailList?: { UserName?: string }[]; RoleDetailList?: { RoleName?: string }[] }) => [
      ...(p.UserDetailList ?? []).map((u) => `user:${u.UserName}`),
      ...(p.RoleDetailList ?? []).map((r) => `role:${r.RoleName}`),
    ];
    const paged: string[] = [];
    let pages = 0;
    for await (const page of paginateGetAccountAuthorizationDetails({ client: c, pageSize: 2 }, { Filter: ['User', 'Role'] })) {
      pages++;
      expect((page.UserDetailList?.length ?? 0) + (page.RoleDetailList?.length ?? 0)).toBeLessThanOrEqual(2);
      paged.push(...names(page));
      for (const r of page.RoleDetailList ?? []) expect(r.AssumeRolePolicyDocument).toMatch(/^%7B/);
    }
    const whole: string[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: c }, { Filter: ['User', 'Role'] })) whole.push(...names(page));
    expect(paged).toEqual(whole);
    expect(pages).toBe(Math.ceil(whole.length / 2));
    expect(whole).toEqual(expect.arrayContaining(['user:dev', 'user:nobody', 'role:tagged']));
  });
});

describe('get-account-authorization-details → seed → same details (AWS CLI)', () => {
  it('a saved CLI output seeds a fresh iamlocal that answers with the same details', async () => {
    const first = await aws(DEV, iam.endpoint, 'iam', 'get-account-authorization-details');
    expect(first.ok, first.out).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-details-'));
    const file = join(dir, 'account.json');
    writeFileSync(file, first.out);
    const details = JSON.parse(first.out);
    expect(details.RoleDetailList.map((r: { RoleName: string }) => r.RoleName)).toEqual(expect.arrayContaining(['ec2-app', 'payments-job', 'tagged']));

    // The seed carries no keys: the fresh server is read with its root key. It has no default user of
    // its own: the details bring the first server's `admin` (with its UserId and CreateDate).
    const copy = await startIamLocal({ seed: file, defaultUser: false });
    try {
      const again = await aws(copy.rootCredentials, copy.endpoint, 'iam', 'get-account-authorization-details');
      expect(again.ok, again.out).toBe(true);
      expect(JSON.parse(again.out)).toEqual(details);
    } finally {
      await copy.stop();
    }
  }, 120_000);
});

describe('boto3', () => {
  it('get_account_authorization_details documents arrive as dicts; simulate_principal_policy decides', async () => {
    const script = [
      'import boto3, json, sys',
      'c = boto3.client("iam", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=sys.argv[2], aws_secret_access_key=sys.argv[3])',
      'd = c.get_account_authorization_details(Filter=["Role", "User"])',
      'role = [r for r in d["RoleDetailList"] if r["RoleName"] == "tagged"][0]',
      'dev = [u for u in d["UserDetailList"] if u["UserName"] == "dev"][0]',
      'sim = c.simulate_principal_policy(PolicySourceArn=dev["Arn"], ActionNames=["iam:CreateRole", "s3:GetObject"])',
      'print(json.dumps({"trust": role["AssumeRolePolicyDocument"], "inline": dev["UserPolicyList"][0]["PolicyDocument"], "decisions": [r["EvalDecision"] for r in sim["EvaluationResults"]]}))',
    ].join('\n');
    const { stdout } = await promisify(execFile)('python3', ['-c', script, iam.endpoint, DEV.accessKeyId, DEV.secretAccessKey], {
      env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      encoding: 'utf8',
    });
    const out = JSON.parse(stdout);
    expect(out.trust).toEqual(JSON.parse(ec2Trust));
    expect(out.inline).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:*'], Resource: '*' }] });
    expect(out.decisions).toEqual(['allowed', 'implicitDeny']);
  }, 60_000);
});
