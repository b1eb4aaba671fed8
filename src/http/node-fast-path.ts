// Owns the AWS endpoint's fast path on Node's http server. @hono/node-server turns every request into a
// Fetch Request and every answer into a Fetch Response and back; for the AWS endpoint, whose pipeline
// already reads Node's request directly (read-body.ts, request-parts.ts), that round trip was about a
// fifth of the server's CPU per GetCallerIdentity (`node --cpu-prof` under `npm run bench`). Requests
// the AWS catch-all would answer go straight to it with a minimal Context over Node's request; the
// answer is written as @hono/node-server writes it (same status, header names and order, Content-Length,
// body), so a client cannot tell which path served it. Everything else (admin endpoints, the Pod
// Identity Agent path, HEAD/OPTIONS, percent-encoded paths Hono would decode) goes to Hono unchanged.
import type { Context } from 'hono';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerOptions, type ServerResponse } from 'node:http';

/** What the fast path's `c.body()` returns instead of a Response: written by writeReply. */
export interface NodeReply {
  status: number;
  body: string | Uint8Array | null;
  headers: Record<string, string>;
}

/** Hono's answer when a handler throws (its default onError). */
const INTERNAL_ERROR = 'Internal Server Error';
/** @hono/node-server's content type for a body without one. */
const DEFAULT_CONTENT_TYPE = 'text/plain; charset=UTF-8';

/**
 * The Context the AWS pipeline gets on the fast path: `req.header(name)` as Fetch Headers give it
 * (repeated headers joined with ", "), `req.method`, `env.incoming` (Node's request, as
 * @hono/node-server provides it), and `body()` returning a NodeReply.
 */
export function nodeContext(req: IncomingMessage): Context {
  let joined: Map<string, string> | undefined;
  const header = (name: string): string | undefined => {
    if (!joined) {
      joined = new Map();
      const raw = req.rawHeaders;
      for (let i = 0; i + 1 < raw.length; i += 2) {
        const k = raw[i].toLowerCase();
        const prev = joined.get(k);
        joined.set(k, prev === undefined ? raw[i + 1] : `${prev}, ${raw[i + 1]}`);
      }
    }
    return joined.get(name.toLowerCase());
  };
  const c = {
    env: { incoming: req },
    req: { header, method: req.method ?? 'GET', raw: undefined },
    body: (body: string | Uint8Array | null, status = 200, headers: Record<string, string> = {}): NodeReply => ({ status, body, headers }),
  };
  return c as unknown as Context;
}

/**
 * Writes a reply the way @hono/node-server writes the equivalent Response for the replies the AWS
 * pipeline makes (a content type, a request id, maybe more: Hono keeps them in Fetch Headers).
 */
export function writeReply(res: ServerResponse, reply: NodeReply): void {
  // Fetch Headers lower-case names and iterate them sorted; @hono/node-server writes them in that order.
  // (Each name lower-cased once: a reply has two to four headers, sorted in place by insertion.)
  const names = Object.keys(reply.headers);
  const lower = names.map((k) => k.toLowerCase());
  for (let i = 1; i < lower.length; i++) {
    for (let j = i; j > 0 && lower[j] < lower[j - 1]; j--) {
      [lower[j], lower[j - 1]] = [lower[j - 1], lower[j]];
      [names[j], names[j - 1]] = [names[j - 1], names[j]];
    }
  }
  const headers: Record<string, string | number> = {};
  for (let i = 0; i < names.length; i++) headers[lower[i]] = reply.headers[names[i]];
  if (reply.body === null) {
    res.writeHead(reply.status, headers);
    res.end();
    return;
  }
  headers['content-type'] ??= DEFAULT_CONTENT_TYPE;
  if (headers['content-length'] === undefined) {
    headers['Content-Length'] = typeof reply.body === 'string' ? Buffer.byteLength(reply.body) : reply.body.byteLength;
  }
  res.writeHead(reply.status, headers);
  res.end(reply.body);
}

/**
 * Whether the AWS catch-all would serve this request: GET/POST to a path outside `excluded` prefixes
 * (any path starting with one, so whatever Hono could route elsewhere stays with Hono), with no percent-encoding in the
 * path (Hono decodes it before routing) and an origin-form target.
 */
export function isFastPath(req: IncomingMessage, excluded: readonly string[]): boolean {
  if (req.method !== 'POST' && req.method !== 'GET') return false;
  const url = req.url ?? '';
  if (url.charCodeAt(0) !== 47 /* / */) return false;
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  if (path.includes('%')) return false;
  for (const p of excluded) if (path.startsWith(p)) return false;
  return true;
}

/**
 * A `createServer` for @hono/node-server's serve(): requests isFastPath accepts go to `handle` (the AWS
 * pipeline, given nodeContext), the rest to Hono's listener.
 */
export function fastPathServer(handle: (c: Context) => Promise<unknown>, excluded: readonly string[]): typeof createServer {
  return ((options: ServerOptions, honoListener: RequestListener) =>
    createServer(options, (req, res) => {
      if (!isFastPath(req, excluded)) return honoListener(req, res);
      handle(nodeContext(req)).then(
        (reply) => {
          writeReply(res, reply as NodeReply);
          // As @hono/node-server does: a body the handler did not read is drained, not left on the socket.
          if (!req.readableEnded) req.resume();
        },
        (e: unknown) => {
          console.error(e);
          if (!res.headersSent) writeReply(res, { status: 500, body: INTERNAL_ERROR, headers: { 'content-type': DEFAULT_CONTENT_TYPE } });
          else res.destroy();
          if (!req.readableEnded) req.resume();
        },
      );
    })) as unknown as typeof createServer;
}

/**
 * @hono/node-server's request listener for `fetch` (what its serve() installs), loaded on the first request
 * that is not on the fast path. Loading it means loading the Fetch classes it adapts to (Node's undici,
 * its global Request/Response, node:http2): a sixth of a cold start that the AWS endpoint never needs.
 * Like serve(), getRequestListener replaces the global Request/Response with @hono/node-server's
 * (`overrideGlobalObjects`), here on that first request rather than at start-up. A request arriving while
 * it loads waits for it; its body stays unread on the socket meanwhile.
 */
export function lazyHonoListener(fetch: (req: Request) => Response | Promise<Response>, hostname: string): RequestListener {
  let listener: Promise<RequestListener> | undefined;
  return (req, res) => {
    listener ??= import('@hono/node-server').then((m) => m.getRequestListener(fetch, { hostname }) as RequestListener);
    listener.then(
      (l) => l(req, res),
      (e: unknown) => {
        console.error(e);
        writeReply(res, { status: 500, body: INTERNAL_ERROR, headers: { 'content-type': DEFAULT_CONTENT_TYPE } });
      },
    );
  };
}

/**
 * What @hono/node-server's serve({ fetch, port, hostname, createServer: fastPathServer(…) }) does — the
 * same Node server, listening the same way — with Hono's listener loaded lazily (lazyHonoListener).
 */
export function listenWithFastPath(
  handle: (c: Context) => Promise<unknown>,
  excluded: readonly string[],
  fetch: (req: Request) => Response | Promise<Response>,
  port: number,
  hostname: string,
  listening: () => void,
): Server {
  const server = fastPathServer(handle, excluded)({}, lazyHonoListener(fetch, hostname));
  server.listen(port, hostname, listening);
  return server;
}
