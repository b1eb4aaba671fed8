// EKS issuer URLs, provider URL/ARN forms and the local serving paths.
import { describe, expect, it } from 'vitest';
import { seededIds } from '../../src/runtime';
import {
  eksIssuerUrl, eksJwksUri, localOidcPaths, localOidcPathsForIssuer, matchLocalOidcPath, newClusterOidcId,
  oidcProviderArn, parseEksIssuerUrl, providerUrlFromIssuer,
} from '../../src/oidc/issuer-url';

const ID = 'D43CF17C27A865933144EA99A26FB128';
const ISSUER = `https://oidc.eks.us-west-2.amazonaws.com/id/${ID}`;

describe('issuer URLs', () => {
  it('builds and parses EKS issuers', () => {
    expect(eksIssuerUrl('us-west-2', ID)).toBe(ISSUER);
    expect(parseEksIssuerUrl(ISSUER)).toEqual({ region: 'us-west-2', id: ID });
    expect(parseEksIssuerUrl('https://kubernetes.default.svc.cluster.local')).toBeNull();
    expect(parseEksIssuerUrl(`${ISSUER}/`)).toBeNull();
    expect(eksIssuerUrl('us-gov-west-1', ID)).toBe(`https://oidc.eks.us-gov-west-1.amazonaws.com/id/${ID}`);
  });
  it('refuses bad regions and ids', () => {
    expect(() => eksIssuerUrl('US-WEST-2', ID)).toThrow(RangeError);
    expect(() => eksIssuerUrl('us-west-2', ID.toLowerCase())).toThrow(RangeError);
    expect(() => eksIssuerUrl('us-west-2', ID.slice(1))).toThrow(RangeError);
  });
  it('new ids are 32 upper-case hex from the injected randomness', () => {
    const id = newClusterOidcId(seededIds(3));
    expect(id).toMatch(/^[0-9A-F]{32}$/);
    expect(newClusterOidcId(seededIds(3))).toBe(id);
    expect(newClusterOidcId(seededIds(4))).not.toBe(id);
  });
  it('provider URL and ARN drop https:// and keep everything else', () => {
    expect(providerUrlFromIssuer(ISSUER)).toBe(`oidc.eks.us-west-2.amazonaws.com/id/${ID}`);
    expect(providerUrlFromIssuer('https://auth-dev.mozilla.auth0.com/')).toBe('auth-dev.mozilla.auth0.com/');
    expect(oidcProviderArn('123456789012', ISSUER)).toBe(`arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/${ID}`);
    expect(() => providerUrlFromIssuer('http://x')).toThrow(RangeError);
  });
  it('EKS publishes the JWKS at <issuer>/keys', () => {
    expect(eksJwksUri(ISSUER)).toBe(`${ISSUER}/keys`);
  });
});

describe('local paths', () => {
  it('maps an issuer to /_iamlocal/oidc/<ID>/…', () => {
    expect(localOidcPaths(ID)).toEqual({
      base: `/_iamlocal/oidc/${ID}`,
      discovery: `/_iamlocal/oidc/${ID}/.well-known/openid-configuration`,
      jwks: `/_iamlocal/oidc/${ID}/keys`,
    });
    expect(localOidcPathsForIssuer(ISSUER)).toEqual(localOidcPaths(ID));
    expect(localOidcPathsForIssuer('https://token.actions.githubusercontent.com')).toBeNull();
  });
  it('parses request paths back, strictly', () => {
    expect(matchLocalOidcPath(`/_iamlocal/oidc/${ID}/.well-known/openid-configuration`)).toEqual({ id: ID, document: 'discovery' });
    expect(matchLocalOidcPath(`/_iamlocal/oidc/${ID}/keys`)).toEqual({ id: ID, document: 'jwks' });
    for (const p of [`/_iamlocal/oidc/${ID}/keys/`, `/_iamlocal/oidc/${ID.toLowerCase()}/keys`, `/_iamlocal/oidc/${ID}/../keys`, '/_iamlocal/oidc/', `/_iamlocal/oidc/${ID}`]) {
      expect(matchLocalOidcPath(p)).toBeNull();
    }
  });
});
