// The EC2 API subset (issue 14) with real clients — boto3 and the AWS CLI v1 — against a real server:
// instance profile associations and metadata options change what IMDS delivers, each call authorized
// as ec2:… (and iam:PassRole for the profile's role), answered in EC2's own Query envelope and errors.
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';
import { awsCli } from '../helpers/aws-cli';

const run = promisify(execFile);
const V = '2012-10-17';
const EC2_TRUST = { Version: V, Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const BARE = 'i-0123456789abcdef0';
const OPS = { access_key: 'AKIAOPSOPSOPSOPS0001', secret_key: 'ops-secret' };
const NOPASS = { access_key: 'AKIANOPASSNOPASS0001', secret_key: 'nopass-secret' };

const SEED = {
  roles: [
    { name: 'web-server', trustPolicy: EC2_TRUST },
    { name: 'batch', trustPolicy: EC2_TRUST },
  ],
  users: [
    {
      name: 'ops',
      accessKeys: [{ accessKeyId: OPS.access_key, secretAccessKey: OPS.secret_key }],
      inlinePolicies: {
        ec2: {
          Version: V,
          Statement: [
            { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
            { Effect: 'Allow', Action: 'iam:PassRole', Resource: 'arn:aws:iam::000000000000:role/*', Condition: { StringEquals: { 'iam:PassedToService': 'ec2.amazonaws.com' } } },
          ],
        },
      },
    },
    {
      name: 'no-pass',
      accessKeys: [{ accessKeyId: NOPASS.access_key, secretAccessKey: NOPASS.secret_key }],
      inlinePolicies: {
        ec2: {
          Version: V,
          Statement: [
            { Effect: 'Allow', Action: 'ec2:*', Resource: '*' },
            // Only instances that already require IMDSv2 may be modified; instances of team web never.
            { Effect: 'Deny', Action: 'ec2:ModifyInstanceMetadataOptions', Resource: '*', Condition: { StringNotEquals: { 'ec2:MetadataHttpTokens': 'required' } } },
            { Effect: 'Deny', Action: 'ec2:DisassociateIamInstanceProfile', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'web' } } },
            // The batch profile may never be attached by this user.
            { Effect: 'Deny', Action: 'ec2:ReplaceIamInstanceProfileAssociation', Resource: '*', Condition: { ArnLike: { 'ec2:NewInstanceProfile': 'arn:aws:iam::*:instance-profile/batch' } } },
          ],
        },
      },
    },
  ],
  instances: [
    { id: BARE, httpTokens: 'optional', imdsPort: 0, tags: { team: 'web' } },
    // These two only make the instance profiles web-server and batch (holding their roles).
    { id: 'i-0000000000000aaa1', role: 'web-server' },
    { id: 'i-0000000000000bbb2', role: 'batch', region: 'eu-west-1' },
  ],
};

let iam: IamLocal;
let imdsBase: string;
let home: string;
beforeAll(async () => {
  iam = await startIamLocal({ seed: SEED });
  imdsBase = (await admin<{ imdsEndpoint: string }>(iam.endpoint, 'GET', `/_iamlocal/instances/${BARE}`)).json.imdsEndpoint;
  home = mkdtempSync(join(tmpdir(), 'iamlocal-ec2-'));
});
afterAll(async () => {
  await iam?.stop();
});

type Result = { ok?: any; code?: string; message?: string; status?: number };
async function ec2(creds: typeof OPS, calls: { op: string; params?: Record<string, unknown> }[], region = 'us-east-1'): Promise<Result[]> {
  const { stdout } = await run('python3', [join(__dirname, 'ec2_calls.py'), JSON.stringify({ endpoint: iam.endpoint, region, creds, calls })], {
    env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' },
    encoding: 'utf8',
  });
  return JSON.parse(stdout) as Result[];
}

async function imds(path: string) {
  const r = await fetch(new URL(path, imdsBase));
  return { status: r.status, body: await r.text() };
}

describe('instance profile associations (boto3)', () => {
  it('associate → IMDS delivers the role → replace → disassociate', async () => {
    expect((await imds('/latest/meta-data/iam/security-credentials/')).status).toBe(404);
    const [assoc, again, described] = await ec2(OPS, [
      { op: 'associate_iam_instance_profile', params: { InstanceId: BARE, IamInstanceProfile: { Name: 'web-server' } } },
      { op: 'associate_iam_instance_profile', params: { InstanceId: BARE, IamInstanceProfile: { Name: 'web-server' } } },
      { op: 'describe_iam_instance_profile_associations', params: { Filters: [{ Name: 'instance-id', Values: [BARE] }] } },
    ]);
    const a = assoc!.ok.IamInstanceProfileAssociation;
    expect(a).toMatchObject({ InstanceId: BARE, State: 'associating', IamInstanceProfile: { Arn: 'arn:aws:iam::000000000000:instance-profile/web-server' } });
    expect(a.AssociationId).toMatch(/^iip-assoc-[0-9a-f]{17}$/);
    expect(a.IamInstanceProfile.Id).toMatch(/^AIPA/);
    expect(again).toMatchObject({ code: 'IncorrectState', status: 400, message: `There is an existing association for instance ${BARE}` });
    expect(described!.ok.IamInstanceProfileAssociations).toEqual([{ ...a, State: 'associated' }]);

    expect((await imds('/latest/meta-data/iam/security-credentials/')).body).toBe('web-server');
    const creds = JSON.parse((await imds('/latest/meta-data/iam/security-credentials/web-server')).body);
    const sts = new STSClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: { accessKeyId: creds.AccessKeyId, secretAccessKey: creds.SecretAccessKey, sessionToken: creds.Token } });
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:sts::000000000000:assumed-role/web-server/${BARE}`);

    const [replaced] = await ec2(OPS, [{ op: 'replace_iam_instance_profile_association', params: { AssociationId: a.AssociationId, IamInstanceProfile: { Arn: 'arn:aws:iam::000000000000:instance-profile/batch' } } }]);
    const r = replaced!.ok.IamInstanceProfileAssociation;
    expect(r.AssociationId).not.toBe(a.AssociationId);
    expect(r.IamInstanceProfile.Arn).toBe('arn:aws:iam::000000000000:instance-profile/batch');
    expect((await imds('/latest/meta-data/iam/security-credentials/')).body).toBe('batch');

    const [gone, stale] = await ec2(OPS, [
      { op: 'disassociate_iam_instance_profile', params: { AssociationId: r.AssociationId } },
      { op: 'disassociate_iam_instance_profile', params: { AssociationId: a.AssociationId } },
    ]);
    expect(gone!.ok.IamInstanceProfileAssociation).toMatchObject({ State: 'disassociating', InstanceId: BARE });
    expect(stale).toMatchObject({ code: 'InvalidAssociationID.NotFound', message: `The association ID '${a.AssociationId}' does not exist` });
    expect((await imds('/latest/meta-data/iam/security-credentials/')).status).toBe(404);
  });

  it('EC2 errors: unknown or malformed instance, unknown profile, DryRun, another region', async () => {
    const [unknown, malformed, badProfile, dry, otherRegion] = await ec2(OPS, [
      { op: 'associate_iam_instance_profile', params: { InstanceId: 'i-0fffffffffffffff0', IamInstanceProfile: { Name: 'web-server' } } },
      { op: 'associate_iam_instance_profile', params: { InstanceId: 'web-1', IamInstanceProfile: { Name: 'web-server' } } },
      { op: 'associate_iam_instance_profile', params: { InstanceId: BARE, IamInstanceProfile: { Name: 'nope' } } },
      { op: 'modify_instance_metadata_options', params: { InstanceId: BARE, HttpTokens: 'required', DryRun: true } },
      { op: 'describe_instances', params: { InstanceIds: [BARE] } },
    ], 'us-east-1');
    expect(unknown).toMatchObject({ code: 'InvalidInstanceID.NotFound', status: 400, message: "The instance ID 'i-0fffffffffffffff0' does not exist" });
    expect(malformed).toMatchObject({ code: 'InvalidInstanceID.Malformed', message: 'Invalid id: "web-1"' });
    expect(badProfile).toMatchObject({ code: 'InvalidParameterValue', message: 'Value (nope) for parameter iamInstanceProfile.name is invalid. Invalid IAM Instance Profile name' });
    expect(dry).toMatchObject({ code: 'DryRunOperation', status: 412 });
    expect(otherRegion!.ok.Reservations[0].Instances[0]).toMatchObject({ InstanceId: BARE, Tags: [{ Key: 'team', Value: 'web' }], MetadataOptions: { HttpTokens: 'optional', HttpEndpoint: 'enabled' } });
    const [eu] = await ec2(OPS, [{ op: 'describe_instances', params: { InstanceIds: [BARE] } }], 'eu-west-1');
    expect(eu).toMatchObject({ code: 'InvalidInstanceID.NotFound' });
  });

  it('authorization: iam:PassRole for the profile role, and ec2:MetadataHttpTokens of the instance', async () => {
    const [denied, modifyDenied, described] = await ec2(NOPASS, [
      { op: 'associate_iam_instance_profile', params: { InstanceId: BARE, IamInstanceProfile: { Name: 'web-server' } } },
      { op: 'modify_instance_metadata_options', params: { InstanceId: BARE, HttpTokens: 'required' } },
      { op: 'describe_iam_instance_profile_associations', params: { Filters: [{ Name: 'instance-id', Values: ['i-0000000000000aaa1'] }] } },
    ]);
    // aws:ResourceTag/team of the instance: the seeded web-server instance is untagged, BARE is team=web.
    const id = described!.ok.IamInstanceProfileAssociations[0].AssociationId;
    const [ok] = await ec2(OPS, [{ op: 'associate_iam_instance_profile', params: { InstanceId: BARE, IamInstanceProfile: { Name: 'web-server' } } }]);
    const [tagDenied] = await ec2(NOPASS, [{ op: 'disassociate_iam_instance_profile', params: { AssociationId: ok!.ok.IamInstanceProfileAssociation.AssociationId } }]);
    expect(tagDenied).toMatchObject({ code: 'UnauthorizedOperation' });
    expect(tagDenied!.message).toContain('ec2:DisassociateIamInstanceProfile on resource: arn:aws:ec2:us-east-1:000000000000:instance/i-0123456789abcdef0 with an explicit deny');
    const [newProfileDenied] = await ec2(NOPASS, [{ op: 'replace_iam_instance_profile_association', params: { AssociationId: ok!.ok.IamInstanceProfileAssociation.AssociationId, IamInstanceProfile: { Name: 'batch' } } }]);
    expect(newProfileDenied).toMatchObject({ code: 'UnauthorizedOperation' });
    expect(newProfileDenied!.message).toContain('ec2:ReplaceIamInstanceProfileAssociation on resource: arn:aws:ec2:us-east-1:000000000000:instance/i-0123456789abcdef0 with an explicit deny');
    expect(id).toMatch(/^iip-assoc-/);
    expect(denied).toMatchObject({ code: 'UnauthorizedOperation', status: 403 });
    expect(denied!.message).toMatch(/^You are not authorized to perform this operation\. User: arn:aws:iam::000000000000:user\/no-pass is not authorized to perform: iam:PassRole on resource: arn:aws:iam::000000000000:role\/web-server/);
    expect(denied!.message).toContain('Encoded authorization failure message: ');
    expect(modifyDenied).toMatchObject({ code: 'UnauthorizedOperation' });
    expect(modifyDenied!.message).toContain('ec2:ModifyInstanceMetadataOptions on resource: arn:aws:ec2:us-east-1:000000000000:instance/i-0123456789abcdef0 with an explicit deny');
  });
});

describe('metadata options (AWS CLI v1)', () => {
  it('ModifyInstanceMetadataOptions HttpTokens=required turns IMDSv1 off', async () => {
    expect((await imds('/latest/meta-data/instance-id')).status).toBe(200);
    const target = { endpoint: iam.endpoint, home, region: 'us-east-1', services: ['EC2'] as const };
    const r = await awsCli(target, { accessKeyId: OPS.access_key, secretAccessKey: OPS.secret_key }, ['ec2', 'modify-instance-metadata-options', '--instance-id', BARE, '--http-tokens', 'required', '--http-put-response-hop-limit', '2']);
    expect(r.ok).toBe(true);
    expect(JSON.parse(r.out)).toMatchObject({ InstanceId: BARE, InstanceMetadataOptions: { State: 'pending', HttpTokens: 'required', HttpPutResponseHopLimit: 2, HttpEndpoint: 'enabled' } });
    expect((await imds('/latest/meta-data/instance-id')).status).toBe(401);
    const bad = await awsCli(target, { accessKeyId: OPS.access_key, secretAccessKey: OPS.secret_key }, ['ec2', 'modify-instance-metadata-options', '--instance-id', BARE, '--http-put-response-hop-limit', '65']);
    expect(bad.ok).toBe(false);
    expect(bad.out).toContain('InvalidParameterValue');
    const d = await awsCli(target, { accessKeyId: OPS.access_key, secretAccessKey: OPS.secret_key }, ['ec2', 'describe-iam-instance-profile-associations']);
    expect(JSON.parse(d.out).IamInstanceProfileAssociations.map((x: { InstanceId: string }) => x.InstanceId)).toEqual(expect.arrayContaining(['i-0000000000000aaa1']));
  });
});
