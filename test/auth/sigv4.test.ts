// SigV4 parse/verify/sign: cross-checked against @smithy/signature-v4 (what SDK v3 sends), plus every
// error code and message from test/fixtures/sigv4/errors.json.
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import { describe, expect, it } from 'vitest';
import errors from '../fixtures/sigv4/errors.json';
import { AwsError } from '../../src/aws/errors';
import { parseSigV4, signRequest, verifySigV4, type SignedRequestParts } from '../../src/auth/sigv4';
import {
  buildCanonicalRequest,
  buildStringToSign,
  computeSignature,
  sha256Hex,
  signingKey,
  signingKeyCacheSize,
  uriEncode,
} from '../../src/auth/sigv4-canonical';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: SECRET };
const session = { accessKeyId: 'ASIAEXAMPLE', secretAccessKey: SECRET, sessionToken: 'FQoGZXIvYXdzE//+token=' };
const NOW = new Date('2026-11-29T18:10:08Z');

function thrown(fn: () => unknown): AwsError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AwsError);
    return e as AwsError;
  }
  throw new Error('expected an AwsError');
}

/** A smithy HttpRequest as it would leave the SDK, turned into the parts the server receives. */
interface SmithyReq {
  method: string;
  path: string;
  query?: Record<string, string | string[] | null>;
  headers: Record<string, string>;
  body?: string;
}
function toParts(r: SmithyReq): SignedRequestParts {
  const q: string[] = [];
  for (const [k, v] of Object.entries(r.query ?? {})) {
    if (v === null) q.push(uriEncode(k));
    else for (const one of Array.isArray(v) ? v : [v]) q.push(`${uriEncode(k)}=${uriEncode(one)}`);
  }
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(r.headers)) headers[k.toLowerCase()] = v;
  return { method: r.method, path: r.path, rawQuery: q.join('&'), headers, body: Buffer.from(r.body ?? '', 'utf8') };
}

function smithy(c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string }, service = 'sts', applyChecksum = true) {
  return new SignatureV4({ credentials: c, region: 'eu-west-1', service, sha256: Sha256, applyChecksum });
}

const baseRequest = (body: string, extra: Record<string, string> = {}): SmithyReq => ({
  method: 'POST',
  path: '/',
  headers: {
    host: '127.0.0.1:4566',
    'content-type': 'application/x-www-form-urlencoded',
    'content-length': String(Buffer.byteLength(body)),
    ...extra,
  },
  body,
});

function verifyOk(parts: SignedRequestParts, now = NOW, service = 'sts') {
  const auth = parseSigV4(parts);
  expect(auth).not.toBeNull();
  verifySigV4(parts, auth!, SECRET, now, service);
  return auth!;
}

describe('verifySigV4 accepts what @smithy/signature-v4 signs', () => {
  const body = 'Action=GetCallerIdentity&Version=2011-06-15';

  it('header auth, long-term credentials, x-amz-content-sha256 present', async () => {
    const signed = (await smithy(creds).sign(baseRequest(body) as never, { signingDate: NOW })) as unknown as SmithyReq;
    const parts = toParts(signed);
    expect(parts.headers['x-amz-content-sha256']).toBe(sha256Hex(body));
    const auth = verifyOk(parts);
    expect(auth).toMatchObject({
      form: 'header',
      accessKeyId: 'AKIDEXAMPLE',
      scopeDate: '20261129',
      region: 'eu-west-1',
      service: 'sts',
      amzDate: '20261129T181008Z',
      credentialScope: '20261129/eu-west-1/sts/aws4_request',
    });
    expect(auth.requestTime.toISOString()).toBe('2026-11-29T18:10:08.000Z');
    expect(auth.securityToken).toBeUndefined();
  });

  it('header auth with a session token (x-amz-security-token signed)', async () => {
    const signed = (await smithy(session).sign(baseRequest(body) as never, { signingDate: NOW })) as unknown as SmithyReq;
    const auth = verifyOk(toParts(signed));
    expect(auth.securityToken).toBe(session.sessionToken);
    expect(auth.signedHeaders).toContain('x-amz-security-token');
  });

  it('without x-amz-content-sha256 (botocore style): the real body hash is used', async () => {
    const signed = (await smithy(creds, 'sts', false).sign(baseRequest(body) as never, { signingDate: NOW })) as unknown as SmithyReq;
    const parts = toParts(signed);
    expect(parts.headers['x-amz-content-sha256']).toBeUndefined();
    verifyOk(parts);
    // …and a body changed after signing no longer verifies.
    const tampered = { ...parts, body: Buffer.from(body.replace('GetCallerIdentity', 'GetSessionToken')) };
    expect(thrown(() => verifyOk(tampered)).code).toBe('SignatureDoesNotMatch');
  });

  it('tampering with the body when x-amz-content-sha256 is signed fails', async () => {
    const signed = (await smithy(creds).sign(baseRequest(body) as never, { signingDate: NOW })) as unknown as SmithyReq;
    const parts = toParts(signed);
    const e = thrown(() => verifyOk({ ...parts, body: Buffer.from(body + '&RoleArn=x') }));
    expect([e.code, e.status]).toEqual(['SignatureDoesNotMatch', 403]);
  });

  it('odd header whitespace (leading/trailing/inner runs) is canonicalised like the SDK', async () => {
    const req = baseRequest(body, { 'x-custom': '  a   b \t c  ', 'x-amz-user-agent': 'aws-sdk-js/3  ua' });
    const signed = (await smithy(creds).sign(req as never, { signingDate: NOW })) as unknown as SmithyReq;
    const parts = toParts(signed);
    expect(parts.headers['x-custom']).toBe('  a   b \t c  ');
    verifyOk(parts);
  });

  it('query strings with reserved characters (header auth, POST with query)', async () => {
    const req: SmithyReq = {
      ...baseRequest(body),
      query: { 'Param/1': "a b+c/d=e&f!'()*~ä", Empty: '', Multi: ['z', 'a'] },
    };
    const signed = (await smithy(creds).sign(req as never, { signingDate: NOW })) as unknown as SmithyReq;
    verifyOk(toParts(signed));
  });

  it('a non-root path (SDK v3 endpoint path + "/")', async () => {
    const req = { ...baseRequest(body), path: '/x/y%20z/' };
    const signed = (await smithy(creds).sign(req as never, { signingDate: NOW })) as unknown as SmithyReq;
    verifyOk(toParts(signed));
  });

  it('IAM service scope', async () => {
    const signed = (await smithy(creds, 'iam').sign(baseRequest('Action=ListRoles&Version=2010-05-08') as never, {
      signingDate: NOW,
    })) as unknown as SmithyReq;
    verifyOk(toParts(signed), NOW, 'iam');
    expect(thrown(() => verifyOk(toParts(signed), NOW, 'sts')).message).toBe(
      "Credential should be scoped to correct service: 'sts'. ",
    );
  });

  it('accepts the whole ±15 minute window, inclusive', async () => {
    const signed = toParts((await smithy(creds).sign(baseRequest(body) as never, { signingDate: NOW })) as unknown as SmithyReq);
    verifyOk(signed, new Date(NOW.getTime() + 15 * 60_000));
    verifyOk(signed, new Date(NOW.getTime() - 15 * 60_000));
    expect(thrown(() => verifyOk(signed, new Date(NOW.getTime() + 15 * 60_000 + 1000))).message).toMatch(/^Signature expired: /);
  });
});

describe('presigned (query) auth', () => {
  const presign = async (c: typeof creds | typeof session, method: string, expiresIn = 60) => {
    const req: SmithyReq = {
      method,
      path: '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: 'localhost:4566', 'x-k8s-aws-id': 'my-cluster' },
    };
    return toParts((await smithy(c).presign(req as never, { signingDate: NOW, expiresIn })) as unknown as SmithyReq);
  };

  it('GET presigned URL with x-k8s-aws-id signed (aws eks get-token shape)', async () => {
    const parts = await presign(creds, 'GET');
    expect(parts.headers['authorization']).toBeUndefined();
    const auth = verifyOk(parts);
    expect(auth.form).toBe('query');
    expect(auth.signedHeaders).toEqual(['host', 'x-k8s-aws-id']);
  });

  it('POST presigned with a session token in the query', async () => {
    const parts = await presign(session, 'POST');
    const auth = verifyOk(parts);
    expect(auth.securityToken).toBe(session.sessionToken);
  });

  it('the method actually received is the one verified', async () => {
    const parts = await presign(creds, 'GET');
    expect(thrown(() => verifyOk({ ...parts, method: 'POST' })).code).toBe('SignatureDoesNotMatch');
  });

  it('ignores X-Amz-Expires: valid for 15 minutes from X-Amz-Date (aws-protocol.md §4.5)', async () => {
    const parts = await presign(creds, 'GET', 60);
    verifyOk(parts, new Date(NOW.getTime() + 10 * 60_000)); // past its 60 s X-Amz-Expires
    const e = thrown(() => verifyOk(parts, new Date(NOW.getTime() + 16 * 60_000)));
    expect([e.code, e.message]).toEqual([
      'SignatureDoesNotMatch',
      'Signature expired: 20261129T181008Z is now earlier than 20261129T181108Z (20261129T182608Z - 15 min.)',
    ]);
  });

  it('parameters added to a presigned URL break it', async () => {
    const parts = await presign(creds, 'GET');
    expect(thrown(() => verifyOk({ ...parts, rawQuery: parts.rawQuery + '&RoleArn=x' })).code).toBe('SignatureDoesNotMatch');
  });

  it('no auth at all → null (MissingAuthenticationToken is the caller’s answer)', () => {
    expect(parseSigV4({ method: 'POST', path: '/', rawQuery: '', headers: { host: 'h' }, body: Buffer.alloc(0) })).toBeNull();
    expect(
      parseSigV4({ method: 'GET', path: '/', rawQuery: 'Action=GetCallerIdentity&X-Amz-Foo=1', headers: { host: 'h' }, body: Buffer.alloc(0) }),
    ).toBeNull();
  });
});

describe('signRequest', () => {
  it('produces the same signature as @smithy/signature-v4 for the same signed headers', async () => {
    const body = 'Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A000000000000%3Arole%2Fr&RoleSessionName=s+1';
    const headers = { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' };
    for (const c of [creds, session]) {
      const ours = signRequest({ method: 'POST', url: 'http://127.0.0.1:4566/', headers, body }, c, {
        region: 'eu-west-1',
        service: 'sts',
        now: NOW,
      });
      const theirs = (await smithy(c, 'sts', false).sign(
        { method: 'POST', path: '/', headers: { ...headers, host: '127.0.0.1:4566' }, body } as never,
        { signingDate: NOW },
      )) as unknown as SmithyReq;
      expect(ours.authorization).toBe(theirs.headers.authorization);
      expect(ours['x-amz-date']).toBe('20261129T181008Z');
      expect(ours['x-amz-security-token']).toBe(c === session ? session.sessionToken : undefined);
    }
  });

  it('round-trips through parseSigV4/verifySigV4, with a query string', () => {
    const url = 'http://localhost:9000/a/b?X=1%202&y=%2F';
    const added = signRequest({ method: 'GET', url, headers: {}, body: '' }, session, { region: 'us-east-1', service: 'iam', now: NOW });
    const parts: SignedRequestParts = {
      method: 'GET',
      path: '/a/b',
      rawQuery: 'X=1%202&y=%2F',
      headers: { host: 'localhost:9000', ...added },
      body: Buffer.alloc(0),
    };
    expect(verifyOk(parts, NOW, 'iam').securityToken).toBe(session.sessionToken);
  });
});

describe('the HTTP Date header stands in for X-Amz-Date', () => {
  it('signs the ISO-8601 basic form of Date', () => {
    const headers: Record<string, string> = { host: 'h', date: 'Sun, 29 Nov 2026 18:10:08 GMT' };
    const creq = buildCanonicalRequest({
      method: 'POST',
      path: '/',
      canonicalQuery: '',
      headers,
      signedHeaders: ['date', 'host'],
      payloadHash: sha256Hex(''),
    });
    const scope = '20261129/us-east-1/sts/aws4_request';
    const sig = computeSignature(signingKey(SECRET, '20261129', 'us-east-1', 'sts'), buildStringToSign('20261129T181008Z', scope, creq));
    headers.authorization = `AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/${scope}, SignedHeaders=date;host, Signature=${sig}`;
    const auth = verifyOk({ method: 'POST', path: '/', rawQuery: '', headers, body: Buffer.alloc(0) });
    expect(auth.amzDate).toBe('20261129T181008Z');
  });
});

describe('signing key cache', () => {
  it('is bounded', () => {
    for (let i = 0; i < 700; i++) signingKey(`secret-${i}`, '20261129', 'us-east-1', 'sts');
    expect(signingKeyCacheSize()).toBeLessThanOrEqual(512);
  });
});

describe('SigV4 errors (fixtures/sigv4/errors.json)', () => {
  for (const c of errors.cases) {
    it(c.name, () => {
      const parts: SignedRequestParts = {
        method: 'POST',
        path: '/',
        rawQuery: c.rawQuery,
        headers: c.headers as unknown as Record<string, string>,
        body: Buffer.alloc(0),
      };
      const e = thrown(() => {
        const auth = parseSigV4(parts);
        if (c.stage === 'parse') return;
        verifySigV4(parts, auth!, SECRET, new Date(c.now), c.service);
      });
      expect({ code: e.code, status: e.status, message: e.message }).toEqual({ code: c.code, status: c.status, message: c.message });
      if (c.stage === 'verify') expect(() => parseSigV4(parts)).not.toThrow();
    });
  }
});

describe('presignUrl', () => {
  it('matches @smithy/signature-v4 presign and verifies (GET, session token, x-k8s-aws-id)', async () => {
    const { presignUrl } = await import('../../src/auth/sigv4');
    const url = presignUrl(
      { method: 'GET', url: 'http://localhost:4566/?Action=GetCallerIdentity&Version=2011-06-15', headers: { 'x-k8s-aws-id': 'c1' } },
      session,
      { region: 'eu-west-1', service: 'sts', now: NOW, expiresIn: 60 },
    );
    const theirs = (await smithy(session).presign(
      { method: 'GET', path: '/', query: { Action: 'GetCallerIdentity', Version: '2011-06-15' }, headers: { host: 'localhost:4566', 'x-k8s-aws-id': 'c1' } } as never,
      { signingDate: NOW, expiresIn: 60 },
    )) as unknown as SmithyReq;
    const u = new URL(url);
    expect(u.searchParams.get('X-Amz-Signature')).toBe((theirs.query as Record<string, string>)['X-Amz-Signature']);
    const auth = verifyOk({ method: 'GET', path: '/', rawQuery: u.search.slice(1), headers: { host: 'localhost:4566', 'x-k8s-aws-id': 'c1' }, body: Buffer.alloc(0) });
    expect(auth.form).toBe('query');
  });
});

describe('parseAmzDate', () => {
  it('accepts real instants only', async () => {
    const { parseAmzDate } = await import('../../src/auth/sigv4-canonical');
    expect(parseAmzDate('20240229T235959Z')?.toISOString()).toBe('2024-02-29T23:59:59.000Z');
    for (const bad of ['20230229T000000Z', '20240431T000000Z', '20241301T000000Z', '20240100T000000Z', '20240101T240000Z', '20240101T006000Z', '20240101T000060Z', '2024010T0000000Z', '20240101T000000', '20240101 000000Z', '00000101T000000Z']) {
      expect(parseAmzDate(bad)).toBeNull();
    }
  });
});
