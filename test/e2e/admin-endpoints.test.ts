// The admin endpoints (/_iamlocal/reset, /_iamlocal/clock) on a real port: bodies are streamed and cut
// off at the limit before any signature check, and the test clock refuses values it cannot represent.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_MAX_BODY_BYTES } from '../../src/admin/admin-auth';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';
import { signedQuery } from '../helpers/raw-client';

let iam: IamLocal;
beforeAll(async () => {
  iam = await startIamLocal({});
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
