// Managed policy handlers called directly (frozen clock, seeded ids): CreatePolicy/GetPolicy/DeletePolicy/
// ListPolicies, versions (the 6th version, deleting the default), attachments (the 11th policy on a role,
// user and group), ListEntitiesForPolicy, the AWS-managed catalogue, and AWS's messages for each refusal.
import { describe, expect, it } from 'vitest';
import { arns } from '../../src/aws/arn';
import { newUniqueId } from '../../src/aws/ids';
import type { Principal } from '../../src/auth/principal';
import { iamOperations } from '../../src/services/iam/index';
import { createPolicy, deletePolicy, getPolicy, listPolicies } from '../../src/services/iam/managed-policies';
import {
  attachGroupPolicy,
  attachRolePolicy,
  attachUserPolicy,
  detachRolePolicy,
  listAttachedRolePolicies,
  listEntitiesForPolicy,
} from '../../src/services/iam/policy-attachments';
import { createPolicyVersion, deletePolicyVersion, getPolicyVersion, listPolicyVersions, setDefaultPolicyVersion } from '../../src/services/iam/policy-versions';
import { createRole, deleteRole } from '../../src/services/iam/roles';
import type { Operation, Params } from '../../src/services/types';
import { awsManagedPolicyId } from '../../src/store/aws-managed-policies';
import fixtures from '../fixtures/services/managed-policies/validation.json';
import { authorized, harness, thrown, type Harness } from '../helpers/services';

const ACCT = '000000000000';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const doc = (action = 's3:GetObject') => JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const policyArn = (name: string, path = '/') => arns.policy(ACCT, path, name);

function mkPolicy(h: Harness, name: string, extra: Params = {}) {
  return run(h, createPolicy, { PolicyName: name, PolicyDocument: doc(), ...extra }, h.root()).Policy;
}

function mkRole(h: Harness, name: string, path = '/') {
  return run(h, createRole, { RoleName: name, Path: path, AssumeRolePolicyDocument: trust }, h.root()).Role;
}

function mkUser(h: Harness, name: string, path = '/') {
  return h.store.users.create({ id: newUniqueId(h.ids, 'AIDA'), accountId: ACCT, name, path, arn: arns.user(ACCT, path, name), boundaryArn: null, createdAt: h.clock.now().toISOString() });
}

function mkGroup(h: Harness, name: string, path = '/') {
  return h.store.groups.create({ id: newUniqueId(h.ids, 'AGPA'), accountId: ACCT, name, path, arn: arns.group(ACCT, path, name), createdAt: h.clock.now().toISOString() });
}

/** Handler output as the wire shapes (loosely typed: tests read fields by name). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const run = (h: Harness, op: Operation<any, unknown>, params: Params, principal: Principal): any => h.run(op, params, principal);

const defined = (o: Record<string, unknown>) => Object.keys(o).filter((k) => o[k] !== undefined);

describe('managed policy validation', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness();
      expect(thrown(() => run(h, iamOperations.get(c.op)!, c.params, h.root()))).toEqual({ code: (c as { code?: string }).code ?? 'ValidationError', message: c.message, status: 400 });
    });
  }
});

describe('CreatePolicy / GetPolicy', () => {
  it('CreatePolicy returns every Policy field but Description; GetPolicy adds Description and an empty Tags list', async () => {
    const h = await harness();
    const p = mkPolicy(h, 'Reader', { Path: '/team/', Description: 'reads' });
    expect(defined(p)).toEqual(['PolicyName', 'PolicyId', 'Arn', 'Path', 'DefaultVersionId', 'AttachmentCount', 'PermissionsBoundaryUsageCount', 'IsAttachable', 'CreateDate', 'UpdateDate']);
    expect(p).toMatchObject({ PolicyName: 'Reader', Arn: 'arn:aws:iam::000000000000:policy/team/Reader', Path: '/team/', DefaultVersionId: 'v1', AttachmentCount: 0, IsAttachable: true, CreateDate: new Date('2026-11-29T12:00:00Z') });
    expect(p.PolicyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    const got = run(h, getPolicy, { PolicyArn: p.Arn }, h.root()).Policy;
    expect(got).toMatchObject({ Description: 'reads', Tags: [], PolicyId: p.PolicyId });
  });

  it('tags: returned when given; policy tag keys are case-sensitive but exact duplicates are refused', async () => {
    const h = await harness();
    const p = mkPolicy(h, 'Tagged', { Tags: [{ Key: 'team', Value: 'a' }, { Key: 'TEAM', Value: 'b' }] });
    expect(p.Tags).toEqual([{ Key: 'team', Value: 'a' }, { Key: 'TEAM', Value: 'b' }]);
    expect(thrown(() => mkPolicy(h, 'Dup', { Tags: [{ Key: 'k', Value: 'a' }, { Key: 'k', Value: 'b' }] }))).toEqual({ code: 'InvalidInput', message: 'Duplicate tag keys found.', status: 400 });
  });

  it('names are unique case-insensitively per account', async () => {
    const h = await harness();
    mkPolicy(h, 'Readers');
    expect(thrown(() => mkPolicy(h, 'READERS', { Path: '/other/' }))).toEqual({
      code: 'EntityAlreadyExists', message: 'A policy called READERS already exists. Duplicate names are not allowed.', status: 409,
    });
  });

  it('documents are checked with the identity grammar and the 6144-character quota (whitespace not counted)', async () => {
    const h = await harness();
    const withPrincipal = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] });
    expect(thrown(() => mkPolicy(h, 'p', { PolicyDocument: withPrincipal }))).toEqual({ code: 'MalformedPolicyDocument', message: 'Policy document should not specify a principal.', status: 400 });
    expect(thrown(() => mkPolicy(h, 'p', { PolicyDocument: '{"Version": ' })).code).toBe('MalformedPolicyDocument');
    const resources = (n: number) => Array.from({ length: n }, (_, i) => `arn:aws:s3:::bucket-${String(i).padStart(4, '0')}/*`);
    const big = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources(230) }] });
    expect(big.length).toBeGreaterThan(6144);
    expect(thrown(() => mkPolicy(h, 'big', { PolicyDocument: big }))).toEqual({ code: 'LimitExceeded', message: 'Cannot exceed quota for PolicySize: 6144', status: 409 });
    // Just under the quota once whitespace is removed, well over it with the indentation kept.
    const fits = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: resources(150) }] }, null, 8);
    expect(fits.replace(/\s+/g, '').length).toBeLessThanOrEqual(6144);
    expect(fits.length).toBeGreaterThan(6144);
    expect(mkPolicy(h, 'fits', { PolicyDocument: fits }).PolicyName).toBe('fits');
  });

  it('GetPolicy of an unknown or other-account policy → NoSuchEntity "was not found"', async () => {
    const h = await harness();
    expect(thrown(() => run(h, getPolicy, { PolicyArn: policyArn('Nope') }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'Policy arn:aws:iam::000000000000:policy/Nope was not found.', status: 404 });
    expect(thrown(() => run(h, getPolicy, { PolicyArn: 'arn:aws:iam::aws:policy/NoSuchAwsPolicy' }, h.root())).message).toBe('Policy arn:aws:iam::aws:policy/NoSuchAwsPolicy was not found.');
  });
});

describe('AWS-managed policies', () => {
  it('exist with their real paths and documents, stable ids, and are attachable', async () => {
    const h = await harness();
    const admin = run(h, getPolicy, { PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, h.root()).Policy;
    expect(admin).toMatchObject({ PolicyName: 'AdministratorAccess', Path: '/', IsAttachable: true, PolicyId: awsManagedPolicyId('arn:aws:iam::aws:policy/AdministratorAccess') });
    const v = run(h, getPolicyVersion, { PolicyArn: admin.Arn, VersionId: admin.DefaultVersionId }, h.root()).PolicyVersion;
    expect(JSON.parse(decodeURIComponent(v.Document))).toEqual({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    expect(v.IsDefaultVersion).toBe(true);

    for (const name of ['PowerUserAccess', 'ReadOnlyAccess', 'IAMFullAccess', 'IAMReadOnlyAccess', 'AmazonS3FullAccess', 'AmazonS3ReadOnlyAccess', 'AmazonDynamoDBFullAccess', 'AmazonDynamoDBReadOnlyAccess', 'AmazonSQSFullAccess', 'AmazonSQSReadOnlyAccess']) {
      expect(run(h, getPolicy, { PolicyArn: `arn:aws:iam::aws:policy/${name}` }, h.root()).Policy.PolicyName).toBe(name);
    }
    const lambda = 'arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole';
    expect(run(h, getPolicy, { PolicyArn: lambda }, h.root()).Policy.Path).toBe('/service-role/');
    // The right name under the wrong path is not that policy.
    expect(thrown(() => run(h, getPolicy, { PolicyArn: 'arn:aws:iam::aws:policy/AWSLambdaBasicExecutionRole' }, h.root())).code).toBe('NoSuchEntity');
  });

  it('keep their version history; AttachmentCount counts this account\'s attachments', async () => {
    const h = await harness();
    const arn = 'arn:aws:iam::aws:policy/PowerUserAccess';
    const versions = run(h, listPolicyVersions, { PolicyArn: arn }, h.root()).Versions;
    expect(versions.length).toBeGreaterThan(1);
    expect(versions.filter((v: { IsDefaultVersion: boolean }) => v.IsDefaultVersion)).toHaveLength(1);
    mkRole(h, 'r1');
    run(h, attachRolePolicy, { RoleName: 'r1', PolicyArn: arn }, h.root());
    expect(run(h, getPolicy, { PolicyArn: arn }, h.root()).Policy.AttachmentCount).toBe(1);
  });

  it('service-linked-role policies are not attachable to customer roles', async () => {
    const h = await harness();
    mkRole(h, 'r');
    const arn = 'arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy';
    expect(run(h, getPolicy, { PolicyArn: arn }, h.root()).Policy.IsAttachable).toBe(false);
    expect(thrown(() => run(h, attachRolePolicy, { RoleName: 'r', PolicyArn: arn }, h.root()))).toEqual({
      code: 'PolicyNotAttachable', message: 'Cannot attach a Service Role Policy to a Customer Role.', status: 400,
    });
  });

  it('cannot be deleted or changed, even by the account root (they belong to the `aws` account)', async () => {
    const h = await harness();
    const arn = 'arn:aws:iam::aws:policy/AdministratorAccess';
    for (const [op, params] of [
      [deletePolicy, { PolicyArn: arn }],
      [createPolicyVersion, { PolicyArn: arn, PolicyDocument: doc('*') }],
      [setDefaultPolicyVersion, { PolicyArn: arn, VersionId: 'v1' }],
      [deletePolicyVersion, { PolicyArn: arn, VersionId: 'v1' }],
    ] as const) {
      const e = thrown(() => authorized(h, op as Operation<any, unknown>, params, h.root()));
      expect(e.code).toBe('AccessDenied');
      expect(e.message).toContain(`User: arn:aws:iam::000000000000:root is not authorized to perform: ${(op as Operation).action} on resource: policy ${arn}`);
    }
    // Reading and attaching them is an ordinary same-account permission.
    mkRole(h, 'r');
    expect(() => authorized(h, attachRolePolicy, { RoleName: 'r', PolicyArn: arn }, h.root())).not.toThrow();
    expect(authorized(h, getPolicy, { PolicyArn: arn }, h.root()).Policy.AttachmentCount).toBe(1);
  });
});

describe('policy versions', () => {
  it('up to 5 versions; the 6th is LimitExceeded; ids are never reused; newest first', async () => {
    const h = await harness();
    const arn = mkPolicy(h, 'V').Arn;
    const created = run(h, createPolicyVersion, { PolicyArn: arn, PolicyDocument: doc('s3:PutObject') }, h.root()).PolicyVersion;
    expect(defined(created)).toEqual(['VersionId', 'IsDefaultVersion', 'CreateDate']);
    expect(created).toMatchObject({ VersionId: 'v2', IsDefaultVersion: false });
    for (let i = 3; i <= 5; i++) run(h, createPolicyVersion, { PolicyArn: arn, PolicyDocument: doc(`s3:Get${i}`) }, h.root());
    expect(thrown(() => run(h, createPolicyVersion, { PolicyArn: arn, PolicyDocument: doc('s3:Get6') }, h.root()))).toEqual({
      code: 'LimitExceeded', message: 'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.', status: 409,
    });
    run(h, deletePolicyVersion, { PolicyArn: arn, VersionId: 'v3' }, h.root());
    const v6 = run(h, createPolicyVersion, { PolicyArn: arn, PolicyDocument: doc('s3:Get6'), SetAsDefault: 'true' }, h.root()).PolicyVersion;
    expect(v6).toMatchObject({ VersionId: 'v6', IsDefaultVersion: true });
    const listed = run(h, listPolicyVersions, { PolicyArn: arn }, h.root());
    expect(listed.Versions.map((v: { VersionId: string }) => v.VersionId)).toEqual(['v6', 'v5', 'v4', 'v2', 'v1']);
    expect(listed.Versions[0].Document).toBeUndefined();
    expect(run(h, getPolicy, { PolicyArn: arn }, h.root()).Policy.DefaultVersionId).toBe('v6');
    const p1 = run(h, listPolicyVersions, { PolicyArn: arn, MaxItems: '2' }, h.root());
    expect(p1).toMatchObject({ IsTruncated: true });
    const p2 = run(h, listPolicyVersions, { PolicyArn: arn, MaxItems: '3', Marker: p1.Marker }, h.root());
    expect(p2.Versions.map((v: { VersionId: string }) => v.VersionId)).toEqual(['v4', 'v2', 'v1']);
    expect(p2.Marker).toBeUndefined();
  });

  it('GetPolicyVersion returns the document percent-encoded exactly as submitted', async () => {
    const h = await harness();
    const spaced = '{ "Version": "2012-10-17",\n "Statement": { "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/%3A" } }';
    const arn = mkPolicy(h, 'Doc', { PolicyDocument: spaced }).Arn;
    const v = run(h, getPolicyVersion, { PolicyArn: arn, VersionId: 'v1' }, h.root()).PolicyVersion;
    expect(v.Document).toContain('%20%22Version%22');
    expect(v.Document).toContain('%253A');
    expect(decodeURIComponent(v.Document)).toBe(spaced);
    expect(thrown(() => run(h, getPolicyVersion, { PolicyArn: arn, VersionId: 'v9' }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: `Policy ${arn} version v9 does not exist or is not attachable.`, status: 404,
    });
  });

  it('the default version cannot be deleted; SetDefaultPolicyVersion switches what the policy grants', async () => {
    const h = await harness();
    const arn = mkPolicy(h, 'D').Arn;
    run(h, createPolicyVersion, { PolicyArn: arn, PolicyDocument: doc('iam:ListRoles') }, h.root());
    expect(thrown(() => run(h, deletePolicyVersion, { PolicyArn: arn, VersionId: 'v1' }, h.root()))).toEqual({
      code: 'DeleteConflict', message: 'Cannot delete the default version of a policy.', status: 409,
    });
    expect(h.store.managedPolicies.defaultDocument(arn)).toBe(doc());
    run(h, setDefaultPolicyVersion, { PolicyArn: arn, VersionId: 'v2' }, h.root());
    expect(h.store.managedPolicies.defaultDocument(arn)).toBe(doc('iam:ListRoles'));
    // UpdateDate follows the newest version's creation, not the default switch.
    h.clock.set(new Date('2026-11-30T00:00:00Z'));
    run(h, setDefaultPolicyVersion, { PolicyArn: arn, VersionId: 'v1' }, h.root());
    expect(run(h, getPolicy, { PolicyArn: arn }, h.root()).Policy.UpdateDate).toEqual(new Date('2026-11-29T12:00:00Z'));
    run(h, setDefaultPolicyVersion, { PolicyArn: arn, VersionId: 'v2' }, h.root());
    expect(thrown(() => run(h, setDefaultPolicyVersion, { PolicyArn: arn, VersionId: 'v7' }, h.root())).message).toBe(`Policy ${arn} version v7 does not exist or is not attachable.`);
    run(h, deletePolicyVersion, { PolicyArn: arn, VersionId: 'v1' }, h.root());
    expect(run(h, listPolicyVersions, { PolicyArn: arn }, h.root()).Versions).toEqual([{ VersionId: 'v2', IsDefaultVersion: true, CreateDate: new Date('2026-11-29T12:00:00Z') }]);
  });
});

describe('DeletePolicy', () => {
  it('refuses while attached, while used as a boundary, and while other versions exist', async () => {
    const h = await harness();
    const arn = mkPolicy(h, 'Del').Arn;
    mkRole(h, 'r');
    run(h, attachRolePolicy, { RoleName: 'r', PolicyArn: arn }, h.root());
    expect(thrown(() => run(h, deletePolicy, { PolicyArn: arn }, h.root()))).toEqual({ code: 'DeleteConflict', message: 'Cannot delete a policy attached to entities.', status: 409 });
    run(h, detachRolePolicy, { RoleName: 'r', PolicyArn: arn }, h.root());
    h.store.roles.update(h.store.roles.getByName(ACCT, 'r')!.id, { boundaryArn: arn });
    expect(thrown(() => run(h, deletePolicy, { PolicyArn: arn }, h.root())).message).toBe('Cannot delete a policy attached to entities.');
    h.store.roles.update(h.store.roles.getByName(ACCT, 'r')!.id, { boundaryArn: null });
    run(h, createPolicyVersion, { PolicyArn: arn, PolicyDocument: doc('s3:PutObject') }, h.root());
    expect(thrown(() => run(h, deletePolicy, { PolicyArn: arn }, h.root()))).toEqual({
      code: 'DeleteConflict',
      message: "This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.",
      status: 409,
    });
    run(h, deletePolicyVersion, { PolicyArn: arn, VersionId: 'v2' }, h.root());
    expect(run(h, deletePolicy, { PolicyArn: arn }, h.root())).toBeUndefined();
    expect(thrown(() => run(h, getPolicy, { PolicyArn: arn }, h.root())).code).toBe('NoSuchEntity');
    expect(thrown(() => run(h, deletePolicy, { PolicyArn: arn }, h.root()))).toEqual({ code: 'NoSuchEntity', message: `Policy ${arn} was not found.`, status: 404 });
  });
});

describe('attachments', () => {
  for (const [kind, op, make, quota] of [
    ['role', attachRolePolicy, mkRole, 'PoliciesPerRole'],
    ['user', attachUserPolicy, mkUser, 'PoliciesPerUser'],
    ['group', attachGroupPolicy, mkGroup, 'PoliciesPerGroup'],
  ] as const) {
    it(`the 11th managed policy on a ${kind} → LimitExceeded ${quota}: 10; re-attaching is a no-op`, async () => {
      const h = await harness();
      make(h as Harness, 'e');
      const param = { role: 'RoleName', user: 'UserName', group: 'GroupName' }[kind];
      for (let i = 0; i < 10; i++) run(h, op, { [param]: 'e', PolicyArn: mkPolicy(h, `p${i}`).Arn }, h.root());
      run(h, op, { [param]: 'e', PolicyArn: policyArn('p3') }, h.root());
      expect(thrown(() => run(h, op, { [param]: 'e', PolicyArn: mkPolicy(h, 'p10').Arn }, h.root()))).toEqual({
        code: 'LimitExceeded', message: `Cannot exceed quota for ${quota}: 10`, status: 409,
      });
      expect(thrown(() => run(h, op, { [param]: 'ghost', PolicyArn: policyArn('p1') }, h.root()))).toEqual({
        code: 'NoSuchEntity', message: `The ${kind} with name ghost cannot be found.`, status: 404,
      });
    });
  }

  it('unknown policy → "does not exist or is not attachable"; detaching one not attached → "was not found"', async () => {
    const h = await harness();
    mkRole(h, 'r');
    expect(thrown(() => run(h, attachRolePolicy, { RoleName: 'r', PolicyArn: policyArn('Nope') }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: 'Policy arn:aws:iam::000000000000:policy/Nope does not exist or is not attachable.', status: 404,
    });
    expect(thrown(() => run(h, detachRolePolicy, { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: 'Policy arn:aws:iam::aws:policy/ReadOnlyAccess was not found.', status: 404,
    });
  });

  it('DeleteRole refuses while managed policies are attached', async () => {
    const h = await harness();
    mkRole(h, 'r');
    run(h, attachRolePolicy, { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, h.root());
    expect(thrown(() => run(h, deleteRole, { RoleName: 'r' }, h.root()))).toEqual({ code: 'DeleteConflict', message: 'Cannot delete entity, must detach all policies first.', status: 409 });
    run(h, detachRolePolicy, { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, h.root());
    expect(run(h, deleteRole, { RoleName: 'r' }, h.root())).toBeUndefined();
  });

  it('ListAttachedRolePolicies pages by policy name and filters by path prefix', async () => {
    const h = await harness();
    mkRole(h, 'r');
    for (const [n, path] of [['c', '/'], ['a', '/x/'], ['b', '/'], ['d', '/x/y/']] as const) run(h, attachRolePolicy, { RoleName: 'r', PolicyArn: mkPolicy(h, n, { Path: path }).Arn }, h.root());
    const p1 = run(h, listAttachedRolePolicies, { RoleName: 'r', MaxItems: '3' }, h.root());
    expect(p1.AttachedPolicies).toEqual([
      { PolicyName: 'a', PolicyArn: policyArn('a', '/x/') },
      { PolicyName: 'b', PolicyArn: policyArn('b') },
      { PolicyName: 'c', PolicyArn: policyArn('c') },
    ]);
    expect(p1.IsTruncated).toBe(true);
    const p2 = run(h, listAttachedRolePolicies, { RoleName: 'r', MaxItems: '3', Marker: p1.Marker }, h.root());
    expect(p2).toEqual({ AttachedPolicies: [{ PolicyName: 'd', PolicyArn: policyArn('d', '/x/y/') }], IsTruncated: false });
    expect(run(h, listAttachedRolePolicies, { RoleName: 'r', PathPrefix: '/x/' }, h.root()).AttachedPolicies.map((p: { PolicyName: string }) => p.PolicyName)).toEqual(['a', 'd']);
    expect(thrown(() => run(h, listAttachedRolePolicies, { RoleName: 'nope' }, h.root())).message).toBe('The role with name nope cannot be found.');
  });
});

describe('ListEntitiesForPolicy', () => {
  it('groups, users and roles, with EntityFilter, PolicyUsageFilter, PathPrefix and paging', async () => {
    const h = await harness();
    const arn = mkPolicy(h, 'Shared').Arn;
    const g = mkGroup(h, 'devs');
    const u = mkUser(h, 'alice', '/people/');
    const r1 = mkRole(h, 'app', '/svc/');
    const r2 = mkRole(h, 'bounded');
    run(h, attachGroupPolicy, { GroupName: 'devs', PolicyArn: arn }, h.root());
    run(h, attachUserPolicy, { UserName: 'alice', PolicyArn: arn }, h.root());
    run(h, attachRolePolicy, { RoleName: 'app', PolicyArn: arn }, h.root());
    h.store.roles.update(r2.RoleId, { boundaryArn: arn });

    const all = run(h, listEntitiesForPolicy, { PolicyArn: arn }, h.root());
    expect(all).toEqual({
      PolicyGroups: [{ GroupName: 'devs', GroupId: g.id }],
      PolicyUsers: [{ UserName: 'alice', UserId: u.id }],
      PolicyRoles: [{ RoleName: 'app', RoleId: r1.RoleId }, { RoleName: 'bounded', RoleId: r2.RoleId }],
      IsTruncated: false,
    });
    expect(run(h, listEntitiesForPolicy, { PolicyArn: arn, EntityFilter: 'Role', PolicyUsageFilter: 'PermissionsPolicy' }, h.root()).PolicyRoles).toEqual([{ RoleName: 'app', RoleId: r1.RoleId }]);
    expect(run(h, listEntitiesForPolicy, { PolicyArn: arn, PolicyUsageFilter: 'PermissionsBoundary' }, h.root())).toMatchObject({ PolicyGroups: [], PolicyUsers: [], PolicyRoles: [{ RoleName: 'bounded' }] });
    expect(run(h, listEntitiesForPolicy, { PolicyArn: arn, PathPrefix: '/svc/' }, h.root()).PolicyRoles).toEqual([{ RoleName: 'app', RoleId: r1.RoleId }]);
    expect(run(h, listEntitiesForPolicy, { PolicyArn: arn, EntityFilter: 'LocalManagedPolicy' }, h.root())).toEqual({ PolicyGroups: [], PolicyUsers: [], PolicyRoles: [], IsTruncated: false });

    const seen: string[] = [];
    let marker: string | undefined;
    do {
      const page = run(h, listEntitiesForPolicy, { PolicyArn: arn, MaxItems: '1', ...(marker ? { Marker: marker } : {}) }, h.root());
      for (const x of [...page.PolicyGroups, ...page.PolicyUsers, ...page.PolicyRoles]) seen.push(x.GroupName ?? x.UserName ?? x.RoleName);
      marker = page.Marker;
      expect(page.IsTruncated).toBe(marker !== undefined);
    } while (marker);
    expect(seen).toEqual(['devs', 'alice', 'app', 'bounded']);
    expect(thrown(() => run(h, listEntitiesForPolicy, { PolicyArn: policyArn('Nope') }, h.root())).message).toBe('Policy arn:aws:iam::000000000000:policy/Nope was not found.');
  });
});

describe('ListPolicies', () => {
  it('Scope Local pages through customer policies; Marker only while truncated', async () => {
    const h = await harness();
    for (const n of ['e', 'B', 'a', 'd', 'C']) mkPolicy(h, n, n === 'd' ? { Path: '/x/' } : {});
    const names: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = run(h, listPolicies, { Scope: 'Local', MaxItems: '2', ...(marker ? { Marker: marker } : {}) }, h.root());
      names.push(...page.Policies.map((p: { PolicyName: string }) => p.PolicyName));
      expect(page.Policies.every((p: Record<string, unknown>) => p.Tags === undefined && p.Description === undefined)).toBe(true);
      if (!page.IsTruncated) {
        expect(page.Marker).toBeUndefined();
        break;
      }
      marker = page.Marker;
    }
    expect(names).toEqual(['B', 'C', 'a', 'd', 'e']);
    expect(run(h, listPolicies, { Scope: 'Local', PathPrefix: '/x/' }, h.root()).Policies.map((p: { PolicyName: string }) => p.PolicyName)).toEqual(['d']);
  });

  it('Scope AWS lists the catalogue; All interleaves customer and AWS policies by name', async () => {
    const h = await harness();
    mkPolicy(h, 'AdministratorAccess-AAA');
    const aws = run(h, listPolicies, { Scope: 'AWS', MaxItems: '1000' }, h.root());
    expect(aws.Policies.length).toBe(1000);
    expect(aws.IsTruncated).toBe(true);
    expect(aws.Policies.every((p: { Arn: string }) => p.Arn.startsWith('arn:aws:iam::aws:policy/'))).toBe(true);
    const all = run(h, listPolicies, { PathPrefix: '/', MaxItems: '1000' }, h.root()).Policies.map((p: { PolicyName: string }) => p.PolicyName);
    const i = all.indexOf('AdministratorAccess');
    expect(all.slice(i, i + 3)).toEqual(['AdministratorAccess', 'AdministratorAccess-AAA', 'AdministratorAccess-AWSElasticBeanstalk']);
    const roles = run(h, listPolicies, { Scope: 'AWS', PathPrefix: '/job-function/' }, h.root()).Policies;
    expect(roles.map((p: { PolicyName: string }) => p.PolicyName)).toContain('ViewOnlyAccess');
    expect(roles.every((p: { Path: string }) => p.Path === '/job-function/')).toBe(true);
  });

  it('OnlyAttached with PolicyUsageFilter', async () => {
    const h = await harness();
    mkPolicy(h, 'Unused');
    const attached = mkPolicy(h, 'Attached').Arn;
    const boundary = mkPolicy(h, 'Boundary').Arn;
    const r = mkRole(h, 'r');
    run(h, attachRolePolicy, { RoleName: 'r', PolicyArn: attached }, h.root());
    run(h, attachRolePolicy, { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, h.root());
    h.store.roles.update(r.RoleId, { boundaryArn: boundary });
    const names = (params: Params) => run(h, listPolicies, { OnlyAttached: 'true', ...params }, h.root()).Policies.map((p: { PolicyName: string }) => p.PolicyName);
    expect(names({})).toEqual(['Attached', 'Boundary', 'ReadOnlyAccess']);
    expect(names({ Scope: 'Local' })).toEqual(['Attached', 'Boundary']);
    expect(names({ PolicyUsageFilter: 'PermissionsPolicy' })).toEqual(['Attached', 'ReadOnlyAccess']);
    expect(names({ PolicyUsageFilter: 'PermissionsBoundary' })).toEqual(['Boundary']);
    const listed = run(h, listPolicies, { OnlyAttached: 'true', Scope: 'Local' }, h.root()).Policies;
    expect(listed.map((p: { AttachmentCount: number; PermissionsBoundaryUsageCount: number }) => [p.AttachmentCount, p.PermissionsBoundaryUsageCount])).toEqual([[1, 0], [0, 1]]);
  });
});
