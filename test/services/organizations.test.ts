// Organizations handlers called directly (input → guard → handler, as the pipeline does after
// authorization): the error table from fixtures, FullAWSAccess/RCPFullAWSAccess defaults, quotas,
// paging, policy-type switches, and each operation's declared IAM action, resource ARN and keys.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal';
import { decide } from '../../src/authz/authorize';
import { buildRequestContext } from '../../src/authz/request-context';
import { organizationsOperations } from '../../src/services/organizations/index';
import type { Operation, Params } from '../../src/services/types';
import errorCases from '../fixtures/services/organizations/errors.json';
import authzCases from '../fixtures/services/organizations/authz.json';
import { harness, type Harness } from '../helpers/services';

const DENY_S3 = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] });

const seed = {
  accounts: [{ id: '999999999999', name: 'Management', email: 'mgmt@example.com' }, { id: '222222222222' }],
  organization: {
    managementAccount: '999999999999',
    accounts: ['111111111111'],
    units: [
      { name: 'Workloads', accounts: ['000000000000'] },
      { name: 'Sandbox', accounts: [] },
    ],
    scps: [{ name: 'DenyRegions', description: 'regions', targets: ['Workloads'], content: JSON.parse(DENY_S3) }],
  },
};

const rootOf = (account: string): Principal => ({ kind: 'root', accountId: account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId: 'test', session: null });
const CALLERS: Record<string, Principal> = { mgmt: rootOf('999999999999'), member: rootOf('000000000000'), outsider: rootOf('222222222222') };

let h: Harness;
/** Ids saved by fixture set-up steps (`$var:<name>`). */
const vars: Record<string, string> = {};
let orgId: string;
let rootId: string;
beforeEach(async () => {
  h = await harness(seed);
  const org = h.store.organizations.membership('999999999999')!.org;
  orgId = org.id;
  rootId = org.rootId;
});

function op(name: string): Operation<any, any> {
  const o = organizationsOperations.get(name);
  if (!o) throw new Error(`no operation ${name}`);
  return o;
}

/** Fixture placeholders → ids of this run. */
function resolve(v: unknown): unknown {
  if (typeof v === 'string') {
    if (v === '$root') return rootId;
    return v
      .replace(/\$ou:(\w+)/g, (_m, name: string) => h.store.organizations.unitByName(orgId, rootId, name)!.id)
      .replace(/\$policy:(\w+)/g, (_m, name: string) => h.store.organizations.policyByName(orgId, 'SERVICE_CONTROL_POLICY', name)!.id)
      .replace(/\$var:(\w+)/g, (_m, name: string) => vars[name]!)
      .replaceAll('$orgId', orgId)
      .replaceAll('$rootId', rootId);
  }
  if (Array.isArray(v)) return v.map(resolve);
  if (v && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if (Array.isArray(o.$repeat)) return String(o.$repeat[0]).repeat(Number(o.$repeat[1]));
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]));
  }
  return v;
}

function run(name: string, params: Params, caller: Principal = CALLERS.mgmt): any {
  return h.run(op(name), resolve(params) as Params, caller);
}

function failure(fn: () => unknown): { code: string; message: string; status: number; reason?: string } {
  try {
    fn();
  } catch (e) {
    const err = e as { code?: string; message: string; status?: number; fields?: Record<string, string> };
    return { code: err.code ?? 'none', message: err.message, status: err.status ?? 0, ...(err.fields?.Reason ? { reason: err.fields.Reason } : {}) };
  }
  throw new Error('expected an error');
}

describe('Organizations errors (fixture table)', () => {
  it.each(errorCases.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const got = failure(() => run(c.op, c.params as Params, CALLERS[c.caller]));
    expect(got).toEqual({ code: c.code, message: c.message, status: 400, ...('reason' in c ? { reason: c.reason } : {}) });
  });
});

describe('defaults AWS attaches', () => {
  it('a new OU gets FullAWSAccess; the policy lists it as a target', () => {
    const ou = run('CreateOrganizationalUnit', { ParentId: '$root', Name: 'Prod' }).OrganizationalUnit;
    expect(ou.Id).toMatch(new RegExp(`^ou-${rootId.slice(2)}-[a-z2-7]{8}$`));
    expect(ou.Arn).toBe(`arn:aws:organizations::999999999999:ou/${orgId}/${ou.Id}`);
    const attached = run('ListPoliciesForTarget', { TargetId: ou.Id, Filter: 'SERVICE_CONTROL_POLICY' }).Policies;
    expect(attached).toEqual([
      { Id: 'p-FullAWSAccess', Arn: 'arn:aws:organizations::aws:policy/service_control_policy/p-FullAWSAccess', Name: 'FullAWSAccess', Description: 'Allows access to every operation', Type: 'SERVICE_CONTROL_POLICY', AwsManaged: true },
    ]);
    const targets = run('ListTargetsForPolicy', { PolicyId: 'p-FullAWSAccess' }).Targets.map((t: { TargetId: string }) => t.TargetId);
    expect(targets).toContain(ou.Id);
  });

  it('enabling RCPs attaches RCPFullAWSAccess everywhere; it cannot be detached; disabling detaches every RCP', () => {
    const root = run('EnablePolicyType', { RootId: '$root', PolicyType: 'RESOURCE_CONTROL_POLICY' }).Root;
    expect(root.PolicyTypes).toEqual([
      { Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' },
      { Type: 'RESOURCE_CONTROL_POLICY', Status: 'ENABLED' },
    ]);
    const targets = run('ListTargetsForPolicy', { PolicyId: 'p-RCPFullAWSAccess' }).Targets;
    expect(targets.map((t: { Type: string }) => t.Type).sort()).toEqual(['ACCOUNT', 'ACCOUNT', 'ACCOUNT', 'ORGANIZATIONAL_UNIT', 'ORGANIZATIONAL_UNIT', 'ROOT']);
    const later = run('CreateOrganizationalUnit', { ParentId: '$root', Name: 'Later' }).OrganizationalUnit;
    expect(run('ListPoliciesForTarget', { TargetId: later.Id, Filter: 'RESOURCE_CONTROL_POLICY' }).Policies.map((p: { Id: string }) => p.Id)).toEqual(['p-RCPFullAWSAccess']);
    expect(failure(() => run('DetachPolicy', { PolicyId: 'p-RCPFullAWSAccess', TargetId: '$root' }))).toMatchObject({ code: 'InvalidInputException', reason: 'NON_DETACHABLE_POLICY' });

    run('DisablePolicyType', { RootId: '$root', PolicyType: 'RESOURCE_CONTROL_POLICY' });
    expect(run('ListTargetsForPolicy', { PolicyId: 'p-RCPFullAWSAccess' }).Targets).toEqual([]);
    expect(h.store.organizations.get(orgId)!.rcpEnabled).toBe(false);
  });

  it('disabling SCPs detaches every SCP; re-enabling attaches only FullAWSAccess', () => {
    run('DisablePolicyType', { RootId: '$root', PolicyType: 'SERVICE_CONTROL_POLICY' });
    expect(run('ListRoots', {}).Roots[0].PolicyTypes).toEqual([]);
    const deny = h.store.organizations.policyByName(orgId, 'SERVICE_CONTROL_POLICY', 'DenyRegions')!;
    expect(failure(() => run('AttachPolicy', { PolicyId: deny.id, TargetId: '111111111111' }))).toMatchObject({ code: 'PolicyTypeNotEnabledException' });
    run('EnablePolicyType', { RootId: '$root', PolicyType: 'SERVICE_CONTROL_POLICY' });
    expect(run('ListTargetsForPolicy', { PolicyId: deny.id }).Targets).toEqual([]);
    expect(run('ListTargetsForPolicy', { PolicyId: 'p-FullAWSAccess' }).Targets).toHaveLength(6);
  });

  it('an RCP cannot be attached while RCPs are disabled', () => {
    const rcp = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*' }] });
    const p = run('CreatePolicy', { Name: 'r', Description: '', Type: 'RESOURCE_CONTROL_POLICY', Content: rcp }).Policy.PolicySummary;
    expect(p.Arn).toBe(`arn:aws:organizations::999999999999:policy/${orgId}/resource_control_policy/${p.Id}`);
    expect(failure(() => run('AttachPolicy', { PolicyId: p.Id, TargetId: '$root' }))).toEqual({
      code: 'PolicyTypeNotEnabledException',
      message: 'This operation can be performed only for enabled policy types.',
      status: 400,
    });
  });
});

describe('quotas', () => {
  it('at most five SCPs per target', () => {
    for (let i = 0; i < 4; i++) {
      const p = run('CreatePolicy', { Name: `deny${i}`, Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: DENY_S3 }).Policy.PolicySummary;
      run('AttachPolicy', { PolicyId: p.Id, TargetId: '111111111111' });
    }
    const sixth = run('CreatePolicy', { Name: 'deny5', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: DENY_S3 }).Policy.PolicySummary;
    expect(failure(() => run('AttachPolicy', { PolicyId: sixth.Id, TargetId: '111111111111' }))).toMatchObject({
      code: 'ConstraintViolationException',
      reason: 'MAX_POLICY_TYPE_ATTACHMENT_LIMIT_EXCEEDED',
    });
  });

  it('an SCP of 5,120 characters is accepted, one more is refused (white space counts)', () => {
    const pad = (n: number) => DENY_S3 + ' '.repeat(n - DENY_S3.length);
    run('CreatePolicy', { Name: 'max', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: pad(5120) });
    expect(failure(() => run('CreatePolicy', { Name: 'over', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: pad(5121) }))).toEqual({
      code: 'ConstraintViolationException',
      message: 'You attempted to create a policy that is larger than the maximum size.',
      status: 400,
      reason: 'POLICY_CONTENT_LIMIT_EXCEEDED',
    });
  });

  it('OUs nest five levels below the root, not six', () => {
    let parent = rootId;
    for (let depth = 1; depth <= 5; depth++) parent = run('CreateOrganizationalUnit', { ParentId: parent, Name: `L${depth}` }).OrganizationalUnit.Id;
    expect(failure(() => run('CreateOrganizationalUnit', { ParentId: parent, Name: 'L6' }))).toMatchObject({
      code: 'ConstraintViolationException',
      reason: 'OU_DEPTH_LIMIT_EXCEEDED',
    });
  });
});

describe('shapes and paging', () => {
  it('DescribeOrganization answers members too, with the management account', () => {
    const o = run('DescribeOrganization', {}, CALLERS.member).Organization;
    expect(o).toEqual({
      Id: orgId,
      Arn: `arn:aws:organizations::999999999999:organization/${orgId}`,
      FeatureSet: 'ALL',
      MasterAccountArn: `arn:aws:organizations::999999999999:account/${orgId}/999999999999`,
      MasterAccountId: '999999999999',
      MasterAccountEmail: 'mgmt@example.com',
      AvailablePolicyTypes: [{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }],
    });
  });

  it('ListAccounts pages with NextToken until it is absent', () => {
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const r = run('ListAccounts', { MaxResults: 1, ...(token ? { NextToken: token } : {}) });
      seen.push(...r.Accounts.map((a: { Id: string }) => a.Id));
      token = r.NextToken;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen.sort()).toEqual(['000000000000', '111111111111', '999999999999']);
    const mgmt = run('DescribeAccount', { AccountId: '999999999999' }).Account;
    expect(mgmt).toMatchObject({ Id: '999999999999', Name: 'Management', Email: 'mgmt@example.com', Status: 'ACTIVE', JoinedMethod: 'INVITED' });
    expect(mgmt.JoinedTimestamp).toBeInstanceOf(Date);
  });

  it('MoveAccount changes ListParents, ListChildren and the account’s organization path', () => {
    const workloads = resolve('$ou:Workloads') as string;
    const sandbox = resolve('$ou:Sandbox') as string;
    expect(run('ListParents', { ChildId: '000000000000' }).Parents).toEqual([{ Id: workloads, Type: 'ORGANIZATIONAL_UNIT' }]);
    run('MoveAccount', { AccountId: '000000000000', SourceParentId: workloads, DestinationParentId: sandbox });
    expect(run('ListParents', { ChildId: '000000000000' }).Parents).toEqual([{ Id: sandbox, Type: 'ORGANIZATIONAL_UNIT' }]);
    expect(run('ListChildren', { ParentId: sandbox, ChildType: 'ACCOUNT' }).Children).toEqual([{ Id: '000000000000', Type: 'ACCOUNT' }]);
    expect(run('ListParents', { ChildId: sandbox }).Parents).toEqual([{ Id: rootId, Type: 'ROOT' }]);
    expect(h.store.organizations.membership('000000000000')!.path.map((u) => u.id)).toEqual([rootId, sandbox]);
  });

  it('UpdatePolicy changes name, description and content; DeletePolicy removes a detached policy', () => {
    const p = run('CreatePolicy', { Name: 'a', Description: 'd', Type: 'SERVICE_CONTROL_POLICY', Content: DENY_S3, Tags: [{ Key: 'team', Value: 'x' }] }).Policy;
    expect(h.store.tags.list('org-policy', p.PolicySummary.Id)).toEqual([{ Key: 'team', Value: 'x' }]);
    const allowAll = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const u = run('UpdatePolicy', { PolicyId: p.PolicySummary.Id, Name: 'b', Description: 'e', Content: allowAll }).Policy;
    expect(u).toEqual({ PolicySummary: { ...p.PolicySummary, Name: 'b', Description: 'e' }, Content: allowAll });
    expect(failure(() => run('UpdatePolicy', { PolicyId: p.PolicySummary.Id, Content: '{' }))).toMatchObject({ code: 'MalformedPolicyDocumentException' });
    run('DeletePolicy', { PolicyId: p.PolicySummary.Id });
    expect(failure(() => run('DescribePolicy', { PolicyId: p.PolicySummary.Id }))).toMatchObject({ code: 'PolicyNotFoundException' });
    expect(h.store.tags.list('org-policy', p.PolicySummary.Id)).toEqual([]);
  });
});

describe('authorization declarations (fixture table)', () => {
  it.each(authzCases.cases.map((c) => [c.op, c] as const))('%s', (_name, c) => {
    // Rows acting on a handshake or transfer first create it; `$var:<name>` then names its id.
    for (const step of ('setup' in c ? (c.setup as { op: string; params: Params; save: string; path: string }[]) : [])) {
      const out = run(step.op, step.params);
      vars[step.save] = String(step.path.split('.').reduce((o: any, k) => o[k], out));
    }
    const o = op(c.op);
    const call = h.call(CALLERS.mgmt, 'organizations');
    const input = o.input(resolve(c.params) as Params, call);
    o.guard?.(input, call);
    expect(o.action).toBe(`organizations:${c.op}`);
    const resource = o.resource(input, call);
    if ('resourcePattern' in c) expect(resource).toMatch(new RegExp(String(resolve(c.resourcePattern))));
    else expect(resource).toBe(resolve(c.resource));
    expect(o.conditionKeys?.(input, call) ?? {}).toEqual(resolve(c.keys ?? {}));
    expect((o.extraChecks?.(input, call) ?? []).map((x) => ({ action: x.action, resource: x.resource }))).toEqual(resolve(c.extra ?? []));
  });

  it('tags in CreateOrganizationalUnit / CreatePolicy add aws:RequestTag keys and an organizations:TagResource check on the new ARN', () => {
    const call = h.call(CALLERS.mgmt, 'organizations');
    const tags = [{ Key: 'team', Value: 'payments' }];
    const ouOp = op('CreateOrganizationalUnit');
    const ouInput = ouOp.input({ ParentId: rootId, Name: 'Tagged', Tags: tags }, call);
    expect(ouOp.conditionKeys!(ouInput, call)).toEqual({ 'aws:RequestTag/team': 'payments', 'aws:TagKeys': ['team'] });
    const [ouCheck] = ouOp.extraChecks!(ouInput, call);
    expect(ouCheck.action).toBe('organizations:TagResource');
    const created = h.run(ouOp, { ParentId: rootId, Name: 'Tagged', Tags: tags }, CALLERS.mgmt) as { OrganizationalUnit: { Arn: string; Id: string } };
    expect(ouCheck.resource).toMatch(new RegExp(`^arn:aws:organizations::999999999999:ou/${orgId}/ou-${rootId.slice(2)}-[a-z2-7]{8}$`));
    expect(h.store.tags.list('org-unit', created.OrganizationalUnit.Id)).toEqual(tags);

    const polOp = op('CreatePolicy');
    const polInput = polOp.input({ Name: 't', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: DENY_S3, Tags: tags }, call);
    const [polCheck] = polOp.extraChecks!(polInput, call);
    expect(polCheck).toMatchObject({ action: 'organizations:TagResource', resource: polOp.resource(polInput, call) });
  });

  it('every operation in the table has a fixture row', () => {
    expect(new Set(authzCases.cases.map((c) => c.op))).toEqual(new Set(organizationsOperations.keys()));
  });
});

describe('what the API changes, the authorizer sees (SCP/RCP semantics)', () => {
  const member = CALLERS.member;
  const ask = (action: string, opts: { principal?: Principal; resource?: string; resourceAccount?: string; region?: string } = {}) => {
    const principal = opts.principal ?? member;
    const context = buildRequestContext(h.store, principal, { now: new Date(), region: opts.region ?? 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, userAgent: null });
    return decide(h.store, { principal, action, resource: opts.resource ?? '*', resourceAccount: opts.resourceAccount, context }).decision;
  };

  it('allow-list strategy: every level root → OU → OU → account must allow', () => {
    const workloads = resolve('$ou:Workloads') as string;
    const inner = run('CreateOrganizationalUnit', { ParentId: workloads, Name: 'Inner' }).OrganizationalUnit.Id;
    run('MoveAccount', { AccountId: '000000000000', SourceParentId: workloads, DestinationParentId: inner });
    expect(h.store.organizations.membership('000000000000')!.path.map((u) => u.id)).toEqual([rootId, workloads, inner]);
    expect(ask('ec2:DescribeInstances').decision).toBe('allowed');

    // Replace FullAWSAccess on the inner OU with an allow list of iam:* (attach first, then detach).
    const allowIam = run('CreatePolicy', { Name: 'AllowIamOnly', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] }) }).Policy.PolicySummary;
    run('AttachPolicy', { PolicyId: allowIam.Id, TargetId: inner });
    run('DetachPolicy', { PolicyId: 'p-FullAWSAccess', TargetId: inner });
    const denied = ask('ec2:DescribeInstances');
    expect(denied.decision).toBe('implicitDeny');
    expect(denied.cause).toMatchObject({ kind: 'scp', explicit: false });
    expect(ask('iam:ListRoles').decision).toBe('allowed');
    // The account's org path follows the move: aws:PrincipalOrgPaths ends with the inner OU.
    const ctx = buildRequestContext(h.store, member, { now: new Date(), region: 'us-east-1', sourceIp: '127.0.0.1', secureTransport: true, userAgent: null });
    expect(ctx['aws:PrincipalOrgPaths']).toEqual([`${orgId}/${rootId}/${workloads}/${inner}/`]);
  });

  it('an SCP deny attached to an account is an explicit deny; detaching it restores access', () => {
    expect(ask('s3:GetObject').decision).toBe('explicitDeny'); // DenyRegions (Deny s3:*) on Workloads
    const p = run('CreatePolicy', { Name: 'DenyEc2', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }] }) }).Policy.PolicySummary;
    run('AttachPolicy', { PolicyId: p.Id, TargetId: '000000000000' });
    expect(ask('ec2:RunInstances')).toMatchObject({ decision: 'explicitDeny', cause: { kind: 'scp', explicit: true, policyId: p.Id } });
    run('DetachPolicy', { PolicyId: p.Id, TargetId: '000000000000' });
    expect(ask('ec2:RunInstances').decision).toBe('allowed');
    // Updating the content takes effect on the next request.
    run('UpdatePolicy', { PolicyId: resolve('$policy:DenyRegions'), Content: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'sqs:*', Resource: '*' }] }) });
    expect(ask('s3:GetObject').decision).toBe('allowed');
    expect(ask('sqs:SendMessage').decision).toBe('explicitDeny');
  });

  it('RCPs follow the resource: a member account’s bucket denies principals outside the organization', () => {
    run('EnablePolicyType', { RootId: '$root', PolicyType: 'RESOURCE_CONTROL_POLICY' });
    const rcp = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Deny', Principal: '*', Action: 's3:*', Resource: '*', Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': orgId } } }],
    });
    const p = run('CreatePolicy', { Name: 'OrgOnly', Description: '', Type: 'RESOURCE_CONTROL_POLICY', Content: rcp }).Policy.PolicySummary;
    run('AttachPolicy', { PolicyId: p.Id, TargetId: '$root' });
    const bucket = 'arn:aws:s3:::member-bucket/key';
    const outsider = ask('s3:GetObject', { principal: CALLERS.outsider, resource: bucket, resourceAccount: '111111111111' });
    expect(outsider).toMatchObject({ decision: 'explicitDeny', cause: { kind: 'rcp', explicit: true } });
    // The management account's resources are never governed by RCPs.
    const onMgmt = ask('s3:GetObject', { principal: CALLERS.outsider, resource: 'arn:aws:s3:::mgmt-bucket/key', resourceAccount: '999999999999' });
    expect(onMgmt.cause?.kind).not.toBe('rcp');
  });
});
