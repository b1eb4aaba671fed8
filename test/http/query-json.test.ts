// The awsQuery front door as AWS answers it, through createApp: `Accept: application/json` gets the
// JSON form of the same answer, and an unsigned call of an operation iamlocal does not have is named
// (InvalidAction) before credentials are asked for.
import { describe, expect, it } from 'vitest';
import { pipeline } from '../helpers/pipeline';

import { ROOT } from '../helpers/admin-client';

describe('Accept: application/json on Query requests', () => {
  it('GetCallerIdentity answers {GetCallerIdentityResponse:{GetCallerIdentityResult, ResponseMetadata}}', async () => {
    const p = await pipeline({});
    const r = await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, ROOT, 'sts', { accept: 'application/json' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^application\/json/);
    const requestId = r.headers.get('x-amzn-requestid');
    expect(JSON.parse(r.body)).toEqual({
      GetCallerIdentityResponse: {
        GetCallerIdentityResult: { Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root', UserId: '000000000000' },
        ResponseMetadata: { RequestId: requestId },
      },
    });
  });

  it('lists are arrays, errors are {Error:{Code,Message,Type},RequestId}', async () => {
    const p = await pipeline({});
    const roles = await p.signed({ Action: 'ListRoles', Version: '2010-05-08' }, ROOT, 'iam', { accept: 'application/json' });
    expect(JSON.parse(roles.body).ListRolesResponse.ListRolesResult).toMatchObject({ Roles: [], IsTruncated: false });
    const missing = await p.signed({ Action: 'GetRole', Version: '2010-05-08', RoleName: 'ghost' }, ROOT, 'iam', { accept: 'application/json' });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toMatch(/^application\/json/);
    expect(JSON.parse(missing.body)).toEqual({
      Error: { Code: 'NoSuchEntity', Message: 'The role with name ghost cannot be found.', Type: 'Sender' },
      RequestId: missing.headers.get('x-amzn-requestid'),
    });
  });

  it('without the header the answer stays XML', async () => {
    const p = await pipeline({});
    const r = await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, ROOT);
    expect(r.headers.get('content-type')).toBe('text/xml');
    expect(r.body).toMatch(/^<GetCallerIdentityResponse /);
  });
});

describe('unsigned calls', () => {
  it('of an operation iamlocal lacks get InvalidAction', async () => {
    const p = await pipeline({});
    const r = await p.unsigned({ Action: 'DescribeInstances', Version: '2011-06-15' });
    expect(r.status).toBe(400);
    expect(r.error).toEqual({ code: 'InvalidAction', message: 'Could not find operation DescribeInstances for version 2011-06-15' });
  });

  it('of an operation iamlocal has still get MissingAuthenticationToken', async () => {
    const p = await pipeline({});
    const r = await p.unsigned({ Action: 'ListRoles', Version: '2010-05-08' });
    expect(r.status).toBe(403);
    expect(r.error.code).toBe('MissingAuthenticationToken');
  });
});
