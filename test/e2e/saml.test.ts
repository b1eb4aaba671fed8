// SAML federation end to end against a real iamlocal on a real port: the mock IdP (seeded and created
// over the admin API), its metadata registered with the SDK's CreateSAMLProvider, responses minted by
// the admin endpoint and by `iamlocal mint-saml`, and AssumeRoleWithSAML from the AWS SDK for
// JavaScript v3 (then chained with fromTemporaryCredentials), the AWS CLI v1 and boto3 — each followed
// by GetCallerIdentity with the credentials it got — plus tampered responses refused over the wire.
import { CreateSAMLProviderCommand, GetSAMLProviderCommand, IAMClient, UpdateSAMLProviderCommand } from '@aws-sdk/client-iam';
import { AssumeRoleWithSAMLCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runMintSaml } from '../../src/cli-mint-saml';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin, ROOT } from '../helpers/admin-client';
import { awsCli } from '../helpers/aws-cli';
import { error as sdkError } from '../helpers/sdk-error';
import { FIXTURES } from '../saml/helpers';

const ACCOUNT = '000000000000';
const CORP = `arn:aws:iam::${ACCOUNT}:saml-provider/corp`;
const ROLE = `arn:aws:iam::${ACCOUNT}:role/SSODeveloper`;
const CHAINED = `arn:aws:iam::${ACCOUNT}:role/Deployer`;
const trust = (federated: string) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Federated: federated }, Action: ['sts:AssumeRoleWithSAML', 'sts:TagSession'], Condition: { StringEquals: { 'saml:aud': 'https://signin.aws.amazon.com/saml' } } }] });

let iam: IamLocal;
let dir: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'iamlocal-saml-'));
  iam = await startIamLocal({
    seed: {
      // A mock IdP with a fixed key; its IAM SAML provider is created under the same name.
      samlIdps: [{ name: 'corp', entityId: 'https://sso.corp.example/saml', privateKeyPem: readFileSync(join(FIXTURES, 'keys', 'idp.key'), 'utf8') }],
      roles: [
        { name: 'SSODeveloper', trustPolicy: trust(CORP), inlinePolicies: { chain: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: CHAINED }] } } },
        { name: 'OktaDeveloper', trustPolicy: trust(`arn:aws:iam::${ACCOUNT}:saml-provider/OktaProvider`) },
        { name: 'Deployer', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: ROLE }, Action: 'sts:AssumeRole' }] } },
      ],
    },
  });
});
afterAll(async () => {
  await iam?.stop();
});

const sts = (credentials = { accessKeyId: 'unused', secretAccessKey: 'unused' }) => new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

async function mint(idp: string, body: Record<string, unknown>): Promise<string> {
  const r = await admin<{ samlResponse: string }>(iam.endpoint, 'POST', `/_iamlocal/saml-idps/${idp}/responses`, body);
  expect(r.status, r.text).toBe(200);
  return r.json.samlResponse;
}

describe('mock IdP admin API', () => {
  it('the seeded IdP is listed with its IAM SAML provider; its metadata is what the provider holds', async () => {
    const got = await admin(iam.endpoint, 'GET', '/_iamlocal/saml-idps/corp');
    expect(got.status, got.text).toBe(200);
    expect(got.json).toMatchObject({ name: 'corp', accountId: ACCOUNT, entityId: 'https://sso.corp.example/saml', samlProviderArns: [CORP] });
    const meta = await admin(iam.endpoint, 'GET', '/_iamlocal/saml-idps/corp/metadata');
    expect(meta.text).toContain('entityID="https://sso.corp.example/saml"');
    const provider = await new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 }).send(new GetSAMLProviderCommand({ SAMLProviderArn: CORP }));
    expect(provider.SAMLMetadataDocument).toBe(meta.text);
    const unsigned = await admin(iam.endpoint, 'GET', '/_iamlocal/saml-idps', undefined, { accessKeyId: 'AKIANOBODY', secretAccessKey: 'x' });
    expect(unsigned.status).toBe(403);
  });

  it('an IdP created over the API, registered with the SDK’s CreateSAMLProvider, federates the SDK v3 client', async () => {
    const created = await admin(iam.endpoint, 'POST', '/_iamlocal/saml-idps', { name: 'okta', samlProvider: false });
    expect(created.status, created.text).toBe(201);
    expect(created.json.samlProviderArns).toEqual([]);
    const meta = await admin(iam.endpoint, 'GET', created.json.metadataPath);
    const client = new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
    const { SAMLProviderArn } = await client.send(new CreateSAMLProviderCommand({ Name: 'OktaProvider', SAMLMetadataDocument: meta.text }));
    expect(SAMLProviderArn).toBe(`arn:aws:iam::${ACCOUNT}:saml-provider/OktaProvider`);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`;
    const assertion = await mint('okta', { subject: 'dana@example.com', roles: [roleArn], principalTags: { team: 'web' } });
    const out = await sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: SAMLProviderArn, SAMLAssertion: assertion }));
    expect(out.AssumedRoleUser?.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/OktaDeveloper/dana@example.com`);
    expect(out.SubjectType).toBe('persistent');
    expect(out.PackedPolicySize).toBeGreaterThan(0);
  });
});

describe('encrypted assertions', () => {
  it('UpdateSAMLProvider AddPrivateKey + AssertionEncryptionMode Required: only encrypted responses are accepted', async () => {
    const client = new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: ROOT, maxAttempts: 1 });
    const arn = `arn:aws:iam::${ACCOUNT}:saml-provider/OktaProvider`;
    await client.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, AddPrivateKey: readFileSync(join(FIXTURES, 'keys', 'sp.key'), 'utf8') }));
    await client.send(new UpdateSAMLProviderCommand({ SAMLProviderArn: arn, AssertionEncryptionMode: 'Required' }));
    const got = await client.send(new GetSAMLProviderCommand({ SAMLProviderArn: arn }));
    expect(got.AssertionEncryptionMode).toBe('Required');
    expect(got.PrivateKeyList).toHaveLength(1);
    const roleArn = `arn:aws:iam::${ACCOUNT}:role/OktaDeveloper`;
    const encrypted = await mint('okta', { subject: 'erin@example.com', roles: [roleArn], encrypt: true });
    expect(Buffer.from(encrypted, 'base64').toString('utf8')).toContain('<saml:EncryptedAssertion');
    const out = await sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: arn, SAMLAssertion: encrypted }));
    expect(out.Subject).toBe('erin@example.com');
    const plain = await mint('okta', { subject: 'erin@example.com', roles: [roleArn] });
    expect(await sdkError(sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: roleArn, PrincipalArn: arn, SAMLAssertion: plain })))).toMatchObject({ name: 'InvalidIdentityTokenException', status: 400 });
  });
});

describe('AWS SDK for JavaScript v3', () => {
  it('AssumeRoleWithSAMLCommand → GetCallerIdentity, then fromTemporaryCredentials chains to another role', async () => {
    const assertion = await mint('corp', { subject: 'alice@corp.example', roles: [ROLE] });
    const out = await sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE, PrincipalArn: CORP, SAMLAssertion: assertion }));
    expect(out).toMatchObject({
      Subject: 'alice@corp.example',
      SubjectType: 'persistent',
      Issuer: 'https://sso.corp.example/saml',
      Audience: 'https://signin.aws.amazon.com/saml',
      AssumedRoleUser: { Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/SSODeveloper/alice@corp.example` },
    });
    expect(out.NameQualifier).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    const c = out.Credentials!;
    const samlCreds = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken! };
    const who = await sts(samlCreds).send(new GetCallerIdentityCommand({}));
    expect(who.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/SSODeveloper/alice@corp.example`);
    // The SAML session as the master credentials of the SDK's role-chaining provider.
    const chained = new STSClient({
      endpoint: iam.endpoint,
      region: 'us-east-1',
      maxAttempts: 1,
      credentials: fromTemporaryCredentials({ masterCredentials: samlCreds, params: { RoleArn: CHAINED, RoleSessionName: 'deploy' }, clientConfig: { endpoint: iam.endpoint, region: 'us-east-1' } }),
    });
    expect((await chained.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/Deployer/deploy`);
  });

  it('a tampered response, a response for another role and an expired one get AWS’s errors', async () => {
    const assertion = await mint('corp', { subject: 'alice@corp.example', roles: [ROLE] });
    const xml = Buffer.from(assertion, 'base64').toString('utf8');
    const tampered = Buffer.from(xml.replace('alice@corp.example</saml:NameID>', 'root@corp.example</saml:NameID>')).toString('base64');
    expect(await sdkError(sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE, PrincipalArn: CORP, SAMLAssertion: tampered })))).toMatchObject({ name: 'InvalidIdentityTokenException', message: 'Response signature invalid', status: 400 });
    const other = await mint('corp', { subject: 'alice@corp.example', roles: [CHAINED] });
    expect(await sdkError(sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE, PrincipalArn: CORP, SAMLAssertion: other })))).toMatchObject({ name: 'AccessDenied', message: 'Not authorized to perform sts:AssumeRoleWithSAML', status: 403 });
    const short = await mint('corp', { subject: 'alice@corp.example', roles: [ROLE], lifetimeSeconds: 1 });
    await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { advanceSeconds: 600 });
    try {
      expect(await sdkError(sts().send(new AssumeRoleWithSAMLCommand({ RoleArn: ROLE, PrincipalArn: CORP, SAMLAssertion: short })))).toMatchObject({ name: 'ExpiredTokenException', status: 400 });
    } finally {
      await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { reset: true });
    }
  });
});

describe('AWS CLI v1 and iamlocal mint-saml', () => {
  it('mint-saml writes a response; aws sts assume-role-with-saml takes it; get-caller-identity shows the role', async () => {
    const file = join(dir, 'corp.b64');
    const err: string[] = [];
    const io = { out: { write: (s: string) => void err.push(s) }, err: { write: (s: string) => void err.push(s) } } as unknown as Parameters<typeof runMintSaml>[1];
    const code = await runMintSaml(['--endpoint', iam.endpoint, '--idp', 'corp', '--subject', 'bob@corp.example', '--role', ROLE, '--session-name', 'bob', '--out', file], io);
    expect(code, err.join('')).toBe(0);
    const target = { endpoint: iam.endpoint, home: dir, region: 'us-east-1', services: ['STS'] as const };
    const assumed = await awsCli(target, { accessKeyId: 'unused', secretAccessKey: 'unused' }, ['sts', 'assume-role-with-saml', '--role-arn', ROLE, '--principal-arn', CORP, '--saml-assertion', `file://${file}`]);
    expect(assumed.ok, assumed.out).toBe(true);
    const res = JSON.parse(assumed.out);
    expect(res.AssumedRoleUser.Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/SSODeveloper/bob`);
    expect(res.Subject).toBe('bob@corp.example');
    const c = res.Credentials;
    const who = await awsCli(target, { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }, ['sts', 'get-caller-identity']);
    expect(JSON.parse(who.out).Arn).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/SSODeveloper/bob`);
    // A Response without any assertion, refused with AWS's text.
    writeFileSync(join(dir, 'junk.b64'), Buffer.from('<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"/>').toString('base64'));
    const bad = await awsCli(target, { accessKeyId: 'unused', secretAccessKey: 'unused' }, ['sts', 'assume-role-with-saml', '--role-arn', ROLE, '--principal-arn', CORP, '--saml-assertion', `file://${join(dir, 'junk.b64')}`]);
    expect(bad.ok).toBe(false);
    expect(bad.out).toContain('An error occurred (InvalidIdentityToken) when calling the AssumeRoleWithSAML operation: Response signature invalid');
  });
});

describe('boto3', () => {
  it('assume_role_with_saml → get_caller_identity; a tampered response is InvalidIdentityToken', async () => {
    const good = join(dir, 'boto3-good.b64');
    const bad = join(dir, 'boto3-bad.b64');
    const assertion = await mint('corp', { subject: 'carol@corp.example', roles: [ROLE], sign: 'response' });
    writeFileSync(good, assertion);
    writeFileSync(bad, Buffer.from(Buffer.from(assertion, 'base64').toString('utf8').replace('carol@corp.example</saml:NameID>', 'mallory@corp.example</saml:NameID>')).toString('base64'));
    // Asynchronous on purpose: the server runs in this process and must keep answering.
    const { stdout } = await promisify(execFile)('python3', [join(__dirname, 'saml_boto3.py'), iam.endpoint, ROLE, CORP, good, bad], {
      env: { PATH: process.env.PATH, HOME: dir, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      encoding: 'utf8',
    });
    const out = JSON.parse(stdout);
    expect(out.assumed).toBe(`arn:aws:sts::${ACCOUNT}:assumed-role/SSODeveloper/carol@corp.example`);
    expect(out.caller).toBe(out.assumed);
    expect(out.fields).toMatchObject({ Subject: 'carol@corp.example', SubjectType: 'persistent', Issuer: 'https://sso.corp.example/saml', Audience: 'https://signin.aws.amazon.com/saml' });
    expect(out.tampered).toEqual({ code: 'InvalidIdentityToken', message: 'Response signature invalid', status: 400 });
  });
});
