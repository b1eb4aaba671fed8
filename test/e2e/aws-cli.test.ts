// e2e with the AWS CLI (v1, botocore) against a real iamlocal, configured only by environment:
// AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL_IAM, keys in env, no config files, a throwaway HOME.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed, trustAccount, trustLambdaOnly } from '../helpers/e2e-seed';
import { awsCli, type CliResult } from '../helpers/aws-cli';

let iam: IamLocal;
let home: string;
beforeAll(async () => {
  iam = await startIamLocal({ seed: e2eSeed });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-cli-'));
});
afterAll(async () => {
  await iam?.stop();
});

interface Creds {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Runs `aws …` asynchronously (the server lives in this process) and returns stdout, or the stderr of a failure. */
async function aws(creds: Creds, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint: iam.endpoint, home, region: 'us-west-2', services: ['STS', 'IAM'] }, creds, args);
}

describe('AWS CLI', () => {
  it('create role → assume → caller identity shows the assumed-role ARN', async () => {
    const created = await aws(DEV, 'iam', 'create-role', '--role-name', 'cli-app', '--assume-role-policy-document', trustAccount());
    expect(created.ok).toBe(true);
    expect(JSON.parse(created.out).Role.Arn).toBe('arn:aws:iam::000000000000:role/cli-app');

    const assumed = await aws(DEV, 'sts', 'assume-role', '--role-arn', 'arn:aws:iam::000000000000:role/cli-app', '--role-session-name', 'cli-session');
    expect(assumed.ok).toBe(true);
    const c = JSON.parse(assumed.out).Credentials;
    const who = await aws({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }, 'sts', 'get-caller-identity');
    expect(JSON.parse(who.out)).toMatchObject({ Account: '000000000000', Arn: 'arn:aws:sts::000000000000:assumed-role/cli-app/cli-session' });
  }, 60_000);

  it('trust policy not allowing the caller → AccessDenied', async () => {
    await aws(DEV, 'iam', 'create-role', '--role-name', 'cli-lambda-only', '--assume-role-policy-document', trustLambdaOnly);
    const r = await aws(DEV, 'sts', 'assume-role', '--role-arn', 'arn:aws:iam::000000000000:role/cli-lambda-only', '--role-session-name', 'x1');
    expect(r.ok).toBe(false);
    expect(r.out).toContain('An error occurred (AccessDenied) when calling the AssumeRole operation: User: arn:aws:iam::000000000000:user/dev is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/cli-lambda-only');
  }, 60_000);

  it('wrong secret → SignatureDoesNotMatch; unknown key → InvalidClientTokenId', async () => {
    const wrong = await aws({ accessKeyId: 'test', secretAccessKey: 'wrong' }, 'sts', 'get-caller-identity');
    expect(wrong.out).toContain('(SignatureDoesNotMatch)');
    const unknown = await aws({ accessKeyId: 'AKIAUNKNOWNUNKNOWN00', secretAccessKey: 'x' }, 'sts', 'get-caller-identity');
    expect(unknown.out).toContain('An error occurred (InvalidClientTokenId) when calling the GetCallerIdentity operation: The security token included in the request is invalid');
  }, 60_000);

  it('session past its expiry → ExpiredToken', async () => {
    const assumed = await aws(DEV, 'sts', 'assume-role', '--role-arn', 'arn:aws:iam::000000000000:role/cli-app', '--role-session-name', 'short', '--duration-seconds', '900');
    const c = JSON.parse(assumed.out).Credentials;
    iam.clock.advance(1000_000);
    try {
      const r = await aws({ accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken }, 'iam', 'list-roles');
      expect(r.out).toContain('An error occurred (ExpiredToken) when calling the ListRoles operation: The security token included in the request is expired');
    } finally {
      iam.clock.advance(-1000_000);
    }
  }, 60_000);
});
