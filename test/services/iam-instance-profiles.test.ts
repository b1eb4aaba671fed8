// Instance profile handlers: lifecycle and shapes (Roles with CreateRole fields, Tags presence per
// operation), one role per profile, DeleteConflict both ways, paging, iam:PassRole on AddRole, errors.
import { describe, expect, it } from 'vitest';
import { iamOperations } from '../../src/services/iam/index';
import {
  addRoleToInstanceProfile,
  createInstanceProfile,
  deleteInstanceProfile,
  getInstanceProfile,
  listInstanceProfiles,
  listInstanceProfilesForRole,
  removeRoleFromInstanceProfile,
} from '../../src/services/iam/instance-profiles';
import { deleteRole } from '../../src/services/iam/roles';
import fixtures from '../fixtures/services/instance-profiles/errors.json';
import { harness, thrown, type Harness } from '../helpers/services';

const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const seed = { roles: [{ name: 'web-role', trustPolicy: trust }, { name: 'other-role', trustPolicy: trust }] };

async function withWebProfile(): Promise<Harness> {
  const h = await harness(seed);
  h.run(createInstanceProfile, { InstanceProfileName: 'web' }, h.root());
  h.run(addRoleToInstanceProfile, { InstanceProfileName: 'web', RoleName: 'web-role' }, h.root());
  return h;
}

describe('instance profiles', () => {
  it('create (`<Roles/>`, no Tags) → add role → get (`<Tags/>` always, role with CreateRole fields) → remove → delete', async () => {
    const h = await harness(seed);
    const created = h.run(createInstanceProfile, { InstanceProfileName: 'web', Path: '/app/' }, h.root()).InstanceProfile;
    expect(created).toMatchObject({ Path: '/app/', InstanceProfileName: 'web', Arn: 'arn:aws:iam::000000000000:instance-profile/app/web', Roles: [], Tags: undefined });
    expect(created.InstanceProfileId).toMatch(/^AIPA[A-Z2-7]{17}$/);

    h.run(addRoleToInstanceProfile, { InstanceProfileName: 'web', RoleName: 'web-role' }, h.root());
    const got = h.run(getInstanceProfile, { InstanceProfileName: 'WEB' }, h.root()).InstanceProfile as Record<string, any>;
    expect(got.Tags).toEqual([]);
    expect(got.Roles).toHaveLength(1);
    expect(Object.keys(got.Roles[0]).filter((k) => got.Roles[0][k] !== undefined)).toEqual(['Path', 'RoleName', 'RoleId', 'Arn', 'CreateDate', 'AssumeRolePolicyDocument']);
    expect(decodeURIComponent(got.Roles[0].AssumeRolePolicyDocument)).toBe(JSON.stringify(trust));

    expect(h.run(listInstanceProfilesForRole, { RoleName: 'web-role' }, h.root()).InstanceProfiles.map((p: any) => p.InstanceProfileName)).toEqual(['web']);
    h.run(removeRoleFromInstanceProfile, { InstanceProfileName: 'web', RoleName: 'web-role' }, h.root());
    expect(h.run(listInstanceProfilesForRole, { RoleName: 'web-role' }, h.root()).InstanceProfiles).toEqual([]);
    h.run(deleteInstanceProfile, { InstanceProfileName: 'web' }, h.root());
    expect(h.run(listInstanceProfiles, {}, h.root())).toEqual({ InstanceProfiles: [], IsTruncated: false });
    // With the profile gone the role can be deleted.
    h.run(deleteRole, { RoleName: 'web-role' }, h.root());
  });

  it('tags at create are stored, not echoed; only GetInstanceProfile shows them; PathPrefix filters; paging', async () => {
    const h = await harness(seed);
    for (const n of ['a', 'b', 'c']) h.run(createInstanceProfile, { InstanceProfileName: n, Path: n === 'c' ? '/other/' : '/app/', Tags: [{ Key: 'n', Value: n }] }, h.root());
    const p1 = h.run(listInstanceProfiles, { MaxItems: '2' }, h.root());
    expect(p1.InstanceProfiles.map((p: any) => [p.InstanceProfileName, p.Tags])).toEqual([['a', undefined], ['b', undefined]]);
    expect(h.run(getInstanceProfile, { InstanceProfileName: 'a' }, h.root()).InstanceProfile.Tags).toEqual([{ Key: 'n', Value: 'a' }]);
    expect(p1.IsTruncated).toBe(true);
    const p2 = h.run(listInstanceProfiles, { MaxItems: '2', Marker: p1.Marker }, h.root());
    expect(p2.InstanceProfiles.map((p: any) => p.InstanceProfileName)).toEqual(['c']);
    expect(p2.IsTruncated).toBe(false);
    expect(h.run(listInstanceProfiles, { PathPrefix: '/app/' }, h.root()).InstanceProfiles.map((p: any) => p.InstanceProfileName)).toEqual(['a', 'b']);
    const call = h.call(h.root());
    const input = createInstanceProfile.input({ InstanceProfileName: 'd', Tags: [{ Key: 'k', Value: 'v' }] }, call);
    expect(createInstanceProfile.extraChecks!(input, call)).toEqual([{ action: 'iam:TagInstanceProfile', resource: 'arn:aws:iam::000000000000:instance-profile/d' }]);
  });

  it('ListInstanceProfilesForRole pages; AddRoleToInstanceProfile also needs iam:PassRole on the role', async () => {
    const h = await harness(seed);
    for (const n of ['p1', 'p2', 'p3']) {
      h.run(createInstanceProfile, { InstanceProfileName: n }, h.root());
      h.run(addRoleToInstanceProfile, { InstanceProfileName: n, RoleName: 'web-role' }, h.root());
    }
    const first = h.run(listInstanceProfilesForRole, { RoleName: 'web-role', MaxItems: '2' }, h.root());
    expect(first.InstanceProfiles.map((p: any) => p.InstanceProfileName)).toEqual(['p1', 'p2']);
    const rest = h.run(listInstanceProfilesForRole, { RoleName: 'web-role', Marker: first.Marker }, h.root());
    expect(rest).toMatchObject({ IsTruncated: false });
    expect(rest.InstanceProfiles.map((p: any) => p.InstanceProfileName)).toEqual(['p3']);
    const call = h.call(h.root());
    expect(addRoleToInstanceProfile.extraChecks!({ name: 'p1', roleName: 'web-role' }, call)).toEqual([{ action: 'iam:PassRole', resource: 'arn:aws:iam::000000000000:role/web-role' }]);
  });
});

describe('instance profile errors (fixtures/services/instance-profiles/errors.json)', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await withWebProfile();
      expect(thrown(() => h.run(iamOperations.get(c.op)!, c.params, h.root()))).toEqual({ code: c.code, message: c.message, status: c.status });
    });
  }
});
