// AssumeRole through the whole pipeline: sts:TagSession in the trust policy for session tags, session tags
// overriding role tags in aws:PrincipalTag, transitive tags carried through a chain, sts:ExternalId,
// session policies narrowing the role, PackedPolicyTooLarge, and the session expiring by the server clock.
import { describe, expect, it } from 'vitest';
import { pipeline, type Pipeline, type PipelineResponse } from '../helpers/pipeline';

const ALICE = { accessKeyId: 'AKIAARPIPEALICE00001', secretAccessKey: 'alice-secret-assume-role-pipeline-00001' };
const ROOT_TRUST = (actions: string[], condition?: Record<string, unknown>) => ({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: actions, ...(condition ? { Condition: condition } : {}) }],
});
const listRolesIf = (condition: Record<string, unknown>) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:ListRoles', 'iam:GetRole'], Resource: '*', Condition: condition }] });

const seed = {
  users: [{ name: 'alice', accessKeys: [ALICE], inlinePolicies: { assume: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }] } } }],
  roles: [
    { name: 'no-tags', trustPolicy: ROOT_TRUST(['sts:AssumeRole']) },
    {
      name: 'tagged',
      trustPolicy: ROOT_TRUST(['sts:AssumeRole', 'sts:TagSession']),
      tags: { team: 'red' },
      inlinePolicies: {
        abac: listRolesIf({ StringEquals: { 'aws:PrincipalTag/team': 'blue' } }),
        chain: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:TagSession'], Resource: '*' }] },
      },
    },
    { name: 'next', trustPolicy: ROOT_TRUST(['sts:AssumeRole', 'sts:TagSession']), inlinePolicies: { abac: listRolesIf({ StringEquals: { 'aws:PrincipalTag/project': 'apollo' } }) } },
    { name: 'external', trustPolicy: ROOT_TRUST(['sts:AssumeRole'], { StringEquals: { 'sts:ExternalId': 'ext-123' } }) },
    { name: 'broad', trustPolicy: ROOT_TRUST(['sts:AssumeRole']), inlinePolicies: { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] } } },
  ],
};

const arn = (name: string) => `arn:aws:iam::000000000000:role/${name}`;
const assume = (p: Pipeline, role: string, extra: Record<string, string> = {}, creds: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = ALICE) =>
  p.signed({ Action: 'AssumeRole', Version: '2011-06-15', RoleArn: arn(role), RoleSessionName: 'sess', ...extra }, creds);
const credsOf = (r: PipelineResponse) => ({ accessKeyId: r.tag('AccessKeyId')!, secretAccessKey: r.tag('SecretAccessKey')!, sessionToken: r.tag('SessionToken')! });
const outcome = (r: PipelineResponse) => ({ status: r.status, ...r.error });
const listRoles = (p: Pipeline, creds: ReturnType<typeof credsOf>) => p.signed({ Action: 'ListRoles', Version: '2010-05-08' }, creds, 'iam');

describe('AssumeRole through the pipeline', () => {
  it('session tags need sts:TagSession in the trust policy', async () => {
    const p = await pipeline(seed);
    expect(outcome(await assume(p, 'no-tags', { 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'blue' }))).toEqual({
      status: 403,
      code: 'AccessDenied',
      message: `User: arn:aws:iam::000000000000:user/alice is not authorized to perform: sts:TagSession on resource: ${arn('no-tags')}`,
    });
    expect((await assume(p, 'no-tags')).status).toBe(200);
  });

  it('a session tag overrides the role tag of the same key in aws:PrincipalTag', async () => {
    const p = await pipeline(seed);
    const plain = credsOf(await assume(p, 'tagged'));
    expect((await listRoles(p, plain)).status).toBe(403);
    const blue = await assume(p, 'tagged', { 'Tags.member.1.Key': 'Team', 'Tags.member.1.Value': 'blue' });
    expect(blue.status, blue.body).toBe(200);
    expect(blue.tag('PackedPolicySize')).toMatch(/^\d+$/);
    expect((await listRoles(p, credsOf(blue))).status).toBe(200);
  });

  it('transitive tags reach the next role in the chain and cannot be re-set there', async () => {
    const p = await pipeline(seed);
    const first = await assume(p, 'tagged', { 'Tags.member.1.Key': 'project', 'Tags.member.1.Value': 'apollo', 'TransitiveTagKeys.member.1': 'project' });
    expect(first.status, first.body).toBe(200);
    const second = await assume(p, 'next', {}, credsOf(first));
    expect(second.status, second.body).toBe(200);
    expect((await listRoles(p, credsOf(second))).status).toBe(200);
    expect(outcome(await assume(p, 'next', { 'Tags.member.1.Key': 'Project', 'Tags.member.1.Value': 'gemini' }, credsOf(first)))).toEqual({
      status: 400,
      code: 'InvalidParameterValue',
      message: "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.",
    });
  });

  it('sts:ExternalId: right, missing, wrong', async () => {
    const p = await pipeline(seed);
    expect((await assume(p, 'external', { ExternalId: 'ext-123' })).status).toBe(200);
    const denied = { status: 403, code: 'AccessDenied', message: `User: arn:aws:iam::000000000000:user/alice is not authorized to perform: sts:AssumeRole on resource: ${arn('external')}` };
    expect(outcome(await assume(p, 'external'))).toEqual(denied);
    expect(outcome(await assume(p, 'external', { ExternalId: 'ext-124' }))).toEqual(denied);
  });

  it('a session policy narrows the role; PolicyArns count too', async () => {
    const p = await pipeline(seed);
    const narrow = await assume(p, 'broad', { Policy: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }] }) });
    const creds = credsOf(narrow);
    expect((await p.signed({ Action: 'GetRole', Version: '2010-05-08', RoleName: 'broad' }, creds, 'iam')).status).toBe(200);
    expect(outcome(await listRoles(p, creds))).toMatchObject({ status: 403, message: expect.stringContaining('because no session policy allows the iam:ListRoles action') });
    const managed = await assume(p, 'broad', { 'PolicyArns.member.1.arn': 'arn:aws:iam::aws:policy/IAMReadOnlyAccess' });
    expect(managed.status, managed.body).toBe(200);
    expect(managed.tag('PackedPolicySize')).toMatch(/^\d+$/);
    // The AWS managed session policy is evaluated with its real document: it allows iam:List*, not iam:CreateRole.
    const managedCreds = credsOf(managed);
    expect((await listRoles(p, managedCreds)).status).toBe(200);
    expect(outcome(await p.signed({ Action: 'CreateRole', Version: '2010-05-08', RoleName: 'x', AssumeRolePolicyDocument: '{}' }, managedCreds, 'iam'))).toMatchObject({
      status: 403,
      message: expect.stringContaining('because no session policy allows the iam:CreateRole action'),
    });
  });

  it('a session policy too large once packed → PackedPolicyTooLarge', async () => {
    const p = await pipeline(seed);
    // Incompressible Sids: deflate cannot shrink them under the packed budget.
    let x = 0x9e3779b9;
    const noise = (n: number) =>
      Array.from({ length: n }, () => {
        x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
        return 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'[x % 62];
      }).join('');
    const statements = Array.from({ length: 8 }, () => ({ Sid: noise(600), Effect: 'Allow', Action: 'iam:GetRole', Resource: '*' }));
    const res = await assume(p, 'broad', { Policy: JSON.stringify({ Version: '2012-10-17', Statement: statements }) });
    expect(res.status).toBe(400);
    expect(res.error.code).toBe('PackedPolicyTooLarge');
    expect(res.error.message).toMatch(/^Packed policy consumes \d{3}% of allotted space, please use smaller policy\.$/);
  });

  it('the session stops working when the server clock passes its Expiration', async () => {
    const p = await pipeline(seed);
    const creds = credsOf(await assume(p, 'broad', { DurationSeconds: '900' }));
    expect((await listRoles(p, creds)).status).toBe(200);
    p.clock.advance(899_000);
    expect((await listRoles(p, creds)).status).toBe(200);
    p.clock.advance(1_000);
    expect(outcome(await listRoles(p, creds))).toEqual({ status: 403, code: 'ExpiredToken', message: 'The security token included in the request is expired' });
  });
});
