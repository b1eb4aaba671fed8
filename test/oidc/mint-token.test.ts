// Minted service-account tokens against exact kube-apiserver shapes (test/fixtures/oidc/mint-cases.json).
import { describe, expect, it } from 'vitest';
import { decodeProtectedHeader } from 'jose';
import { seededIds } from '../../src/runtime';
import { derivedUid, mintServiceAccountToken, type MintServiceAccountTokenOptions } from '../../src/oidc/mint-token';
import { verifyWebIdentityToken } from '../../src/oidc/verify-web-identity';
import { fixtureKey, readFixture } from './helpers';

type RawOpts = Omit<MintServiceAccountTokenOptions, 'privateJwk' | 'kid' | 'now'> & { now: string };
const fx = readFixture<{
  cases: Array<{ name: string; opts: RawOpts; header: string; payload: string }>;
  invalid: Array<{ name: string; opts: Partial<RawOpts>; error: string }>;
}>('mint-cases.json');

const key = fixtureKey('cluster-rsa');
const base: RawOpts = {
  issuer: 'https://oidc.eks.us-west-2.amazonaws.com/id/D43CF17C27A865933144EA99A26FB128',
  namespace: 'default', serviceAccount: 'sa', now: '2026-01-01T00:00:00Z', jti: false,
};
const withKey = (o: RawOpts): MintServiceAccountTokenOptions => ({ ...o, now: new Date(o.now), privateJwk: key.privateJwk, kid: key.kid });
const segment = (t: string, i: number) => Buffer.from(t.split('.')[i], 'base64url').toString('utf8');

describe('mintServiceAccountToken', () => {
  for (const c of fx.cases) {
    it(c.name, async () => {
      const token = await mintServiceAccountToken(withKey(c.opts));
      expect(segment(token, 0)).toBe(c.header);
      expect(segment(token, 1)).toBe(c.payload);
      const aud = JSON.parse(c.payload).aud as string[];
      const res = await verifyWebIdentityToken(token, {
        providers: [{ arn: 'arn:aws:iam::123456789012:oidc-provider/x', url: c.opts.issuer, clientIds: aud, jwks: [key.publicJwk] }],
        now: new Date(c.opts.now),
      });
      expect(res.subject).toBe(JSON.parse(c.payload).sub);
    });
  }
  for (const c of fx.invalid) {
    it(`rejects: ${c.name}`, async () => {
      await expect(mintServiceAccountToken(withKey({ ...base, ...c.opts } as RawOpts))).rejects.toThrow(c.error);
    });
  }

  it('defaults: aud [sts.amazonaws.com], 86400 s, a random UUID jti from the injected ids', async () => {
    const token = await mintServiceAccountToken(withKey({ ...base, jti: undefined, ids: seededIds(7) }));
    const claims = JSON.parse(segment(token, 1));
    expect(claims.aud).toEqual(['sts.amazonaws.com']);
    expect(claims.exp - claims.iat).toBe(86400);
    expect(claims.nbf).toBe(claims.iat);
    expect(claims.jti).toBe(seededIds(7).requestId());
    expect(claims.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('derives stable UIDs when none are given (same SA → same uid in every token)', async () => {
    const a = JSON.parse(segment(await mintServiceAccountToken(withKey({ ...base, podName: 'p' })), 1));
    const b = JSON.parse(segment(await mintServiceAccountToken(withKey({ ...base, now: '2026-02-01T00:00:00Z' })), 1));
    expect(a['kubernetes.io'].serviceaccount.uid).toBe(b['kubernetes.io'].serviceaccount.uid);
    expect(a['kubernetes.io'].serviceaccount.uid).toBe(derivedUid(base.issuer, 'serviceaccount', 'default', 'sa'));
    expect(a['kubernetes.io'].pod.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(b['kubernetes.io'].pod).toBeUndefined();
  });

  it('signs ES256 with an ECDSA cluster key, like kube-apiserver', async () => {
    const ec = fixtureKey('cluster-ec');
    const token = await mintServiceAccountToken({ ...withKey(base), privateJwk: ec.privateJwk, kid: ec.kid });
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'ES256', kid: ec.kid });
  });

  it('refuses a public key as signing key', async () => {
    await expect(mintServiceAccountToken({ ...withKey(base), privateJwk: key.publicJwk })).rejects.toThrow('privateJwk must be a private key');
  });
});
