// IAM temporary delegation through the pipeline: a partner account's request from a policy template,
// the customer's associate → update → accept → send lifecycle, the partner trading the exchange token
// for credentials scoped by the permission policy, the summary, and the refusals.
import { describe, expect, it } from 'vitest';
import { pipeline, type Pipeline } from '../helpers/pipeline';
import type { Creds } from '../helpers/raw-client';

const ACCOUNT = '000000000000';
const PARTNER_ACCOUNT = '333333333333';
const ADMIN = { accessKeyId: 'AKIAQAAAAAAADELEG001', secretAccessKey: 'deleg-admin-secret-000000000000000000000' };
const PARTNER = { accessKeyId: 'AKIAQAAAAAAADELEG002', secretAccessKey: 'deleg-partner-secret-0000000000000000000' };
const OTHER = { accessKeyId: 'AKIAQAAAAAAADELEG003', secretAccessKey: 'deleg-other-secret-00000000000000000000' };
const ADMIN_POLICY = ['arn:aws:iam::aws:policy/AdministratorAccess'];
const SEED = {
  accounts: [{ id: PARTNER_ACCOUNT }, { id: '444444444444' }],
  users: [
    { name: 'admin', accessKeys: [ADMIN], managedPolicies: ADMIN_POLICY },
    { name: 'partner', account: PARTNER_ACCOUNT, accessKeys: [PARTNER], managedPolicies: ADMIN_POLICY },
    { name: 'other', account: '444444444444', accessKeys: [OTHER], managedPolicies: ADMIN_POLICY },
  ],
  roles: [{ name: 'approver', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }, managedPolicies: ADMIN_POLICY }],
};
const TEMPLATE = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ListRoles', 's3:GetObject'], Resource: ['*', 'arn:aws:s3:::${BucketName}/*'] }] });
const iam = (p: Pipeline, action: string, creds: Creds, params: Record<string, string> = {}) => p.signed({ Action: action, Version: '2010-05-08', ...params }, creds, 'iam');

async function createRequest(p: Pipeline, extra: Record<string, string> = {}) {
  await iam(p, 'CreatePolicy', PARTNER, { PolicyName: 'onboarding', PolicyDocument: TEMPLATE });
  const r = await iam(p, 'CreateDelegationRequest', PARTNER, {
    OwnerAccountId: ACCOUNT, Description: 'Set up the integration', RequestorWorkflowId: 'wf-00001', NotificationChannel: `arn:aws:sns:us-east-1:${PARTNER_ACCOUNT}:deleg`,
    SessionDuration: '3600', 'Permissions.PolicyTemplateArn': `arn:aws:iam::${PARTNER_ACCOUNT}:policy/onboarding`,
    'Permissions.Parameters.member.1.Name': 'BucketName', 'Permissions.Parameters.member.1.Values.member.1': 'my-bucket', 'Permissions.Parameters.member.1.Type': 'string',
    ...extra,
  });
  expect(r.status).toBe(200);
  return r.tag('DelegationRequestId')!;
}

async function approverSession(p: Pipeline): Promise<Creds> {
  const s = await p.signed({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: `arn:aws:iam::${ACCOUNT}:role/approver`, RoleSessionName: 'approve' }, ADMIN);
  return { accessKeyId: s.tag('AccessKeyId')!, secretAccessKey: s.tag('SecretAccessKey')!, sessionToken: s.tag('SessionToken')! };
}

describe('temporary delegation', () => {
  it('create → associate → update → accept → send → the partner trades the token for scoped credentials', async () => {
    const p = await pipeline(SEED);
    const id = await createRequest(p);
    const got = await iam(p, 'GetDelegationRequest', ADMIN, { DelegationRequestId: id });
    expect([got.status, got.tag('State'), got.tag('RequestorId'), got.tag('OwnerAccountId')]).toEqual([200, 'UNASSIGNED', PARTNER_ACCOUNT, ACCOUNT]);
    expect(got.body).toContain('arn:aws:s3:::my-bucket/*');
    expect((await iam(p, 'ListDelegationRequests', ADMIN)).body).toContain('<DelegationRequests/>');

    expect((await iam(p, 'AssociateDelegationRequest', ADMIN, { DelegationRequestId: id })).status).toBe(200);
    expect((await iam(p, 'UpdateDelegationRequest', ADMIN, { DelegationRequestId: id, Notes: 'please approve' })).status).toBe(200);
    const listed = await iam(p, 'ListDelegationRequests', ADMIN);
    expect([listed.tag('State'), listed.tag('OwnerId'), listed.tag('Notes'), listed.tag('isTruncated')]).toEqual(['PENDING_APPROVAL', `arn:aws:iam::${ACCOUNT}:user/admin`, 'please approve', 'false']);

    const approver = await approverSession(p);
    expect((await iam(p, 'AcceptDelegationRequest', approver, { DelegationRequestId: id })).status).toBe(200);
    expect((await iam(p, 'SendDelegationToken', approver, { DelegationRequestId: id })).status).toBe(200);
    const final = await iam(p, 'GetDelegationRequest', ADMIN, { DelegationRequestId: id });
    expect([final.tag('State'), final.tag('ApproverId')]).toEqual(['FINALIZED', `arn:aws:iam::${ACCOUNT}:role/approver`]);

    const token = p.store.delegationRequests.get(id)!.body.tradeInToken!;
    const other = await p.signed({ Action: 'GetDelegatedAccessToken', Version: '2011-06-15', TradeInToken: token }, OTHER);
    expect([other.status, other.error.code]).toEqual([400, 'ExpiredTradeInTokenException']);
    const traded = await p.signed({ Action: 'GetDelegatedAccessToken', Version: '2011-06-15', TradeInToken: token }, PARTNER);
    expect([traded.status, traded.tag('AssumedPrincipal')]).toEqual([200, `arn:aws:iam::${ACCOUNT}:role/approver`]);
    expect(Date.parse(traded.tag('Expiration')!) - p.clock.now().getTime()).toBe(3600_000);
    const creds = { accessKeyId: traded.tag('AccessKeyId')!, secretAccessKey: traded.tag('SecretAccessKey')!, sessionToken: traded.tag('SessionToken')! };
    expect((await iam(p, 'ListRoles', creds)).status).toBe(200);
    const denied = await iam(p, 'ListUsers', creds);
    expect([denied.status, denied.error.code]).toEqual([403, 'AccessDenied']);

    p.clock.advance(3601_000);
    const late = await p.signed({ Action: 'GetDelegatedAccessToken', Version: '2011-06-15', TradeInToken: token }, PARTNER);
    expect([late.status, late.error.code]).toEqual([400, 'ExpiredTradeInTokenException']);
  });

  it('GetHumanReadableSummary describes the permission policy', async () => {
    const p = await pipeline(SEED);
    const id = await createRequest(p);
    const r = await iam(p, 'GetHumanReadableSummary', ADMIN, { EntityArn: `arn:aws:iam::${ACCOUNT}:delegation-request/${id}` });
    expect([r.status, r.tag('SummaryState'), r.tag('Locale')]).toEqual([200, 'AVAILABLE', 'en']);
    expect(r.tag('SummaryContent')).toContain('arn:aws:s3:::my-bucket/*');
    const bad = await iam(p, 'GetHumanReadableSummary', ADMIN, { EntityArn: `arn:aws:iam::${ACCOUNT}:role/approver` });
    expect([bad.status, bad.error.code]).toEqual([400, 'InvalidInput']);
  });

  it('a rejected request cannot be accepted; another account never sees a targeted request', async () => {
    const p = await pipeline(SEED);
    const id = await createRequest(p);
    const stranger = await iam(p, 'GetDelegationRequest', OTHER, { DelegationRequestId: id });
    expect([stranger.status, stranger.error.code]).toEqual([404, 'NoSuchEntity']);
    await iam(p, 'AssociateDelegationRequest', ADMIN, { DelegationRequestId: id });
    expect((await iam(p, 'RejectDelegationRequest', ADMIN, { DelegationRequestId: id, Notes: 'no thanks' })).status).toBe(200);
    const got = await iam(p, 'GetDelegationRequest', ADMIN, { DelegationRequestId: id });
    expect([got.tag('State'), got.tag('RejectionReason')]).toEqual(['REJECTED', 'no thanks']);
    const accept = await iam(p, 'AcceptDelegationRequest', ADMIN, { DelegationRequestId: id });
    expect([accept.status, accept.error.code]).toEqual([409, 'ConcurrentModification']);
  });

  it.each([
    ['a workflow id used before', { }, 409, 'EntityAlreadyExists'],
    ['a template that does not exist', { 'Permissions.PolicyTemplateArn': `arn:aws:iam::${PARTNER_ACCOUNT}:policy/nope`, RequestorWorkflowId: 'wf-00002' }, 400, 'InvalidInput'],
    ['a duration over 12 hours', { SessionDuration: '43201', RequestorWorkflowId: 'wf-00003' }, 400, 'ValidationError'],
  ])('%s → %s', async (_n, params, status, code) => {
    const p = await pipeline(SEED);
    await createRequest(p);
    const r = await iam(p, 'CreateDelegationRequest', PARTNER, {
      Description: 'again', RequestorWorkflowId: 'wf-00001', NotificationChannel: 'topic', SessionDuration: '3600',
      'Permissions.PolicyTemplateArn': `arn:aws:iam::${PARTNER_ACCOUNT}:policy/onboarding`, ...params,
    });
    expect([r.status, r.error.code]).toEqual([status, code]);
  });
});
