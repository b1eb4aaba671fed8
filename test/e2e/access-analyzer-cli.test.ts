// e2e with the AWS CLI (v1) against a real iamlocal: the reference article's Access Analyzer commands,
// verbatim (create-analyzer, list-findings with the analyzer ARN, update-findings --status ARCHIVED
// --ids …), on the article's account 012345678901, with a role that trusts another account. Narrowing
// the trust policy resolves the finding at once.
import { mkdtempSync } from 'node:fs';
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
  });

  it('answers AWS errors: unknown analyzer (404), duplicate name (409), bad name (400)', async () => {
    const missing = await awsCli(target, OPS, ['accessanalyzer', 'get-analyzer', '--analyzer-name', 'nope']);
    expect(missing.ok).toBe(false);
    expect(missing.out).toContain('ResourceNotFoundException');
    const dup = await awsCli(target, OPS, ['accessanalyzer', 'create-analyzer', '--analyzer-name', 'my-account-analyzer', '--type', 'ACCOUNT']);
    expect(dup.out).toContain('ConflictException');
    const bad = await awsCli(target, OPS, ['accessanalyzer', 'create-analyzer', '--analyzer-name', '9bad', '--type', 'ACCOUNT']);
    expect(bad.out).toContain('ValidationException');
  });
});
