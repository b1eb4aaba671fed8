// MFA on STS through the whole pipeline: AssumeRole and GetSessionToken with SerialNumber + TokenCode
// checked as TOTP against the caller's virtual MFA device, the trust policy seeing
// aws:MultiFactorAuthPresent, replay refusal, and aws:MultiFactorAuthAge in the session's later requests.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
import { Secret, TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { MFA_INVALID_CODE, MFA_UNKNOWN_DEVICE } from '../../src/services/sts/mfa';
import { pipeline, type Pipeline, type PipelineResponse } from '../helpers/pipeline';

const ALICE = { accessKeyId: 'AKIAMFATESTALICE0001', secretAccessKey: 'alice-secret-for-mfa-tests-0000000000001' };
const BOB = { accessKeyId: 'AKIAMFATESTBOB000001', secretAccessKey: 'bob-secret-for-mfa-tests-00000000000001' };
const SERIAL = 'arn:aws:iam::000000000000:mfa/alice-phone';
const BOB_SERIAL = 'arn:aws:iam::000000000000:mfa/bob-phone';
const SEED = new Secret({ size: 20 }).base32;
const ROLE = 'arn:aws:iam::000000000000:role/needs-mfa';

const allow = (action: string | string[], extra: Record<string, unknown> = {}) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*', ...extra }] });

const seed = {
  users: [
    { name: 'alice', accessKeys: [ALICE], inlinePolicies: { sts: allow(['sts:AssumeRole', 'iam:ListRoles']) } },
    { name: 'bob', accessKeys: [BOB], inlinePolicies: { sts: allow('sts:AssumeRole') } },
  ],
  roles: [
    {
      name: 'needs-mfa',
      maxSessionDuration: 43200,
      trustPolicy: {
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole', Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } } }],
      },
      // Fresh MFA only: the session may list roles for an hour after the code was entered.
      inlinePolicies: { fresh: allow('iam:ListRoles', { Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': '3600' } } }) },
    },
  ],
};

async function setup(): Promise<Pipeline> {
  const p = await pipeline(seed);
  const at = p.clock.now().toISOString();
  for (const [serial, user] of [[SERIAL, 'alice'], [BOB_SERIAL, 'bob']] as const) {
    const name = serial.slice(serial.lastIndexOf('/') + 1);
    p.store.mfaDevices.create({ serial, accountId: '000000000000', name, path: '/', seedBase32: SEED, createdAt: at });
    p.store.mfaDevices.enable(serial, p.store.users.getByName('000000000000', user)!.id, at);
  }
  return p;
}

const code = (p: Pipeline, offsetSeconds = 0) => new TOTP({ secret: SEED }).generate({ timestamp: p.clock.now().getTime() + offsetSeconds * 1000 });
const assume = (p: Pipeline, extra: Record<string, string> = {}, creds = ALICE) =>
  p.signed({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE, RoleSessionName: 'mfa', DurationSeconds: '10800', ...extra }, creds);
const credsOf = (r: PipelineResponse) => ({ accessKeyId: r.tag('AccessKeyId')!, secretAccessKey: r.tag('SecretAccessKey')!, sessionToken: r.tag('SessionToken')! });
const outcome = (r: PipelineResponse) => ({ status: r.status, ...r.error });

describe('AssumeRole with MFA', () => {
  it('a call denied after the code was checked does not use the code up (the replay record rolls back)', async () => {
    const p = await setup();
    const c = code(p);
    // A role that does not exist trusts nobody: the code is valid, the call is denied.
    const denied = await assume(p, { RoleArn: 'arn:aws:iam::000000000000:role/ghost', SerialNumber: SERIAL, TokenCode: c });
    expect(denied.error.code).toBe('AccessDenied');
    expect(p.store.mfaDevices.get(SERIAL)!.lastCodes).toEqual([]);
    // The same code still works for an allowed call, once.
    expect((await assume(p, { SerialNumber: SERIAL, TokenCode: c })).status).toBe(200);
    expect(outcome(await assume(p, { SerialNumber: SERIAL, TokenCode: c }))).toMatchObject({ status: 403, code: 'AccessDenied', message: MFA_INVALID_CODE });
  });

  it('a trust policy requiring MFA refuses the call without a code and accepts a valid one', async () => {
    const p = await setup();
    expect(outcome(await assume(p))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: `User: arn:aws:iam::000000000000:user/alice is not authorized to perform: sts:AssumeRole on resource: ${ROLE}`,
    });
    const ok = await assume(p, { SerialNumber: SERIAL, TokenCode: code(p) });
    expect(ok.status, ok.body).toBe(200);
    expect(p.store.sessions.get(ok.tag('AccessKeyId')!)).toMatchObject({ mfaAuthenticated: true, mfaAuthTime: p.clock.now().toISOString() });
  });

  it('the previous and next 30 s steps are accepted; older codes are not', async () => {
    const p = await setup();
    expect((await assume(p, { SerialNumber: SERIAL, TokenCode: code(p, -30) })).status).toBe(200);
    expect((await assume(p, { SerialNumber: SERIAL, TokenCode: code(p, 30) })).status).toBe(200);
    expect(outcome(await assume(p, { SerialNumber: SERIAL, TokenCode: code(p, -90) }))).toEqual({ status: 403, code: 'AccessDenied', message: MFA_INVALID_CODE });
  });

  it('a code cannot be used twice', async () => {
    const p = await setup();
    const c = code(p);
    expect((await assume(p, { SerialNumber: SERIAL, TokenCode: c })).status).toBe(200);
    expect(outcome(await assume(p, { SerialNumber: SERIAL, TokenCode: c }))).toEqual({ status: 403, code: 'AccessDenied', message: MFA_INVALID_CODE });
  });

  it('unknown serial, another user’s device, or only half of the pair → unable to validate', async () => {
    const p = await setup();
    const unknown = { status: 403, code: 'AccessDenied', message: MFA_UNKNOWN_DEVICE };
    expect(outcome(await assume(p, { SerialNumber: 'arn:aws:iam::000000000000:mfa/nobody', TokenCode: code(p) }))).toEqual(unknown);
    expect(outcome(await assume(p, { SerialNumber: BOB_SERIAL, TokenCode: code(p) }))).toEqual(unknown);
    expect(outcome(await assume(p, { SerialNumber: SERIAL }))).toEqual(unknown);
    expect(outcome(await assume(p, { TokenCode: code(p) }))).toEqual(unknown);
    expect(outcome(await assume(p, { SerialNumber: SERIAL, TokenCode: '12345' }))).toMatchObject({ status: 400, code: 'ValidationError' });
  });

  it('aws:MultiFactorAuthAge grows with the server clock in the session’s later requests', async () => {
    const p = await setup();
    const ok = await assume(p, { SerialNumber: SERIAL, TokenCode: code(p) });
    const session = credsOf(ok);
    const list = () => p.signed({ Action: 'ListRoles', Version: '2010-05-08' }, session, 'iam');
    expect((await list()).status).toBe(200);
    p.clock.advance(3599_000);
    expect((await list()).status).toBe(200);
    p.clock.advance(2_000);
    const denied = await list();
    expect(outcome(denied)).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: 'User: arn:aws:sts::000000000000:assumed-role/needs-mfa/mfa is not authorized to perform: iam:ListRoles on resource: arn:aws:iam::000000000000:role/ because no identity-based policy allows the iam:ListRoles action',
    });
  });
});

describe('GetSessionToken with MFA', () => {
  it('MFA session credentials may call IAM and assume a role whose trust policy requires MFA', async () => {
    const p = await setup();
    const gst = await p.signed({ Action: 'GetSessionToken', Version: '2011-06-15', SerialNumber: SERIAL, TokenCode: code(p), DurationSeconds: '900' }, ALICE);
    expect(gst.status, gst.body).toBe(200);
    expect(Date.parse(gst.tag('Expiration')!) - p.clock.now().getTime()).toBe(900_000);
    const creds = credsOf(gst);
    expect((await p.signed({ Action: 'ListRoles', Version: '2010-05-08' }, creds, 'iam')).status).toBe(200);
    const assumed = await assume(p, {}, creds as typeof ALICE);
    expect(assumed.status, assumed.body).toBe(200);
    expect(p.store.sessions.get(assumed.tag('AccessKeyId')!)).toMatchObject({ mfaAuthenticated: true });
  });

  it('without MFA: IAM answers InvalidClientTokenId, STS still works', async () => {
    const p = await setup();
    const creds = credsOf(await p.signed({ Action: 'GetSessionToken', Version: '2011-06-15' }, ALICE));
    expect(outcome(await p.signed({ Action: 'ListRoles', Version: '2010-05-08' }, creds, 'iam'))).toEqual({
      status: 403,
      code: 'InvalidClientTokenId',
      message: 'The security token included in the request is invalid',
    });
    expect((await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, creds)).tag('Arn')).toBe('arn:aws:iam::000000000000:user/alice');
  });

  it('a wrong code → AccessDenied with AWS’s text', async () => {
    const p = await setup();
    const wrong = String((Number(code(p)) + 500_000) % 1_000_000).padStart(6, '0');
    expect(outcome(await p.signed({ Action: 'GetSessionToken', Version: '2011-06-15', SerialNumber: SERIAL, TokenCode: wrong }, ALICE))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: MFA_INVALID_CODE,
    });
  });
});

describe('refusals made before policy evaluation', () => {
  it('still carry an authorization message, which names the reason', async () => {
    const { decodeAuthorizationMessage } = await import('../../src/authz/authorization-message');
    const p = await setup();
    const res = await assume(p, { SerialNumber: SERIAL, TokenCode: '000000' === code(p) ? '111111' : '000000' });
    expect(res.status).toBe(403);
    const decoded = decodeAuthorizationMessage(res.headers.get('x-amzn-authorization-message')!, '000000000000');
    expect(decoded).toMatchObject({
      allowed: false,
      explicitDeny: false,
      failures: { items: [{ value: MFA_INVALID_CODE }] },
      context: { principal: { arn: 'arn:aws:iam::000000000000:user/alice' }, action: 'sts:AssumeRole' },
    });
  });
});
