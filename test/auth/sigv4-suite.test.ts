// The official AWS SigV4 test suite (fixture: test/fixtures/sigv4/aws-test-suite.json): canonical
// request and signature of every vector, verified through parseSigV4 → verifySigV4.
import { describe, expect, it } from 'vitest';
import suite from '../fixtures/sigv4/aws-test-suite.json';
import { parseSigV4, verifySigV4, type SignedRequestParts } from '../../src/auth/sigv4';
import { buildCanonicalRequest, canonicalQuery, sha256Hex } from '../../src/auth/sigv4-canonical';

/** Parse a raw test-suite request (`METHOD target HTTP/1.1`, headers, blank line, body). */
function parseRaw(raw: string, authz: string): SignedRequestParts {
  const blank = raw.indexOf('\n\n');
  const head = blank === -1 ? raw : raw.slice(0, blank);
  const body = blank === -1 ? '' : raw.slice(blank + 2);
  const [requestLine, ...headerLines] = head.split('\n');
  const method = requestLine.slice(0, requestLine.indexOf(' '));
  const target = requestLine.slice(method.length + 1, requestLine.lastIndexOf(' HTTP/'));
  const q = target.indexOf('?');
  const headers: Record<string, string | string[]> = {};
  for (const line of headerLines) {
    const c = line.indexOf(':');
    const name = line.slice(0, c).toLowerCase();
    const value = line.slice(c + 1);
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  headers['authorization'] = authz;
  return {
    method,
    path: q === -1 ? target : target.slice(0, q),
    rawQuery: q === -1 ? '' : target.slice(q + 1),
    headers,
    body: Buffer.from(body, 'utf8'),
  };
}

describe('AWS SigV4 test suite', () => {
  const now = new Date(suite.now);
  for (const c of suite.cases) {
    it(c.name, () => {
      const req = parseRaw(c.req, c.authz);
      const auth = parseSigV4(req);
      expect(auth).not.toBeNull();
      if (c.creq !== null) {
        const creq = buildCanonicalRequest({
          method: req.method,
          path: req.path,
          canonicalQuery: canonicalQuery(req.rawQuery),
          headers: req.headers,
          signedHeaders: auth!.signedHeaders,
          payloadHash: sha256Hex(req.body),
        });
        expect(creq).toBe(c.creq);
      }
      expect(() => verifySigV4(req, auth!, suite.credentials.secretAccessKey, now, suite.service)).not.toThrow();
      // One flipped bit in the secret must fail.
      expect(() => verifySigV4(req, auth!, suite.credentials.secretAccessKey + 'x', now, suite.service)).toThrow(
        /The request signature we calculated does not match/,
      );
    });
  }
});
