// Owns the evaluator benchmark: decisions/s on one core for a realistic request mix.
// A role with 5 identity policies of 10 statements (some with conditions), a permissions boundary,
// 3 SCP levels and a trust policy with conditions. Run: npx tsx bench/policy.ts

import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { evaluate, type EvalRequest, type PolicySource, type RequestContext } from '../src/policy/index';

const ACCOUNT = '111122223333';
const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/app/app-role`;

const services = ['s3', 'dynamodb', 'sqs', 'sns', 'ec2', 'logs', 'kms', 'lambda', 'secretsmanager', 'ssm'];

function identityPolicy(n: number): string {
  const stmts: object[] = [];
  for (let i = 0; i < 10; i++) {
    const svc = services[(n * 3 + i) % services.length]!;
    const st: Record<string, unknown> = {
      Sid: `P${n}S${i}`,
      Effect: i === 9 ? 'Deny' : 'Allow',
      Action: i % 3 === 0 ? [`${svc}:Get*`, `${svc}:List*`, `${svc}:Describe*`] : `${svc}:${i % 2 ? 'Put*' : 'Delete*'}`,
      Resource:
        svc === 's3'
          ? [`arn:aws:s3:::bucket-${n}-${i}`, `arn:aws:s3:::bucket-${n}-${i}/*`, 'arn:aws:s3:::shared-${aws:PrincipalTag/team}/*']
          : `arn:aws:${svc}:us-east-1:${ACCOUNT}:*`,
    };
    if (i % 4 === 1) st.Condition = { StringEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } };
    if (i % 4 === 2) st.Condition = { IpAddress: { 'aws:SourceIp': ['10.0.0.0/8', '198.51.100.0/24'] }, Bool: { 'aws:SecureTransport': 'true' } };
    if (i === 9) st.Condition = { StringNotEquals: { 'aws:PrincipalTag/env': 'prod' }, 'ForAnyValue:StringLike': { 'aws:TagKeys': ['admin*'] } };
    stmts.push(st);
  }
  return JSON.stringify({ Version: '2012-10-17', Statement: stmts });
}

const identity: PolicySource[] = [0, 1, 2, 3, 4].map((n) => ({ id: `arn:aws:iam::${ACCOUNT}:policy/p${n}`, document: identityPolicy(n) }));
const boundary: PolicySource = {
  id: `arn:aws:iam::${ACCOUNT}:policy/boundary`,
  document: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: ['s3:*', 'dynamodb:*', 'sqs:*', 'sns:*', 'logs:*', 'sts:AssumeRole'], Resource: '*' },
      { Effect: 'Deny', Action: 'iam:*', Resource: '*' },
    ],
  }),
};
const fullAccess = { id: 'p-FullAWSAccess', document: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] }) };
const regionDeny = {
  id: 'p-region',
  document: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'DenyOutsideRegions',
        Effect: 'Deny',
        NotAction: ['iam:*', 'sts:*', 'cloudfront:*', 'route53:*', 'support:*'],
        Resource: '*',
        Condition: { StringNotEquals: { 'aws:RequestedRegion': ['us-east-1', 'eu-west-1'] } },
      },
    ],
  }),
};
const protectRoles = {
  id: 'p-protect',
  document: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Deny',
        Action: ['iam:DeleteRole', 'iam:PutRolePolicy'],
        Resource: 'arn:aws:iam::*:role/admin/*',
        Condition: { ArnNotLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/admin/*' } },
      },
    ],
  }),
};
const scps: PolicySource[][] = [[fullAccess], [fullAccess, regionDeny], [fullAccess, protectRoles]];
const trust: PolicySource = {
  id: 'trust',
  document: JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' }, StringLike: { 'sts:RoleSessionName': '${aws:username}*' } },
      },
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' },
    ],
  }),
};

function context(extra: RequestContext = {}): RequestContext {
  return {
    'aws:CurrentTime': '2024-06-01T12:00:00Z',
    'aws:EpochTime': '1717243200',
    'aws:SecureTransport': 'true',
    'aws:SourceIp': '198.51.100.10',
    'aws:RequestedRegion': 'us-east-1',
    'aws:ViaAWSService': 'false',
    'aws:PrincipalArn': ROLE_ARN,
    'aws:PrincipalAccount': ACCOUNT,
    'aws:PrincipalType': 'AssumedRole',
    'aws:userid': 'AROAAPPROLEXEXAMPLE0:sess1',
    'aws:PrincipalOrgID': 'o-a1b2c3d4e5',
    'aws:PrincipalTag/team': 'blue',
    'aws:TokenIssueTime': '2024-06-01T11:00:00Z',
    'aws:MultiFactorAuthPresent': 'false',
    ...extra,
  };
}

const principal = {
  type: 'AssumedRole' as const,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/app-role/sess1`,
  roleArn: ROLE_ARN,
  account: ACCOUNT,
  roleId: 'AROAAPPROLEXEXAMPLE0',
  userId: 'AROAAPPROLEXEXAMPLE0:sess1',
};

function req(action: string, resource: string, extra?: RequestContext, withTrust = false): EvalRequest {
  return {
    principal,
    action,
    resource,
    resourceAccount: ACCOUNT,
    context: context(extra),
    policies: { identity, boundary, scps, rcps: null, session: null, resource: withTrust ? trust : null },
  };
}

/** The request mix: allows, implicit and explicit denies, a trust-policy decision. */
export function benchRequests(): EvalRequest[] {
  return [
    req('s3:GetObject', 'arn:aws:s3:::bucket-0-0/key.txt'),
    req('s3:GetObject', 'arn:aws:s3:::shared-blue/report.csv'),
    req('s3:PutObject', 'arn:aws:s3:::other/key.txt'),
    req('dynamodb:GetItem', `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/Books`),
    req('sqs:SendMessage', `arn:aws:sqs:us-east-1:${ACCOUNT}:queue`, { 'aws:RequestedRegion': 'ap-south-1' }),
    req('iam:DeleteRole', `arn:aws:iam::${ACCOUNT}:role/admin/root-role`),
    req('logs:PutLogEvents', `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:app:log-stream:s1`),
    req('sts:AssumeRole', `arn:aws:iam::${ACCOUNT}:role/target`, { 'sts:RoleSessionName': 'x' }, true),
  ];
}

export interface PolicyBenchResult {
  decisionsPerSec: number;
  decisions: number;
  seconds: number;
  statementsPerDecision: number;
  outcomes: Record<string, number>;
}

export async function runPolicyBench(opts: { seconds?: number } = {}): Promise<PolicyBenchResult> {
  const requests = benchRequests();
  const outcomes: Record<string, number> = {};
  for (const r of requests) {
    const d = evaluate(r);
    outcomes[d.decision] = (outcomes[d.decision] ?? 0) + 1;
  }
  // Warm up (JIT), then measure.
  for (let i = 0; i < 20_000; i++) evaluate(requests[i % requests.length]!);
  const budgetMs = (opts.seconds ?? 2) * 1000;
  let n = 0;
  const t0 = performance.now();
  let t = t0;
  while (t - t0 < budgetMs) {
    for (let i = 0; i < 1000; i++) evaluate(requests[(n + i) % requests.length]!);
    n += 1000;
    t = performance.now();
  }
  const seconds = (t - t0) / 1000;
  return {
    decisionsPerSec: Math.round(n / seconds),
    decisions: n,
    seconds: Math.round(seconds * 100) / 100,
    statementsPerDecision: 5 * 10 + 2 + 4,
    outcomes,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const r = await runPolicyBench();
  console.log(JSON.stringify(r, null, 2));
  console.log(`policy evaluator: ${r.decisionsPerSec.toLocaleString('en-US')} decisions/s (target ≥ 200,000)`);
}
