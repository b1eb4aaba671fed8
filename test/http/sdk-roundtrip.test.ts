// The wire layer against the real clients: SDK v3, boto3 and the AWS CLI sign requests that
// verifySigV4 accepts, their bodies decode as expected, and they parse encodeSuccess/encodeError
// output into the values and errors AWS would give them. A tiny loopback server, no app wiring.
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsErrors } from '../../src/aws/errors';
import { parseSigV4, verifySigV4 } from '../../src/auth/sigv4';
import { encodeError, toAwsError } from '../../src/http/error-encode';
import { decodeForm, expandParams } from '../../src/http/query-decode';
import { requestPartsFromNode } from '../../src/http/request-parts';
import { encodeSuccess, IAM_NAMESPACE, STS_NAMESPACE } from '../../src/http/xml-encode';

const run = promisify(execFile);
const SECRETS: Record<string, string> = { AKIATESTKEY0000001: 'test-secret/with+chars', ASIATESTSESSION001: 'session-secret' };
const TOKEN = 'IQoJb3JpZ2luX2VjEXAMPLE+/=token';
let server: Server;
let endpoint: string;
const seen: Record<string, unknown>[] = [];
let reqCounter = 0;

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const requestId = `00000000-0000-4000-8000-${String(++reqCounter).padStart(12, '0')}`;
      const body = Buffer.concat(chunks);
      const parts = requestPartsFromNode(req, body);
      let ns = STS_NAMESPACE;
      try {
        const auth = parseSigV4(parts);
        if (!auth) throw awsErrors.missingAuthenticationToken();
        const service = auth.service === 'iam' ? 'iam' : 'sts';
        ns = service === 'iam' ? IAM_NAMESPACE : STS_NAMESPACE;
        const secret = SECRETS[auth.accessKeyId];
        if (!secret) throw awsErrors.invalidClientTokenId();
        if (auth.accessKeyId.startsWith('ASIA') && auth.securityToken !== TOKEN) throw awsErrors.invalidClientTokenId();
        verifySigV4(parts, auth, secret, new Date(), service);
        const params = expandParams(decodeForm(body.toString('utf8')));
        for (const [k, v] of decodeForm(parts.rawQuery)) if (!(k in params) && !k.startsWith('X-Amz-')) params[k] = v[0];
        seen.push(params);
        const action = String(params.Action);
        if (action === 'AssumeRole' && params.RoleSessionName === 'deny') throw awsErrors.accessDenied('User: x is not authorized');
        if (action === 'AssumeRole' && params.RoleSessionName === 'boom') throw new Error('bug');
        const result =
          action === 'GetCallerIdentity'
            ? { UserId: auth.accessKeyId, Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' }
            : action === 'AssumeRole'
              ? {
                  Credentials: { AccessKeyId: 'ASIAX', SecretAccessKey: 's & <t>', SessionToken: 'tok', Expiration: new Date('2026-11-29T19:10:08Z') },
                  AssumedRoleUser: { AssumedRoleId: 'AROAX:s', Arn: 'arn:aws:sts::000000000000:assumed-role/r/s' },
                  PackedPolicySize: 8,
                }
              : { Roles: [{ RoleName: 'r1', Path: '/', RoleId: 'AROA1', Arn: 'arn:aws:iam::000000000000:role/r1', CreateDate: new Date('2026-01-01T00:00:00Z') }], IsTruncated: false };
        res.writeHead(200, { 'content-type': 'text/xml', 'x-amzn-RequestId': requestId });
        res.end(encodeSuccess({ action, namespace: ns, result, requestId }));
      } catch (e) {
        const out = encodeError(toAwsError(e), requestId, ns);
        res.writeHead(out.status, out.headers);
        res.end(out.body);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const creds = { accessKeyId: 'AKIATESTKEY0000001', secretAccessKey: 'test-secret/with+chars' };
const sts = (c: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = creds) =>
  new STSClient({ endpoint, region: 'eu-west-1', credentials: c, maxAttempts: 1 });

describe('SDK v3', () => {
  it('GetCallerIdentity: signature verifies, XML parses, request id comes from the header', async () => {
    const out = await sts().send(new GetCallerIdentityCommand({}));
    expect(out).toMatchObject({ UserId: 'AKIATESTKEY0000001', Account: '000000000000', Arn: 'arn:aws:iam::000000000000:root' });
    expect(out.$metadata.requestId).toMatch(/^00000000-0000-4000-8000-/);
  });

  it('AssumeRole with session credentials, tags, policy ARNs and an empty list', async () => {
    const out = await sts({ accessKeyId: 'ASIATESTSESSION001', secretAccessKey: 'session-secret', sessionToken: TOKEN }).send(
      new AssumeRoleCommand({
        RoleArn: 'arn:aws:iam::000000000000:role/r',
        RoleSessionName: "s 1!'()*",
        PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
        Tags: [{ Key: 'k', Value: 'v w+x' }, { Key: 'e', Value: '' }],
        TransitiveTagKeys: [],
        Policy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}',
      }),
    );
    expect(out.Credentials?.SecretAccessKey).toBe('s & <t>');
    expect(out.Credentials?.Expiration?.toISOString()).toBe('2026-11-29T19:10:08.000Z');
    expect(out.PackedPolicySize).toBe(8);
    expect(seen.at(-1)).toMatchObject({
      RoleSessionName: "s 1!'()*",
      PolicyArns: [{ arn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
      Tags: [{ Key: 'k', Value: 'v w+x' }, { Key: 'e', Value: '' }],
      TransitiveTagKeys: '',
    });
  });

  it('IAM (service iam, any region) with list members and timestamps', async () => {
    const iam = new IAMClient({ endpoint, region: 'ap-southeast-2', credentials: creds, maxAttempts: 1 });
    const out = await iam.send(new ListRolesCommand({ PathPrefix: '/' }));
    expect(out.Roles?.[0]?.RoleName).toBe('r1');
    expect(out.Roles?.[0]?.CreateDate?.toISOString()).toBe('2026-01-01T00:00:00.000Z');
    expect(out.IsTruncated).toBe(false);
  });

  it('errors: code, message and HTTP status reach the SDK', async () => {
    const err = (await sts()
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 'deny' }))
      .catch((e) => e)) as { name: string; message: string; $metadata: { httpStatusCode: number }; Type?: string };
    expect([err.name, err.message, err.$metadata.httpStatusCode]).toEqual(['AccessDenied', 'User: x is not authorized', 403]);

    const bad = (await sts({ accessKeyId: 'AKIATESTKEY0000001', secretAccessKey: 'wrong' })
      .send(new GetCallerIdentityCommand({}))
      .catch((e) => e)) as { name: string; message: string };
    expect(bad.name).toBe('SignatureDoesNotMatch');
    expect(bad.message).toMatch(/^The request signature we calculated does not match/);

    const unknown = (await sts({ accessKeyId: 'AKIANOPE', secretAccessKey: 'x' })
      .send(new GetCallerIdentityCommand({}))
      .catch((e) => e)) as { name: string; message: string };
    expect([unknown.name, unknown.message]).toEqual(['InvalidClientTokenId', 'The security token included in the request is invalid']);

    const bug = (await sts()
      .send(new AssumeRoleCommand({ RoleArn: 'arn:aws:iam::000000000000:role/r', RoleSessionName: 'boom' }))
      .catch((e) => e)) as { name: string; $metadata: { httpStatusCode: number } };
    expect([bug.name, bug.$metadata.httpStatusCode]).toEqual(['ServiceFailure', 500]);
  });
});

const python = `
import boto3, json, sys, botocore
ep = sys.argv[1]
s = boto3.Session(aws_access_key_id='AKIATESTKEY0000001', aws_secret_access_key='test-secret/with+chars', region_name='us-west-2')
sts = s.client('sts', endpoint_url=ep, config=botocore.config.Config(retries={'max_attempts': 0}))
out = {'id': sts.get_caller_identity()}
r = sts.assume_role(RoleArn='arn:aws:iam::000000000000:role/r', RoleSessionName='s 1', Tags=[{'Key': 'k', 'Value': 'v w'}], TransitiveTagKeys=[])
out['exp'] = r['Credentials']['Expiration'].isoformat()
try:
    sts.assume_role(RoleArn='arn:aws:iam::000000000000:role/r', RoleSessionName='deny')
except botocore.exceptions.ClientError as e:
    out['err'] = [e.response['Error']['Code'], e.response['Error']['Message'], e.response['ResponseMetadata']['HTTPStatusCode'], e.response['ResponseMetadata']['RequestId'] != '']
url = sts.generate_presigned_url('get_caller_identity', Params={}, HttpMethod='GET', ExpiresIn=60)
out['url'] = url
print(json.dumps(out, default=str))
`;

function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: 'AKIATESTKEY0000001', AWS_SECRET_ACCESS_KEY: 'test-secret/with+chars' };
  for (const k of ['AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_DEFAULT_PROFILE', 'AWS_ENDPOINT_URL', 'AWS_ENDPOINT_URL_STS']) delete env[k];
  return env;
}

describe('boto3 and the AWS CLI', () => {
  it('boto3: header auth (no x-amz-content-sha256), + for spaces, errors, presigned GET', async () => {
    const { stdout } = await run('python3', ['-c', python, endpoint], { timeout: 60_000 });
    const out = JSON.parse(stdout);
    expect(out.id.Account).toBe('000000000000');
    expect(out.exp).toBe('2026-11-29T19:10:08+00:00');
    expect(out.err).toEqual(['AccessDenied', 'User: x is not authorized', 403, true]);
    expect(seen.find((p) => p.RoleSessionName === 's 1')).toMatchObject({ Tags: [{ Key: 'k', Value: 'v w' }] });
    // The presigned URL (what `aws eks get-token` builds) verifies when fetched.
    const res = await fetch(out.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Account>000000000000</Account>');
  }, 60_000);

  it('aws CLI v1: sts get-caller-identity', async () => {
    const { stdout } = await run('aws', ['sts', 'get-caller-identity', '--endpoint-url', endpoint, '--region', 'eu-central-1', '--output', 'json'], {
      timeout: 60_000,
      env: cliEnv(),
    });
    expect(JSON.parse(stdout).Arn).toBe('arn:aws:iam::000000000000:root');
  }, 60_000);
});

describe('raw HTTP: repeated headers reach SigV4 as a list', () => {
  it('x-dup sent twice verifies when signed as "a,b"', async () => {
    const { request } = await import('node:http');
    const { buildCanonicalRequest, buildStringToSign, computeSignature, sha256Hex, signingKey, toAmzDate } = await import(
      '../../src/auth/sigv4-canonical'
    );
    const body = 'Action=GetCallerIdentity&Version=2011-06-15';
    const now = new Date();
    const amzDate = toAmzDate(now);
    const host = new URL(endpoint).host;
    const headers = { host, 'x-amz-date': amzDate, 'x-dup': [' a ', 'b'] };
    const scope = `${amzDate.slice(0, 8)}/us-east-1/sts/aws4_request`;
    const creq = buildCanonicalRequest({ method: 'POST', path: '/', canonicalQuery: '', headers, signedHeaders: ['host', 'x-amz-date', 'x-dup'], payloadHash: sha256Hex(body) });
    const sig = computeSignature(signingKey(creds.secretAccessKey, amzDate.slice(0, 8), 'us-east-1', 'sts'), buildStringToSign(amzDate, scope, creq));
    const status = await new Promise<number>((resolve, reject) => {
      const r = request(
        `${endpoint}/`,
        {
          method: 'POST',
          headers: {
            ...headers,
            'content-type': 'application/x-www-form-urlencoded',
            authorization: `AWS4-HMAC-SHA256 Credential=${creds.accessKeyId}/${scope}, SignedHeaders=host;x-amz-date;x-dup, Signature=${sig}`,
          },
        },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      r.on('error', reject);
      r.end(body);
    });
    expect(status).toBe(200);
  });
});
