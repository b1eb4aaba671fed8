// e2e of the article's delegation pattern with the shipped seed/20-developer-boundary.yaml, through the
// real SDK v3 and the AWS CLI: `developer` may create /app/ roles only with DeveloperBoundary, cannot
// remove or swap the boundary, and AdministratorAccess attached to such a role grants nothing beyond it
// (proved by calling as the role). https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AttachRolePolicyCommand,
  AttachUserPolicyCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  CreatePolicyCommand,
  CreateRoleCommand,
  DeleteRolePermissionsBoundaryCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolesCommand,
  PutRolePermissionsBoundaryCommand,
  PutRolePolicyCommand,
} from '@aws-sdk/client-iam';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { awsCli, type CliResult } from '../helpers/aws-cli';
import { error } from '../helpers/sdk-error';

type Creds = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

const ACCT = '000000000000';
const DEVELOPER: Creds = { accessKeyId: 'AKIAQAAAAAAADO3VFQIT', secretAccessKey: '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' };
const BOUNDARY = `arn:aws:iam::${ACCT}:policy/DeveloperBoundary`;
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' }] });

let iam: IamLocal;
let home: string;
const iamClient = (credentials: Creds) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });
const sts = (credentials: Creds) => new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

/** Runs `aws …` with only environment configuration; stdout on success, stderr on failure. */
async function aws(creds: Creds, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint: iam.endpoint, home, region: 'us-east-1', services: ['STS', 'IAM'] }, creds, args);
}

beforeAll(async () => {
  iam = await startIamLocal({ seed: 'seed/20-developer-boundary.yaml' });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-delegation-'));
});
afterAll(async () => {
  await iam?.stop();
});

describe('SDK v3: delegated role creation is capped by DeveloperBoundary', () => {
  it('creating an /app/ role without the boundary → AccessDenied', async () => {
    const e = await error(iamClient(DEVELOPER).send(new CreateRoleCommand({ RoleName: 'worker', Path: '/app/', AssumeRolePolicyDocument: trust })));
    expect(e).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${ACCT}:user/developer is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCT}:role/app/worker because no identity-based policy allows the iam:CreateRole action`,
    });
  });

  it('with the boundary it works, and the role carries it', async () => {
    const dev = iamClient(DEVELOPER);
    const created = await dev.send(new CreateRoleCommand({ RoleName: 'worker', Path: '/app/', AssumeRolePolicyDocument: trust, PermissionsBoundary: BOUNDARY }));
    expect(created.Role?.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY });
    const got = await dev.send(new GetRoleCommand({ RoleName: 'worker' }));
    expect(got.Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(BOUNDARY);
  });

  it('attaching AdministratorAccess to the bounded role is allowed', async () => {
    const dev = iamClient(DEVELOPER);
    await dev.send(new AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: ADMIN }));
    const attached = await dev.send(new ListAttachedRolePoliciesCommand({ RoleName: 'worker' }));
    expect(attached.AttachedPolicies).toEqual([{ PolicyName: 'AdministratorAccess', PolicyArn: ADMIN }]);
  });

  it('removing the boundary → explicit deny; swapping it for a wider one → AccessDenied', async () => {
    const dev = iamClient(DEVELOPER);
    const removed = await error(dev.send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'worker' })));
    expect(removed.message).toBe(
      `User: arn:aws:iam::${ACCT}:user/developer is not authorized to perform: iam:DeleteRolePermissionsBoundary on resource: role worker with an explicit deny in an identity-based policy`,
    );
    const swapped = await error(dev.send(new PutRolePermissionsBoundaryCommand({ RoleName: 'worker', PermissionsBoundary: ADMIN })));
    expect(swapped).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(swapped.message).toBe(
      `User: arn:aws:iam::${ACCT}:user/developer is not authorized to perform: iam:PutRolePermissionsBoundary on resource: role worker because no identity-based policy allows the iam:PutRolePermissionsBoundary action`,
    );
    const still = await dev.send(new GetRoleCommand({ RoleName: 'worker' }));
    expect(still.Role?.PermissionsBoundary?.PermissionsBoundaryArn).toBe(BOUNDARY);
  });

  it('calling as the role: AdministratorAccess grants only what DeveloperBoundary also allows', async () => {
    const assumed = await sts(DEVELOPER).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/app/worker`, RoleSessionName: 'w1' }));
    const c = assumed.Credentials!;
    const role: Creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const caller = `arn:aws:sts::${ACCT}:assumed-role/worker/w1`;
    expect((await sts(role).send(new GetCallerIdentityCommand({}))).Arn).toBe(caller);

    // Inside identity ∩ boundary: iam:List*.
    const listed = await iamClient(role).send(new ListRolesCommand({ PathPrefix: '/app/' }));
    expect(listed.Roles?.map((r) => r.RoleName)).toEqual(['worker']);

    // Outside the boundary, although AdministratorAccess allows "*".
    const create = await error(iamClient(role).send(new CreateRoleCommand({ RoleName: 'escalated', AssumeRolePolicyDocument: trust })));
    expect(create).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: ${caller} is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCT}:role/escalated because no permissions boundary allows the iam:CreateRole action`,
    });
    const policy = await error(iamClient(role).send(new CreatePolicyCommand({ PolicyName: 'Escalate', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) })));
    expect(policy.message).toBe(`User: ${caller} is not authorized to perform: iam:CreatePolicy on resource: policy Escalate because no permissions boundary allows the iam:CreatePolicy action`);
    const unbound = await error(iamClient(role).send(new DeleteRolePermissionsBoundaryCommand({ RoleName: 'worker' })));
    expect(unbound.message).toBe(
      `User: ${caller} is not authorized to perform: iam:DeleteRolePermissionsBoundary on resource: role worker because no permissions boundary allows the iam:DeleteRolePermissionsBoundary action`,
    );
  });

  it('an inline policy on the bounded role is capped the same way', async () => {
    const dev = iamClient(DEVELOPER);
    await dev.send(new PutRolePolicyCommand({ RoleName: 'worker', PolicyName: 'everything', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] }) }));
    const assumed = await sts(DEVELOPER).send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCT}:role/app/worker`, RoleSessionName: 'w2' }));
    const c = assumed.Credentials!;
    const role: Creds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const e = await error(iamClient(role).send(new AttachRolePolicyCommand({ RoleName: 'worker', PolicyArn: ADMIN })));
    expect(e.message).toContain('because no permissions boundary allows the iam:AttachRolePolicy action');
  });
});

describe('AWS CLI: the same delegation', () => {
  it('create-role needs the boundary; delete-role-permissions-boundary is denied', async () => {
    const denied = await aws(DEVELOPER, 'iam', 'create-role', '--role-name', 'cli-worker', '--path', '/app/', '--assume-role-policy-document', trust);
    expect(denied.ok).toBe(false);
    expect(denied.out).toContain(
      `An error occurred (AccessDenied) when calling the CreateRole operation: User: arn:aws:iam::${ACCT}:user/developer is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCT}:role/app/cli-worker because no identity-based policy allows the iam:CreateRole action`,
    );
    const created = await aws(DEVELOPER, 'iam', 'create-role', '--role-name', 'cli-worker', '--path', '/app/', '--assume-role-policy-document', trust, '--permissions-boundary', BOUNDARY);
    expect(created.ok).toBe(true);
    expect(JSON.parse(created.out).Role.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY });
    const attached = await aws(DEVELOPER, 'iam', 'attach-role-policy', '--role-name', 'cli-worker', '--policy-arn', ADMIN);
    expect(attached.ok).toBe(true);
    const removed = await aws(DEVELOPER, 'iam', 'delete-role-permissions-boundary', '--role-name', 'cli-worker');
    expect(removed.out).toContain('An error occurred (AccessDenied) when calling the DeleteRolePermissionsBoundary operation:');
    expect(removed.out).toContain('with an explicit deny in an identity-based policy');
  }, 60_000);
});

describe('the escalation the old seed taught is closed (issue 8)', () => {
  // An administrator's /app/ role made without the boundary, trusted by EC2 only, with AdministratorAccess.
  const ec2Trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
  const OPS = `arn:aws:iam::${ACCT}:role/app/ops`;

  it('developer cannot rewrite its trust policy, assume it, or give itself AdministratorAccess', async () => {
    const root = iamClient(iam.credentials);
    await root.send(new CreateRoleCommand({ RoleName: 'ops', Path: '/app/', AssumeRolePolicyDocument: ec2Trust }));
    await root.send(new AttachRolePolicyCommand({ RoleName: 'ops', PolicyArn: ADMIN }));

    const dev = iamClient(DEVELOPER);
    // 1. Rewrite the trust policy to trust the account (so the developer's own AssumeRole grant applies).
    expect(await error(dev.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ops', PolicyDocument: trust })))).toEqual({
      name: 'AccessDenied',
      status: 403,
      message: `User: arn:aws:iam::${ACCT}:user/developer is not authorized to perform: iam:UpdateAssumeRolePolicy on resource: ${OPS} with an explicit deny in an identity-based policy`,
    });
    // 2. So assuming it fails: the trust policy still names EC2 only.
    expect(await error(sts(DEVELOPER).send(new AssumeRoleCommand({ RoleArn: OPS, RoleSessionName: 'escalate' })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    // 3. Nor may the developer retag the role or attach AdministratorAccess to itself.
    expect(await error(dev.send(new TagRoleCommand({ RoleName: 'ops', Tags: [{ Key: 'team', Value: 'dev' }] })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    expect(await error(dev.send(new AttachUserPolicyCommand({ UserName: 'developer', PolicyArn: ADMIN })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    // 4. And attaching policies to the unbounded role is refused (it does not carry the boundary).
    expect(await error(dev.send(new AttachRolePolicyCommand({ RoleName: 'ops', PolicyArn: ADMIN })))).toMatchObject({ name: 'AccessDenied', status: 403 });
    // The role is as the administrator left it.
    const role = await root.send(new GetRoleCommand({ RoleName: 'ops' }));
    expect(decodeURIComponent(role.Role!.AssumeRolePolicyDocument!)).toBe(ec2Trust);
  });
});
