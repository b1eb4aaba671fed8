// e2e with the AWS CLI (v1) against a real iamlocal: the reference article's Access Analyzer commands,
// verbatim (create-analyzer, list-findings with the analyzer ARN, update-findings --status ARCHIVED
// --ids …), on the article's account 012345678901, with a role that trusts another account. Narrowing
// the trust policy resolves the finding at once.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { awsCli, type CliTarget } from '../helpers/aws-cli';

const ACCOUNT = '012345678901';
const OPS = { accessKeyId: 'AKIAE2EANALYZEROPS01', secretAccessKey: 'analyzer-ops-secret-key-for-e2e-tests-01' };
const ANALYZER_ARN = `arn:aws:access-analyzer:us-east-1:${ACCOUNT}:analyzer/my-account-analyzer`;

const trusting = (principal: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: principal }, Action: 'sts:AssumeRole' }] });

let iam: IamLocal;
let target: CliTarget;
beforeAll(async () => {
  iam = await startIamLocal({
    seed: {
      accounts: [{ id: ACCOUNT }],
      users: [
        {
          account: ACCOUNT,
          name: 'ops',
          accessKeys: [OPS],
          inlinePolicies: { ops: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'access-analyzer:*'], Resource: '*' }] } },
        },
      ],
      roles: [
        { account: ACCOUNT, name: 'MyRole', trustPolicy: JSON.parse(trusting('arn:aws:iam::999999999999:root')) },
        { account: ACCOUNT, name: 'InternalRole', trustPolicy: JSON.parse(trusting(`arn:aws:iam::${ACCOUNT}:root`)) },
      ],
    },
  });
  target = { endpoint: iam.endpoint, home: mkdtempSync(join(tmpdir(), 'iamlocal-aa-cli-')), region: 'us-east-1', services: ['IAM', 'STS', 'ACCESSANALYZER'] };
});
afterAll(async () => {
  await iam?.stop();
});

const cli = async (args: string[]) => {
  const r = await awsCli(target, OPS, args);
  if (!r.ok) throw new Error(`aws ${args.join(' ')}: ${r.out}`);
  return JSON.parse(r.out || '{}');
};

describe('aws accessanalyzer (the article, verbatim)', () => {
  it('create-analyzer → list-findings → update-findings --status ARCHIVED → trust narrowed → RESOLVED', async () => {
    const created = await cli(['accessanalyzer', 'create-analyzer', '--analyzer-name', 'my-account-analyzer', '--type', 'ACCOUNT']);
    expect(created).toEqual({ arn: ANALYZER_ARN });

    const listed = await cli(['accessanalyzer', 'list-findings', '--analyzer-arn', ANALYZER_ARN]);
    expect(listed.findings).toHaveLength(1);
    const [f] = listed.findings;
    expect(f).toMatchObject({
      principal: { AWS: 'arn:aws:iam::999999999999:root' },
      action: ['sts:AssumeRole'],
      resource: `arn:aws:iam::${ACCOUNT}:role/MyRole`,
      isPublic: false,
      resourceType: 'AWS::IAM::Role',
      condition: {},
      status: 'ACTIVE',
      resourceOwnerAccount: ACCOUNT,
    });
    expect(f.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Date(f.createdAt).toString()).not.toBe('Invalid Date');

    expect(await cli(['accessanalyzer', 'update-findings', '--analyzer-arn', ANALYZER_ARN, '--status', 'ARCHIVED', '--ids', f.id])).toEqual({});
    const archived = await cli(['accessanalyzer', 'get-finding', '--analyzer-arn', ANALYZER_ARN, '--id', f.id]);
    expect(archived.finding.status).toBe('ARCHIVED');

    // Narrow the trust to the account itself: the external access is gone and the finding resolves.
    await cli(['iam', 'update-assume-role-policy', '--role-name', 'MyRole', '--policy-document', trusting(`arn:aws:iam::${ACCOUNT}:root`)]);
    const after = await cli(['accessanalyzer', 'list-findings', '--analyzer-arn', ANALYZER_ARN]);
    expect(after.findings.map((x: { id: string; status: string }) => [x.id, x.status])).toEqual([[f.id, 'RESOLVED']]);

    // A new role trusting everyone is analyzed at once: a public finding.
    await cli(['iam', 'create-role', '--role-name', 'OpenRole', '--assume-role-policy-document', trusting('*')]);
    const active = await cli(['accessanalyzer', 'list-findings', '--analyzer-arn', ANALYZER_ARN, '--filter', '{"status": {"eq": ["ACTIVE"]}}']);
    expect(active.findings.map((x: { resource: string; isPublic: boolean }) => [x.resource, x.isPublic])).toEqual([[`arn:aws:iam::${ACCOUNT}:role/OpenRole`, true]]);
  }, 120_000);

  it('start-policy-generation as the article writes it: the CLI itself asks for accessRole; without client-side validation iamlocal runs it', async () => {
    const args = [
      'accessanalyzer', 'start-policy-generation',
      '--policy-generation-details', `{"principalArn": "arn:aws:iam::${ACCOUNT}:role/MyRole"}`,
      '--cloud-trail-details', `{"trails": [{"allRegions": true, "cloudTrailArn": "arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/my-trail"}], "startTime": "2026-01-01T00:00:00Z", "endTime": "2026-02-01T00:00:00Z"}`,
    ];
    // botocore validates against the model, where cloudTrailDetails.accessRole is required.
    const strict = await awsCli(target, OPS, args);
    expect(strict.ok).toBe(false);
    expect(strict.out).toContain('Missing required parameter in cloudTrailDetails: "accessRole"');
    // With `parameter_validation = false` (an AWS CLI config setting) the command reaches iamlocal,
    // which reads no trail and so does not need the role.
    const config = join(target.home, 'config-no-validation');
    writeFileSync(config, '[default]\nparameter_validation = false\n');
    const r = await awsCli({ ...target, configFile: config }, OPS, args);
    expect(r.ok, r.out).toBe(true);
    const { jobId } = JSON.parse(r.out);
    const got = await cli(['accessanalyzer', 'get-generated-policy', '--job-id', jobId]);
    expect(got.jobDetails.status).toBe('SUCCEEDED');
    expect(got.generatedPolicyResult.properties.principalArn).toBe(`arn:aws:iam::${ACCOUNT}:role/MyRole`);
    expect(got.generatedPolicyResult.properties.cloudTrailProperties).toMatchObject({
      startTime: '2026-01-01T00:00:00.000Z',
      endTime: '2026-02-01T00:00:00.000Z',
      trailProperties: [{ cloudTrailArn: `arn:aws:cloudtrail:us-east-1:${ACCOUNT}:trail/my-trail`, allRegions: true }],
    });
    // MyRole made no request in January 2026: nothing to grant.
    expect(got.generatedPolicyResult.generatedPolicies).toEqual([]);
    const listed = await cli(['accessanalyzer', 'list-policy-generations', '--principal-arn', `arn:aws:iam::${ACCOUNT}:role/MyRole`]);
    expect(listed.policyGenerations.map((g: { jobId: string }) => g.jobId)).toEqual([jobId]);
  }, 120_000);

  it('validate-policy reports AWS finding types with locations', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:PassRole', 's3:GetObjectt'], Resource: '*' }] });
    const out = await cli(['accessanalyzer', 'validate-policy', '--policy-type', 'IDENTITY_POLICY', '--policy-document', policy]);
    expect(out.findings.map((f: { findingType: string; issueCode: string }) => `${f.findingType}:${f.issueCode}`)).toEqual([
      'ERROR:INVALID_ACTION',
      'SECURITY_WARNING:PASS_ROLE_WITH_STAR_IN_RESOURCE',
    ]);
    expect(out.findings[0].locations).toEqual([
      { path: [{ value: 'Statement' }, { index: 0 }, { value: 'Action' }, { index: 1 }], span: { start: { line: 1, column: 80, offset: 80 }, end: { line: 1, column: 95, offset: 95 } } },
    ]);
  }, 60_000);

  it('answers AWS errors: unknown analyzer (404), duplicate name (409), bad name (400)', async () => {
    const missing = await awsCli(target, OPS, ['accessanalyzer', 'get-analyzer', '--analyzer-name', 'nope']);
    expect(missing.ok).toBe(false);
    expect(missing.out).toContain('ResourceNotFoundException');
    const dup = await awsCli(target, OPS, ['accessanalyzer', 'create-analyzer', '--analyzer-name', 'my-account-analyzer', '--type', 'ACCOUNT']);
    expect(dup.out).toContain('ConflictException');
    const bad = await awsCli(target, OPS, ['accessanalyzer', 'create-analyzer', '--analyzer-name', '9bad', '--type', 'ACCOUNT']);
    expect(bad.out).toContain('ValidationException');
  }, 60_000);
});
