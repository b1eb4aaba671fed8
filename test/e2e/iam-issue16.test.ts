// e2e with boto3 and the AWS CLI v1 against a real iamlocal on a real port (issue 16): Access Advisor
// from what the server authorized, centralized root access (assume_root into a member account,
// scoped by its task policy), outbound identity federation (a JWT verified with the JWKS the server
// publishes), and temporary delegation traded for credentials (the token read from the admin endpoint).
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';
import { awsCli } from '../helpers/aws-cli';

const ADMIN = { accessKeyId: 'AKIAQAAAAAAAISSUE161', secretAccessKey: 'issue16-admin-secret-0000000000000000000' };
const DEV = { accessKeyId: 'AKIAQAAAAAAAISSUE162', secretAccessKey: 'issue16-dev-secret-000000000000000000000' };
const PARTNER = { accessKeyId: 'AKIAQAAAAAAAISSUE163', secretAccessKey: 'issue16-partner-secret-00000000000000000' };
const ADMIN_POLICY = ['arn:aws:iam::aws:policy/AdministratorAccess'];
const seed = {
  accounts: [{ id: '111111111111' }, { id: '222222222222' }, { id: '333333333333' }],
  organization: { managementAccount: '111111111111', accounts: ['222222222222'] },
  users: [
    { name: 'admin', account: '111111111111', accessKeys: [ADMIN], managedPolicies: ADMIN_POLICY },
    {
      name: 'dev', account: '111111111111', accessKeys: [DEV],
      inlinePolicies: { dev: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ListRoles', 'sts:GetWebIdentityToken'], Resource: '*' }] } },
    },
    { name: 'partner', account: '333333333333', accessKeys: [PARTNER], managedPolicies: ADMIN_POLICY },
  ],
};

let iam: IamLocal;
let home: string;
let out: Record<string, any>;
let delegationRequestId: string;
beforeAll(async () => {
  iam = await startIamLocal({ seed: [seed] });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-issue16-'));
  const { stdout } = await promisify(execFile)('python3', [join(__dirname, 'iam_issue16_boto3.py'), iam.endpoint, JSON.stringify({ admin: ADMIN, dev: DEV, partner: PARTNER })], {
    env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    encoding: 'utf8',
  });
  ({ out, delegation_request_id: delegationRequestId } = JSON.parse(stdout));
}, 180_000);
afterAll(async () => {
  await iam?.stop();
});

describe('boto3', () => {
  it('Access Advisor: the services dev may use, what it used (action level), the policies that grant them', () => {
    expect([out.advisor.status, out.advisor.type]).toEqual(['COMPLETED', 'ACTION_LEVEL']);
    expect(out.advisor.services).toEqual([
      ['iam', 1, 'arn:aws:iam::111111111111:user/dev', ['ListRoles']],
      ['sts', 0, null, []],
    ]);
    expect(out.advisor_entities).toEqual([['dev', 'USER', true]]);
    expect(out.granting).toEqual([['iam', [['dev', 'INLINE', 'USER']]], ['ec2', []]]);
    expect(out.advisor_missing).toMatchObject({ code: 'NoSuchEntity', status: 404 });
  });

  it('centralized root access: assume_root needs RootSessions, then a member root session the task policy scopes', () => {
    expect(out.assume_root_before).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(out.features).toEqual(['RootCredentialsManagement', 'RootSessions']);
    expect(out.features_listed).toEqual(['RootCredentialsManagement', 'RootSessions']);
    expect(out.root_identity).toBe('arn:aws:iam::222222222222:root');
    expect(out.root_audit).toBe(true);
    expect(out.root_create_user).toMatchObject({ code: 'AccessDenied', status: 403 });
  });

  it('outbound identity federation: a JWT that verifies with the JWKS served at the issuer path', async () => {
    expect(out.token_before).toMatchObject({ code: 'OutboundWebIdentityFederationDisabledException', status: 403 });
    expect(out.info).toEqual({ IssuerIdentifier: out.issuer, JwtVendingEnabled: true });
    expect(out['openid-configuration']).toMatchObject({ issuer: out.issuer, jwks_uri: `${out.issuer}/.well-known/jwks.json` });
    const { payload, protectedHeader } = await jwtVerify(out.token, createLocalJWKSet(out['jwks.json']), { issuer: out.issuer, audience: 'https://api.example.com' });
    expect(protectedHeader.alg).toBe('RS256');
    expect(payload.sub).toBe('arn:aws:iam::111111111111:user/dev');
    expect(payload['https://sts.amazonaws.com/']).toMatchObject({ aws_account: '111111111111', request_tags: { job: 'nightly' }, org_id: expect.stringMatching(/^o-/) });
    expect(Date.parse(out.token_expiration)).toBe(payload.exp! * 1000);
    expect(out.enable_twice).toMatchObject({ code: 'FeatureEnabled', status: 409 });
  });

  it('temporary delegation: accepted, token sent, summary; the partner trades the token (AWS CLI) for scoped credentials', { timeout: 120_000 }, async () => {
    expect(out.delegation).toEqual({
      state: 'FINALIZED', owner: 'arn:aws:iam::111111111111:user/admin', approver: 'arn:aws:iam::111111111111:user/admin',
      policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }] },
    });
    expect(out.summary.state).toBe('AVAILABLE');
    expect(out.summary.content).toContain('iam:ListRoles');
    // The exchange token goes to the notification channel: the admin reads it from iamlocal.
    const res = await admin<{ tradeInToken: string; state: string }>(iam.endpoint, 'GET', `/_iamlocal/delegation-requests/${delegationRequestId}`);
    const note = res.json;
    expect([res.status, note.state]).toEqual([200, 'FINALIZED']);
    const cli = await awsCli({ endpoint: iam.endpoint, home, region: 'us-east-1', services: ['STS', 'IAM'] }, PARTNER, ['sts', 'get-delegated-access-token', `--trade-in-token=${note.tradeInToken}`]);
    expect(cli.ok, cli.out).toBe(true);
    const traded = JSON.parse(cli.out);
    expect(traded.AssumedPrincipal).toBe('arn:aws:iam::111111111111:user/admin');
    const creds = { accessKeyId: traded.Credentials.AccessKeyId, secretAccessKey: traded.Credentials.SecretAccessKey, sessionToken: traded.Credentials.SessionToken };
    const who = await awsCli({ endpoint: iam.endpoint, home, region: 'us-east-1', services: ['STS'] }, creds, ['sts', 'get-caller-identity']);
    expect(JSON.parse(who.out).Arn).toBe('arn:aws:sts::111111111111:federated-user/admin');
  });
});
