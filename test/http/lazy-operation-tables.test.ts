// IAM's, Organizations' and Access Analyzer's operation tables are imported by their service's first
// request (src/app.ts, SERVICES), not at start-up. A client must not be able to tell: every request gets
// the same answer on a server that has not loaded the table yet as on one that has, and first requests that
// arrive together all get theirs. Each case runs on fresh module instances (vi.resetModules), so the
// tables really are unloaded when it starts.
import { describe, expect, it, vi } from 'vitest';
import type { Pipeline, PipelineResponse } from '../helpers/pipeline';

const ADMIN = { accessKeyId: 'test', secretAccessKey: 'test' };

/** A pipeline over freshly imported modules: no operation table but STS's and the small services' loaded. */
async function freshPipeline(): Promise<Pipeline> {
  vi.resetModules();
  const { pipeline } = await import('../helpers/pipeline');
  const { defaultUserSeed } = await import('../../src/store/bootstrap');
  const { defaults } = await import('../../src/config');
  // The server's own default user (test/test, AdministratorAccess), as `iamlocal` seeds it at start.
  return pipeline(defaultUserSeed(defaults)!);
}

/** What a client can see of an answer (the request id differs by design). */
const seen = (r: PipelineResponse) => ({ status: r.status, code: r.error.code || undefined, body: r.body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<id>') });

const REQUESTS: [string, (p: Pipeline) => Promise<PipelineResponse>][] = [
  ['unsigned unknown Action (InvalidAction before credentials)', (p) => p.unsigned({ Action: 'NoSuchThing', Version: '2010-05-08' })],
  ['unsigned IAM Action (MissingAuthenticationToken)', (p) => p.unsigned({ Action: 'GetUser', Version: '2010-05-08' })],
  ['IAM GetUser', (p) => p.signed({ Action: 'GetUser', Version: '2010-05-08' }, ADMIN, 'iam')],
  ['IAM unknown Action', (p) => p.signed({ Action: 'NoSuchThing', Version: '2010-05-08' }, ADMIN, 'iam')],
  ['IAM Action signed for Organizations', (p) => p.signed({ Action: 'GetUser', Version: '2010-05-08' }, ADMIN, 'organizations')],
  ['Organizations DescribeOrganization', (p) => p.json('AWSOrganizationsV20161128.DescribeOrganization', {}, ADMIN)],
  ['Organizations unknown target', (p) => p.json('AWSOrganizationsV20161128.NoSuchThing', {}, ADMIN)],
  ['Access Analyzer ListAnalyzers', (p) => p.rest('GET', '/analyzer', undefined, ADMIN, 'access-analyzer')],
  ['Access Analyzer unknown route', (p) => p.rest('GET', '/no-such-route', undefined, ADMIN, 'access-analyzer')],
];

describe('operation tables imported on first use', () => {
  for (const [name, send] of REQUESTS) {
    it(`${name}: the same answer first and once every table is loaded`, async () => {
      const p = await freshPipeline();
      const first = seen(await send(p));
      expect(first.status, first.body).toBeLessThan(500);
      const again = seen(await send(p));
      expect(again).toEqual(first);
      // And on a server whose tables a request of every service loaded before this one arrived.
      const warm = await freshPipeline();
      for (const [, other] of REQUESTS) await other(warm);
      expect(seen(await send(warm))).toEqual(first);
    });
  }

  it('first requests for the three services, sent together, are all answered', async () => {
    const p = await freshPipeline();
    const together = await Promise.all([...REQUESTS, ...REQUESTS].map(([, send]) => send(p)));
    const expected = await Promise.all([...REQUESTS, ...REQUESTS].map(([, send]) => send(p)));
    expect(together.map(seen)).toEqual(expected.map(seen));
    expect(together.find((r) => r.status >= 500)).toBeUndefined();
    expect(together[2].status).toBe(200);
    expect(together[2].tag('UserName')).toBe('admin');
  });
});
