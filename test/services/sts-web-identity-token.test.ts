// Outbound identity federation through the pipeline: IAM enables the account's issuer, STS signs a JWT
// naming the caller that verifies against the issuer's JWKS (both algorithms); the feature switch and
// the token's condition keys answer in AWS's words.
import { createLocalJWKSet, jwtVerify } from 'jose';
import { describe, expect, it } from 'vitest';
import { outboundJwks, outboundDiscovery } from '../../src/oidc/outbound-token';
import { pipeline, type Pipeline } from '../helpers/pipeline';
import type { Creds } from '../helpers/raw-client';

const ACCOUNT = '000000000000';
const ADMIN = { accessKeyId: 'AKIAQAAAAAAAOUTBND01', secretAccessKey: 'outbound-admin-secret-0000000000000000' };
const APP = { accessKeyId: 'AKIAQAAAAAAAOUTBND02', secretAccessKey: 'outbound-app-secret-000000000000000000' };
const SEED = {
  users: [
    { name: 'admin', accessKeys: [ADMIN], managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] },
    {
      name: 'app', accessKeys: [APP], tags: [{ Key: 'team', Value: 'data' }],
      inlinePolicies: {
        tokens: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'sts:GetWebIdentityToken', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'sts:IdentityTokenAudience': 'https://api.example.com' }, NumericLessThanEquals: { 'sts:DurationSeconds': 600 } } }],
        },
      },
    },
  ],
};
const iam = (p: Pipeline, action: string, creds: Creds = ADMIN) => p.signed({ Action: action, Version: '2010-05-08' }, creds, 'iam');
const token = (p: Pipeline, params: Record<string, string>, creds: Creds = APP) =>
  p.signed({ Action: 'GetWebIdentityToken', Version: '2011-06-15', 'Audience.member.1': 'https://api.example.com', SigningAlgorithm: 'ES384', ...params }, creds);

describe('outbound identity federation', () => {
  it('enable → info → a token that verifies against the issuer JWKS, with the caller and tags as claims', async () => {
    const p = await pipeline(SEED);
    const before = await token(p, {});
    expect([before.status, before.error.code]).toEqual([403, 'OutboundWebIdentityFederationDisabledException']);
    const en = await iam(p, 'EnableOutboundWebIdentityFederation');
    const issuer = en.tag('IssuerIdentifier')!;
    expect(issuer).toMatch(/^https:\/\/[0-9a-f-]{36}\.tokens\.sts\.global\.api\.aws$/);
    const info = await iam(p, 'GetOutboundWebIdentityFederationInfo');
    expect([info.tag('IssuerIdentifier'), info.tag('JwtVendingEnabled')]).toEqual([issuer, 'true']);
    const row = p.store.accountFeatures.outbound(ACCOUNT)!;
    expect(outboundDiscovery(row.issuerId)).toMatchObject({ issuer, jwks_uri: `${issuer}/.well-known/jwks.json`, id_token_signing_alg_values_supported: ['RS256', 'ES384'] });
    const keys = createLocalJWKSet(outboundJwks(row));
    for (const alg of ['ES384', 'RS256']) {
      const r = await token(p, { SigningAlgorithm: alg, DurationSeconds: '600', 'Tags.member.1.Key': 'job', 'Tags.member.1.Value': 'nightly' });
      expect(r.status).toBe(200);
      const { payload, protectedHeader } = await jwtVerify(r.tag('WebIdentityToken')!, keys, { issuer, audience: 'https://api.example.com', currentDate: p.clock.now() });
      expect(protectedHeader.alg).toBe(alg);
      expect(payload.sub).toBe(`arn:aws:iam::${ACCOUNT}:user/app`);
      expect(payload.exp! - payload.iat!).toBe(600);
      expect(payload['https://sts.amazonaws.com/']).toEqual({
        aws_account: ACCOUNT, source_region: 'us-east-1', principal_id: `arn:aws:iam::${ACCOUNT}:user/app`,
        principal_tags: { team: 'data' }, request_tags: { job: 'nightly' },
      });
      expect(Date.parse(r.tag('Expiration')!)).toBe(payload.exp! * 1000);
    }
  });

  it('enabling twice is FeatureEnabled, disabling twice FeatureDisabled; a disabled account vends nothing', async () => {
    const p = await pipeline(SEED);
    const never = await iam(p, 'GetOutboundWebIdentityFederationInfo');
    expect([never.status, never.error.code]).toEqual([404, 'FeatureDisabled']);
    await iam(p, 'EnableOutboundWebIdentityFederation');
    const again = await iam(p, 'EnableOutboundWebIdentityFederation');
    expect([again.status, again.error.code]).toEqual([409, 'FeatureEnabled']);
    expect((await iam(p, 'DisableOutboundWebIdentityFederation')).status).toBe(200);
    const twice = await iam(p, 'DisableOutboundWebIdentityFederation');
    expect([twice.status, twice.error.code, twice.error.message]).toEqual([404, 'FeatureDisabled', 'The request failed because outbound identity federation is already disabled for your Amazon Web Services account. You cannot disable the feature multiple times']);
    expect((await iam(p, 'GetOutboundWebIdentityFederationInfo')).tag('JwtVendingEnabled')).toBe('false');
    expect((await token(p, {})).error.code).toBe('OutboundWebIdentityFederationDisabledException');
  });

  it.each([
    ['another audience', { 'Audience.member.1': 'https://evil.example.com' }, 403, 'AccessDenied'],
    ['a longer lifetime than allowed', { DurationSeconds: '900' }, 403, 'AccessDenied'],
    ['an unsupported algorithm', { SigningAlgorithm: 'HS256' }, 400, 'ValidationError'],
    ['below 60 seconds', { DurationSeconds: '59' }, 400, 'ValidationError'],
  ])('%s → %s', async (_n, params, status, code) => {
    const p = await pipeline(SEED);
    await iam(p, 'EnableOutboundWebIdentityFederation');
    const r = await token(p, params);
    expect([r.status, r.error.code]).toEqual([status, code]);
  });

  it('a token may not outlive the session that asks for it', async () => {
    const p = await pipeline({ ...SEED, roles: [{ name: 'worker', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: 'sts:AssumeRole' }] }, managedPolicies: ['arn:aws:iam::aws:policy/AdministratorAccess'] }] });
    await iam(p, 'EnableOutboundWebIdentityFederation');
    const s = await p.signed({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: `arn:aws:iam::${ACCOUNT}:role/worker`, RoleSessionName: 'tokens', DurationSeconds: '900' }, ADMIN);
    const session = { accessKeyId: s.tag('AccessKeyId')!, secretAccessKey: s.tag('SecretAccessKey')!, sessionToken: s.tag('SessionToken')! };
    expect(s.body).toContain('AccessKeyId');
    p.clock.advance(600_000);
    const r = await token(p, { DurationSeconds: '600' }, session);
    expect([r.status, r.error.code]).toEqual([403, 'SessionDurationEscalationException']);
    const ok = await token(p, { DurationSeconds: '300' }, session);
    expect(ok.status).toBe(200);
    const claims = JSON.parse(Buffer.from(ok.tag('WebIdentityToken')!.split('.')[1], 'base64url').toString());
    expect(claims.sub).toBe(`arn:aws:iam::${ACCOUNT}:role/worker`);
  });
});
