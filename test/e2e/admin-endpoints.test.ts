// The admin endpoints (/_iamlocal/reset, /_iamlocal/clock, clusters) on a real port: bodies are streamed
// and cut off at the limit before any signature check; only the admin account may call them (its root,
// or its IAM principals allowed iamlocal:<Name>); the test clock refuses values it cannot represent.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_MAX_BODY_BYTES } from '../../src/admin/admin-auth';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';
import { signedQuery } from '../helpers/raw-client';

const ADMIN_USER = { accessKeyId: 'AKIAADMINENDPOINTS01', secretAccessKey: 'admin-endpoints-secret-000000000000000001' };
const DEVELOPER = { accessKeyId: 'AKIAADMINENDPOINTS02', secretAccessKey: 'admin-endpoints-secret-000000000000000002' };
const CLOCK_ONLY = { accessKeyId: 'AKIAADMINENDPOINTS03', secretAccessKey: 'admin-endpoints-secret-000000000000000003' };
const OTHER_ROOT = { accessKeyId: 'AKIAADMINENDPOINTS04', secretAccessKey: 'admin-endpoints-secret-000000000000000004' };
const OTHER_ADMIN = { accessKeyId: 'AKIAADMINENDPOINTS05', secretAccessKey: 'admin-endpoints-secret-000000000000000005' };
const allow = (Action: string | string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action, Resource: '*' }] });

let iam: IamLocal;
beforeAll(async () => {
  iam = await startIamLocal({
    seed: {
      accounts: [{ id: '111111111111', rootAccessKeys: [OTHER_ROOT] }],
      users: [
        { name: 'admin', accessKeys: [ADMIN_USER], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
        { name: 'developer', accessKeys: [DEVELOPER], inlinePolicies: { dev: allow(['iam:*', 'sts:*', 's3:*']) } },
        { name: 'clock-keeper', accessKeys: [CLOCK_ONLY], inlinePolicies: { clock: allow(['iamlocal:GetClock', 'iamlocal:SetClock']) } },
        { name: 'admin', account: '111111111111', accessKeys: [OTHER_ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
      ],
    },
  });
});
afterAll(async () => {
  await iam?.stop();
});

describe('admin bodies are bounded', () => {
  it('an unauthenticated chunked body past the limit gets 413 before the client has finished sending', async () => {
    const url = new URL('/_iamlocal/clock', iam.endpoint);
    // The request is never ended: a server that buffered the whole body first would never answer.
    const res = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const r = request(url, { method: 'POST', headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/json' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString() });
          r.destroy();
        });
      });
      r.on('error', (e) => (/hang up|ECONNRESET|EPIPE/.test(e.message) ? undefined : reject(e)));
      r.write(Buffer.alloc(ADMIN_MAX_BODY_BYTES + 1, 0x20));
    });
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body).error.code).toBe('RequestEntityTooLarge');
  });
});

describe('only the admin account administers (config adminAccountId, default 000000000000)', () => {
  const status = async (path: string, creds: { accessKeyId: string; secretAccessKey: string }, method: 'GET' | 'POST' = 'GET', body?: unknown) => {
    const r = await admin(iam.endpoint, method, path, body, creds);
    return { status: r.status, code: r.json?.error?.code as string | undefined, message: r.json?.error?.message as string | undefined };
  };

  it('its root user may', async () => {
    expect((await status('/_iamlocal/clock', iam.credentials)).status).toBe(200);
  });

  it('an IAM user of it with AdministratorAccess may (iamlocal:* through the evaluator)', async () => {
    expect((await status('/_iamlocal/clock', ADMIN_USER)).status).toBe(200);
    expect((await status('/_iamlocal/clusters', ADMIN_USER)).status).toBe(200);
  });

  it('a role session of it whose policy allows the action may', async () => {
    // The admin user creates a role the account trusts, with AdministratorAccess, and assumes it.
    const trust = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: 'sts:AssumeRole' }] });
    expect((await signedQuery(iam.endpoint, { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'operator', AssumeRolePolicyDocument: trust }, ADMIN_USER, { service: 'iam' })).status).toBe(200);
    expect((await signedQuery(iam.endpoint, { Action: 'AttachRolePolicy', Version: '2010-05-08', RoleName: 'operator', PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }, ADMIN_USER, { service: 'iam' })).status).toBe(200);
    const assumed = await signedQuery(iam.endpoint, { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::000000000000:role/operator', RoleSessionName: 'ops' }, ADMIN_USER);
    expect(assumed.status).toBe(200);
    const tag = (n: string) => new RegExp(`<${n}>([^<]*)</${n}>`).exec(assumed.body)![1]!;
    const session = { accessKeyId: tag('AccessKeyId'), secretAccessKey: tag('SecretAccessKey'), sessionToken: tag('SessionToken') };
    expect((await status('/_iamlocal/clock', session)).status).toBe(200);
  });

  it('a developer of it without iamlocal:* may not, and is told which action was denied', async () => {
    const r = await status('/_iamlocal/reset', DEVELOPER, 'POST', {});
    expect(r).toMatchObject({ status: 403, code: 'AccessDenied' });
    expect(r.message).toBe('User: arn:aws:iam::000000000000:user/developer is not authorized to perform: iamlocal:Reset because no identity-based policy allows the iamlocal:Reset action');
  });

  it('a policy naming single admin actions allows exactly those', async () => {
    expect((await status('/_iamlocal/clock', CLOCK_ONLY)).status).toBe(200);
    expect(await status('/_iamlocal/reset', CLOCK_ONLY, 'POST', {})).toMatchObject({ status: 403, code: 'AccessDenied' });
  });

  it('the root user and an administrator of another seeded account may not', async () => {
    for (const creds of [OTHER_ROOT, OTHER_ADMIN]) {
      const r = await status('/_iamlocal/reset', creds, 'POST', {});
      expect(r).toMatchObject({ status: 403, code: 'AccessDenied' });
      expect(r.message).toMatch(/only principals of the admin account 000000000000 may call the iamlocal admin endpoints$/);
      expect((await status('/_iamlocal/clock', creds, 'POST', { advanceSeconds: 60 })).code).toBe('AccessDenied');
    }
  });
});

describe('the test clock stays within 2000–2100', () => {
  const refused: [string, unknown][] = [
    ['advanceSeconds 1e20', { advanceSeconds: 1e20 }],
    ['advanceSeconds -1e15', { advanceSeconds: -1e15 }],
    ['the Date limit', { time: new Date(8.64e15).toISOString() }],
    ['year 1999', { time: '1999-12-31T23:59:59Z' }],
    ['year 2101', { time: '2101-01-01T00:00:00Z' }],
  ];
  for (const [name, body] of refused) {
    it(`refuses ${name} with 400 and leaves the clock alone`, async () => {
      const before = (await admin(iam.endpoint, 'GET', '/_iamlocal/clock')).json.time as string;
      const r = await admin(iam.endpoint, 'POST', '/_iamlocal/clock', body);
      expect(r.status).toBe(400);
      expect(r.json.error.code).toBe('ValidationError');
      expect(r.json.error.message).toMatch(/would put the clock outside the years 2000–2100/);
      const after = (await admin(iam.endpoint, 'GET', '/_iamlocal/clock')).json.time as string;
      expect(Math.abs(Date.parse(after) - Date.parse(before))).toBeLessThan(60_000);
      // And the AWS endpoint still answers.
      const who = await signedQuery(iam.endpoint, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, iam.credentials);
      expect(who.status).toBe(200);
    });
  }

  it('accepts the edges of the range', async () => {
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { time: '2000-01-01T00:00:00Z' })).json.time).toMatch(/^2000-01-01T00:00:0/);
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { reset: true })).status).toBe(200);
  });
});
