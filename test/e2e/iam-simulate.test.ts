// e2e: the policy simulator through the AWS CLI and SDK v3 against a real iamlocal loaded with
// seed/50-simulator-example.yaml — allowed / implicitDeny / explicitDeny for s3:GetObject, s3:PutObject,
// s3:DeleteObject on app-reader with matched statement positions, context entries, the paginator, the
// context-key calls, and the simulate call itself being authorized.
import { GetContextKeysForPrincipalPolicyCommand, IAMClient, paginateSimulatePrincipalPolicy, SimulateCustomPolicyCommand, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { DEV, e2eSeed, NOBODY } from '../helpers/e2e-seed';
import { awsCli, type CliResult } from '../helpers/aws-cli';

const EXAMPLE_SEED = fileURLToPath(new URL('../../seed/50-simulator-example.yaml', import.meta.url));
const APP_READER = 'arn:aws:iam::000000000000:role/app-reader';
const OBJECT = 'arn:aws:s3:::example-bucket/report.csv';

type Creds = { accessKeyId: string; secretAccessKey: string };
let iam: IamLocal;
let home: string;
const client = (credentials: Creds) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 });

beforeAll(async () => {
  iam = await startIamLocal({ seed: [e2eSeed, EXAMPLE_SEED] });
  home = mkdtempSync(join(tmpdir(), 'iamlocal-sim-cli-'));
});
afterAll(async () => {
  await iam?.stop();
});

async function aws(creds: Creds, ...args: string[]): Promise<CliResult> {
  return awsCli({ endpoint: iam.endpoint, home, region: 'us-east-1', services: ['IAM'] }, creds, args);
}

describe('aws iam simulate-principal-policy (AWS CLI)', () => {
  it('app-reader: GetObject allowed, PutObject implicitDeny, DeleteObject explicitDeny, with statement positions', async () => {
    const r = await aws(DEV, 'iam', 'simulate-principal-policy', '--policy-source-arn', APP_READER, '--action-names', 's3:GetObject', 's3:PutObject', 's3:DeleteObject', '--resource-arns', OBJECT);
    expect(r.ok, r.out).toBe(true);
    const results = JSON.parse(r.out).EvaluationResults as any[];
    expect(results.map((x) => [x.EvalActionName, x.EvalResourceName, x.EvalDecision])).toEqual([
      ['s3:GetObject', OBJECT, 'allowed'],
      ['s3:PutObject', OBJECT, 'implicitDeny'],
      ['s3:DeleteObject', OBJECT, 'explicitDeny'],
    ]);
    expect(results[0].MatchedStatements).toEqual([{ SourcePolicyId: 'read-example-bucket', SourcePolicyType: 'role', StartPosition: { Line: 4, Column: 5 }, EndPosition: { Line: 9, Column: 6 } }]);
    expect(results[1].MatchedStatements).toEqual([]);
    expect(results[2].MatchedStatements).toEqual([{ SourcePolicyId: 'read-example-bucket', SourcePolicyType: 'role', StartPosition: { Line: 10, Column: 5 }, EndPosition: { Line: 15, Column: 6 } }]);
    expect(results[0].EvalDecisionDetails).toEqual({});
    expect(results[2].ResourceSpecificResults).toEqual([{ EvalResourceName: OBJECT, EvalResourceDecision: 'explicitDeny', MatchedStatements: results[2].MatchedStatements, MissingContextValues: [] }]);
  }, 60_000);

  it('simulate-custom-policy with --context-entries: the condition decides, a missing key is reported', async () => {
    const policy = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'ec2:RunInstances', Resource: '*', Condition: { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'us-west-2'] } } }] });
    const run = (...extra: string[]) => aws(DEV, 'iam', 'simulate-custom-policy', '--policy-input-list', policy, '--action-names', 'ec2:RunInstances', ...extra);
    const inRegion = JSON.parse((await run('--context-entries', 'ContextKeyName=aws:RequestedRegion,ContextKeyValues=us-west-2,ContextKeyType=string')).out).EvaluationResults[0];
    expect(inRegion).toMatchObject({ EvalDecision: 'allowed', MissingContextValues: [], MatchedStatements: [{ SourcePolicyId: 'PolicyInputList.1', SourcePolicyType: 'IAM Policy' }] });
    const outside = JSON.parse((await run('--context-entries', 'ContextKeyName=aws:RequestedRegion,ContextKeyValues=eu-west-1,ContextKeyType=string')).out).EvaluationResults[0];
    expect(outside.EvalDecision).toBe('implicitDeny');
    const missing = JSON.parse((await run()).out).EvaluationResults[0];
    expect(missing).toMatchObject({ EvalDecision: 'implicitDeny', MissingContextValues: ['aws:RequestedRegion'] });
  }, 60_000);

  it('errors come back with AWS codes: unknown source, bad context value', async () => {
    const ghost = await aws(DEV, 'iam', 'simulate-principal-policy', '--policy-source-arn', 'arn:aws:iam::000000000000:role/ghost', '--action-names', 's3:GetObject');
    expect(ghost.out).toContain('An error occurred (NoSuchEntity) when calling the SimulatePrincipalPolicy operation: The role with name ghost cannot be found.');
    const badIp = await aws(DEV, 'iam', 'simulate-principal-policy', '--policy-source-arn', APP_READER, '--action-names', 's3:GetObject', '--context-entries', 'ContextKeyName=aws:SourceIp,ContextKeyValues=not-an-ip,ContextKeyType=ip');
    expect(badIp.out).toContain('An error occurred (InvalidInput) when calling the SimulatePrincipalPolicy operation: Invalid value not-an-ip for context key aws:SourceIp of type ip.');
  }, 60_000);
});

describe('SimulatePrincipalPolicy (SDK v3)', () => {
  it('answers the same three decisions; the paginator walks MaxItems pages', async () => {
    const out = await client(DEV).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: APP_READER, ActionNames: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], ResourceArns: [OBJECT] }));
    expect(out.EvaluationResults?.map((r) => r.EvalDecision)).toEqual(['allowed', 'implicitDeny', 'explicitDeny']);
    expect(out.EvaluationResults?.[2]?.MatchedStatements?.[0]).toEqual({ SourcePolicyId: 'read-example-bucket', SourcePolicyType: 'role', StartPosition: { Line: 10, Column: 5 }, EndPosition: { Line: 15, Column: 6 } });
    expect(out.IsTruncated).toBe(false);

    const decisions: string[] = [];
    let pages = 0;
    for await (const page of paginateSimulatePrincipalPolicy({ client: client(DEV), pageSize: 1 }, { PolicySourceArn: APP_READER, ActionNames: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'], ResourceArns: [OBJECT] })) {
      pages++;
      decisions.push(...(page.EvaluationResults ?? []).map((r) => `${r.EvalActionName}=${r.EvalDecision}`));
    }
    expect(pages).toBe(3);
    expect(decisions).toEqual(['s3:GetObject=allowed', 's3:PutObject=implicitDeny', 's3:DeleteObject=explicitDeny']);
  });

  it('a boundary passed in the request caps the role; SimulateCustomPolicy maps cross-account details', async () => {
    const onlyPut = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:PutObject', Resource: '*' }] });
    const capped = await client(DEV).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: APP_READER, ActionNames: ['s3:GetObject'], ResourceArns: [OBJECT], PermissionsBoundaryPolicyInputList: [onlyPut] }));
    expect(capped.EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'implicitDeny', PermissionsBoundaryDecisionDetail: { AllowedByPermissionsBoundary: false } });

    const identity = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] });
    const bucket = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/dev' }, Action: 's3:GetObject', Resource: '*' }] });
    const cross = await client(DEV).send(new SimulateCustomPolicyCommand({
      PolicyInputList: [identity], ActionNames: ['s3:GetObject'], ResourceArns: ['arn:aws:s3:::partner-bucket/x'], ResourcePolicy: bucket,
      ResourceOwner: 'arn:aws:iam::222222222222:root', CallerArn: 'arn:aws:iam::000000000000:user/dev',
    }));
    expect(cross.EvaluationResults?.[0]).toMatchObject({ EvalDecision: 'allowed', EvalDecisionDetails: { 'IAM Policy': 'allowed', 'Resource Policy': 'allowed' } });
  });

  it('GetContextKeysForPrincipalPolicy lists the keys the role’s and the extra policies use', async () => {
    const extra = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }] });
    const out = await client(DEV).send(new GetContextKeysForPrincipalPolicyCommand({ PolicySourceArn: APP_READER, PolicyInputList: [extra] }));
    expect(out.ContextKeyNames).toEqual(['aws:SourceIp']);
  });

  it('the simulate call is itself authorized: iam:SimulatePrincipalPolicy on the source ARN', async () => {
    const e = await client(NOBODY).send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: APP_READER, ActionNames: ['s3:GetObject'] })).then(
      () => null,
      (err: { name: string; message: string }) => err,
    );
    expect(e?.name).toBe('AccessDenied');
    expect(e?.message).toBe(`User: arn:aws:iam::000000000000:user/nobody is not authorized to perform: iam:SimulatePrincipalPolicy on resource: ${APP_READER} because no identity-based policy allows the iam:SimulatePrincipalPolicy action`);
  });
});
