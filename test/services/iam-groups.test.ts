// IAM group, membership and inline group-policy handlers, called directly with a frozen clock and seeded
// ids: validation table, shapes, GetGroup's paginated Users, quotas (groups per user, aggregate size),
// rename, DeleteGroup conflicts, and that a group's policies reach its members' authorization.
import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/authz/authorize';
import { deleteGroupPolicy, getGroupPolicy, listGroupPolicies, putGroupPolicy } from '../../src/services/iam/group-policies';
import {
  addUserToGroup,
  createGroup,
  deleteGroup,
  getGroup,
  GROUPS_PER_USER,
  listGroups,
  listGroupsForUser,
  removeUserFromGroup,
  updateGroup,
} from '../../src/services/iam/groups';
import { iamOperations } from '../../src/services/iam/index';
import { createUser } from '../../src/services/iam/users';
import { ensureAwsManagedPolicy } from '../../src/store/aws-managed-policies';
import fixtures from '../fixtures/services/groups/validation.json';
import { harness, thrown } from '../helpers/services';

const allowS3Get = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
const names = (list: Record<string, unknown>[], key: string) => list.map((x) => x[key]);

describe('IAM group validation', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness();
      expect(thrown(() => h.run(iamOperations.get(c.op)!, c.params, h.root()))).toEqual({ code: 'ValidationError', message: c.message, status: 400 });
    });
  }
});

describe('CreateGroup / GetGroup / ListGroups / UpdateGroup', () => {
  it('CreateGroup returns Path, GroupName, GroupId (AGPA…), Arn, CreateDate; duplicates are refused case-insensitively', async () => {
    const h = await harness();
    const out = h.run(createGroup, { GroupName: 'Admins', Path: '/ops/' }, h.root());
    expect(Object.keys(out.Group)).toEqual(['Path', 'GroupName', 'GroupId', 'Arn', 'CreateDate']);
    expect(out.Group).toMatchObject({ Path: '/ops/', GroupName: 'Admins', Arn: 'arn:aws:iam::000000000000:group/ops/Admins', CreateDate: new Date('2026-11-29T12:00:00Z') });
    expect(out.Group.GroupId).toMatch(/^AGPA[A-Z2-7]{17}$/);
    expect(thrown(() => h.run(createGroup, { GroupName: 'admins' }, h.root()))).toEqual({ code: 'EntityAlreadyExists', message: 'Group with name admins already exists.', status: 409 });
    expect(thrown(() => h.run(getGroup, { GroupName: 'nope' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The group with name nope cannot be found.', status: 404 });
  });

  it('GetGroup lists members by name, paginated; an empty group has an empty Users list', async () => {
    const h = await harness();
    h.run(createGroup, { GroupName: 'g' }, h.root());
    expect(h.run(getGroup, { GroupName: 'g' }, h.root())).toMatchObject({ Users: [], IsTruncated: false });
    for (const n of ['carol', 'Alice', 'bob']) {
      h.run(createUser, { UserName: n }, h.root());
      h.run(addUserToGroup, { GroupName: 'g', UserName: n }, h.root());
    }
    const p1 = h.run(getGroup, { GroupName: 'G', MaxItems: '2' }, h.root());
    expect(p1.Group.GroupName).toBe('g');
    expect(names(p1.Users, 'UserName')).toEqual(['Alice', 'bob']);
    expect(p1.IsTruncated).toBe(true);
    const p2 = h.run(getGroup, { GroupName: 'g', MaxItems: '2', Marker: p1.Marker }, h.root());
    expect(names(p2.Users, 'UserName')).toEqual(['carol']);
    expect(p2.IsTruncated).toBe(false);
    expect(p2.Marker).toBeUndefined();
    expect(Object.keys(p1.Users[0]).filter((k) => p1.Users[0][k] !== undefined)).toEqual(['Path', 'UserName', 'UserId', 'Arn', 'CreateDate']);
  });

  it('ListGroups pages and filters by path prefix', async () => {
    const h = await harness();
    for (const n of ['d', 'a', 'C', 'b']) h.run(createGroup, { GroupName: n, Path: n === 'b' ? '/x/' : '/' }, h.root());
    const p1 = h.run(listGroups, { MaxItems: '3' }, h.root());
    expect(names(p1.Groups, 'GroupName')).toEqual(['a', 'b', 'C']);
    const p2 = h.run(listGroups, { MaxItems: '3', Marker: p1.Marker }, h.root());
    expect(names(p2.Groups, 'GroupName')).toEqual(['d']);
    expect(p2.IsTruncated).toBe(false);
    expect(names(h.run(listGroups, { PathPrefix: '/x/' }, h.root()).Groups, 'GroupName')).toEqual(['b']);
  });

  it('UpdateGroup renames and moves (members and policies stay); a taken name is refused; renaming needs the target too', async () => {
    const h = await harness();
    h.run(createGroup, { GroupName: 'dev' }, h.root());
    h.run(createGroup, { GroupName: 'ops' }, h.root());
    h.run(createUser, { UserName: 'u' }, h.root());
    h.run(addUserToGroup, { GroupName: 'dev', UserName: 'u' }, h.root());
    h.run(putGroupPolicy, { GroupName: 'dev', PolicyName: 'p', PolicyDocument: allowS3Get }, h.root());
    const call = h.call(h.root());
    expect(updateGroup.extraChecks!(updateGroup.input({ GroupName: 'dev', NewGroupName: 'developers', NewPath: '/eng/' }, call), call)).toEqual([
      { action: 'iam:UpdateGroup', resource: 'arn:aws:iam::000000000000:group/eng/developers' },
    ]);
    expect(thrown(() => h.run(updateGroup, { GroupName: 'dev', NewGroupName: 'OPS' }, h.root()))).toEqual({ code: 'EntityAlreadyExists', message: 'Group with name OPS already exists.', status: 409 });
    h.run(updateGroup, { GroupName: 'dev', NewGroupName: 'developers', NewPath: '/eng/' }, h.root());
    const got = h.run(getGroup, { GroupName: 'developers' }, h.root());
    expect(got.Group.Arn).toBe('arn:aws:iam::000000000000:group/eng/developers');
    expect(names(got.Users, 'UserName')).toEqual(['u']);
    expect(h.run(listGroupPolicies, { GroupName: 'developers' }, h.root()).PolicyNames).toEqual(['p']);
  });
});

describe('membership', () => {
  it('AddUserToGroup is idempotent; RemoveUserFromGroup of a non-member succeeds; unknown user or group → NoSuchEntity', async () => {
    const h = await harness();
    h.run(createGroup, { GroupName: 'g' }, h.root());
    h.run(createUser, { UserName: 'u' }, h.root());
    h.run(addUserToGroup, { GroupName: 'g', UserName: 'u' }, h.root());
    h.run(addUserToGroup, { GroupName: 'g', UserName: 'U' }, h.root());
    expect(h.run(getGroup, { GroupName: 'g' }, h.root()).Users).toHaveLength(1);
    expect(thrown(() => h.run(addUserToGroup, { GroupName: 'g', UserName: 'ghost' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The user with name ghost cannot be found.', status: 404 });
    expect(thrown(() => h.run(addUserToGroup, { GroupName: 'nog', UserName: 'u' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The group with name nog cannot be found.', status: 404 });
    h.run(removeUserFromGroup, { GroupName: 'g', UserName: 'u' }, h.root());
    expect(h.run(removeUserFromGroup, { GroupName: 'g', UserName: 'u' }, h.root())).toBeUndefined();
    expect(h.run(getGroup, { GroupName: 'g' }, h.root()).Users).toEqual([]);
  });

  it(`a user can be in ${GROUPS_PER_USER} groups; the 11th → LimitExceeded`, async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'u' }, h.root());
    for (let i = 0; i <= GROUPS_PER_USER; i++) h.run(createGroup, { GroupName: `g${String(i).padStart(2, '0')}` }, h.root());
    for (let i = 0; i < GROUPS_PER_USER; i++) h.run(addUserToGroup, { GroupName: `g${String(i).padStart(2, '0')}`, UserName: 'u' }, h.root());
    expect(thrown(() => h.run(addUserToGroup, { GroupName: 'g10', UserName: 'u' }, h.root()))).toEqual({ code: 'LimitExceeded', message: 'Cannot exceed quota for GroupsPerUser: 10', status: 409 });
    const p1 = h.run(listGroupsForUser, { UserName: 'u', MaxItems: '6' }, h.root());
    expect(p1.Groups).toHaveLength(6);
    const p2 = h.run(listGroupsForUser, { UserName: 'u', MaxItems: '6', Marker: p1.Marker }, h.root());
    expect(names([...p1.Groups, ...p2.Groups], 'GroupName')).toEqual(Array.from({ length: 10 }, (_, i) => `g${String(i).padStart(2, '0')}`));
    expect(p2.IsTruncated).toBe(false);
    expect(thrown(() => h.run(listGroupsForUser, { UserName: 'ghost' }, h.root())).code).toBe('NoSuchEntity');
  });

  it('membership is authorized on the group; ListGroupsForUser on the user', async () => {
    const h = await harness();
    h.run(createGroup, { GroupName: 'g', Path: '/team/' }, h.root());
    h.run(createUser, { UserName: 'u', Path: '/p/' }, h.root());
    const call = h.call(h.root());
    expect(addUserToGroup.resource(addUserToGroup.input({ GroupName: 'g', UserName: 'u' }, call), call)).toBe('arn:aws:iam::000000000000:group/team/g');
    expect(listGroupsForUser.resource(listGroupsForUser.input({ UserName: 'u' }, call), call)).toBe('arn:aws:iam::000000000000:user/p/u');
  });
});

describe('DeleteGroup', () => {
  it('refuses while members, inline policies or attached policies remain, each with its AWS text', async () => {
    const h = await harness();
    h.run(createGroup, { GroupName: 'g' }, h.root());
    h.run(createUser, { UserName: 'u' }, h.root());
    h.run(addUserToGroup, { GroupName: 'g', UserName: 'u' }, h.root());
    h.run(putGroupPolicy, { GroupName: 'g', PolicyName: 'p', PolicyDocument: allowS3Get }, h.root());
    const group = h.store.groups.getByName('000000000000', 'g')!;
    const arn = 'arn:aws:iam::aws:policy/ReadOnlyAccess';
    h.store.transaction(() => {
      ensureAwsManagedPolicy(h.store, h.ids, arn);
      h.store.managedPolicies.attach(arn, 'group', group.id, h.clock.now().toISOString());
    });
    const del = () => thrown(() => h.run(deleteGroup, { GroupName: 'g' }, h.root()));
    expect(del()).toEqual({ code: 'DeleteConflict', message: 'Cannot delete entity, must remove users from group first.', status: 409 });
    h.run(removeUserFromGroup, { GroupName: 'g', UserName: 'u' }, h.root());
    expect(del()).toEqual({ code: 'DeleteConflict', message: 'Cannot delete entity, must delete policies first.', status: 409 });
    h.run(deleteGroupPolicy, { GroupName: 'g', PolicyName: 'p' }, h.root());
    expect(del()).toEqual({ code: 'DeleteConflict', message: 'Cannot delete entity, must detach all policies first.', status: 409 });
    h.store.managedPolicies.detach(arn, 'group', group.id);
    expect(h.run(deleteGroup, { GroupName: 'g' }, h.root())).toBeUndefined();
    expect(del()).toEqual({ code: 'NoSuchEntity', message: 'The group with name g cannot be found.', status: 404 });
  });
});

describe('inline group policies', () => {
  it('Put/Get/List/Delete with AWS messages; documents percent-encoded; aggregate limit 5120', async () => {
    const h = await harness();
    h.run(createGroup, { GroupName: 'g' }, h.root());
    h.run(putGroupPolicy, { GroupName: 'g', PolicyName: 'read', PolicyDocument: allowS3Get }, h.root());
    const got = h.run(getGroupPolicy, { GroupName: 'G', PolicyName: 'read' }, h.root());
    expect(got).toMatchObject({ GroupName: 'g', PolicyName: 'read' });
    // RFC 3986 encoding: even `*` is escaped (aws-protocol §6.4); one decode restores the document.
    expect(got.PolicyDocument).toContain('%22Resource%22%3A%22%2A%22');
    expect(decodeURIComponent(got.PolicyDocument)).toBe(allowS3Get);
    expect(h.run(listGroupPolicies, { GroupName: 'g' }, h.root())).toEqual({ PolicyNames: ['read'], IsTruncated: false });
    expect(thrown(() => h.run(getGroupPolicy, { GroupName: 'g', PolicyName: 'x' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The group policy with name x cannot be found.', status: 404 });
    expect(thrown(() => h.run(deleteGroupPolicy, { GroupName: 'g', PolicyName: 'x' }, h.root())).message).toBe('The group policy with name x cannot be found.');
    const big = JSON.stringify({ Version: '2012-10-17', Statement: Array.from({ length: 70 }, (_, i) => ({ Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::bucket-${String(i).padStart(3, '0')}/*` })) });
    expect(big.length).toBeGreaterThan(5120);
    expect(thrown(() => h.run(putGroupPolicy, { GroupName: 'g', PolicyName: 'big', PolicyDocument: big }, h.root()))).toEqual({
      code: 'LimitExceeded', message: 'Maximum policy size of 5120 bytes exceeded for group g', status: 409,
    });
    h.run(deleteGroupPolicy, { GroupName: 'g', PolicyName: 'read' }, h.root());
    expect(h.run(listGroupPolicies, { GroupName: 'g' }, h.root()).PolicyNames).toEqual([]);
  });

  it("a group's inline policy is part of its members' identity policies (and stops being when they leave)", async () => {
    const h = await harness();
    h.run(createUser, { UserName: 'u' }, h.root());
    h.run(createGroup, { GroupName: 'readers' }, h.root());
    h.run(putGroupPolicy, { GroupName: 'readers', PolicyName: 'read', PolicyDocument: allowS3Get }, h.root());
    const ask = () => thrown(() => authorize(h.store, { principal: h.user('u'), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} })).code;
    expect(ask()).toBe('AccessDenied');
    h.run(addUserToGroup, { GroupName: 'readers', UserName: 'u' }, h.root());
    expect(authorize(h.store, { principal: h.user('u'), action: 's3:GetObject', resource: 'arn:aws:s3:::b/k', context: {} }).decision).toBe('allowed');
    h.run(removeUserFromGroup, { GroupName: 'readers', UserName: 'u' }, h.root());
    expect(ask()).toBe('AccessDenied');
  });
});
