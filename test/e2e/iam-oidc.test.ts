// e2e: the IAM OIDC provider lifecycle through the AWS CLI (create → get → list → client ids →
// thumbprints → tags → delete) and SDK v3, with AWS's errors. Nothing is fetched from the issuer.
import { CreateOpenIDConnectProviderCommand, GetOpenIDConnectProviderCommand, IAMClient, ListOpenIDConnectProviderTagsCommand } from '@aws-sdk/client-iam';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed } from '../helpers/e2e-seed';
import { awsCli, type CliResult } from '../helpers/aws-cli';

type Creds = { accessKeyId: string; secretAccessKey: string };
let iam: IamLocal;
let home: string;

beforeAll(async () => {
  iam = await startIamLocal({ seed: e2eSeed });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-oidc-cli-'));
});
afterAll(async () => {
  await iam?.stop();
});

async function aws(creds: Creds, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint: iam.endpoint, home, region: 'us-east-1', services: ['IAM'] }, creds, args);
}
const json = (r: { ok: boolean; out: string }) => {
  expect(r.ok, r.out).toBe(true);
  return r.out.trim() ? JSON.parse(r.out) : {};
};

const URL_ = 'https://token.actions.githubusercontent.com';
const ARN = 'arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com';
const TP1 = '6938fd4d98bab03faadb97b34396831e3780aea1';
const TP2 = '1c58a3a8518e8759bf075b76b750d4f2df264fcd';

describe('OIDC provider lifecycle (AWS CLI)', () => {
  it('create → get → list → add/remove client id → update thumbprints → tag → delete', async () => {
    const created = json(await aws(DEV, 'iam', 'create-open-id-connect-provider', '--url', URL_, '--client-id-list', 'sts.amazonaws.com', '--thumbprint-list', TP1, '--tags', 'Key=ci,Value=github'));
    expect(created).toEqual({ OpenIDConnectProviderArn: ARN, Tags: [{ Key: 'ci', Value: 'github' }] });

    const got = json(await aws(DEV, 'iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', ARN));
    expect(got).toMatchObject({ Url: 'token.actions.githubusercontent.com', ClientIDList: ['sts.amazonaws.com'], ThumbprintList: [TP1], Tags: [{ Key: 'ci', Value: 'github' }] });
    expect(typeof got.CreateDate).toBe('string');

    expect(json(await aws(DEV, 'iam', 'list-open-id-connect-providers')).OpenIDConnectProviderList).toEqual([{ Arn: ARN }]);

    json(await aws(DEV, 'iam', 'add-client-id-to-open-id-connect-provider', '--open-id-connect-provider-arn', ARN, '--client-id', 'my-app'));
    json(await aws(DEV, 'iam', 'remove-client-id-from-open-id-connect-provider', '--open-id-connect-provider-arn', ARN, '--client-id', 'sts.amazonaws.com'));
    json(await aws(DEV, 'iam', 'update-open-id-connect-provider-thumbprint', '--open-id-connect-provider-arn', ARN, '--thumbprint-list', TP1, TP2));
    json(await aws(DEV, 'iam', 'tag-open-id-connect-provider', '--open-id-connect-provider-arn', ARN, '--tags', 'Key=owner,Value=platform'));
    json(await aws(DEV, 'iam', 'untag-open-id-connect-provider', '--open-id-connect-provider-arn', ARN, '--tag-keys', 'ci'));
    expect(json(await aws(DEV, 'iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', ARN))).toMatchObject({
      ClientIDList: ['my-app'], ThumbprintList: [TP1, TP2], Tags: [{ Key: 'owner', Value: 'platform' }],
    });
    expect(json(await aws(DEV, 'iam', 'list-open-id-connect-provider-tags', '--open-id-connect-provider-arn', ARN)).Tags).toEqual([{ Key: 'owner', Value: 'platform' }]);

    const dup = await aws(DEV, 'iam', 'create-open-id-connect-provider', '--url', URL_, '--thumbprint-list', TP1);
    expect(dup.out).toContain(`An error occurred (EntityAlreadyExists) when calling the CreateOpenIDConnectProvider operation: Provider with url ${URL_} already exists.`);

    json(await aws(DEV, 'iam', 'delete-open-id-connect-provider', '--open-id-connect-provider-arn', ARN));
    expect(json(await aws(DEV, 'iam', 'list-open-id-connect-providers')).OpenIDConnectProviderList).toEqual([]);
    const gone = await aws(DEV, 'iam', 'get-open-id-connect-provider', '--open-id-connect-provider-arn', ARN);
    expect(gone.out).toContain(`An error occurred (NoSuchEntity) when calling the GetOpenIDConnectProvider operation: OpenIDConnect Provider not found for arn ${ARN}`);
  }, 120_000);

  it('http URLs and six thumbprints are refused with AWS’s errors', async () => {
    const http = await aws(DEV, 'iam', 'create-open-id-connect-provider', '--url', 'http://insecure.example.com');
    expect(http.out).toContain('An error occurred (ValidationError) when calling the CreateOpenIDConnectProvider operation: Invalid Open ID Connect Provider URL');
    const six = await aws(DEV, 'iam', 'create-open-id-connect-provider', '--url', 'https://six.example.com', '--thumbprint-list', ...Array.from({ length: 6 }, (_, i) => String(i).repeat(40)));
    expect(six.out).toContain('An error occurred (InvalidInput) when calling the CreateOpenIDConnectProvider operation: Thumbprint list must contain fewer than 5 entries.');
  }, 60_000);
});

describe('OIDC providers (SDK v3)', () => {
  it('create without thumbprints; Get returns empty lists as []', async () => {
    const c = new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: DEV, maxAttempts: 1 });
    const { OpenIDConnectProviderArn } = await c.send(new CreateOpenIDConnectProviderCommand({ Url: 'https://keycloak.example.com/realms/dev' }));
    expect(OpenIDConnectProviderArn).toBe('arn:aws:iam::000000000000:oidc-provider/keycloak.example.com/realms/dev');
    const got = await c.send(new GetOpenIDConnectProviderCommand({ OpenIDConnectProviderArn }));
    expect(got).toMatchObject({ Url: 'keycloak.example.com/realms/dev', ClientIDList: [], ThumbprintList: [], Tags: [] });
    expect((await c.send(new ListOpenIDConnectProviderTagsCommand({ OpenIDConnectProviderArn }))).Tags).toEqual([]);
  });
});
