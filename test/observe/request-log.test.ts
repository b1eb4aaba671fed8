// The request log line of a denial carries the reason phrase and the deciding policy; an allowed
// request's line has neither (the explanation is built only for denials).
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/config';
import { DecisionLog } from '../../src/observe/decisions';
import { pipeline } from '../helpers/pipeline';

const KEY = { accessKeyId: 'AKIAREQUESTLOGUSER01', secretAccessKey: 'request-log-secret-000000000000000000001' };
const seed = {
  policies: [{ name: 'OnlyS3', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
  users: [{ name: 'u', accessKeys: [KEY], permissionsBoundary: 'OnlyS3', inlinePolicies: { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:*'], Resource: '*' }] } } }],
};

describe('request log line', () => {
  it('names the reason and policy of a denial, and the decision of an audit-mode pass', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = createLogger('info', (l) => lines.push(JSON.parse(l)));
    const p = await pipeline(seed, undefined, { logger });
    expect((await p.signed({ Action: 'ListRoles', Version: '2010-05-08' }, KEY, 'iam')).status).toBe(403);
    expect(lines.at(-1)).toMatchObject({
      msg: 'request',
      action: 'ListRoles',
      decision: 'denied',
      reason: expect.stringContaining('no permissions boundary allows iam:ListRoles'),
      policy: 'arn:aws:iam::000000000000:policy/OnlyS3 (OnlyS3)',
    });
    expect((await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, KEY)).status).toBe(200);
    expect(lines.at(-1)).not.toHaveProperty('reason');

    const audit = await pipeline(seed, undefined, { logger, config: { enforce: 'audit' }, decisions: new DecisionLog() });
    expect((await audit.signed({ Action: 'ListRoles', Version: '2010-05-08' }, KEY, 'iam')).status).toBe(200);
    expect(lines.at(-1)).toMatchObject({ decision: 'would-deny', status: 200, reason: expect.stringContaining('permissions boundary') });
  });
});
