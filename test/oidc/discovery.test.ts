// Discovery document and JWKS shapes (test/fixtures/oidc/discovery-cases.json).
import { describe, expect, it } from 'vitest';
import { discoveryDocument, jwks, signingAlgorithmsOf } from '../../src/oidc/discovery';
import { eksJwksUri } from '../../src/oidc/issuer-url';
import { fixtureKey, readFixture } from './helpers';

const fx = readFixture<{
  issuer: string;
  eks: string;
  kubeApiserver: string;
  jwksMemberOrder: Record<'RSA' | 'EC', string[]>;
  invalidIssuers: string[];
}>('discovery-cases.json');

describe('discoveryDocument', () => {
  it('EKS style (default): the five kube-apiserver fields plus authorization_endpoint and claims_supported', () => {
    expect(JSON.stringify(discoveryDocument(fx.issuer, eksJwksUri(fx.issuer)))).toBe(fx.eks);
  });
  it('kube-apiserver style: exactly the five fields', () => {
    expect(JSON.stringify(discoveryDocument(fx.issuer, eksJwksUri(fx.issuer), { style: 'kube-apiserver' }))).toBe(fx.kubeApiserver);
  });
  it('advertises the signing algorithms of the published keys', () => {
    const algs = signingAlgorithmsOf([fixtureKey('cluster-rsa').publicJwk, fixtureKey('cluster-ec').publicJwk]);
    expect(algs).toEqual(['ES256', 'RS256']);
    expect(discoveryDocument(fx.issuer, eksJwksUri(fx.issuer), { signingAlgorithms: algs }).id_token_signing_alg_values_supported).toEqual(['ES256', 'RS256']);
  });
  for (const bad of fx.invalidIssuers) {
    it(`refuses issuer ${JSON.stringify(bad)} (kube serves discovery only for https without query/fragment)`, () => {
      expect(() => discoveryDocument(bad, 'https://x/keys')).toThrow(RangeError);
      expect(() => discoveryDocument(fx.issuer, bad)).toThrow(RangeError);
    });
  }
});

describe('jwks', () => {
  it('publishes public members only, in go-jose order, with use/alg/kid', () => {
    const rsa = fixtureKey('cluster-rsa');
    const ec = fixtureKey('cluster-ec');
    const doc = jwks([rsa.privateJwk, ec.publicJwk]);
    expect(Object.keys(doc)).toEqual(['keys']);
    expect(Object.keys(doc.keys[0])).toEqual(fx.jwksMemberOrder.RSA);
    expect(Object.keys(doc.keys[1])).toEqual(fx.jwksMemberOrder.EC);
    expect(doc.keys[0]).toMatchObject({ use: 'sig', kty: 'RSA', kid: rsa.kid, alg: 'RS256', e: 'AQAB', n: rsa.publicJwk.n });
    expect(doc.keys[1]).toMatchObject({ use: 'sig', kty: 'EC', kid: ec.kid, crv: 'P-256', alg: 'ES256' });
    expect(JSON.stringify(doc)).not.toContain('"d"');
  });
  it('computes a missing kid the kube-apiserver way and a missing alg from the key type', () => {
    const { kid, alg, use, ...bare } = fixtureKey('cluster-rsa').publicJwk;
    // The fixture carries all three, so the bare key really lacks what jwks() must fill in.
    expect({ kid, alg, use }).toEqual({ kid: fixtureKey('cluster-rsa').kid, alg: 'RS256', use: 'sig' });
    expect(jwks([bare]).keys[0]).toMatchObject({ kid: fixtureKey('cluster-rsa').kid, alg: 'RS256', use: 'sig' });
  });
  it('refuses to publish a symmetric key', () => {
    expect(() => jwks([{ kty: 'oct', k: 'c2VjcmV0' }])).toThrow(TypeError);
  });
});
