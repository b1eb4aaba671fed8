// The request pipeline on the wire: routing, envelope headers, errors for missing/unknown actions,
// unsigned requests, oversized bodies, GET with query parameters, admin endpoints.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presignUrl, signRequest } from '../../src/auth/sigv4';
import { ROOT_CREDENTIALS } from '../../src/config';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed } from '../helpers/e2e-seed';
import { errorOf, send, signedQuery } from '../helpers/raw-client';

let iam: IamLocal;
const ROOT = { ...ROOT_CREDENTIALS };

beforeAll(async () => {
  iam = await startIamLocal({ seed: e2eSeed });
});
afterAll(async () => {
  await iam?.stop();
});

describe('envelope', () => {
  it('success carries x-amzn-RequestId equal to the body RequestId, a Date header and text/xml', async () => {
    const r = await signedQuery(iam.endpoint, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, ROOT);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/xml/);
    expect(r.headers['date']).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    const id = r.headers['x-amzn-requestid'];
    expect(r.body).toContain(`<RequestId>${id}</RequestId>`);
    expect(r.body).toMatch(/^<GetCallerIdentityResponse xmlns="https:\/\/sts\.amazonaws\.com\/doc\/2011-06-15\/"><GetCallerIdentityResult>/);
  });

  it('operations without output answer with ResponseMetadata only', async () => {
    await signedQuery(iam.endpoint, { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'env-r', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }, DEV, { service: 'iam' });
    const r = await signedQuery(iam.endpoint, { Action: 'DeleteRole', Version: '2010-05-08', RoleName: 'env-r' }, DEV, { service: 'iam' });
    expect(r.status).toBe(200);
    expect(r.body).toMatch(/^<DeleteRoleResponse xmlns="https:\/\/iam\.amazonaws\.com\/doc\/2010-05-08\/"><ResponseMetadata><RequestId>[^<]+<\/RequestId><\/ResponseMetadata><\/DeleteRoleResponse>$/);
  });

  it('UpdateRole sends an empty UpdateRoleResult', async () => {
    await signedQuery(iam.endpoint, { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'upd', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }, DEV, { service: 'iam' });
    const r = await signedQuery(iam.endpoint, { Action: 'UpdateRole', Version: '2010-05-08', RoleName: 'upd', MaxSessionDuration: '7200' }, DEV, { service: 'iam' });
    expect(r.body).toContain('<UpdateRoleResult/>');
  });
});

describe('routing and request errors', () => {
  it('unknown Action → InvalidAction 400', async () => {
    const r = await signedQuery(iam.endpoint, { Action: 'Frobnicate', Version: '2011-06-15' }, ROOT);
    expect(r.status).toBe(400);
    expect(errorOf(r.body)).toEqual({ code: 'InvalidAction', message: 'Could not find operation Frobnicate for version 2011-06-15' });
  });

  it('an IAM action signed for sts is not found in STS', async () => {
    const r = await signedQuery(iam.endpoint, { Action: 'ListRoles', Version: '2010-05-08' }, ROOT, { service: 'sts' });
    expect(errorOf(r.body).code).toBe('InvalidAction');
  });

  it('no Action → MissingAction', async () => {
    const r = await signedQuery(iam.endpoint, { Version: '2011-06-15' }, ROOT);
    expect(r.status).toBe(400);
    expect(errorOf(r.body)).toEqual({ code: 'MissingAction', message: 'Missing Action' });
  });

  it('unsigned → MissingAuthenticationToken 403', async () => {
    const r = await send(iam.endpoint, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'Action=GetCallerIdentity&Version=2011-06-15' });
    expect(r.status).toBe(403);
    expect(errorOf(r.body)).toEqual({ code: 'MissingAuthenticationToken', message: 'Request is missing Authentication Token' });
  });

  it('a body over the limit → 413, not 5xx', async () => {
    const big = 'Action=GetCallerIdentity&Version=2011-06-15&Pad=' + 'x'.repeat(1024 * 1024 + 10);
    const r = await send(iam.endpoint, { headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: big });
    expect(r.status).toBe(413);
    expect(errorOf(r.body).code).toBe('RequestEntityTooLarge');
  });

  it('a session key without its token → InvalidClientTokenId', async () => {
    const r1 = await signedQuery(iam.endpoint, { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::000000000000:role/none', RoleSessionName: 'x1' }, DEV);
    expect(errorOf(r1.body).code).toBe('AccessDenied');
    await signedQuery(iam.endpoint, { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'tok', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"sts:AssumeRole"}]}' }, DEV, { service: 'iam' });
    const r = await signedQuery(iam.endpoint, { Action: 'AssumeRole', Version: '2011-06-15', RoleArn: 'arn:aws:iam::000000000000:role/tok', RoleSessionName: 'x1' }, DEV);
    const key = /<AccessKeyId>([^<]+)</.exec(r.body)![1];
    const secret = /<SecretAccessKey>([^<]+)</.exec(r.body)![1];
    const token = /<SessionToken>([^<]+)</.exec(r.body)![1];
    const noToken = await signedQuery(iam.endpoint, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, { accessKeyId: key, secretAccessKey: secret });
    expect(errorOf(noToken.body)).toEqual({ code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid' });
    const wrongToken = await signedQuery(iam.endpoint, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, { accessKeyId: key, secretAccessKey: secret, sessionToken: token + 'x' });
    expect(errorOf(wrongToken.body).code).toBe('InvalidClientTokenId');
    const ok = await signedQuery(iam.endpoint, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, { accessKeyId: key, secretAccessKey: secret, sessionToken: token });
    expect(ok.body).toContain('<Arn>arn:aws:sts::000000000000:assumed-role/tok/x1</Arn>');
  });

  it('a presigned GET with parameters in the query string works', async () => {
    const url = presignUrl(
      { method: 'GET', url: `${iam.endpoint}/?Action=GetCallerIdentity&Version=2011-06-15` },
      ROOT,
      { region: 'us-east-1', service: 'sts', now: new Date() },
    );
    const u = new URL(url);
    const r = await send(iam.endpoint, { method: 'GET', path: u.pathname + u.search });
    expect(r.status).toBe(200);
    expect(r.body).toContain('<Arn>arn:aws:iam::000000000000:root</Arn>');
  });

  it('a scope for a service iamlocal does not emulate is refused, naming the service', async () => {
    const r = await signedQuery(iam.endpoint, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, ROOT, { service: 's3' });
    expect(r.status).toBe(501);
    expect(errorOf(r.body).code).toBe('NotImplemented');
    expect(errorOf(r.body).message).toContain("iamlocal does not emulate the 's3' service");
  });
});

describe('admin endpoints', () => {
  it('health is public', async () => {
    const r = await send(iam.endpoint, { method: 'GET', path: '/_iamlocal/health' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toMatchObject({ status: 'ok', accountId: '000000000000' });
  });

  function adminRequest(path: string, body: string, creds = ROOT) {
    const headers = { 'content-type': 'application/json' };
    const signed = signRequest({ method: 'POST', url: `${iam.endpoint}${path}`, headers, body }, creds, { region: 'us-east-1', service: 'iamlocal', now: new Date() });
    return send(iam.endpoint, { path, headers: { ...headers, ...signed }, body });
  }

  it('reset and clock refuse non-root callers', async () => {
    const unsigned = await send(iam.endpoint, { path: '/_iamlocal/reset', body: '' });
    expect(unsigned.status).toBe(403);
    expect(JSON.parse(unsigned.body).error.code).toBe('MissingAuthenticationToken');
    const user = await adminRequest('/_iamlocal/reset', '', DEV);
    expect(user.status).toBe(403);
    expect(JSON.parse(user.body).error.code).toBe('AccessDenied');
    const wrong = await adminRequest('/_iamlocal/clock', '{"advanceSeconds":1}', { accessKeyId: 'test', secretAccessKey: 'nope' });
    expect(JSON.parse(wrong.body).error.code).toBe('SignatureDoesNotMatch');
  });

  it('clock can be moved and reset by root', async () => {
    const before = Date.now();
    const moved = await adminRequest('/_iamlocal/clock', '{"advanceSeconds":600}');
    expect(moved.status).toBe(200);
    expect(Date.parse(JSON.parse(moved.body).time) - before).toBeGreaterThanOrEqual(599_000);
    const back = await adminRequest('/_iamlocal/clock', '{"reset":true}');
    expect(Math.abs(Date.parse(JSON.parse(back.body).time) - Date.now())).toBeLessThan(5_000);
  });

  it('reset wipes state and re-applies seeds', async () => {
    await signedQuery(iam.endpoint, { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'ephemeral', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }, DEV, { service: 'iam' });
    const r = await adminRequest('/_iamlocal/reset', '');
    expect(r.status).toBe(200);
    const gone = await signedQuery(iam.endpoint, { Action: 'GetRole', Version: '2010-05-08', RoleName: 'ephemeral' }, DEV, { service: 'iam' });
    expect(errorOf(gone.body)).toEqual({ code: 'NoSuchEntity', message: 'The role with name ephemeral cannot be found.' });
  });
});
