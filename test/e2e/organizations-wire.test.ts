// The JSON 1.1 path of the pipeline on the wire (hand-signed requests, no SDK): routing by
// X-Amz-Target, UnknownOperationException, SerializationException, the JSON names of authentication
// failures, the scope-service check, and that awsQuery requests are untouched by it.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signRequest } from '../../src/auth/sigv4';
import { startIamLocal, type IamLocal } from '../../src/index';
import { send, signedQuery, type Creds, type RawResponse } from '../helpers/raw-client';

const MGMT = { accessKeyId: 'AKIAE2EWIREMGMT00001', secretAccessKey: 'wire-mgmt-secret-for-e2e-tests-only-0001' };
const seed = {
  accounts: [{ id: '999999999999', rootAccessKeys: [MGMT] }],
  organization: { managementAccount: '999999999999', accounts: ['000000000000'] },
};

let iam: IamLocal;
beforeAll(async () => {
  iam = await startIamLocal({ seed });
});
afterAll(async () => {
  await iam?.stop();
});

function jsonCall(target: string | undefined, body: string, creds: Creds | null, opts: { service?: string; region?: string } = {}): Promise<RawResponse> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (target !== undefined) headers['x-amz-target'] = target;
  if (!creds) return send(iam.endpoint, { path: '/', headers, body });
  const signed = signRequest({ method: 'POST', url: new URL('/', iam.endpoint).toString(), headers, body }, creds, {
    region: opts.region ?? 'us-east-1',
    service: opts.service ?? 'organizations',
    now: new Date(),
  });
  return send(iam.endpoint, { path: '/', headers: { ...headers, ...signed }, body });
}

const parsed = (r: RawResponse) => ({ status: r.status, type: r.headers['x-amzn-errortype'], body: JSON.parse(r.body) });

describe('JSON 1.1 routing', () => {
  it('a signed Organizations call answers JSON with the request id header', async () => {
    const r = await jsonCall('AWSOrganizationsV20161128.DescribeOrganization', '{}', MGMT);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(r.headers['x-amzn-requestid']).toMatch(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(r.body).Organization.MasterAccountId).toBe('999999999999');
  });

  it('an empty body is an empty input', async () => {
    const r = await jsonCall('AWSOrganizationsV20161128.ListRoots', '', MGMT);
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body).Roots).toHaveLength(1);
  });

  // Every operation of the model is answered now (check-models); a name outside the model is unknown.
  it.each(['AWSOrganizationsV20161128.DescribeNoSuchThing', 'DynamoDB_20120810.ListTables', 'AWSOrganizationsV20161128'])('target %j → UnknownOperationException', async (target) => {
    expect(parsed(await jsonCall(target, '{}', MGMT))).toEqual({ status: 400, type: 'UnknownOperationException', body: { __type: 'UnknownOperationException', Message: 'Unknown operation' } });
  });

  it('a body that is not a JSON object → SerializationException', async () => {
    const r = parsed(await jsonCall('AWSOrganizationsV20161128.ListRoots', '[1,2]', MGMT));
    expect({ status: r.status, type: r.type }).toEqual({ status: 400, type: 'SerializationException' });
  });

  it('an STS Action name behind an Organizations target is not an unsigned STS call', async () => {
    const r = parsed(await jsonCall('AWSOrganizationsV20161128.AssumeRoleWithWebIdentity', '{}', null));
    expect(r.type).toBe('MissingAuthenticationTokenException');
  });
});

describe('authentication failures in JSON vocabulary', () => {
  it('no signature → MissingAuthenticationTokenException', async () => {
    expect(parsed(await jsonCall('AWSOrganizationsV20161128.ListRoots', '{}', null))).toEqual({
      status: 400,
      type: 'MissingAuthenticationTokenException',
      body: { __type: 'MissingAuthenticationTokenException', Message: 'Missing Authentication Token' },
    });
  });

  it('unknown access key → UnrecognizedClientException', async () => {
    const r = parsed(await jsonCall('AWSOrganizationsV20161128.ListRoots', '{}', { accessKeyId: 'AKIANOSUCHKEY0000001', secretAccessKey: 'x' }));
    expect(r).toEqual({ status: 400, type: 'UnrecognizedClientException', body: { __type: 'UnrecognizedClientException', Message: 'The security token included in the request is invalid.' } });
  });

  it('wrong secret → InvalidSignatureException', async () => {
    const r = parsed(await jsonCall('AWSOrganizationsV20161128.ListRoots', '{}', { ...MGMT, secretAccessKey: 'wrong' }));
    expect({ status: r.status, type: r.type }).toEqual({ status: 400, type: 'InvalidSignatureException' });
  });

  it('signed for iam, sent to Organizations → InvalidSignatureException naming the right service', async () => {
    const r = parsed(await jsonCall('AWSOrganizationsV20161128.ListRoots', '{}', MGMT, { service: 'iam' }));
    expect(r).toEqual({
      status: 400,
      type: 'InvalidSignatureException',
      body: { __type: 'InvalidSignatureException', Message: "Credential should be scoped to correct service: 'organizations'. " },
    });
  });

  it('any signing region is accepted (Organizations is global; clients sign with their own region)', async () => {
    expect((await jsonCall('AWSOrganizationsV20161128.ListRoots', '{}', MGMT, { region: 'ap-southeast-2' })).status).toBe(200);
  });
});

describe('awsQuery is unchanged', () => {
  it('an STS form request still answers XML', async () => {
    const r = await signedQuery(iam.endpoint, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, MGMT);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toBe('text/xml');
    expect(r.body).toContain('<Account>999999999999</Account>');
  });
});
