// Owns turning a received HTTP request into the SignedRequestParts that SigV4 verifies, keeping the
// wire exactly: raw path and query, repeated headers as lists, body bytes as received.
import type { IncomingMessage } from 'node:http';
import type { SignedRequestParts } from '../auth/sigv4';

/** Split a request target (`/path?query`) into the raw path and the raw query (no `?`). */
export function splitTarget(target: string): { path: string; rawQuery: string } {
  const q = target.indexOf('?');
  return q === -1 ? { path: target || '/', rawQuery: '' } : { path: target.slice(0, q) || '/', rawQuery: target.slice(q + 1) };
}

/**
 * From Node's IncomingMessage (with @hono/node-server: `c.env.incoming`). Uses `rawHeaders`, because
 * `req.headers` drops repeats of some headers and joins others with ", " where SigV4 joins with ","
 * (aws-protocol.md §4.1; SigV4 test suite `get-header-key-duplicate`).
 */
export function requestPartsFromNode(req: IncomingMessage, body: Buffer): SignedRequestParts {
  const headers: Record<string, string | string[]> = {};
  const raw = req.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i].toLowerCase();
    const value = raw[i + 1];
    const prev = headers[name];
    if (prev === undefined) headers[name] = value;
    else if (Array.isArray(prev)) prev.push(value);
    else headers[name] = [prev, value];
  }
  const { path, rawQuery } = splitTarget(req.url ?? '/');
  return { method: req.method ?? 'GET', path, rawQuery, headers, body };
}

/**
 * From a Fetch `Request` (any runtime). Fetch `Headers` already merge repeated headers with ", ",
 * so a request that repeats a signed header will not verify this way; use requestPartsFromNode
 * when the Node request is at hand (the SDKs never repeat headers).
 */
export function requestPartsFromFetch(req: Request, body: Buffer): SignedRequestParts {
  const headers: Record<string, string> = {};
  req.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });
  const url = new URL(req.url);
  return {
    method: req.method,
    path: url.pathname || '/',
    rawQuery: url.search.length > 0 ? url.search.slice(1) : '',
    headers,
    body,
  };
}
