// Policy simulator handlers (SimulatePrincipalPolicy, SimulateCustomPolicy) called directly on the
// shipped example seed: decisions, matched statements with positions, boundaries, SCPs, context
// entries, the trust-policy extension for sts:AssumeRole, paging and AWS's input errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { load as parseYaml } from 'js-yaml';
import { iamOperations } from '../../src/services/iam/index';
import { simulateCustomPolicy, simulatePrincipalPolicy } from '../../src/services/iam/simulate';
import errors from '../fixtures/services/simulate/errors.json';
import { harness, thrown } from '../helpers/services';

const exampleSeed = parseYaml(readFileSync(new URL('../../seed/50-simulator-example.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const orgSeed = parseYaml(readFileSync(new URL('../../seed/40-organization-scps.yaml', import.meta.url), 'utf8')) as Record<string, unknown>;
const APP_READER = 'arn:aws:iam::000000000000:role/app-reader';
const OBJECT = 'arn:aws:s3:::example-bucket/report.csv';
const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

type Result = Record<string, any>;

describe('SimulatePrincipalPolicy on the example role (seed/50-simulator-example.yaml)', () => {
  it('s3:GetObject allowed, s3:PutObject implicitDeny, s3:DeleteObject explicitDeny — with statement positions', async () => {
    const h = await harness(exampleSeed);
    const out = h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], ResourceArns: [OBJECT] }, h.root());
    const results = out.EvaluationResults as Result[];
    expect(results.map((r) => [r.EvalActionName, r.EvalResourceName, r.EvalDecision])).toEqual([
      ['s3:GetObject', OBJECT, 'allowed'],
      ['s3:PutObject', OBJECT, 'implicitDeny'],
      ['s3:DeleteObject', OBJECT, 'explicitDeny'],
    ]);
    // The inline policy's statements: ReadObjects spans lines 4–9, NeverDelete lines 10–15 (column 5
    // opens, the column after the closing brace ends).
    expect(results[0]!.MatchedStatements).toEqual([
      { SourcePolicyId: 'read-example-bucket', SourcePolicyType: 'role', StartPosition: { Line: 4, Column: 5 }, EndPosition: { Line: 9, Column: 6 } },
    ]);
    expect(results[1]!.MatchedStatements).toEqual([]);
    expect(results[2]!.MatchedStatements).toEqual([
      { SourcePolicyId: 'read-example-bucket', SourcePolicyType: 'role', StartPosition: { Line: 10, Column: 5 }, EndPosition: { Line: 15, Column: 6 } },
    ]);
    expect(results[0]!.ResourceSpecificResults).toEqual([
      { EvalResourceName: OBJECT, EvalResourceDecision: 'allowed', MatchedStatements: results[0]!.MatchedStatements, MissingContextValues: [], EvalDecisionDetails: undefined, PermissionsBoundaryDecisionDetail: undefined },
    ]);
    // Same account, named resource: `EvalDecisionDetails: {}` on the result, none repeated inside
    // ResourceSpecificResults (AWS's recorded answers).
    expect(results[0]!.EvalDecisionDetails).toEqual({ entries: {} });
    expect(results[0]!.OrganizationsDecisionDetail).toBeUndefined();
    expect(out.IsTruncated).toBe(false);
  });

  it('without ResourceArns the resource is `*` (matched literally) and EvalDecisionDetails / ResourceSpecificResults are absent', async () => {
    const h = await harness(exampleSeed);
    const [get, del] = h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: ['s3:GetObject', 's3:DeleteObject'] }, h.root()).EvaluationResults as Result[];
    // ReadObjects names example-bucket ARNs only, so it does not apply to `*`; NeverDelete (Resource `*`) does.
    expect(get).toMatchObject({ EvalResourceName: '*', EvalDecision: 'implicitDeny' });
    const r = del;
    expect(r).toMatchObject({ EvalResourceName: '*', EvalDecision: 'explicitDeny' });
    expect(r!.EvalDecisionDetails).toBeUndefined();
    expect(r!.ResourceSpecificResults).toBeUndefined();
  });

  it('PolicyInputList adds policies; PermissionsBoundaryPolicyInputList replaces the boundary', async () => {
    const h = await harness(exampleSeed);
    const extra = doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' });
    const [put] = h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: ['s3:PutObject'], ResourceArns: [OBJECT], PolicyInputList: [extra] }, h.root()).EvaluationResults as Result[];
    expect(put!.EvalDecision).toBe('allowed');
    expect(put!.MatchedStatements[0]).toMatchObject({ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', StartPosition: { Line: 1, Column: 38 } });

    const onlyPut = doc({ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' });
    const res = h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: ['s3:GetObject'], ResourceArns: [OBJECT], PermissionsBoundaryPolicyInputList: [onlyPut] }, h.root()).EvaluationResults as Result[];
    expect(res[0]).toMatchObject({ EvalDecision: 'implicitDeny', PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false } });
  });

  it("a stored boundary applies and is reported (user with group policies, boundary from the store)", async () => {
    const h = await harness({
      policies: [{ name: 'S3Only', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
      groups: [{ name: 'ops', inlinePolicies: { ops: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: ['s3:GetObject', 'ec2:DescribeInstances'], Resource: '*' }] } } }],
      users: [{ name: 'ana', groups: ['ops'], permissionsBoundary: 'S3Only' }],
    });
    const out = h.run(simulatePrincipalPolicy, { PolicySourceArn: 'arn:aws:iam::000000000000:user/ana', ActionNames: ['s3:GetObject', 'ec2:DescribeInstances'] }, h.root());
    const [s3, ec2] = out.EvaluationResults as Result[];
    expect(s3).toMatchObject({ EvalDecision: 'allowed', PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: true } });
    expect(s3!.MatchedStatements.map((m: Result) => [m.SourcePolicyId, m.SourcePolicyType])).toEqual([['ops', 'group'], ['S3Only', 'user-managed']]);
    expect(ec2).toMatchObject({ EvalDecision: 'implicitDeny', PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false } });
  });

  it('ContextEntries feed conditions; keys the request does not carry are MissingContextValues', async () => {
    const h = await harness(exampleSeed);
    const regional = doc({ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': 'us-east-1' }, IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } });
    const run = (ContextEntries?: object[]) =>
      (h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: ['ec2:RunInstances'], PolicyInputList: [regional], ...(ContextEntries ? { ContextEntries } : {}) }, h.root()).EvaluationResults as Result[])[0]!;
    expect(run()).toMatchObject({ EvalDecision: 'implicitDeny', MissingContextValues: ['aws:RequestedRegion'] });
    const ok = run([
      { ContextKeyName: 'aws:RequestedRegion', ContextKeyValues: ['us-east-1'], ContextKeyType: 'string' },
      { ContextKeyName: 'aws:SourceIp', ContextKeyValues: ['10.1.2.3'], ContextKeyType: 'ip' },
    ]);
    expect(ok).toMatchObject({ EvalDecision: 'allowed', MissingContextValues: [] });
    expect(run([{ ContextKeyName: 'aws:RequestedRegion', ContextKeyValues: ['eu-west-1'], ContextKeyType: 'string' }]).EvalDecision).toBe('implicitDeny');
  });

  it("the principal's own keys are supplied: aws:PrincipalTag from the role's tags, aws:PrincipalArn", async () => {
    const h = await harness(exampleSeed);
    const byTag = doc({ Effect: 'Allow', Action: 'dynamodb:GetItem', Resource: '*', Condition: { StringEquals: { 'aws:PrincipalTag/team': 'analytics', 'aws:PrincipalArn': APP_READER } } });
    const [r] = h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: ['dynamodb:GetItem'], PolicyInputList: [byTag] }, h.root()).EvaluationResults as Result[];
    expect(r).toMatchObject({ EvalDecision: 'allowed', MissingContextValues: [] });
  });

  it("the account's SCPs apply: OrganizationsDecisionDetail, and an SCP deny wins over an identity allow", async () => {
    const h = await harness({ ...orgSeed, roles: exampleSeed.roles });
    const admin = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    const region = (r: string) => [{ ContextKeyName: 'aws:RequestedRegion', ContextKeyValues: [r], ContextKeyType: 'string' }];
    const sim = (action: string, r: string) =>
      (h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: [action], PolicyInputList: [admin], ContextEntries: region(r) }, h.root()).EvaluationResults as Result[])[0]!;
    expect(sim('organizations:LeaveOrganization', 'us-east-1')).toMatchObject({ EvalDecision: 'explicitDeny', OrganizationsDecisionDetail: { AllowedByOrganizations: false } });
    expect(sim('s3:GetObject', 'us-east-1')).toMatchObject({ EvalDecision: 'allowed', OrganizationsDecisionDetail: { AllowedByOrganizations: true } });
  });

  it('iamlocal extension: sts:AssumeRole on a role is evaluated against its trust policy', async () => {
    const h = await harness({
      roles: [
        { name: 'trusts-alice', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/alice' }, Action: 'sts:AssumeRole' }] } },
        { name: 'lambda-only', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }] } },
      ],
      users: [{ name: 'alice', inlinePolicies: { assume: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }] } } }],
    });
    // Users must exist before a trust policy can name them: the seed applies users first.
    const out = h.run(simulatePrincipalPolicy, {
      PolicySourceArn: 'arn:aws:iam::000000000000:user/alice',
      ActionNames: ['sts:AssumeRole'],
      ResourceArns: ['arn:aws:iam::000000000000:role/trusts-alice', 'arn:aws:iam::000000000000:role/lambda-only'],
    }, h.root());
    const [ok, no] = out.EvaluationResults as Result[];
    expect(ok).toMatchObject({ EvalDecision: 'allowed' });
    expect(ok!.MatchedStatements.map((m: Result) => [m.SourcePolicyId, m.SourcePolicyType])).toEqual([['AssumeRolePolicyDocument', 'resource'], ['assume', 'user']]);
    expect(no).toMatchObject({ EvalDecision: 'implicitDeny' });
  });

  it('iamlocal extension across accounts (seed/30): deployer may assume DeploymentRole only with the external id', async () => {
    const h = await harness(parseYaml(readFileSync(new URL('../../seed/30-cross-account-deployment.yaml', import.meta.url), 'utf8')) as Record<string, unknown>);
    const role = 'arn:aws:iam::111111111111:role/DeploymentRole';
    const sim = (ContextEntries: object[] = []) =>
      (h.run(simulatePrincipalPolicy, { PolicySourceArn: 'arn:aws:iam::000000000000:user/deployer', ActionNames: ['sts:AssumeRole'], ResourceArns: [role], ContextEntries }, h.root()).EvaluationResults as Result[])[0]!;
    const without = sim();
    expect(without).toMatchObject({ EvalDecision: 'implicitDeny', MissingContextValues: ['sts:ExternalId'] });
    expect(without.EvalDecisionDetails.entries).toEqual({ 'IAM Policy': 'allowed', 'Resource Policy': 'implicitDeny' });
    const withId = sim([{ ContextKeyName: 'sts:ExternalId', ContextKeyValues: ['deploy-7f3a9c'], ContextKeyType: 'string' }]);
    expect(withId).toMatchObject({ EvalDecision: 'allowed', MissingContextValues: [] });
    expect(withId.EvalDecisionDetails.entries).toEqual({ 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' });
  });

  it('typed context entries: list types are multivalued, numbers/dates/booleans/ips/binaries compare as their type', async () => {
    const h = await harness(exampleSeed);
    const policy = doc({
      Effect: 'Allow', Action: 's3:PutObject', Resource: '*',
      Condition: {
        'ForAllValues:StringEquals': { 'aws:TagKeys': ['a', 'b'] },
        NumericLessThanEquals: { 's3:max-keys': '10' },
        DateGreaterThan: { 'aws:CurrentTime': '2026-01-01T00:00:00Z' },
        Bool: { 'aws:SecureTransport': 'true' },
        IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '2001:db8::/32'] },
        BinaryEquals: { 'custom:blob': 'QmluYXJ5' },
      },
    });
    const entries = (over: Record<string, [string[], string]> = {}) => {
      const base: Record<string, [string[], string]> = {
        'aws:TagKeys': [['a', 'b'], 'stringList'],
        's3:max-keys': [['7'], 'numeric'],
        'aws:CurrentTime': [['2026-11-29T12:00:00Z'], 'date'],
        'aws:SecureTransport': [['TRUE'], 'boolean'],
        'aws:SourceIp': [['2001:db8::1'], 'ip'],
        'custom:blob': [['QmluYXJ5'], 'binary'],
      };
      return Object.entries({ ...base, ...over }).map(([ContextKeyName, [ContextKeyValues, ContextKeyType]]) => ({ ContextKeyName, ContextKeyValues, ContextKeyType }));
    };
    const decide = (over?: Record<string, [string[], string]>) =>
      (h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: ['s3:PutObject'], PolicyInputList: [policy], ContextEntries: entries(over) }, h.root()).EvaluationResults as Result[])[0]!.EvalDecision;
    expect(decide()).toBe('allowed');
    expect(decide({ 'aws:TagKeys': [['a', 'c'], 'stringList'] })).toBe('implicitDeny');
    expect(decide({ 's3:max-keys': [['11'], 'numeric'] })).toBe('implicitDeny');
    expect(decide({ 'aws:CurrentTime': [['2025-12-31T23:59:59Z'], 'date'] })).toBe('implicitDeny');
    expect(decide({ 'aws:SourceIp': [['192.168.0.1'], 'ip'] })).toBe('implicitDeny');
    expect(decide({ 'aws:SecureTransport': [['false'], 'boolean'] })).toBe('implicitDeny');
  });

  it('PolicyExclusionList leaves out an inline policy, a managed policy, the boundary or an SCP', async () => {
    const h = await harness({
      ...orgSeed,
      policies: [{ name: 'ReadAll', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] } }],
      roles: [{ ...(exampleSeed.roles as object[])[0], managedPolicies: ['ReadAll'], permissionsBoundary: 'arn:aws:iam::aws:policy/ReadOnlyAccess' }],
    });
    const sim = (action: string, PolicyExclusionList: object[] = []) =>
      (h.run(simulatePrincipalPolicy, { PolicySourceArn: APP_READER, ActionNames: [action], ResourceArns: [OBJECT], PolicyExclusionList, ContextEntries: [{ ContextKeyName: 'aws:RequestedRegion', ContextKeyValues: ['us-east-1'], ContextKeyType: 'string' }] }, h.root()).EvaluationResults as Result[])[0]!;
    expect(sim('s3:DeleteObject').EvalDecision).toBe('explicitDeny');
    const inline = { PolicyType: 'inline', InlinePolicyIdentifier: { PolicyName: 'read-example-bucket', AttachmentType: 'role', AttachmentName: 'app-reader' } };
    // Without the inline deny, the boundary (ReadOnlyAccess) still caps the managed Allow *.
    expect(sim('s3:DeleteObject', [inline])).toMatchObject({ EvalDecision: 'implicitDeny', PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false } });
    const boundary = { PolicyType: 'permission-boundary', PolicyArn: 'arn:aws:iam::aws:policy/ReadOnlyAccess' };
    expect(sim('s3:DeleteObject', [inline, boundary]).EvalDecision).toBe('allowed');
    expect(sim('s3:GetObject', [inline, { PolicyType: 'user-managed', PolicyArn: 'arn:aws:iam::000000000000:policy/ReadAll' }]).EvalDecision).toBe('implicitDeny');

    const orgId = h.store.organizations.membership('000000000000')!.org.id;
    const leave = h.store.organizations.policyByName(orgId, 'SERVICE_CONTROL_POLICY', 'DenyLeavingOrganization')!;
    expect(sim('organizations:LeaveOrganization', [inline, boundary]).EvalDecision).toBe('explicitDeny');
    const scp = { PolicyType: 'scp', PolicyArn: `arn:aws:organizations::999999999999:policy/${orgId}/service_control_policy/${leave.id}` };
    expect(sim('organizations:LeaveOrganization', [inline, boundary, scp])).toMatchObject({ EvalDecision: 'allowed', OrganizationsDecisionDetail: { AllowedByOrganizations: true } });
    expect(thrown(() => sim('s3:GetObject', [{ PolicyType: 'everything' }])).code).toBe('ValidationError');
  });

  it('pages with MaxItems/Marker in action × resource order', async () => {
    const h = await harness(exampleSeed);
    const params = { PolicySourceArn: APP_READER, ActionNames: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], ResourceArns: [OBJECT, 'arn:aws:s3:::other/x'] };
    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const out = h.run(simulatePrincipalPolicy, { ...params, MaxItems: '4', ...(marker ? { Marker: marker } : {}) }, h.root());
      for (const r of out.EvaluationResults as Result[]) seen.push(`${r.EvalActionName} ${r.EvalResourceName} ${r.EvalDecision}`);
      marker = out.Marker as string | undefined;
      expect(out.IsTruncated).toBe(marker !== undefined);
      pages++;
    } while (marker);
    expect(pages).toBe(2);
    expect(seen).toEqual([
      `s3:GetObject ${OBJECT} allowed`, 's3:GetObject arn:aws:s3:::other/x implicitDeny',
      `s3:PutObject ${OBJECT} implicitDeny`, 's3:PutObject arn:aws:s3:::other/x implicitDeny',
      `s3:DeleteObject ${OBJECT} explicitDeny`, 's3:DeleteObject arn:aws:s3:::other/x explicitDeny',
    ]);
  });
});

describe('SimulateCustomPolicy', () => {
  it("answers the AWS CLI reference's example as AWS does: 'IAM Policy', columns 38–167", async () => {
    const h = await harness({});
    // The policy text of the simulate-custom-policy example in the AWS CLI reference, whose recorded
    // output is StartPosition {Line 1, Column 38}, EndPosition {Line 1, Column 167}.
    const policy = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}';
    const [r] = h.run(simulateCustomPolicy, {
      PolicyInputList: [policy],
      ActionNames: ['dynamodb:CreateBackup'],
      ContextEntries: [{ ContextKeyName: 'aws:CurrentTime', ContextKeyValues: ['2019-04-25T11:00:00Z'], ContextKeyType: 'date' }],
    }, h.root()).EvaluationResults as Result[];
    expect(r).toMatchObject({ EvalActionName: 'dynamodb:CreateBackup', EvalResourceName: '*', EvalDecision: 'allowed', MissingContextValues: [] });
    expect(r!.MatchedStatements).toEqual([
      { SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', StartPosition: { Line: 1, Column: 38 }, EndPosition: { Line: 1, Column: 167 } },
    ]);
  });

  it('a statement array keeps the brace column (recorded: column 41 for json.dumps output)', async () => {
    const h = await harness({});
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::smoketurner-test-iam-bucket/*' }] }).replace(/":/g, '": ').replace(/,"/g, ', "');
    const [r] = h.run(simulateCustomPolicy, { PolicyInputList: [policy], ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::smoketurner-test-iam-bucket/*'] }, h.root()).EvaluationResults as Result[];
    expect(r!.MatchedStatements[0]).toMatchObject({ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy', StartPosition: { Line: 1, Column: 41 } });
    expect(r!.ResourceSpecificResults[0].EvalDecisionDetails).toBeUndefined();
  });

  it('names input policies PolicyInputList.N; cross-account resource policies fill EvalDecisionDetails', async () => {
    const h = await harness({ users: [{ name: 'bob' }] });
    const identity = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' });
    const bucketPolicy = doc({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/bob' }, Action: 's3:GetObject', Resource: 'arn:aws:s3:::shared/*' });
    const out = h.run(simulateCustomPolicy, {
      PolicyInputList: [identity], ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::shared/a'],
      ResourcePolicy: bucketPolicy, ResourceOwner: 'arn:aws:iam::222222222222:root', CallerArn: 'arn:aws:iam::000000000000:user/bob',
    }, h.root());
    const [r] = out.EvaluationResults as Result[];
    expect(r).toMatchObject({ EvalDecision: 'allowed' });
    expect(r!.EvalDecisionDetails.entries).toEqual({ 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' });
    expect(r!.MatchedStatements.map((m: Result) => m.SourcePolicyId).sort()).toEqual(['PolicyInputList.1', 'ResourcePolicy']);

    // Without the bucket policy the other account's resource is out of reach.
    const [denied] = h.run(simulateCustomPolicy, { PolicyInputList: [identity], ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::shared/a'], ResourceOwner: '222222222222' }, h.root()).EvaluationResults as Result[];
    expect(denied!.EvalDecision).toBe('implicitDeny');
  });

  it('OrderedOrganizationPolicyInputList levels act as SCPs', async () => {
    const h = await harness();
    const identity = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    const full = doc({ Effect: 'Allow', Action: '*', Resource: '*' });
    const denyIam = doc({ Effect: 'Allow', Action: '*', Resource: '*' }, { Effect: 'Deny', Action: 'iam:*', Resource: '*' });
    const [iamR, s3R] = h.run(simulateCustomPolicy, { PolicyInputList: [identity], OrderedOrganizationPolicyInputList: [full, denyIam], ActionNames: ['iam:CreateUser', 's3:GetObject'] }, h.root()).EvaluationResults as Result[];
    expect(iamR).toMatchObject({ EvalDecision: 'explicitDeny', OrganizationsDecisionDetail: { AllowedByOrganizations: false } });
    expect(s3R).toMatchObject({ EvalDecision: 'allowed', OrganizationsDecisionDetail: { AllowedByOrganizations: true } });
  });
});

describe('simulator input errors (fixtures/services/simulate/errors.json)', () => {
  for (const c of errors.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness(exampleSeed);
      expect(thrown(() => h.run(iamOperations.get(c.op)!, c.params, h.root()))).toEqual({ code: c.code, message: c.message, status: c.status });
    });
  }
});
