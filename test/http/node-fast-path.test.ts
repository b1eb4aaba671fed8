// The AWS endpoint's fast path (src/http/node-fast-path.ts) must be invisible on the wire: the same
// handler answers byte for byte as it does through @hono/node-server (status line, header names,
// order and values, Content-Length, body; only Date differs), sees headers as Fetch Headers give
// them (repeats joined with ", "), and leaves admin, agent, HEAD and percent-encoded paths to Hono.
import { serve, type ServerType } from '@hono/node-server';
import { Hono, type Context } from 'hono';
import type { IncomingMessage } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fastPathServer, isFastPath, listenWithFastPath } from '../../src/http/node-fast-path';
import { incoming, readBody } from '../../src/http/read-body';

/** One handler for both servers: echoes what it saw, in several reply shapes chosen by the path. */
async function handler(c: Context): Promise<Response> {
  const body = await readBody(c, 1024);
  const seen = JSON.stringify({
    target: c.req.header('x-amz-target') ?? null,
    repeated: c.req.header('x-repeated') ?? null,
    ua: c.req.header('User-Agent') ?? null,
    method: c.req.method,
    node: incoming(c) !== undefined,
    body: body.toString('utf8'),
  });
  const path = incoming(c)?.url ?? new URL(c.req.url).pathname;
  // Every reply the AWS pipeline makes has at least a content type and a request id.
  if (path.startsWith('/204')) return c.body(null, 204, { 'content-type': 'application/json', 'x-amzn-RequestId': 'r-204' });
  if (path.startsWith('/plain')) return c.body(seen, 200, { 'x-amzn-RequestId': 'r-2', 'X-Other': 'o' });
  if (path.startsWith('/throw')) throw new Error('boom');
  return c.body(seen, 403, { 'x-amzn-RequestId': 'r-1', 'Content-Type': 'text/xml', 'x-amzn-ErrorType': 'AccessDenied' });
}

let hono: ServerType;
let fast: ServerType;
let honoPort: number;
let fastPort: number;
let fastHits = 0;

function listen(createServer?: ReturnType<typeof fastPathServer>): Promise<{ server: ServerType; port: number }> {
  const app = new Hono();
  app.get('/_iamlocal/who', (c) => c.text('hono'));
  app.all('*', handler);
  app.onError((e, c) => c.text('Internal Server Error', 500));
  return new Promise((resolve) => {
    const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', ...(createServer ? { createServer } : {}) }, (info) => resolve({ server: s, port: info.port }));
  });
}

/** Sends raw bytes, returns the raw response with the Date header removed. */
function raw(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = connect(port, '127.0.0.1', () => sock.end(request));
    const chunks: Buffer[] = [];
    sock.on('data', (d) => chunks.push(d));
    sock.on('end', () => resolve(Buffer.concat(chunks).toString('utf8').replace(/^Date: .*\r\n/m, '')));
    sock.on('error', reject);
  });
}

beforeAll(async () => {
  ({ server: hono, port: honoPort } = await listen());
  ({ server: fast, port: fastPort } = await listen(
    fastPathServer(async (c) => {
      fastHits++;
      return handler(c);
    }, ['/_iamlocal', '/v1/credentials']),
  ));
});
afterAll(() => {
  hono.close();
  fast.close();
});

const req = (method: string, path: string, headers: string[], body = '') =>
  `${method} ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n${headers.map((h) => h + '\r\n').join('')}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('AWS fast path on Node http', () => {
  const cases: [string, string][] = [
    ['an error reply with headers', req('POST', '/', ['Content-Type: application/x-www-form-urlencoded', 'X-Amz-Target: A.B'], 'Action=GetCallerIdentity')],
    ['repeated headers joined as Fetch joins them', req('POST', '/?q=1', ['X-Repeated: a', 'x-repeated: b', 'User-Agent: one'], 'x')],
    ['a body without a content type', req('GET', '/plain', [])],
    ['204 without a body', req('POST', '/204', [])],
    ['a non-ASCII body (Content-Length in bytes)', req('POST', '/', [], 'é€😀')],
  ];
  for (const [name, request] of cases) {
    it(`answers exactly as @hono/node-server does: ${name}`, async () => {
      const before = fastHits;
      const [viaHono, viaFast] = await Promise.all([raw(honoPort, request), raw(fastPort, request)]);
      expect(fastHits).toBe(before + 1);
      expect(viaFast.replace('"node":true', '"node":X')).toBe(viaHono.replace('"node":true', '"node":X'));
    });
  }

  it('a handler that throws gets 500, as from Hono', async () => {
    const [viaHono, viaFast] = await Promise.all([raw(honoPort, req('POST', '/throw', [])), raw(fastPort, req('POST', '/throw', []))]);
    expect(viaHono).toMatch(/^HTTP\/1.1 500 /);
    expect(viaFast).toMatch(/^HTTP\/1.1 500 /);
    expect(viaFast.endsWith('\r\n\r\nInternal Server Error')).toBe(true);
  });

  it('leaves admin and agent paths, HEAD, OPTIONS and percent-encoded paths to Hono', async () => {
    const before = fastHits;
    expect(await raw(fastPort, req('GET', '/_iamlocal/who', []))).toContain('\r\n\r\nhono');
    expect(await raw(fastPort, req('HEAD', '/', []))).toMatch(/^HTTP\/1.1 403/);
    expect(fastHits).toBe(before);
    const at = (method: string, url: string) => isFastPath({ method, url } as IncomingMessage, ['/_iamlocal', '/v1/credentials']);
    expect(at('POST', '/')).toBe(true);
    expect(at('GET', '/?Action=GetCallerIdentity')).toBe(true);
    expect(at('GET', '/v1/credentials')).toBe(false);
    expect(at('GET', '/v1/credentials/c1')).toBe(false);
    expect(at('POST', '/_iamlocal/reset')).toBe(false);
    expect(at('POST', '/%5Fiamlocal/reset')).toBe(false);
    expect(at('OPTIONS', '/')).toBe(false);
    expect(at('GET', 'http://x/')).toBe(false);
  });
});

describe('listenWithFastPath (what the server runs: Hono\'s listener loaded on first use)', () => {
  it('answers the fast path and, from its first request on, Hono\'s paths byte for byte as serve() does', async () => {
    const app = new Hono();
    app.get('/_iamlocal/who', (c) => c.text('hono'));
    app.post('/_iamlocal/echo', async (c) => c.json({ got: await c.req.text() }, 201, { 'x-amzn-RequestId': 'r-3' }));
    app.all('*', handler);
    app.onError((e, c) => c.text('Internal Server Error', 500));
    let hits = 0;
    const excluded = ['/_iamlocal', '/v1/credentials'];
    const server = await new Promise<ReturnType<typeof listenWithFastPath>>((resolve) => {
      const s = listenWithFastPath(async (c) => (hits++, handler(c)), excluded, app.fetch, 0, '127.0.0.1', () => resolve(s));
    });
    // The same app as the server ran it before: serve() with the fast path.
    const ref = await new Promise<ServerType>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1', createServer: fastPathServer(handler, excluded) }, () => resolve(s));
    });
    try {
      const port = (server.address() as { port: number }).port;
      const refPort = (ref.address() as { port: number }).port;
      const plain = (x: string) => x.replace('"node":true', '"node":X');
      expect(plain(await raw(port, cases0))).toBe(plain(await raw(refPort, cases0)));
      expect(hits).toBe(1);
      // Several requests race the loading of the listener: each is answered, bodies intact.
      const first = [
        req('GET', '/_iamlocal/who', []),
        req('POST', '/_iamlocal/echo', ['Content-Type: text/plain'], 'a body read after the listener loaded'),
        req('HEAD', '/', []),
        req('POST', '/%5Fiamlocal/x', [], 'p'),
      ];
      const viaLazy = await Promise.all(first.map((r) => raw(port, r)));
      const viaServe = await Promise.all(first.map((r) => raw(refPort, r)));
      expect(viaLazy.map(plain)).toEqual(viaServe.map(plain));
      expect(viaLazy[0]).toContain('\r\n\r\nhono');
      expect(viaLazy[1]).toMatch(/^HTTP\/1.1 201 /);
      expect(viaLazy[1]).toContain('{"got":"a body read after the listener loaded"}');
      expect(hits).toBe(1);
    } finally {
      server.close();
      ref.close();
    }
  });
});

const cases0 = req('POST', '/', ['Content-Type: application/x-www-form-urlencoded'], 'Action=GetCallerIdentity');
