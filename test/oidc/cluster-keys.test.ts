// The kube-apiserver key id on committed keys (expected values computed with openssl, kids.json),
// generation, PEM import/export.
import { createPublicKey } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { importJWK, type CryptoKey } from 'jose';
import { clusterKeyFromPem, clusterKeyPems, generateClusterKey, keyIdFromPublicKey } from '../../src/oidc/cluster-keys';
import { fixtureKey, keyPem, pubMatchesKey, readFixture, type KeyName } from './helpers';

const kids = readFixture<Record<string, string>>('keys/kids.json');
const names: KeyName[] = ['cluster-rsa', 'other-rsa', 'cluster-ec'];

describe('keyIdFromPublicKey (kube-apiserver keyIDFromPublicKey)', () => {
  for (const name of names) {
    it(`${name}: same kid from public PEM, private PEM, KeyObject, JWK and CryptoKey`, async () => {
      expect(pubMatchesKey(name)).toBe(true);
      const want = kids[name];
      expect(keyIdFromPublicKey(keyPem(name, 'pub'))).toBe(want);
      expect(keyIdFromPublicKey(keyPem(name, 'key'))).toBe(want);
      expect(keyIdFromPublicKey(createPublicKey(keyPem(name, 'pub')))).toBe(want);
      expect(keyIdFromPublicKey(fixtureKey(name).publicJwk)).toBe(want);
      const alg = name === 'cluster-ec' ? 'ES256' : 'RS256';
      const crypto = await importJWK(fixtureKey(name).publicJwk, alg, { extractable: true });
      expect(keyIdFromPublicKey(crypto as CryptoKey)).toBe(want);
      expect(fixtureKey(name).kid).toBe(want);
    });
  }

  it('is unpadded base64url of 32 bytes (43 characters)', () => {
    for (const name of names) expect(kids[name]).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses a symmetric key', () => {
    expect(() => keyIdFromPublicKey({ kty: 'oct', k: 'c2VjcmV0' })).toThrow(/unsupported key type/);
  });
});

describe('generateClusterKey', () => {
  it('makes an RSA-2048 RS256 pair whose kid matches its public key', async () => {
    const k = await generateClusterKey();
    expect(k.kid).toBe(keyIdFromPublicKey(k.publicJwk));
    expect(k.publicJwk).toMatchObject({ kty: 'RSA', e: 'AQAB', alg: 'RS256', use: 'sig', kid: k.kid });
    expect(k.publicJwk.d).toBeUndefined();
    expect(k.privateJwk).toMatchObject({ kty: 'RSA', alg: 'RS256', kid: k.kid });
    expect(typeof k.privateJwk.d).toBe('string');
    expect(Buffer.from(k.publicJwk.n!, 'base64url').length).toBe(256);
  });
});

describe('clusterKeyPems / clusterKeyFromPem', () => {
  it('exports sa.key as PKCS#1 and sa.pub as PKIX, and round-trips to the same kid', () => {
    const { privateKeyPem, publicKeyPem } = clusterKeyPems(fixtureKey('cluster-rsa').privateJwk);
    expect(privateKeyPem.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    expect(publicKeyPem.startsWith('-----BEGIN PUBLIC KEY-----')).toBe(true);
    expect(keyIdFromPublicKey(publicKeyPem)).toBe(kids['cluster-rsa']);
    expect(clusterKeyFromPem(privateKeyPem).kid).toBe(kids['cluster-rsa']);
  });

  it('exports an ECDSA key as SEC1', () => {
    const { privateKeyPem } = clusterKeyPems(fixtureKey('cluster-ec').privateJwk);
    expect(privateKeyPem.startsWith('-----BEGIN EC PRIVATE KEY-----')).toBe(true);
    expect(fixtureKey('cluster-ec').publicJwk).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
  });
});
