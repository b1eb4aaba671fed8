// e2e with boto3 against a real iamlocal: Access Analyzer findings follow the trust policies (external
// account, org zone of trust, federated principal), archive rules, filters, V2 shapes, statistics,
// analyzed resources, authorization and errors, and the policy-generation acceptance flow: a generated
// policy replaces AdministratorAccess, the same workload passes and an action it never called is denied.
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { NOBODY } from '../helpers/e2e-seed';

const OPS = { accessKeyId: 'AKIAE2EANALYZERBOTO1', secretAccessKey: 'analyzer-boto3-secret-key-for-e2e-test01' };

let iam: IamLocal;
let out: Record<string, any>;
beforeAll(async () => {
  iam = await startIamLocal({
    seed: {
      accounts: [{ id: '111111111111' }],
      organization: { managementAccount: '000000000000', accounts: ['111111111111'] },
      users: [
        {
          name: 'ops',
          accessKeys: [OPS],
          inlinePolicies: { ops: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['iam:*', 'sts:*', 'access-analyzer:*'], Resource: '*' }] } },
        },
        { name: 'nobody', accessKeys: [NOBODY] },
      ],
    },
  });
  const home = mkdtempSync(join(tmpdir(), 'iamlocal-aa-boto3-'));
  const { stdout } = await promisify(execFile)(
    'python3',
    [join(__dirname, 'access_analyzer_boto3.py'), iam.endpoint, OPS.accessKeyId, OPS.secretAccessKey, NOBODY.accessKeyId, NOBODY.secretAccessKey],
    { env: { PATH: process.env.PATH, HOME: home, AWS_CONFIG_FILE: '/dev/null', AWS_SHARED_CREDENTIALS_FILE: '/dev/null' }, encoding: 'utf8' },
  );
  out = JSON.parse(stdout);
}, 120_000);
afterAll(async () => {
  await iam?.stop();
});

const OIDC = 'arn:aws:iam::000000000000:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC';

describe('boto3 accessanalyzer', () => {
  it('analyzers: ARNs, shapes, list', () => {
    expect(out.arns).toEqual(['arn:aws:access-analyzer:us-east-1:000000000000:analyzer/acct', 'arn:aws:access-analyzer:us-east-1:000000000000:analyzer/org']);
    expect(out.get_analyzer).toEqual({ arn: out.arns[0], name: 'acct', type: 'ACCOUNT', status: 'ACTIVE', tags: { team: 'sec' } });
    expect(out.list_analyzers).toEqual(['acct', 'org']);
  });

  it('findings: another account, a federated provider; the organization zone trusts its member account', () => {
    expect(out.account_findings).toEqual([
      ['irsa-role', { Federated: OIDC }, ['sts:AssumeRoleWithWebIdentity'], { 'oidc.eks.us-east-1.amazonaws.com/id/ABC:sub': 'system:serviceaccount:default:app' }, false, 'ACTIVE'],
      ['org-member-role', { AWS: '111111111111' }, ['sts:AssumeRole'], {}, false, 'ACTIVE'],
      ['partner-role', { AWS: 'arn:aws:iam::222222222222:root' }, ['sts:AssumeRole'], {}, false, 'ACTIVE'],
    ]);
    expect(out.org_findings.map((f: unknown[]) => f[0])).toEqual(['irsa-role', 'partner-role']);
  });

  it('archive rules archive existing and matching findings; filters eq/contains/exists; V2; statistics', () => {
    expect(out.after_rule).toEqual([['irsa-role', 'ACTIVE'], ['org-member-role', 'ACTIVE'], ['partner-role', 'ARCHIVED']]);
    expect(out.archive_rules).toEqual(['partner']);
    expect(out.filtered_active).toEqual(['irsa-role', 'org-member-role']);
    expect(out.filtered_contains).toEqual(['irsa-role']);
    expect(out.filtered_exists).toEqual(['org-member-role', 'partner-role']);
    expect(out.v2).toEqual([['partner-role', 'ExternalAccess'], ['org-member-role', 'ExternalAccess'], ['irsa-role', 'ExternalAccess']]);
    expect(out.v2_details).toEqual([
      { externalAccessDetails: { action: ['sts:AssumeRole'], condition: {}, isPublic: false, principal: { AWS: 'arn:aws:iam::222222222222:root' }, sources: [{ type: 'POLICY' }], resourceControlPolicyRestriction: 'NOT_APPLICABLE' } },
    ]);
    expect(out.stats).toEqual([2, 1, 0, { 'AWS::IAM::Role': { totalActivePublic: 0, totalActiveCrossAccount: 2, totalActiveErrors: 0 } }]);
    expect(out.analyzed).toEqual(['irsa-role', 'org-member-role', 'partner-role']);
    expect(out.analyzed_one).toEqual([false, ['sts:AssumeRoleWithWebIdentity'], 'ACTIVE', ['POLICY']]);
  });

  it('a deleted role resolves its findings; UpdateFindings by resource; tags; DeleteAnalyzer', () => {
    expect(out.after_delete).toEqual([['irsa-role', 'ACTIVE'], ['org-member-role', 'RESOLVED'], ['partner-role', 'ACTIVE']]);
    expect(out.tags).toEqual({ env: 'test' });
    expect(out.after_delete_analyzer).toEqual(['acct']);
  });

  it('errors: 404 ResourceNotFound, 403 AccessDenied, 409 Conflict, 400 ValidationException', () => {
    expect(out.errors.not_found).toMatchObject({ code: 'ResourceNotFoundException', status: 404 });
    expect(out.errors.denied).toEqual({
      code: 'AccessDeniedException',
      status: 403,
      message: 'User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: access-analyzer:ListAnalyzers because no identity-based policy allows the access-analyzer:ListAnalyzers action',
      reason: null,
    });
    expect(out.errors.dup_rule).toMatchObject({ code: 'ConflictException', status: 409 });
    expect(out.errors.bad_filter).toMatchObject({ code: 'ValidationException', status: 400 });
  });

  it('policy generation: the generated policy replaces AdministratorAccess, the workload passes, an uncalled action is denied', () => {
    expect(out.workload_admin).toBe(true);
    expect(out.job).toEqual(['SUCCEEDED', 'arn:aws:iam::000000000000:role/app-role', true]);
    expect(out.generated).toEqual({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' },
        { Effect: 'Allow', Action: ['iam:CreateUser', 'iam:DeleteUser', 'iam:GetUser', 'iam:TagUser'], Resource: 'arn:aws:iam::000000000000:user/gen-user' },
      ],
    });
    expect(out.validate_generated).toEqual([]);
    // includeResourcePlaceholders: the Service Authorization Reference's ARN formats, names left as placeholders.
    expect(out.placeholders.Statement).toContainEqual({
      Effect: 'Allow',
      Action: ['iam:CreateUser', 'iam:DeleteUser', 'iam:GetUser', 'iam:TagUser'],
      Resource: 'arn:aws:iam::000000000000:user/${UserNameWithPath}',
    });
    expect(out.workload_generated).toBe(true);
    expect(out.uncalled_denied).toMatchObject({ code: 'AccessDenied', status: 403 });
    expect(out.listed_jobs).toEqual([[true, 'SUCCEEDED']]);
  });

  it('custom policy checks answer as AWS does', () => {
    expect(out.check_not_granted).toEqual({ result: 'PASS', message: 'The policy document does not grant access to perform one or more of the listed actions.' });
    expect(out.check_not_granted_broad).toEqual({
      result: 'FAIL',
      message: 'The policy document grants access to perform one or more of the listed actions.',
      reasons: [{ description: 'One or more of the listed actions in the statement with sid: All.', statementIndex: 0, statementId: 'All' }],
    });
    expect(out.check_no_new).toEqual({ result: 'PASS', message: 'The modified permissions do not grant new access compared to your existing policy.' });
    expect(out.check_no_new_broader).toMatchObject({ result: 'FAIL', message: 'The modified permissions grant new access compared to your existing policy.' });
    expect(out.check_public).toMatchObject({ result: 'FAIL', reasons: [{ statementIndex: 0 }] });
  });
});
