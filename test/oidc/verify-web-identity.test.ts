// Table-driven AssumeRoleWithWebIdentity token verification: every success and failure row of
// test/fixtures/oidc/verify-cases.json, checked for code, HTTP status and exact message.
import { describe, expect, it } from 'vitest';
import type { JWK } from 'jose';
import { AwsError } from '../../src/aws/errors';
import { verifyWebIdentityToken, type WebIdentityProvider } from '../../src/oidc/verify-web-identity';
import { mintServiceAccountToken } from '../../src/oidc/mint-token';
import { buildToken, fixtureKey, ISSUER, PROVIDER_ARN, PROVIDER_URL, publicJwkOf, readFixture, T0, T0_SEC, type TokenSpec } from './helpers';

interface Case {
  name: string;
  nowOffset?: number;
  token: TokenSpec;
  providerJwks?: JWK[] | null;
  ok?: { subject?: string; audience?: string; algorithm?: string };
  expect?: { code: string; status: number; message: string };
}

const { cases } = readFixture<{ cases: Case[] }>('verify-cases.json');

function provider(jwks: JWK[] | null = [publicJwkOf('cluster-rsa'), publicJwkOf('cluster-ec')]): WebIdentityProvider {
  return { arn: PROVIDER_ARN, url: PROVIDER_URL, clientIds: ['sts.amazonaws.com'], jwks };
}

function decodedClaim(token: string, name: string): unknown {
  try {
    return JSON.parse(Buffer.from(token.trim().split('.')[1] ?? '', 'base64url').toString('utf8'))[name];
  } catch {
    return undefined;
  }
}

describe('verifyWebIdentityToken (fixtures)', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const token = await buildToken(c.token);
      const nowSec = T0_SEC + (c.nowOffset ?? 60);
      const opts = {
        providers: [provider(c.providerJwks === undefined ? undefined : c.providerJwks)],
        now: new Date(nowSec * 1000),
      };
      if (c.ok) {
        const res = await verifyWebIdentityToken(token, opts);
        expect(res.provider).toEqual({ arn: PROVIDER_ARN, url: PROVIDER_URL });
        expect(res.issuer).toBe(ISSUER);
        if (c.ok.subject) expect(res.subject).toBe(c.ok.subject);
        if (c.ok.audience) expect(res.audience).toBe(c.ok.audience);
        if (c.ok.algorithm) expect(res.algorithm).toBe(c.ok.algorithm);
        return;
      }
      const want = c.expect!;
      const message = want.message
        .replaceAll('{now}', String(nowSec))
        .replaceAll('{exp}', String(decodedClaim(token, 'exp')))
        .replaceAll('{iss}', String(decodedClaim(token, 'iss')));
      const err = await verifyWebIdentityToken(token, opts).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AwsError);
      expect({ code: (err as AwsError).code, status: (err as AwsError).status, message: (err as AwsError).message }).toEqual({
        code: want.code,
        status: want.status,
        message,
      });
    });
  }
});

describe('verifyWebIdentityToken (round trip and provider matching)', () => {
  const now = new Date(T0.getTime() + 60_000);

  it('verifies a minted token and returns the verified claims', async () => {
    const key = fixtureKey('cluster-rsa');
    const token = await mintServiceAccountToken({
      issuer: ISSUER, privateJwk: key.privateJwk, kid: key.kid, namespace: 'team-a', serviceAccount: 'uploader',
      now: T0, jti: false,
    });
    const res = await verifyWebIdentityToken(token, { providers: [provider()], now });
    expect(res).toMatchObject({
      subject: 'system:serviceaccount:team-a:uploader',
      audience: 'sts.amazonaws.com',
      issuer: ISSUER,
      algorithm: 'RS256',
      keyId: key.kid,
      provider: { arn: PROVIDER_ARN, url: PROVIDER_URL },
    });
    expect(res.claims.aud).toEqual(['sts.amazonaws.com']);
    expect((res.claims['kubernetes.io'] as { namespace: string }).namespace).toBe('team-a');
  });

  it('picks the provider whose URL matches among several, tolerating a stored https:// prefix', async () => {
    const token = await buildToken({});
    const other: WebIdentityProvider = { arn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com', url: 'token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'], jwks: [publicJwkOf('other-rsa')] };
    const res = await verifyWebIdentityToken(token, { providers: [other, { ...provider(), url: ISSUER }], now });
    expect(res.provider).toEqual({ arn: PROVIDER_ARN, url: PROVIDER_URL });
  });

  it('uses the ClientIDList of the matched provider only', async () => {
    const token = await buildToken({ claims: { aud: ['pods.eks.amazonaws.com'] } });
    const res = await verifyWebIdentityToken(token, { providers: [{ ...provider(), clientIds: ['sts.amazonaws.com', 'pods.eks.amazonaws.com'] }], now });
    expect(res.audience).toBe('pods.eks.amazonaws.com');
  });

  it('never imports private members of a stored JWK (a private JWK as provider key still verifies as public)', async () => {
    const token = await buildToken({});
    const res = await verifyWebIdentityToken(token, { providers: [provider([fixtureKey('cluster-rsa').privateJwk])], now });
    expect(res.subject).toBe('system:serviceaccount:default:s3-read-only');
  });

  it('refuses a key whose declared use or alg does not fit', async () => {
    const token = await buildToken({});
    const wrongUse = { ...publicJwkOf('cluster-rsa'), use: 'enc' };
    await expect(verifyWebIdentityToken(token, { providers: [provider([wrongUse])], now })).rejects.toMatchObject({ code: 'InvalidIdentityToken' });
    const wrongAlg = { ...publicJwkOf('cluster-rsa'), alg: 'RS512' };
    await expect(verifyWebIdentityToken(token, { providers: [provider([wrongAlg])], now })).rejects.toMatchObject({ code: 'InvalidIdentityToken' });
  });

  it('accepts RS384/RS512/ES-family when the key allows it', async () => {
    const noAlg = { ...publicJwkOf('cluster-rsa') };
    delete noAlg.alg;
    for (const alg of ['RS384', 'RS512']) {
      const token = await buildToken({ alg });
      const res = await verifyWebIdentityToken(token, { providers: [provider([noAlg])], now });
      expect(res.algorithm).toBe(alg);
    }
  });

  it('honours a custom clock skew', async () => {
    const token = await buildToken({});
    const justAfterExp = new Date((T0_SEC + 86400) * 1000);
    await expect(verifyWebIdentityToken(token, { providers: [provider()], now: justAfterExp, clockSkewSeconds: 0 })).rejects.toMatchObject({ code: 'ExpiredTokenException' });
    await expect(verifyWebIdentityToken(token, { providers: [provider()], now: justAfterExp })).resolves.toMatchObject({ claims: { exp: T0_SEC + 86400 } });
  });
});
