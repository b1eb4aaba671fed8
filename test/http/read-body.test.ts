// readNodeBody: exact bytes, chunked bodies, the size bound (413, never 5xx), empty bodies.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors';
import { readNodeBody } from '../../src/http/read-body';

const MAX = 1024;
let server: Server;
let port = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    readNodeBody(req, MAX).then(
      (body) => res.writeHead(200).end(`${body.length}:${body.toString('hex').slice(0, 16)}`),
      (e) => res.writeHead(e instanceof AwsError ? e.status : 500).end(e instanceof AwsError ? `${e.code}:${e.message}` : String(e)),
    );
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
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

describe('readNodeBody', () => {
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
});
