// readBody: exact bytes, chunked bodies, the size bound (413, never 5xx, enforced while the bytes
// arrive), empty bodies. Served by @hono/node-server as iamlocal is.
import { serve, type ServerType } from '@hono/node-server';
import { Hono } from 'hono';
import { request } from 'node:http';
import { PassThrough } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors';
import { readBody } from '../../src/http/read-body';

const MAX = 1024;
let server: ServerType;
let port = 0;

beforeAll(async () => {
  const app = new Hono();
  app.all('*', async (c) => {
    try {
      const body = await readBody(c, MAX);
      return c.text(`${body.length}:${body.toString('hex').slice(0, 16)}`, 200);
    } catch (e) {
      return c.text(e instanceof AwsError ? `${e.code}:${e.message}` : String(e), (e instanceof AwsError ? e.status : 500) as 413);
    }
  });
  server = await new Promise<ServerType>((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
  });
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

function send(method: string, chunks: Buffer[], headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const r = request({ host: '127.0.0.1', port, method, path: '/', headers }, (res) => {
      const out: Buffer[] = [];
      res.on('data', (c: Buffer) => out.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(out).toString() }));
    });
    r.on('error', reject);
    for (const c of chunks) r.write(c);
    r.end();
  });
}

describe('readBody', () => {
  it('returns the raw bytes (non-UTF-8 included)', async () => {
    const body = Buffer.from([0xff, 0x00, 0x41, 0xe2, 0x82]);
    expect(await send('POST', [body], { 'content-length': String(body.length) })).toEqual({ status: 200, text: '5:ff0041e282' });
  });

  it('joins a chunked body', async () => {
    const res = await send('POST', [Buffer.from('Action='), Buffer.from('GetCallerIdentity')], { 'transfer-encoding': 'chunked' });
    expect(res).toEqual({ status: 200, text: `24:${Buffer.from('Action=G').toString('hex')}` });
  });

  it('empty for GET', async () => {
    expect(await send('GET', [])).toEqual({ status: 200, text: '0:' });
  });

  it('413 RequestEntityTooLarge from Content-Length or from the bytes that arrive', async () => {
    const big = Buffer.alloc(MAX + 1, 0x61);
    expect(await send('POST', [big], { 'content-length': String(big.length) })).toEqual({
      status: 413,
      text: `RequestEntityTooLarge:Request body must not exceed ${MAX} bytes`,
    });
    const chunked = await send('POST', [Buffer.alloc(600, 0x61), Buffer.alloc(600, 0x62)], { 'transfer-encoding': 'chunked' });
    expect(chunked.status).toBe(413);
    // Exactly the limit is fine.
    expect((await send('POST', [Buffer.alloc(MAX, 0x61)], { 'content-length': String(MAX) })).status).toBe(200);
  });

  it('answers 413 for an over-long chunked body before the client has finished sending it', async () => {
    // The request is never ended: a reader that buffered to the end first would never answer.
    const status = await new Promise<number>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port, method: 'POST', path: '/', headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        r.destroy();
      });
      r.on('error', (e) => (e.message.includes('socket hang up') ? undefined : reject(e)));
      r.write(Buffer.alloc(MAX + 1, 0x61));
    });
    expect(status).toBe(413);
  });
});

describe("readBody on Node's request (the AWS endpoint's fast path)", () => {
  const ctx = (stream: PassThrough, method = 'POST') =>
    ({ env: { incoming: stream }, req: { method, header: () => undefined, raw: undefined } }) as unknown as Parameters<typeof readBody>[0];
  /** A stand-in for IncomingMessage: a stream with `complete` set when it ends, as Node's parser does. */
  const incomingStream = () => {
    const s = new PassThrough() as PassThrough & { complete: boolean };
    s.complete = false;
    s.on('end', () => (s.complete = true));
    return s;
  };

  it('joins the chunks in order and leaves no listener behind', async () => {
    const s = incomingStream();
    const events = ['data', 'end', 'error', 'close'];
    const before = events.map((ev) => s.listenerCount(ev));
    const body = readBody(ctx(s), MAX);
    s.write(Buffer.from('Action='));
    s.end(Buffer.from('GetCallerIdentity'));
    expect((await body).toString()).toBe('Action=GetCallerIdentity');
    expect(events.map((ev) => s.listenerCount(ev))).toEqual(before);
  });

  it('IncompleteBody (400) when the client goes away mid-body, by error or by close', async () => {
    for (const gone of [(s: PassThrough) => s.destroy(new Error('ECONNRESET')), (s: PassThrough) => s.destroy()]) {
      const s = incomingStream();
      const body = readBody(ctx(s), MAX);
      s.write(Buffer.from('Act'));
      gone(s);
      await expect(body).rejects.toMatchObject({ code: 'IncompleteBody', status: 400 });
    }
  });

  it('413 past the bound, the rest read and discarded, not buffered', async () => {
    const s = incomingStream();
    const body = readBody(ctx(s), MAX);
    s.write(Buffer.alloc(MAX, 0x61));
    s.write(Buffer.alloc(10, 0x62));
    await expect(body).rejects.toMatchObject({ code: 'RequestEntityTooLarge', status: 413 });
    expect(s.readableFlowing).toBe(true);
    expect(s.listenerCount('data')).toBe(0);
  });

  it('a body already read to its end is empty; one already destroyed is IncompleteBody', async () => {
    const ended = incomingStream();
    ended.resume();
    ended.end();
    await new Promise((r) => ended.on('end', r));
    expect((await readBody(ctx(ended), MAX)).length).toBe(0);
    const gone = incomingStream();
    gone.destroy();
    await expect(readBody(ctx(gone), MAX)).rejects.toMatchObject({ code: 'IncompleteBody' });
  });
});
