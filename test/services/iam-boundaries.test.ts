// Permissions boundaries: Put/Delete{Role,User}PermissionsBoundary handlers and messages, the condition
// keys each boundary-related action supplies, the evaluator capping attached policies at the boundary,
// and the delegation table of seed/20-developer-boundary.yaml authorized as the pipeline does.
import { describe, expect, it } from 'vitest';
import { arns } from '../../src/aws/arn';
import { newUniqueId } from '../../src/aws/ids';
import { decide } from '../../src/authz/authorize';
import { buildRequestContext } from '../../src/authz/request-context';
import { defaults } from '../../src/config';
import { iamOperations } from '../../src/services/iam/index';
import { createPolicy } from '../../src/services/iam/managed-policies';
import {
  deleteRolePermissionsBoundary,
  deleteUserPermissionsBoundary,
  putRolePermissionsBoundary,
  putUserPermissionsBoundary,
} from '../../src/services/iam/permissions-boundaries';
import { attachGroupPolicy, attachRolePolicy, attachUserPolicy, detachRolePolicy } from '../../src/services/iam/policy-attachments';
import { createRole, getRole } from '../../src/services/iam/roles';
import type { Operation, Params } from '../../src/services/types';
import { applySeedDocuments, loadSeedSources } from '../../src/store/seed-load';
import delegation from '../fixtures/services/boundaries/delegation.json';
import { authorized, harness, thrown, type Harness } from '../helpers/services';

const ACCT = '000000000000';
const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: 'sts:AssumeRole' }] });
const S3_ONLY = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:*', 'iam:List*'], Resource: '*' }] });
const BOUNDARY = `arn:aws:iam::${ACCT}:policy/Boundary`;

/** The condition keys an operation adds for these parameters. */
function keysOf(h: Harness, op: Operation<any, unknown>, params: Params): Record<string, unknown> {
  const call = h.call(h.root());
  return op.conditionKeys?.(op.input(params, call), call) ?? {};
}

async function withBoundaryPolicy(): Promise<Harness> {
  const h = await harness();
  h.run(createPolicy, { PolicyName: 'Boundary', PolicyDocument: S3_ONLY }, h.root());
  h.run(createRole, { RoleName: 'r', Path: '/app/', AssumeRolePolicyDocument: trust }, h.root());
  h.store.users.create({ id: newUniqueId(h.ids, 'AIDA'), accountId: ACCT, name: 'u', path: '/', arn: arns.user(ACCT, '/', 'u'), boundaryArn: null, createdAt: h.clock.now().toISOString() });
  return h;
}

describe('Put/Delete role and user permissions boundaries', () => {
  it('a role boundary shows in GetRole and can be removed', async () => {
    const h = await withBoundaryPolicy();
    expect(h.run(putRolePermissionsBoundary, { RoleName: 'r', PermissionsBoundary: BOUNDARY }, h.root())).toBeUndefined();
    expect(h.run(getRole, { RoleName: 'r' }, h.root()).Role.PermissionsBoundary).toEqual({ PermissionsBoundaryType: 'Policy', PermissionsBoundaryArn: BOUNDARY });
    h.run(putRolePermissionsBoundary, { RoleName: 'r', PermissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, h.root());
    expect(h.store.roles.getByName(ACCT, 'r')!.boundaryArn).toBe('arn:aws:iam::aws:policy/ReadOnlyAccess');
    h.run(deleteRolePermissionsBoundary, { RoleName: 'r' }, h.root());
    expect(h.run(getRole, { RoleName: 'r' }, h.root()).Role.PermissionsBoundary).toBeUndefined();
  });

  it('a user boundary is stored and removed', async () => {
    const h = await withBoundaryPolicy();
    h.run(putUserPermissionsBoundary, { UserName: 'u', PermissionsBoundary: BOUNDARY }, h.root());
    expect(h.store.users.getByName(ACCT, 'u')!.boundaryArn).toBe(BOUNDARY);
    h.run(deleteUserPermissionsBoundary, { UserName: 'u' }, h.root());
    expect(h.store.users.getByName(ACCT, 'u')!.boundaryArn).toBeNull();
  });

  it('AWS messages: missing entity, missing policy, an ARN that is not a policy, a service-role policy', async () => {
    const h = await withBoundaryPolicy();
    expect(thrown(() => h.run(putRolePermissionsBoundary, { RoleName: 'nope', PermissionsBoundary: BOUNDARY }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The role with name nope cannot be found.', status: 404 });
    expect(thrown(() => h.run(deleteUserPermissionsBoundary, { UserName: 'nope' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The user with name nope cannot be found.', status: 404 });
    expect(thrown(() => h.run(putUserPermissionsBoundary, { UserName: 'u', PermissionsBoundary: `arn:aws:iam::${ACCT}:policy/Missing` }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: `Scope ARN: arn:aws:iam::${ACCT}:policy/Missing does not exist or is not attachable.`, status: 404,
    });
    expect(thrown(() => h.run(putRolePermissionsBoundary, { RoleName: 'r', PermissionsBoundary: `arn:aws:iam::${ACCT}:role/app/r` }, h.root()))).toEqual({
      code: 'InvalidInput', message: `ARN arn:aws:iam::${ACCT}:role/app/r is not valid.`, status: 400,
    });
    expect(thrown(() => h.run(putRolePermissionsBoundary, { RoleName: 'r', PermissionsBoundary: 'arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy' }, h.root())).code).toBe('PolicyNotAttachable');
    // Nothing changed by the refusals.
    expect(h.store.roles.getByName(ACCT, 'r')!.boundaryArn).toBeNull();
  });
});

describe('condition keys of boundary-related actions', () => {
  it('iam:PermissionsBoundary is the boundary being set on Put…, the current one on Delete…/Attach…/Detach…; iam:PolicyARN on attach/detach', async () => {
    const h = await withBoundaryPolicy();
    const admin = 'arn:aws:iam::aws:policy/AdministratorAccess';
    expect(keysOf(h, putRolePermissionsBoundary, { RoleName: 'r', PermissionsBoundary: BOUNDARY })).toEqual({ 'iam:PermissionsBoundary': BOUNDARY });
    expect(keysOf(h, deleteRolePermissionsBoundary, { RoleName: 'r' })).toEqual({});
    expect(keysOf(h, attachRolePolicy, { RoleName: 'r', PolicyArn: admin })).toEqual({ 'iam:PolicyARN': admin });
    h.run(putRolePermissionsBoundary, { RoleName: 'r', PermissionsBoundary: BOUNDARY }, h.root());
    h.run(putUserPermissionsBoundary, { UserName: 'u', PermissionsBoundary: BOUNDARY }, h.root());
    expect(keysOf(h, deleteRolePermissionsBoundary, { RoleName: 'r' })).toEqual({ 'iam:PermissionsBoundary': BOUNDARY });
    expect(keysOf(h, deleteUserPermissionsBoundary, { UserName: 'u' })).toEqual({ 'iam:PermissionsBoundary': BOUNDARY });
    expect(keysOf(h, attachRolePolicy, { RoleName: 'r', PolicyArn: admin })).toEqual({ 'iam:PolicyARN': admin, 'iam:PermissionsBoundary': BOUNDARY });
    expect(keysOf(h, detachRolePolicy, { RoleName: 'r', PolicyArn: admin })).toEqual({ 'iam:PolicyARN': admin, 'iam:PermissionsBoundary': BOUNDARY });
    expect(keysOf(h, attachUserPolicy, { UserName: 'u', PolicyArn: admin })).toEqual({ 'iam:PolicyARN': admin, 'iam:PermissionsBoundary': BOUNDARY });
    expect(keysOf(h, attachGroupPolicy, { GroupName: 'g', PolicyArn: admin })).toEqual({ 'iam:PolicyARN': admin });
    expect(keysOf(h, iamOperations.get('PutRolePolicy')!, { RoleName: 'r', PolicyName: 'p', PolicyDocument: S3_ONLY })).toEqual({ 'iam:PermissionsBoundary': BOUNDARY });
  });

  it('iam:PolicyARN limits which policies a principal may attach', async () => {
    const h = await harness({
      users: [{
        name: 'attacher',
        inlinePolicies: {
          onlyReadOnly: {
            Version: '2012-10-17',
            Statement: [{ Effect: 'Allow', Action: 'iam:AttachRolePolicy', Resource: '*', Condition: { ArnEquals: { 'iam:PolicyARN': 'arn:aws:iam::aws:policy/ReadOnlyAccess' } } }],
          },
        },
      }],
    });
    h.run(createRole, { RoleName: 'r', AssumeRolePolicyDocument: trust }, h.root());
    const who = h.user('attacher');
    expect(() => authorized(h, attachRolePolicy, { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }, who)).not.toThrow();
    expect(thrown(() => authorized(h, attachRolePolicy, { RoleName: 'r', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, who))).toEqual({
      code: 'AccessDenied',
      message: `User: arn:aws:iam::${ACCT}:user/attacher is not authorized to perform: iam:AttachRolePolicy on resource: role r because no identity-based policy allows the iam:AttachRolePolicy action`,
      status: 403,
    });
  });
});

describe('the evaluator caps attached policies at the boundary', () => {
  it('AdministratorAccess under a boundary grants only what the boundary also allows', async () => {
    const h = await withBoundaryPolicy();
    h.run(attachUserPolicy, { UserName: 'u', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, h.root());
    const facts = { now: h.clock.now(), region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: false, userAgent: null };
    const ask = (action: string, resource: string) => {
      const p = h.user('u');
      return decide(h.store, { principal: p, action, resource, context: buildRequestContext(h.store, p, facts) }).decision.decision;
    };
    expect(ask('iam:CreateUser', `arn:aws:iam::${ACCT}:user/x`)).toBe('allowed');
    h.run(putUserPermissionsBoundary, { UserName: 'u', PermissionsBoundary: BOUNDARY }, h.root());
    expect(ask('s3:GetObject', 'arn:aws:s3:::b/k')).toBe('allowed');
    expect(ask('iam:ListRoles', `arn:aws:iam::${ACCT}:role/`)).toBe('allowed');
    expect(ask('iam:CreateUser', `arn:aws:iam::${ACCT}:user/x`)).toBe('implicitDeny');
    expect(thrown(() => authorized(h, iamOperations.get('CreateRole')!, { RoleName: 'x', AssumeRolePolicyDocument: trust }, h.user('u')))).toEqual({
      code: 'AccessDenied',
      message: `User: arn:aws:iam::${ACCT}:user/u is not authorized to perform: iam:CreateRole on resource: arn:aws:iam::${ACCT}:role/x because no permissions boundary allows the iam:CreateRole action`,
      status: 403,
    });
    // A boundary alone grants nothing: without AdministratorAccess even s3 is denied.
    h.run(iamOperations.get('DetachUserPolicy')!, { UserName: 'u', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, h.root());
    expect(ask('s3:GetObject', 'arn:aws:s3:::b/k')).toBe('implicitDeny');
  });
});

describe('delegation with DeveloperBoundary (seed/20-developer-boundary.yaml)', () => {
  async function delegationHarness(): Promise<Harness> {
    const h = await harness();
    await applySeedDocuments(h.store, await loadSeedSources(['seed/20-developer-boundary.yaml']), { ids: h.ids, now: h.clock.now(), config: defaults });
    h.run(createRole, { RoleName: 'bounded', Path: '/app/', AssumeRolePolicyDocument: trust, PermissionsBoundary: `arn:aws:iam::${ACCT}:policy/DeveloperBoundary` }, h.root());
    h.run(createRole, { RoleName: 'unbounded', Path: '/app/', AssumeRolePolicyDocument: trust }, h.root());
    return h;
  }

  for (const c of delegation.cases) {
    it(`${c.op}: ${c.name} → ${'allowed' in c ? 'allowed' : 'AccessDenied'}`, async () => {
      const h = await delegationHarness();
      const params = Object.fromEntries(Object.entries(c.params).map(([k, v]) => [k, v === '$trust' ? trust : v]));
      const op = iamOperations.get(c.op)!;
      if ('allowed' in c) {
        expect(() => authorized(h, op, params, h.user('developer'))).not.toThrow();
      } else {
        expect(thrown(() => authorized(h, op, params, h.user('developer')))).toEqual({ code: 'AccessDenied', message: c.denied, status: 403 });
      }
    });
  }

  it('a refused escalation changes nothing', async () => {
    const h = await delegationHarness();
    thrown(() => authorized(h, deleteRolePermissionsBoundary, { RoleName: 'bounded' }, h.user('developer')));
    thrown(() => authorized(h, putRolePermissionsBoundary, { RoleName: 'bounded', PermissionsBoundary: 'arn:aws:iam::aws:policy/AdministratorAccess' }, h.user('developer')));
    expect(h.store.roles.getByName(ACCT, 'bounded')!.boundaryArn).toBe(`arn:aws:iam::${ACCT}:policy/DeveloperBoundary`);
  });
});
