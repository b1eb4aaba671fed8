// Proxied calls are decisions like every other: each one, allowed or denied, lands in the request
// record that Access Analyzer's policy generation reads (src/observe/request-record.ts) and in the
// decision log (src/observe/decisions.ts).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaults, silentLogger } from '../../src/config';
import { DecisionLog } from '../../src/observe/decisions';
import { recordsFor } from '../../src/observe/request-record';
import { startProxyListeners, type ProxyListeners } from '../../src/proxy/listeners';
import { parseProxyUpstream } from '../../src/proxy/upstream-spec';
import { harness, type Harness } from '../helpers/services';
import { code, send, signed } from '../helpers/s3-raw';
import { startS3Upstream, type S3Upstream } from '../helpers/s3-upstream';

const KEY = { accessKeyId: 'AKIAPROXYRECORDER001', secretAccessKey: 'proxy-recorder-secret-for-tests-only-01' };
const ARN = 'arn:aws:iam::000000000000:user/recorder';

let h: Harness;
let up: S3Upstream;
let proxies: ProxyListeners;
const decisions = new DecisionLog();
beforeAll(async () => {
  h = await harness({
    users: [{ name: 'recorder', accessKeys: [KEY], inlinePolicies: { p: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:ListAllMyBuckets', 's3:CreateBucket'], Resource: '*' }] } } }],
  });
  up = await startS3Upstream();
  proxies = await startProxyListeners({ store: h.store, clock: h.clock, ids: h.ids, config: defaults, logger: silentLogger, decisions }, '127.0.0.1', [parseProxyUpstream(up.spec())]);
});
afterAll(async () => {
  await proxies?.close();
  await up?.stop();
});

describe('proxy decisions in the request record', () => {
  it('records the allowed ListBuckets and CreateBucket and the denied PutObject, with action and resource', async () => {
    const ep = proxies.proxies[0]!.url;
    const now = h.clock.now();
    const list = await send(ep, signed(ep, { method: 'GET', path: '/' }, KEY, { now }));
    expect([list.status, list.body]).toEqual([200, expect.stringContaining('ListAllMyBucketsResult')]);
    expect((await send(ep, signed(ep, { method: 'PUT', path: '/recorded-bucket' }, KEY, { now }))).status).toBe(200);
    const denied = await send(ep, signed(ep, { method: 'PUT', path: '/recorded-bucket/k', body: 'x' }, KEY, { now }));
    expect(code(denied)).toBe('AccessDenied');
    const records = recordsFor(h.store, ARN, new Date(now.getTime() - 1000), new Date(now.getTime() + 1000));
    expect(records.map(({ action, resource, decision }) => ({ action, resource, decision }))).toEqual([
      { action: 's3:ListAllMyBuckets', resource: '*', decision: 'allowed' },
      { action: 's3:CreateBucket', resource: 'arn:aws:s3:::recorded-bucket', decision: 'allowed' },
      { action: 's3:PutObject', resource: 'arn:aws:s3:::recorded-bucket/k', decision: 'denied' },
    ]);
    // …and in the decision log, with the reason, like every other call.
    const logged = decisions.query({}).decisions;
    expect(logged.map((r) => [r.action, r.outcome])).toEqual([['s3:ListAllMyBuckets', 'allowed'], ['s3:CreateBucket', 'allowed'], ['s3:PutObject', 'denied']]);
    expect(logged[2]!.reason).toMatch(/no identity-based policy allows/);
    expect(logged[2]!.principal.arn).toBe(ARN);
    // …and in Access Advisor's last-accessed data (allowed calls only), per action.
    const user = h.store.users.getByArn(ARN)!;
    expect(h.store.accessAdvisor.forEntities([user.id]).map((r) => [r.service, r.action]).sort()).toEqual([['s3', 's3:CreateBucket'], ['s3', 's3:ListAllMyBuckets']]);
  });
});

describe('audit mode (--enforce audit)', () => {
  it('a denied proxied call is recorded as would-deny and forwarded', async () => {
    const log = new DecisionLog();
    const audit = await startProxyListeners({ store: h.store, clock: h.clock, ids: h.ids, config: { ...defaults, enforce: 'audit' }, logger: silentLogger, decisions: log }, '127.0.0.1', [parseProxyUpstream(up.spec())]);
    try {
      const ep = audit.proxies[0]!.url;
      const r = await send(ep, signed(ep, { method: 'PUT', path: '/recorded-bucket/audited', body: 'x' }, KEY, { now: h.clock.now() }));
      expect(r.status).toBe(200);
      expect(up.hits('/recorded-bucket/audited', 'PUT')).toHaveLength(1);
      expect(log.query({}).decisions.map((d) => [d.action, d.outcome])).toEqual([['s3:PutObject', 'would-deny']]);
    } finally {
      await audit.close();
    }
  });
});
