// Centralized root access through the pipeline: the management account turns on RootCredentialsManagement
// and RootSessions, then sts:AssumeRoot gives a member account's root session scoped by a task policy
// (its Deny statements hold; what it leaves allowed works). Refusals in the model's words.
import { describe, expect, it } from 'vitest';
import { pipeline, type Pipeline } from '../helpers/pipeline';
import type { Creds } from '../helpers/raw-client';

const MGMT_ROOT = { accessKeyId: 'AKIAQAAAAAAAROOTACC1', secretAccessKey: 'rootacc-mgmt-root-secret-0000000000000' };
const ADMIN = { accessKeyId: 'AKIAQAAAAAAAROOTACC2', secretAccessKey: 'rootacc-mgmt-admin-secret-000000000000' };
const MEMBER_ADMIN = { accessKeyId: 'AKIAQAAAAAAAROOTACC3', secretAccessKey: 'rootacc-member-admin-secret-0000000000' };
const SEED = {
  accounts: [{ id: '111111111111', rootAccessKeys: [MGMT_ROOT] }, { id: '222222222222' }, { id: '333333333333' }],
  organization: { managementAccount: '111111111111', accounts: ['222222222222'] },
  users: [
    { name: 'admin', account: '111111111111', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    { name: 'admin', account: '222222222222', accessKeys: [MEMBER_ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
  ],
};
const AUDIT = 'arn:aws:iam::aws:policy/root-task/IAMAuditRootUserCredentials';
const iam = (p: Pipeline, action: string, creds: Creds, params: Record<string, string> = {}) => p.signed({ Action: action, Version: '2010-05-08', ...params }, creds, 'iam');
const assumeRoot = (p: Pipeline, creds: Creds, params: Record<string, string> = {}) =>
  p.signed({ Action: 'AssumeRoot', Version: '2011-06-15', TargetPrincipal: '222222222222', 'TaskPolicyArn.arn': AUDIT, ...params }, creds);

describe('organization root access features', () => {
  it('enable → list → disable from the management account', async () => {
    const p = await pipeline(SEED);
    const orgId = p.store.organizations.membership('111111111111')!.org.id;
    const none = await iam(p, 'ListOrganizationsFeatures', ADMIN);
    expect([none.status, none.tag('OrganizationId'), none.body]).toEqual([200, orgId, expect.stringContaining('<EnabledFeatures/>')]);
    await iam(p, 'EnableOrganizationsRootCredentialsManagement', ADMIN);
    const both = await iam(p, 'EnableOrganizationsRootSessions', ADMIN);
    expect(both.body).toContain('<EnabledFeatures><member>RootCredentialsManagement</member><member>RootSessions</member></EnabledFeatures>');
    const off = await iam(p, 'DisableOrganizationsRootCredentialsManagement', ADMIN);
    expect(off.body).toContain('<EnabledFeatures><member>RootSessions</member></EnabledFeatures>');
  });

  it.each([
    ['EnableOrganizationsRootSessions', MEMBER_ADMIN, 'CallerIsNotManagementAccountException', 'The request was rejected because the account making the request is not the management account for the organization.'],
    ['ListOrganizationsFeatures', MEMBER_ADMIN, 'AccountNotManagementOrDelegatedAdministratorException', 'The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.'],
  ])('%s from a member account → %s', async (action, creds, code, message) => {
    const p = await pipeline(SEED);
    const r = await iam(p, action, creds);
    expect([r.status, r.error.code, r.error.message]).toEqual([400, code, message]);
  });

  it('an account outside any organization → OrganizationNotFoundException', async () => {
    const LONE = { accessKeyId: 'AKIAQAAAAAAAROOTACC4', secretAccessKey: 'rootacc-lone-secret-000000000000000000' };
    const p = await pipeline({ ...SEED, accounts: [...SEED.accounts, { id: '444444444444', rootAccessKeys: [LONE] }] });
    const r = await iam(p, 'EnableOrganizationsRootSessions', LONE);
    expect([r.status, r.error.code, r.error.message]).toEqual([400, 'OrganizationNotFoundException', 'The request was rejected because no organization is associated with your account.']);
  });
});

describe('sts:AssumeRoot', () => {
  it('needs RootSessions; then a member root session the task policy scopes', async () => {
    const p = await pipeline(SEED);
    const before = await assumeRoot(p, ADMIN);
    expect([before.status, before.error.code]).toEqual([403, 'AccessDenied']);
    await iam(p, 'EnableOrganizationsRootSessions', ADMIN);
    const r = await assumeRoot(p, ADMIN, { DurationSeconds: '600' });
    expect(r.status).toBe(200);
    expect(Date.parse(r.tag('Expiration')!) - p.clock.now().getTime()).toBe(600_000);
    const session = { accessKeyId: r.tag('AccessKeyId')!, secretAccessKey: r.tag('SecretAccessKey')!, sessionToken: r.tag('SessionToken')! };
    expect(session.accessKeyId).toMatch(/^ASIA/);
    const who = await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, session);
    expect([who.tag('Account'), who.tag('Arn')]).toEqual(['222222222222', 'arn:aws:iam::222222222222:root']);
    // IAMAuditRootUserCredentials leaves auditing the root user's credentials allowed …
    expect((await iam(p, 'ListAccessKeys', session)).status).toBe(200);
    expect((await iam(p, 'GetAccountSummary', session)).status).toBe(200);
    // … and denies everything else, explicitly.
    const denied = await iam(p, 'CreateUser', session, { UserName: 'intruder' });
    expect([denied.status, denied.error.code]).toEqual([403, 'AccessDenied']);
    expect(denied.error.message).toContain('explicit deny in a session policy');
  });

  it.each([
    ['the root user', MGMT_ROOT, {}, 403, 'AccessDenied'],
    ['a member account principal', MEMBER_ADMIN, {}, 403, 'AccessDenied'],
    ['an account outside the organization', ADMIN, { TargetPrincipal: '333333333333' }, 403, 'AccessDenied'],
    ['the management account itself', ADMIN, { TargetPrincipal: 'arn:aws:iam::111111111111:root' }, 403, 'AccessDenied'],
    ['a policy that is not a task policy', ADMIN, { 'TaskPolicyArn.arn': 'arn:aws:iam::aws:policy/AdministratorAccess' }, 400, 'ValidationError'],
    ['more than 900 seconds', ADMIN, { DurationSeconds: '901' }, 400, 'ValidationError'],
  ])('%s → %s', async (_n, creds, params, status, code) => {
    const p = await pipeline(SEED);
    await iam(p, 'EnableOrganizationsRootSessions', ADMIN);
    const r = await assumeRoot(p, creds, params as Record<string, string>);
    expect([r.status, r.error.code]).toEqual([status, code]);
  });

  it('is authorized with sts:TaskPolicyArn', async () => {
    const p = await pipeline(SEED);
    await iam(p, 'EnableOrganizationsRootSessions', ADMIN);
    await iam(p, 'PutUserPolicy', ADMIN, {
      UserName: 'admin', PolicyName: 'only-audit',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sts:AssumeRoot', Resource: '*', Condition: { StringNotEquals: { 'sts:TaskPolicyArn': AUDIT } } }] }),
    });
    expect((await assumeRoot(p, ADMIN)).status).toBe(200);
    const other = await assumeRoot(p, ADMIN, { 'TaskPolicyArn.arn': 'arn:aws:iam::aws:policy/root-task/IAMDeleteRootUserCredentials' });
    expect([other.status, other.error.code]).toEqual([403, 'AccessDenied']);
  });
});
