// Condition keys a verified token contributes to the trust policy and to the session.
import { describe, expect, it } from 'vitest';
import { webIdentityContextKeys, webIdentitySessionKeys } from '../../src/oidc/web-identity-context';
import { verifyWebIdentityToken } from '../../src/oidc/verify-web-identity';
import { buildToken, PROVIDER_ARN, PROVIDER_URL, publicJwkOf, T0 } from './helpers';

describe('webIdentityContextKeys', () => {
  it('EKS: <issuer-without-https>:sub and :aud from a verified token', async () => {
    const res = await verifyWebIdentityToken(await buildToken({}), {
      providers: [{ arn: PROVIDER_ARN, url: PROVIDER_URL, clientIds: ['sts.amazonaws.com'], jwks: [publicJwkOf('cluster-rsa')] }],
      now: new Date(T0.getTime() + 1000),
    });
    expect(webIdentityContextKeys(res.provider.url, res.claims, res.audience)).toEqual({
      'oidc.eks.us-west-2.amazonaws.com/id/D43CF17C27A865933144EA99A26FB128:aud': 'sts.amazonaws.com',
      'oidc.eks.us-west-2.amazonaws.com/id/D43CF17C27A865933144EA99A26FB128:sub': 'system:serviceaccount:default:s3-read-only',
    });
    expect(webIdentitySessionKeys(res.provider.arn, res.provider.url, res.claims, res.audience)).toMatchObject({
      'aws:FederatedProvider': PROVIDER_ARN,
    });
  });
  it('keeps a trailing slash in the key prefix and strips a stored https://', () => {
    expect(webIdentityContextKeys('https://auth-dev.mozilla.auth0.com/', { sub: 'ad|x' }, 'client')).toEqual({
      'auth-dev.mozilla.auth0.com/:aud': 'client',
      'auth-dev.mozilla.auth0.com/:sub': 'ad|x',
    });
  });
  it('amr is multivalued when present', () => {
    expect(webIdentityContextKeys('idp.example.com', { sub: 's', amr: ['pwd', 'mfa'] }, 'c')['idp.example.com:amr']).toEqual(['pwd', 'mfa']);
    expect(webIdentityContextKeys('idp.example.com', { sub: 's', amr: 'pwd' }, 'c')['idp.example.com:amr']).toEqual(['pwd']);
  });
  it('Google: :aud carries azp and :oaud the aud when azp is set; other issuers ignore azp', () => {
    expect(webIdentityContextKeys('accounts.google.com', { sub: '1', azp: 'web-client' }, 'aud-client')).toEqual({
      'accounts.google.com:aud': 'web-client',
      'accounts.google.com:oaud': 'aud-client',
      'accounts.google.com:sub': '1',
    });
    expect(webIdentityContextKeys('idp.example.com', { sub: '1', azp: 'web-client' }, 'aud-client')['idp.example.com:aud']).toBe('aud-client');
  });
});
