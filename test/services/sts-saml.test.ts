// AssumeRoleWithSAML through the whole pipeline, table-driven from test/fixtures/services/sts/saml.json:
// provider lookup, the Role pair, RoleSessionName/SourceIdentity/PrincipalTag attributes, trust-policy
// keys (saml:aud|sub|sub_type|iss|doc|namequalifier|edupersonaffiliation, sts:RoleSessionName),
// TagSession/SetSourceIdentity, durations — and what the resulting session carries afterwards.
import { describe, expect, it } from 'vitest';
import { idpMetadataXml } from '../../src/saml/index';
import fixtures from '../fixtures/services/sts/saml.json';
import { pipeline, type Pipeline } from '../helpers/pipeline';
import { ENTITY_ID, idpKey, mint, PROVIDER_ARN, spKey, T0, type MintSpec } from '../saml/helpers';

const ACCOUNT = '000000000000';
const OTHER = `arn:aws:iam::${ACCOUNT}:saml-provider/OtherIdP`;
const ENCRYPTED = `arn:aws:iam::${ACCOUNT}:saml-provider/EncryptedIdP`;
const NAME_QUALIFIER = 'JuJRwL1/TVIV6zTe7NdS6jqqbfY=';
const AUD = { StringEquals: { 'saml:aud': 'https://signin.aws.amazon.com/saml' } };

const statement = (extra: Record<string, unknown> = {}, action: string | string[] = 'sts:AssumeRoleWithSAML', federated = PROVIDER_ARN) => ({ Effect: 'Allow', Principal: { Federated: federated }, Action: action, ...extra });
const trust = (...statements: Record<string, unknown>[]) => ({ Version: '2012-10-17', Statement: statements });
const metadata = (key: 'idp' | 'other', entityId: string) => idpMetadataXml(entityId, idpKey(key).certificatePem, 'https://idp.example.test/sso');

const seed = () => ({
  samlProviders: [
    { name: 'ExampleIdP', metadataDocument: metadata('idp', ENTITY_ID) },
    { name: 'OtherIdP', metadataDocument: metadata('other', 'https://other-idp.example.test/') },
    { name: 'EncryptedIdP', metadataDocument: metadata('idp', ENTITY_ID) },
  ],
  roles: [
    {
      name: 'SSOAdmin',
      trustPolicy: trust(statement({ Condition: AUD })),
      inlinePolicies: {
        // Later requests of the session still see saml:sub / saml:namequalifier and aws:FederatedProvider.
        read: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'saml:sub': 'alice@example.test', 'saml:namequalifier': NAME_QUALIFIER, 'aws:FederatedProvider': PROVIDER_ARN } } }] },
      },
    },
    { name: 'SSOLong', maxSessionDuration: 43200, trustPolicy: trust(statement({ Condition: AUD })) },
    { name: 'TransientOnly', trustPolicy: trust(statement({ Condition: { StringEquals: { 'saml:sub_type': 'transient' } } })) },
    { name: 'Staff', trustPolicy: trust(statement({ Condition: { 'ForAnyValue:StringEquals': { 'saml:edupersonaffiliation': 'staff' } } })) },
    { name: 'AliceOnly', trustPolicy: trust(statement({ Condition: { StringEquals: { 'saml:sub': 'alice@example.test', 'saml:namequalifier': NAME_QUALIFIER } } })) },
    { name: 'IssDoc', trustPolicy: trust(statement({ Condition: { StringEquals: { 'saml:iss': ENTITY_ID, 'saml:doc': `${ACCOUNT}/ExampleIdP` } } })) },
    { name: 'OtherTrust', trustPolicy: trust(statement({}, 'sts:AssumeRoleWithSAML', OTHER)) },
    { name: 'AssumeRoleOnly', trustPolicy: trust(statement({}, 'sts:AssumeRole')) },
    { name: 'SessionNamed', trustPolicy: trust(statement({ Condition: { StringLike: { 'sts:RoleSessionName': 'ci-*' } } })) },
    { name: 'Tagging', trustPolicy: trust(statement({ Condition: AUD }, ['sts:AssumeRoleWithSAML', 'sts:TagSession', 'sts:SetSourceIdentity'])) },
    { name: 'EncryptedOnly', trustPolicy: trust(statement({}, 'sts:AssumeRoleWithSAML', ENCRYPTED)) },
  ],
});

interface Case {
  name: string;
  role?: string;
  roleArn?: string;
  principalArn?: string;
  mint: MintSpec & { roleSessionName?: string | null };
  params?: Record<string, string>;
  nowOffset?: number;
  ok?: { expiresIn?: number; subject?: string; subjectType?: string; nameQualifier?: string; sessionName?: string; sourceIdentity?: string; tags?: { Key: string; Value: string }[]; transitive?: string[]; packed?: boolean };
  error?: { status: number; code: string; message: string };
  errorCode?: string;
}

async function setUp(): Promise<Pipeline> {
  const p = await pipeline(seed(), T0);
  p.store.samlProviders.update(ENCRYPTED, { assertionEncryptionMode: 'Required', privateKeys: [{ keyId: 'KEYIDKEYIDKEYIDKEYIDKEYID', pem: spKey('sp'), timestamp: T0.toISOString() }] });
  return p;
}

function send(p: Pipeline, c: Case) {
  p.clock.set(new Date(T0.getTime() + (c.nowOffset ?? 60) * 1000));
  const roleArn = c.roleArn ?? `arn:aws:iam::${ACCOUNT}:role/${c.role}`;
  const minted = mint({ roles: [{ roleArn, providerArn: c.principalArn ?? PROVIDER_ARN }], ...c.mint } as MintSpec);
  return p.unsigned({ Action: 'AssumeRoleWithSAML', Version: '2011-06-15', RoleArn: roleArn, PrincipalArn: c.principalArn ?? PROVIDER_ARN, SAMLAssertion: minted.samlResponse, ...c.params });
}

describe('AssumeRoleWithSAML (fixture table)', () => {
  for (const c of (fixtures as { cases: Case[] }).cases) {
    it(c.name, async () => {
      const p = await setUp();
      const res = await send(p, c);
      if (c.error || c.errorCode) {
        if (c.error) expect({ status: res.status, ...res.error }).toEqual(c.error);
        else expect(res.error.code, res.body).toBe(c.errorCode);
        // Nothing was issued.
        expect(p.store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM sessions')!.n).toBe(0);
        return;
      }
      expect(res.status, res.body).toBe(200);
      const session = p.store.sessions.get(res.tag('AccessKeyId')!)!;
      const sessionName = c.ok?.sessionName ?? (c.mint.roleSessionName as string | undefined) ?? 'alice@example.test';
      expect(session).toMatchObject({ via: 'AssumeRoleWithSAML', kind: 'assumed-role', federatedProvider: c.principalArn ?? PROVIDER_ARN, sessionName });
      expect(res.tag('Arn')).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/${c.role}/${sessionName}`);
      expect(res.tag('Issuer')).toBe(ENTITY_ID);
      expect(res.tag('Audience')).toBe('https://signin.aws.amazon.com/saml');
      expect(res.tag('Subject')).toBe(c.ok?.subject ?? c.mint.subject ?? 'alice@example.test');
      if (c.ok?.subjectType) expect(res.tag('SubjectType')).toBe(c.ok.subjectType);
      if (c.ok?.nameQualifier) expect(res.tag('NameQualifier')).toBe(c.ok.nameQualifier);
      if (c.ok?.expiresIn) expect(Date.parse(res.tag('Expiration')!) - p.clock.now().getTime()).toBe(c.ok.expiresIn * 1000);
      expect(res.tag('PackedPolicySize') !== undefined).toBe(c.ok?.packed === true);
      if (c.ok?.tags) expect(session.tags).toEqual(c.ok.tags);
      if (c.ok?.transitive) expect(session.transitiveTagKeys).toEqual(c.ok.transitive);
      if (c.ok?.sourceIdentity) {
        expect(res.tag('SourceIdentity')).toBe(c.ok.sourceIdentity);
        expect(session.sourceIdentity).toBe(c.ok.sourceIdentity);
      }
    });
  }
});

describe('the SAML session afterwards', () => {
  it('GetCallerIdentity shows the assumed role; saml:sub, saml:namequalifier and aws:FederatedProvider reach later requests; it expires by the server clock', async () => {
    const p = await setUp();
    const res = await send(p, { name: 'x', role: 'SSOAdmin', mint: {} });
    expect(res.status, res.body).toBe(200);
    const creds = { accessKeyId: res.tag('AccessKeyId')!, secretAccessKey: res.tag('SecretAccessKey')!, sessionToken: res.tag('SessionToken')! };
    const who = await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, creds);
    expect(who.tag('Arn')).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/SSOAdmin/alice@example.test`);
    const role = await p.signed({ Action: 'GetRole', Version: '2010-05-08', RoleName: 'SSOAdmin' }, creds, 'iam');
    expect(role.status, role.body).toBe(200);
    p.clock.advance(3600_000);
    const expired = await p.signed({ Action: 'GetCallerIdentity', Version: '2011-06-15' }, creds);
    expect({ status: expired.status, ...expired.error }).toEqual({ status: 403, code: 'ExpiredToken', message: 'The security token included in the request is expired' });
  });

  it('the same response can be presented again while valid (AWS does not track assertion ids) ⚠', async () => {
    const p = await setUp();
    const minted = mint();
    const params = { Action: 'AssumeRoleWithSAML', Version: '2011-06-15', RoleArn: `arn:aws:iam::${ACCOUNT}:role/SSOAdmin`, PrincipalArn: PROVIDER_ARN, SAMLAssertion: minted.samlResponse };
    expect((await p.unsigned(params)).status).toBe(200);
    expect((await p.unsigned(params)).status).toBe(200);
  });

  it('an unsigned call ignores any Authorization header; a denial carries an authorization message', async () => {
    const p = await setUp();
    p.clock.set(new Date(T0.getTime() + 60_000));
    const ok = await p.signed({ Action: 'AssumeRoleWithSAML', Version: '2011-06-15', RoleArn: `arn:aws:iam::${ACCOUNT}:role/SSOAdmin`, PrincipalArn: PROVIDER_ARN, SAMLAssertion: mint().samlResponse }, { accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' });
    expect(ok.status, ok.body).toBe(200);
    const denied = await send(p, { name: 'x', role: 'AliceOnly', mint: { subject: 'bob@example.test' } });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('x-amzn-authorization-message')).toMatch(/^[A-Za-z0-9_-]+$/);
  });
});
