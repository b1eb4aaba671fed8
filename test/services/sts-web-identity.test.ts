// AssumeRoleWithWebIdentity through the whole pipeline, table-driven from
// test/fixtures/services/sts/web-identity.json: token verification errors, trust-policy keys
// (`<provider>:sub|aud|amr`, sts:RoleSessionName), TagSession/SetSourceIdentity from token claims,
// durations, session policies — and what the resulting session carries into later requests.
import { describe, expect, it } from 'vitest';
import { jwks } from '../../src/oidc/index';
import fixtures from '../fixtures/services/sts/web-identity.json';
import { pipeline, type Pipeline } from '../helpers/pipeline';
import { buildToken, ISSUER, PROVIDER_ARN, PROVIDER_URL, publicJwkOf, T0, type TokenSpec } from '../oidc/helpers';

const ACCOUNT = '123456789012';
const SUB = 'system:serviceaccount:default:s3-read-only';
const OTHER_PROVIDER = `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com`;

const statement = (extra: Record<string, unknown> = {}, action: string | string[] = 'sts:AssumeRoleWithWebIdentity', federated = PROVIDER_ARN) => ({
  Effect: 'Allow',
  Principal: { Federated: federated },
  Action: action,
  ...extra,
});
const trust = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const eks = { StringEquals: { [`${PROVIDER_URL}:sub`]: SUB, [`${PROVIDER_URL}:aud`]: 'sts.amazonaws.com' } };

const seed = {
  accounts: [{ id: ACCOUNT }],
  oidcProviders: [
    { account: ACCOUNT, url: ISSUER, clientIds: ['sts.amazonaws.com'], jwks: jwks([publicJwkOf('cluster-rsa'), publicJwkOf('cluster-ec')]) },
    { account: ACCOUNT, url: 'https://token.actions.githubusercontent.com', clientIds: ['sts.amazonaws.com'] },
    { account: ACCOUNT, url: 'https://issuer.example.com/no-keys', clientIds: ['sts.amazonaws.com'] },
  ],
  roles: [
    {
      account: ACCOUNT,
      name: 'irsa',
      trustPolicy: trust(statement({ Condition: eks })),
      inlinePolicies: {
        // Later requests of the session still see the provider's keys and aws:FederatedProvider.
        read: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { [`${PROVIDER_URL}:sub`]: SUB, 'aws:FederatedProvider': PROVIDER_ARN } } },
          ],
        },
      },
    },
    { account: ACCOUNT, name: 'namespace-wide', trustPolicy: trust(statement({ Condition: { StringLike: { [`${PROVIDER_URL}:sub`]: 'system:serviceaccount:default:*' } } })) },
    { account: ACCOUNT, name: 'assume-role-only', trustPolicy: trust(statement({}, 'sts:AssumeRole')) },
    { account: ACCOUNT, name: 'other-provider', trustPolicy: trust(statement({}, 'sts:AssumeRoleWithWebIdentity', OTHER_PROVIDER)) },
    { account: ACCOUNT, name: 'amr', trustPolicy: trust(statement({ Condition: { 'ForAnyValue:StringEquals': { [`${PROVIDER_URL}:amr`]: 'authenticated' } } })) },
    { account: ACCOUNT, name: 'session-name', trustPolicy: trust(statement({ Condition: { StringLike: { 'sts:RoleSessionName': 'ci-*' } } })) },
    { account: ACCOUNT, name: 'tagging', trustPolicy: trust(statement({ Condition: eks }, ['sts:AssumeRoleWithWebIdentity', 'sts:TagSession', 'sts:SetSourceIdentity'])) },
    { account: ACCOUNT, name: 'long', maxSessionDuration: 43200, trustPolicy: trust(statement({ Condition: eks })) },
  ],
};

interface Case {
  name: string;
  role?: string;
  roleArn?: string;
  token: TokenSpec | null;
  params?: Record<string, string>;
  nowOffset?: number;
  ok?: { expiresIn?: number; packed?: boolean; tags?: { Key: string; Value: string }[]; sourceIdentity?: string };
  error?: { status: number; code: string; message: string };
  errorCode?: string;
}

async function call(p: Pipeline, c: Case) {
  p.clock.set(new Date(T0.getTime() + (c.nowOffset ?? 60) * 1000));
  const params: Record<string, string> = {
    Action: 'AssumeRoleWithWebIdentity',
    Version: '2011-06-15',
    RoleArn: c.roleArn ?? `arn:aws:iam::${ACCOUNT}:role/${c.role}`,
    RoleSessionName: 'pod',
    ...(c.token ? { WebIdentityToken: await buildToken(c.token) } : {}),
    ...c.params,
  };
  return p.unsigned(params);
}

describe('AssumeRoleWithWebIdentity (fixture table)', () => {
  for (const c of (fixtures as { cases: Case[] }).cases) {
    it(c.name, async () => {
      const p = await pipeline(seed, T0);
      const res = await call(p, c);
      if (c.error) {
        expect({ status: res.status, ...res.error }).toEqual(c.error);
        // Nothing was issued.
        expect(p.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions')!.n).toBe(0);
        return;
      }
      if (c.errorCode) {
        expect(res.error.code).toBe(c.errorCode);
        return;
      }
      expect(res.status, res.body).toBe(200);
      const keyId = res.tag('AccessKeyId')!;
      const session = p.store.sessions.get(keyId)!;
      expect(session).toMatchObject({ via: 'AssumeRoleWithWebIdentity', kind: 'assumed-role', federatedProvider: PROVIDER_ARN, sessionName: c.params?.RoleSessionName ?? 'pod' });
      expect(res.tag('Provider')).toBe(PROVIDER_ARN);
      expect(res.tag('Audience')).toBe('sts.amazonaws.com');
      expect(res.tag('SubjectFromWebIdentityToken')).toBe((c.token?.claims?.sub as string | undefined) ?? SUB);
      if (c.ok?.expiresIn) expect(Date.parse(res.tag('Expiration')!) - p.clock.now().getTime()).toBe(c.ok.expiresIn * 1000);
      expect(res.tag('PackedPolicySize') !== undefined).toBe(c.ok?.packed === true);
      if (c.ok?.tags) expect(session.tags).toEqual(c.ok.tags);
      if (c.ok?.sourceIdentity) {
        expect(res.tag('SourceIdentity')).toBe(c.ok.sourceIdentity);
        expect(session.sourceIdentity).toBe(c.ok.sourceIdentity);
      }
    });
  }
});

describe('the web identity session afterwards', () => {
  it('carries <provider>:sub and aws:FederatedProvider into later requests, and expires by the server clock', async () => {
    const p = await pipeline(seed, T0);
    const res = await call(p, { name: 'x', role: 'irsa', token: {} });
    expect(res.status).toBe(200);
    const creds = { accessKeyId: res.tag('AccessKeyId')!, secretAccessKey: res.tag('SecretAccessKey')!, sessionToken: res.tag('SessionToken')! };
    const who = await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, creds);
    expect(who.tag('Arn')).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/irsa/pod`);
    // iam:GetRole is allowed only with the web identity keys in the request context.
    const role = await p.signed({ Action: 'GetRole', Version: '2010-05-08', RoleName: 'irsa' }, creds, 'iam');
    expect(role.status, role.body).toBe(200);
    p.clock.advance(3600_000);
    const expired = await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, creds);
    expect({ status: expired.status, ...expired.error }).toEqual({ status: 403, code: 'ExpiredToken', message: 'The security token included in the request is expired' });
  });

  it('any Authorization header on the unsigned call is ignored', async () => {
    const p = await pipeline(seed, T0);
    p.clock.set(new Date(T0.getTime() + 60_000));
    const res = await p.signed(
      { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: `arn:aws:iam::${ACCOUNT}:role/irsa`, RoleSessionName: 'pod', WebIdentityToken: await buildToken({}) },
      { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' },
    );
    expect(res.status, res.body).toBe(200);
  });

  it('the denial carries an authorization message', async () => {
    const p = await pipeline(seed, T0);
    const res = await call(p, { name: 'x', role: 'irsa', token: { claims: { sub: 'system:serviceaccount:default:other' } } });
    expect(res.status).toBe(403);
    expect(res.headers.get('x-amzn-authorization-message')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
