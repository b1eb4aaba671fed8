// e2e with boto3 (python3) against a real iamlocal: the acceptance flow of issue 2.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed } from '../helpers/e2e-seed';

let iam: IamLocal;
beforeAll(async () => {
  iam = await startIamLocal({ seed: e2eSeed });
});
afterAll(async () => {
  await iam?.stop();
});

describe('boto3', () => {
  it('create role → assume → caller identity, and AWS errors', async () => {
    const home = mkdtempSync(join(tmpdir(), 'iamlocal-boto3-'));
    // Asynchronous on purpose: the server runs in this process and must keep answering.
    const { stdout: text } = await promisify(execFile)('python3', [join(__dirname, 'boto3_flow.py'), iam.endpoint, DEV.accessKeyId, DEV.secretAccessKey], {
      env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
      encoding: 'utf8',
    });
    const out = JSON.parse(text);
    expect(out.trust_is_dict).toBe(true);
    expect(out.get_role).toEqual({ Arn: 'arn:aws:iam::000000000000:role/py/boto3-app', MaxSessionDuration: 3600, RoleLastUsed: {} });
    expect(out.assumed_arn).toBe('arn:aws:sts::000000000000:assumed-role/boto3-app/py-session');
    expect(out.assumed_user_id_ok).toBe(true);
    expect(out.denied).toEqual({
      code: 'AccessDenied',
      status: 403,
      message: 'User: arn:aws:iam::000000000000:user/dev is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/boto3-lambda-only',
    });
    expect(out.wrong_secret).toMatchObject({ code: 'SignatureDoesNotMatch', status: 403 });
    expect(out.unknown_key).toEqual({ code: 'InvalidClientTokenId', status: 403, message: 'The security token included in the request is invalid' });
    expect(out.bad_session_name).toEqual({
      code: 'ValidationError',
      status: 400,
      message: "1 validation error detected: Value 'bad:name' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]*",
    });
    expect(out.too_long).toEqual({ code: 'ValidationError', status: 400, message: 'The requested DurationSeconds exceeds the MaxSessionDuration set for this role.' });
    expect(out.malformed).toMatchObject({ code: 'MalformedPolicyDocument', status: 400 });
    expect(out.listed).toEqual(['boto3-app']);
  });
});
