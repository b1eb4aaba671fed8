// IRSA end to end against the shipped seed (seed/10-irsa-payments.yaml): the real SDK credential providers —
// JS v3 fromTokenFile (environment only) and fromWebToken, botocore's web-identity provider (environment
// only, token file written by `iamlocal mint-token`) — get credentials for payments-api, and every bad
// token gets AWS's error and nothing else.
import { GetCallerIdentityCommand, AssumeRoleWithWebIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { fromTokenFile, fromWebToken } from '@aws-sdk/credential-providers';
import { execFile } from 'node:child_process';
import { createHmac, createPrivateKey, sign } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROOT_CREDENTIALS } from '../../src/config';
import { startIamLocal, type IamLocal } from '../../src/index';
import { MSG_NOT_VALIDATED } from '../../src/oidc/index';
import { admin, mintToken } from '../helpers/admin-client';

const SEED = fileURLToPath(new URL('../../seed/10-irsa-payments.yaml', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const PY = fileURLToPath(new URL('./irsa_boto3.py', import.meta.url));
const OTHER_KEY = readFileSync(fileURLToPath(new URL('../fixtures/oidc/keys/other-rsa.key', import.meta.url)), 'utf8');

const ROLE = 'arn:aws:iam::000000000000:role/payments-api';
const ISSUER_URL = 'oidc.eks.us-east-1.amazonaws.com/id/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D';
const PROVIDER = `arn:aws:iam::000000000000:oidc-provider/${ISSUER_URL}`;
const SUB = 'system:serviceaccount:payments:payments-api';
const run = promisify(execFile);

let iam: IamLocal;
let dir: string;
beforeAll(async () => {
  iam = await startIamLocal({ seed: SEED });
  dir = mkdtempSync(join(tmpdir(), 'iamlocal-irsa-'));
});
afterAll(async () => {
  await iam?.stop();
});

const good = () => mintToken(iam.endpoint, 'demo', { namespace: 'payments', serviceAccount: 'payments-api' });
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const parts = (t: string) => t.split('.').map((p, i) => (i < 2 ? JSON.parse(Buffer.from(p, 'base64url').toString('utf8')) : p));

/** The environment a webhook-mutated pod has, plus AWS_ENDPOINT_URL_STS — and nothing else. */
function podEnv(tokenFile: string): Record<string, string> {
  return {
    AWS_ROLE_ARN: ROLE,
    AWS_WEB_IDENTITY_TOKEN_FILE: tokenFile,
    AWS_ROLE_SESSION_NAME: 'pod-session',
    AWS_ENDPOINT_URL_STS: iam.endpoint,
    AWS_DEFAULT_REGION: 'us-east-1',
    AWS_REGION: 'us-east-1',
  };
}

function tokenFile(name: string, token: string): string {
  const f = join(dir, name);
  writeFileSync(f, token + '\n'); // the SDKs send the file verbatim, trailing newline included
  return f;
}

/** JS v3 fromTokenFile configured only by environment variables. */
async function viaTokenFile(token: string): Promise<{ arn: string } | { name: string; message: string }> {
  const saved = { ...process.env };
  Object.assign(process.env, podEnv(tokenFile(`js-${Math.random()}`, token)));
  try {
    const creds = await fromTokenFile()();
    const who = await new STSClient({ region: 'us-east-1', credentials: creds }).send(new GetCallerIdentityCommand({}));
    return { arn: who.Arn! };
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  } finally {
    for (const k of Object.keys(podEnv(''))) if (saved[k] === undefined) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

async function viaWebToken(token: string): Promise<{ arn: string } | { name: string; message: string }> {
  try {
    const creds = await fromWebToken({ roleArn: ROLE, webIdentityToken: token, roleSessionName: 'web-token', clientConfig: { endpoint: iam.endpoint, region: 'us-east-1' } })();
    const who = await new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: creds }).send(new GetCallerIdentityCommand({}));
    return { arn: who.Arn! };
  } catch (e) {
    return { name: (e as Error).name, message: (e as Error).message };
  }
}

async function viaBoto3(file: string): Promise<Record<string, unknown>> {
  const home = mkdtempSync(join(dir, 'home-'));
  const { stdout } = await run('python3', [PY], {
    env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null', ...podEnv(file) },
    encoding: 'utf8',
  });
  return JSON.parse(stdout);
}

describe('IRSA: the SDK web-identity providers get payments-api credentials', () => {
  it('JS v3 fromTokenFile from AWS_ROLE_ARN + AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ENDPOINT_URL_STS', async () => {
    expect(await viaTokenFile(await good())).toEqual({ arn: 'arn:aws:sts::000000000000:assumed-role/payments-api/pod-session' });
  });

  it('JS v3 fromWebToken', async () => {
    expect(await viaWebToken(await good())).toEqual({ arn: 'arn:aws:sts::000000000000:assumed-role/payments-api/web-token' });
  });

  it('botocore, environment only, with the token file written by `iamlocal mint-token`', async () => {
    const file = join(dir, 'cli-token');
    const { stderr } = await run('npx', ['tsx', CLI, 'mint-token', '--cluster', 'demo', '--namespace', 'payments', '--service-account', 'payments-api', '--out', file, '--endpoint', iam.endpoint], {
      env: { ...process.env, IAMLOCAL_ROOT_ACCESS_KEY_ID: ROOT_CREDENTIALS.accessKeyId, IAMLOCAL_ROOT_SECRET_ACCESS_KEY: ROOT_CREDENTIALS.secretAccessKey },
      encoding: 'utf8',
    });
    expect(stderr).toContain(`token written to ${file}`);
    const claims = parts(readFileSync(file, 'utf8'))[1];
    expect(claims).toMatchObject({ iss: `https://${ISSUER_URL}`, sub: SUB, aud: ['sts.amazonaws.com'] });
    const out = await viaBoto3(file);
    expect(out).toMatchObject({ method: 'assume-role-with-web-identity', arn: 'arn:aws:sts::000000000000:assumed-role/payments-api/pod-session', account: '000000000000' });
    expect(out.access_key).toMatch(/^ASIA[A-Z2-7]{16}$/);
  }, 60_000);

  it('the response carries Provider (ARN), Audience, SubjectFromWebIdentityToken and AssumedRoleUser', async () => {
    const sts = new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'unused', secretAccessKey: 'unused' } });
    const out = await sts.send(new AssumeRoleWithWebIdentityCommand({ RoleArn: ROLE, RoleSessionName: 'direct', WebIdentityToken: await good(), DurationSeconds: 900 }));
    expect(out.Provider).toBe(PROVIDER);
    expect(out.Audience).toBe('sts.amazonaws.com');
    expect(out.SubjectFromWebIdentityToken).toBe(SUB);
    expect(out.AssumedRoleUser?.Arn).toBe('arn:aws:sts::000000000000:assumed-role/payments-api/direct');
    expect(out.AssumedRoleUser?.AssumedRoleId).toMatch(/^AROA[A-Z2-7]{17}:direct$/);
    expect(out.PackedPolicySize).toBeUndefined();
    expect(out.Credentials!.Expiration!.getTime() - Date.now()).toBeGreaterThan(890_000);
  });
});

describe('IRSA: bad tokens get AWS’s error through every provider', () => {
  const forged = {
    async otherKey() {
      const [h, c] = parts(await good());
      const input = `${b64(h)}.${b64(c)}`;
      return `${input}.${sign('sha256', Buffer.from(input), createPrivateKey(OTHER_KEY)).toString('base64url')}`;
    },
    async algNone() {
      const [h, c] = parts(await good());
      return `${b64({ ...h, alg: 'none' })}.${b64(c)}.`;
    },
    async hs256FromPublicKey() {
      const [h, c] = parts(await good());
      const pub = await admin(iam.endpoint, 'GET', '/_iamlocal/clusters/demo/sa.pub');
      expect(pub.text).toContain('BEGIN PUBLIC KEY');
      const input = `${b64({ ...h, alg: 'HS256' })}.${b64(c)}`;
      return `${input}.${createHmac('sha256', pub.text).update(input).digest('base64url')}`;
    },
  };

  const cases: { name: string; token: () => Promise<string>; code: string; message: string | RegExp }[] = [
    {
      name: 'wrong sub (another service account)',
      token: () => mintToken(iam.endpoint, 'demo', { namespace: 'payments', serviceAccount: 'intruder' }),
      code: 'AccessDenied',
      message: 'Not authorized to perform sts:AssumeRoleWithWebIdentity',
    },
    {
      name: 'wrong aud',
      token: () => mintToken(iam.endpoint, 'demo', { namespace: 'payments', serviceAccount: 'payments-api', audience: 'vault' }),
      code: 'InvalidIdentityToken',
      message: 'Incorrect token audience',
    },
    { name: 'signed by another key', token: forged.otherKey, code: 'InvalidIdentityToken', message: MSG_NOT_VALIDATED },
    { name: 'alg none', token: forged.algNone, code: 'InvalidIdentityToken', message: MSG_NOT_VALIDATED },
    { name: 'HS256 keyed with the public key', token: forged.hs256FromPublicKey, code: 'InvalidIdentityToken', message: MSG_NOT_VALIDATED },
  ];

  for (const c of cases) {
    it(`${c.name} → ${c.code}`, async () => {
      const token = await c.token();
      // SDK v3 names a modeled error after its shape: code InvalidIdentityToken → InvalidIdentityTokenException.
      const expected = { name: c.code === 'InvalidIdentityToken' ? 'InvalidIdentityTokenException' : c.code, message: c.message };
      expect(await viaWebToken(token)).toEqual(expected);
      expect(await viaTokenFile(token)).toEqual(expected);
      expect(await viaBoto3(tokenFile(`py-${c.name.replace(/\W+/g, '-')}`, token))).toEqual({ code: c.code, message: c.message, status: c.code === 'AccessDenied' ? 403 : 400 });
    }, 60_000);
  }

  it('expired token (the admin test clock moves past exp + 5 min skew) → ExpiredTokenException', async () => {
    const token = await mintToken(iam.endpoint, 'demo', { namespace: 'payments', serviceAccount: 'payments-api', lifetimeSeconds: 600 });
    const exp = parts(token)[1].exp as number;
    // Within IAM's five minutes of skew past exp the token still works … (the clock is set relative to
    // exp, not advanced from "now", so a slow machine between minting and calling cannot push it over).
    const at = (s: number) => new Date(s * 1000).toISOString();
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { time: at(exp + 290) })).status).toBe(200);
    try {
      expect(await viaWebToken(token)).toEqual({ arn: 'arn:aws:sts::000000000000:assumed-role/payments-api/web-token' });
      // … and from then on it is expired, whichever provider sends it.
      expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { time: at(exp + 300) })).status).toBe(200);
      const from = Math.floor(iam.clock.now().getTime() / 1000);
      // AWS's text, with the server's current time (which keeps ticking while the clients run).
      const expectExpiredText = (text: string) => {
        const m = /^Token expired: current date\/time (\d+) must be before the expiration date\/time (\d+)$/.exec(text);
        expect(m, text).not.toBeNull();
        expect(Number(m![2])).toBe(exp);
        expect(Number(m![1])).toBeGreaterThanOrEqual(from);
        expect(Number(m![1])).toBeLessThanOrEqual(Math.floor(iam.clock.now().getTime() / 1000));
      };
      const js = await viaWebToken(token);
      expect(js).toMatchObject({ name: 'ExpiredTokenException' });
      expectExpiredText((js as { message: string }).message);
      expect(await viaTokenFile(token)).toMatchObject({ name: 'ExpiredTokenException' });
      const py = await viaBoto3(tokenFile('py-expired', token));
      expect(py).toMatchObject({ code: 'ExpiredTokenException', status: 400 });
      expectExpiredText(String(py.message));
    } finally {
      expect((await admin(iam.endpoint, 'POST', '/_iamlocal/clock', { reset: true })).status).toBe(200);
    }
  }, 60_000);
});
