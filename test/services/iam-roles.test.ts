// IAM role and inline role-policy handlers, called directly with a frozen clock and seeded ids:
// validation messages, shapes per operation, pagination, quotas, NoSuchEntity/EntityAlreadyExists/DeleteConflict.
import { describe, expect, it } from 'vitest';
import { newUniqueId } from '../../src/aws/ids';
import { iamOperations } from '../../src/services/iam/index';
import { deleteRolePolicy, getRolePolicy, listRolePolicies, putRolePolicy } from '../../src/services/iam/role-policies';
import { createRole, deleteRole, getRole, listRoles, updateAssumeRolePolicy, updateRole, updateRoleDescription } from '../../src/services/iam/roles';
import fixtures from '../fixtures/services/iam-role-validation.json';
import { harness, thrown } from '../helpers/services';

const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] });
const allowAll = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] });

describe('IAM role validation', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness();
      const base: Record<string, unknown> = c.op === 'CreateRole' ? { RoleName: 'r', AssumeRolePolicyDocument: trust } : {};
      const params: Record<string, unknown> = { ...base, ...c.params };
      for (const k of Object.keys(params)) if (params[k] === null) delete params[k];
      expect(thrown(() => h.run(iamOperations.get(c.op)!, params, h.root()))).toEqual({ code: 'ValidationError', message: c.message, status: 400 });
    });
  }
});

describe('CreateRole / GetRole / UpdateRole*', () => {
  it('CreateRole returns only the CreateRole fields; GetRole adds Description, MaxSessionDuration, RoleLastUsed', async () => {
    const h = await harness();
    const out = h.run(createRole, { RoleName: 'App', Path: '/svc/', AssumeRolePolicyDocument: trust, Description: 'd', MaxSessionDuration: '7200' }, h.root());
    expect(Object.keys(out.Role).filter((k) => out.Role[k] !== undefined)).toEqual(['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument']);
    expect(out.Role).toMatchObject({ Path: '/svc/', RoleName: 'App', Arn: 'arn:aws:iam::000000000000:role/svc/App', CreateDate: new Date('2026-11-29T12:00:00Z') });
    expect(out.Role.RoleId).toMatch(/^AROA[A-Z2-7]{17}$/);
    // Percent-encoded with %20-style escapes, never '+'.
    expect(out.Role.AssumeRolePolicyDocument).toBe(encodeURIComponent(trust));

    const got = h.run(getRole, { RoleName: 'app' }, h.root()).Role;
    expect(got).toMatchObject({ RoleName: 'App', Description: 'd', MaxSessionDuration: 7200, RoleLastUsed: {} });
    expect(got.Tags).toBeUndefined();
  });

  it('names are unique case-insensitively', async () => {
    const h = await harness();
    h.run(createRole, { RoleName: 'Admins', AssumeRolePolicyDocument: trust }, h.root());
    expect(thrown(() => h.run(createRole, { RoleName: 'ADMINS', AssumeRolePolicyDocument: trust }, h.root()))).toEqual({
      code: 'EntityAlreadyExists', message: 'Role with name ADMINS already exists.', status: 409,
    });
  });

  it('bad trust JSON → MalformedPolicyDocument; a trust policy over 2048 characters → LimitExceeded', async () => {
    const h = await harness();
    expect(thrown(() => h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: '{"Version": ' }, h.root())).code).toBe('MalformedPolicyDocument');
    const many = JSON.stringify({
      Version: '2012-10-17',
      Statement: Array.from({ length: 30 }, (_, i) => ({ Effect: 'Allow', Principal: { Service: `svc${i}.amazonaws.com` }, Action: 'sts:AssumeRole' })),
    });
    expect(thrown(() => h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: many }, h.root()))).toEqual({
      code: 'LimitExceeded', message: 'Cannot exceed quota for ACLSizePerRole: 2048', status: 409,
    });
  });

  it('a trust policy naming a user that does not exist → Invalid principal', async () => {
    const h = await harness();
    const doc = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/ghost' }, Action: 'sts:AssumeRole' }] });
    expect(thrown(() => h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: doc }, h.root()))).toEqual({
      code: 'MalformedPolicyDocument', message: 'Invalid principal in policy: "AWS":"arn:aws:iam::000000000000:user/ghost"', status: 400,
    });
  });

  it('permissions boundary: must exist; AWS-managed policies are found in the catalogue', async () => {
    const h = await harness();
    expect(thrown(() => h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: trust, PermissionsBoundary: 'arn:aws:iam::000000000000:policy/Nope' }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: 'Scope ARN: arn:aws:iam::000000000000:policy/Nope does not exist or is not attachable.', status: 404,
    });
    const out = h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: trust, PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, h.root());
    expect(out.Role.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' });
  });

  it('tags: returned by CreateRole when given; duplicate keys are refused', async () => {
    const h = await harness();
    const out = h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'a' }] }, h.root());
    expect(out.Role.Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    expect(thrown(() => h.run(createRole, { RoleName: 'r2', AssumeRolePolicyDocument: trust, Tags: [{ Key: 'team', Value: 'a' }, { Key: 'TEAM', Value: 'b' }] }, h.root()))).toEqual({
      code: 'InvalidInput', message: 'Duplicate tag keys found. Please note that Tag keys are case insensitive.', status: 400,
    });
  });

  it('UpdateRole, UpdateRoleDescription, UpdateAssumeRolePolicy', async () => {
    const h = await harness();
    h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: trust }, h.root());
    expect(h.run(updateRole, { RoleName: 'r', MaxSessionDuration: '43200' }, h.root())).toEqual({});
    const desc = h.run(updateRoleDescription, { RoleName: 'r', Description: 'new' }, h.root());
    expect(desc.Role.Description).toBe('new');
    expect((desc.Role as Record<string, unknown>).MaxSessionDuration).toBeUndefined();
    const newTrust = trust.replace('ec2', 'lambda');
    expect(h.run(updateAssumeRolePolicy, { RoleName: 'r', PolicyDocument: newTrust }, h.root())).toBeUndefined();
    expect(h.run(getRole, { RoleName: 'r' }, h.root()).Role).toMatchObject({ MaxSessionDuration: 43200, Description: 'new', AssumeRolePolicyDocument: encodeURIComponent(newTrust) });
    expect(thrown(() => h.run(updateRole, { RoleName: 'nope' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The role with name nope cannot be found.', status: 404 });
  });
});

describe('ListRoles', () => {
  it('pages with Marker/MaxItems; Marker only while truncated; PathPrefix filters', async () => {
    const h = await harness();
    for (const n of ['e', 'B', 'a', 'd', 'C']) h.run(createRole, { RoleName: n, AssumeRolePolicyDocument: trust, Path: n === 'd' ? '/x/' : '/' }, h.root());
    const p1 = h.run(listRoles, { MaxItems: '2' }, h.root());
    expect(p1.Roles.map((r: Record<string, unknown>) => r.RoleName)).toEqual(['a', 'B']);
    expect(p1.IsTruncated).toBe(true);
    const p2 = h.run(listRoles, { MaxItems: '2', Marker: p1.Marker }, h.root());
    expect(p2.Roles.map((r: Record<string, unknown>) => r.RoleName)).toEqual(['C', 'd']);
    const p3 = h.run(listRoles, { MaxItems: '2', Marker: p2.Marker }, h.root());
    expect(p3).toMatchObject({ IsTruncated: false });
    expect(p3.Marker).toBeUndefined();
    expect(p3.Roles.map((r: Record<string, unknown>) => r.RoleName)).toEqual(['e']);
    expect(h.run(listRoles, { PathPrefix: '/x/' }, h.root()).Roles.map((r: Record<string, unknown>) => r.RoleName)).toEqual(['d']);
    const listed = p1.Roles[0];
    expect(Object.keys(listed).filter((k) => listed[k] !== undefined)).toEqual(['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument', 'MaxSessionDuration']);
  });

  it('a malformed marker → ValidationError', async () => {
    const h = await harness();
    expect(thrown(() => h.run(listRoles, { Marker: 'not a marker!' }, h.root()))).toEqual({ code: 'ValidationError', message: 'Invalid Marker.', status: 400 });
  });
});

describe('inline role policies and DeleteRole', () => {
  it('Put/Get/List/Delete with AWS messages; documents come back percent-encoded', async () => {
    const h = await harness();
    h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: trust }, h.root());
    const spaced = '{ "Version": "2012-10-17", "Statement": { "Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::b/%3A" } }';
    h.run(putRolePolicy, { RoleName: 'r', PolicyName: 'p1', PolicyDocument: spaced }, h.root());
    h.run(putRolePolicy, { RoleName: 'r', PolicyName: 'p0', PolicyDocument: allowAll }, h.root());
    const got = h.run(getRolePolicy, { RoleName: 'r', PolicyName: 'p1' }, h.root());
    expect(got.PolicyDocument).toContain('%20%22Version%22');
    expect(got.PolicyDocument).toContain('%253A');
    expect(decodeURIComponent(got.PolicyDocument)).toBe(spaced);
    expect(h.run(listRolePolicies, { RoleName: 'r', MaxItems: '1' }, h.root())).toMatchObject({ PolicyNames: ['p0'], IsTruncated: true });
    expect(thrown(() => h.run(getRolePolicy, { RoleName: 'r', PolicyName: 'zz' }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: 'The role policy with name zz cannot be found.', status: 404,
    });
    expect(thrown(() => h.run(putRolePolicy, { RoleName: 'r', PolicyName: 'bad', PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:*', Resource: '*' }] }) }, h.root()))).toEqual({
      code: 'MalformedPolicyDocument', message: 'Policy document should not specify a principal.', status: 400,
    });
    h.run(deleteRolePolicy, { RoleName: 'r', PolicyName: 'p1' }, h.root());
    expect(thrown(() => h.run(deleteRolePolicy, { RoleName: 'r', PolicyName: 'p1' }, h.root())).message).toBe('The role policy with name p1 cannot be found.');
  });

  it('inline policies of a role may total 10240 characters, whitespace not counted', async () => {
    const h = await harness();
    h.run(createRole, { RoleName: 'big', AssumeRolePolicyDocument: trust }, h.root());
    const doc = (n: number) => JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: n }, (_, i) => ({ Effect: 'Allow', Action: `s3:GetObject${i}`, Resource: `arn:aws:s3:::bucket-${i}/*` })) });
    h.run(putRolePolicy, { RoleName: 'big', PolicyName: 'a', PolicyDocument: doc(70) }, h.root());
    expect(thrown(() => h.run(putRolePolicy, { RoleName: 'big', PolicyName: 'b', PolicyDocument: doc(70) }, h.root()))).toEqual({
      code: 'LimitExceeded', message: 'Maximum policy size of 10240 bytes exceeded for role big', status: 409,
    });
    // Replacing the same policy does not count it twice.
    h.run(putRolePolicy, { RoleName: 'big', PolicyName: 'a', PolicyDocument: doc(71) }, h.root());
  });

  it('DeleteRole refuses while instance profiles, managed or inline policies remain', async () => {
    const h = await harness();
    h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: trust }, h.root());
    const role = h.store.roles.getByName('000000000000', 'r')!;
    const at = '2026-11-29T12:00:00.000Z';
    h.store.instanceProfiles.create({ id: newUniqueId(h.ids, 'AIPA'), accountId: '000000000000', name: 'ip', path: '/', arn: 'arn:aws:iam::000000000000:instance-profile/ip', createdAt: at });
    const ip = h.store.instanceProfiles.getByName('000000000000', 'ip')!;
    h.store.instanceProfiles.addRole(ip.id, role.id);
    h.store.managedPolicies.create({ arn: 'arn:aws:iam::000000000000:policy/m', id: 'ANPAAAAAAAAAAAAAAAAAA', accountId: '000000000000', name: 'm', path: '/', description: null, document: allowAll, createdAt: at });
    h.store.managedPolicies.attach('arn:aws:iam::000000000000:policy/m', 'role', role.id, at);
    h.run(putRolePolicy, { RoleName: 'r', PolicyName: 'p', PolicyDocument: allowAll }, h.root());

    const del = () => thrown(() => h.run(deleteRole, { RoleName: 'r' }, h.root()));
    expect(del()).toEqual({ code: 'DeleteConflict', message: 'Cannot delete entity, must remove roles from instance profile first.', status: 409 });
    h.store.instanceProfiles.removeRole(ip.id, role.id);
    expect(del().message).toBe('Cannot delete entity, must detach all policies first.');
    h.store.managedPolicies.detach('arn:aws:iam::000000000000:policy/m', 'role', role.id);
    expect(del().message).toBe('Cannot delete entity, must delete policies first.');
    h.run(deleteRolePolicy, { RoleName: 'r', PolicyName: 'p' }, h.root());
    expect(h.run(deleteRole, { RoleName: 'r' }, h.root())).toBeUndefined();
    expect(del()).toEqual({ code: 'NoSuchEntity', message: 'The role with name r cannot be found.', status: 404 });
  });
});
