// Organizations operations of issue 16 called directly (input → guard → handler): handshakes
// (invite → accept/decline/cancel, expiry by the clock), tags on roots/OUs/accounts/policies, trusted
// access and delegated administrators, the resource policy, management policies and their effective
// policy (merge table in test/fixtures/services/organizations/effective-policies.json), billing transfers.
import { beforeEach, describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal';
import { resourceTagContext } from '../../src/authz/request-context';
import { mergeEffectivePolicy, validateManagementPolicy } from '../../src/services/organizations/effective';
import { organizationsOperations } from '../../src/services/organizations/index';
import type { Params } from '../../src/services/types';
import mergeCases from '../fixtures/services/organizations/effective-policies.json';
import { harness, type Harness } from '../helpers/services';

const seed = {
  accounts: [
    { id: '999999999999', name: 'Management', email: 'mgmt@example.com' },
    { id: '222222222222', name: 'Outsider', email: 'outsider@example.com' },
    { id: '333333333333', name: 'Lone', email: 'lone@example.com' },
  ],
  organization: { managementAccount: '999999999999', accounts: ['111111111111'], units: [{ name: 'Workloads', accounts: ['000000000000'] }] },
};

const rootOf = (account: string): Principal => ({ kind: 'root', accountId: account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId: 'test', session: null });
const MGMT = rootOf('999999999999');
const MEMBER = rootOf('000000000000');
const OUTSIDER = rootOf('222222222222');
const LONE = rootOf('333333333333');
const DAY = 86_400_000;

let h: Harness;
let orgId: string;
let rootId: string;
let ouId: string;
beforeEach(async () => {
  h = await harness(seed);
  const org = h.store.organizations.membership('999999999999')!.org;
  orgId = org.id;
  rootId = org.rootId;
  ouId = h.store.organizations.unitByName(orgId, rootId, 'Workloads')!.id;
});

function run(name: string, params: Params, caller: Principal = MGMT): any {
  return h.run(organizationsOperations.get(name)!, params, caller);
}

function failure(fn: () => unknown): { code: string; message: string; reason?: string } {
  try {
    fn();
  } catch (e) {
    const err = e as { code?: string; message: string; fields?: Record<string, string> };
    return { code: err.code ?? 'none', message: err.message, ...(err.fields?.Reason ? { reason: err.fields.Reason } : {}) };
  }
  throw new Error('expected an error');
}

const invite = (account: string, extra: Params = {}) => run('InviteAccountToOrganization', { Target: { Id: account, Type: 'ACCOUNT' }, ...extra }).Handshake;

describe('management policy inheritance (fixture table)', () => {
  it.each(mergeCases.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const levels = c.levels.map((l) => l.map((p) => ({ id: p.id, content: JSON.stringify(p.doc) })));
    const r = mergeEffectivePolicy(levels);
    expect(r.policy).toEqual(c.expect);
    expect(r.errors.map((e) => [e.PathToError, e.ContributingPolicies])).toEqual('errors' in c ? c.errors : []);
  });

  it.each([
    ['not JSON', '{'],
    ['a list', '[]'],
    ['an unknown operator', '{"tags":{"a":{"@@replace":"x"}}}'],
    ['@@append with a string', '{"tags":{"a":{"tag_value":{"@@append":"x"}}}}'],
    ['a bad child-control list', '{"tags":{"@@operators_allowed_for_child_policies":["@@sometimes"]}}'],
  ])('refuses %s', (_n, content) => {
    expect(() => validateManagementPolicy(content)).toThrow();
  });
});

describe('handshakes', () => {
  it('invite → the invited account lists and accepts it → it joins under the root, INVITED, with the tags and FullAWSAccess', () => {
    const hs = invite('222222222222', { Notes: 'welcome', Tags: [{ Key: 'team', Value: 'a' }] });
    expect(hs).toMatchObject({ State: 'OPEN', Action: 'INVITE', Parties: [{ Id: orgId, Type: 'ORGANIZATION' }, { Id: '222222222222', Type: 'ACCOUNT' }] });
    expect(hs.Id).toMatch(/^h-[0-9a-z]{8,32}$/);
    expect(hs.Arn).toBe(`arn:aws:organizations::999999999999:handshake/${orgId}/invite/${hs.Id}`);
    expect(hs.ExpirationTimestamp.getTime() - hs.RequestedTimestamp.getTime()).toBe(15 * DAY);
    expect(hs.Resources).toEqual([
      { Type: 'ORGANIZATION', Value: orgId, Resources: [{ Type: 'MASTER_EMAIL', Value: 'mgmt@example.com' }, { Type: 'MASTER_NAME', Value: 'Management' }, { Type: 'ORGANIZATION_FEATURE_SET', Value: 'ALL' }] },
      { Type: 'ACCOUNT', Value: '222222222222' },
      { Type: 'NOTES', Value: 'welcome' },
    ]);
    expect(run('ListHandshakesForOrganization', {}).Handshakes.map((x: { Id: string }) => x.Id)).toEqual([hs.Id]);
    expect(run('ListHandshakesForAccount', {}, OUTSIDER).Handshakes.map((x: { Id: string }) => x.Id)).toEqual([hs.Id]);
    expect(run('ListHandshakesForAccount', {}, MEMBER).Handshakes).toEqual([]);

    expect(run('AcceptHandshake', { HandshakeId: hs.Id }, OUTSIDER).Handshake.State).toBe('ACCEPTED');
    expect(run('DescribeAccount', { AccountId: '222222222222' }).Account).toMatchObject({ Id: '222222222222', Name: 'Outsider', JoinedMethod: 'INVITED', Status: 'ACTIVE' });
    expect(run('ListParents', { ChildId: '222222222222' }).Parents).toEqual([{ Id: rootId, Type: 'ROOT' }]);
    expect(run('ListTagsForResource', { ResourceId: '222222222222' }).Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    expect(run('ListPoliciesForTarget', { TargetId: '222222222222', Filter: 'SERVICE_CONTROL_POLICY' }).Policies.map((p: { Id: string }) => p.Id)).toEqual(['p-FullAWSAccess']);
    expect(run('DescribeOrganization', {}, OUTSIDER).Organization.Id).toBe(orgId);

    expect(failure(() => run('AcceptHandshake', { HandshakeId: hs.Id }, OUTSIDER))).toMatchObject({ code: 'HandshakeAlreadyInStateException' });
    expect(failure(() => run('CancelHandshake', { HandshakeId: hs.Id }))).toMatchObject({ code: 'InvalidHandshakeTransitionException' });
  });

  it('an invitation by email reaches the account with that email, which declines it', () => {
    const hs = run('InviteAccountToOrganization', { Target: { Id: 'LONE@example.com', Type: 'EMAIL' } }).Handshake;
    expect(run('ListHandshakesForAccount', { Filter: { ActionType: 'INVITE' } }, LONE).Handshakes.map((x: { Id: string }) => x.Id)).toEqual([hs.Id]);
    expect(failure(() => run('InviteAccountToOrganization', { Target: { Id: '333333333333', Type: 'ACCOUNT' } }))).toEqual({
      code: 'DuplicateHandshakeException',
      message: 'A handshake with the same action and target already exists.',
    });
    expect(run('DeclineHandshake', { HandshakeId: hs.Id }, LONE).Handshake.State).toBe('DECLINED');
    expect(failure(() => run('AcceptHandshake', { HandshakeId: hs.Id }, LONE))).toMatchObject({ code: 'InvalidHandshakeTransitionException' });
    expect(h.store.organizations.membership('333333333333')).toBeNull();
  });

  it('expires 15 days after the request by the clock, and leaves the lists 30 days after that', () => {
    const hs = invite('222222222222');
    h.clock.set(new Date(h.clock.now().getTime() + 15 * DAY + 1000));
    expect(run('DescribeHandshake', { HandshakeId: hs.Id }).Handshake.State).toBe('EXPIRED');
    expect(failure(() => run('AcceptHandshake', { HandshakeId: hs.Id }, OUTSIDER))).toMatchObject({ code: 'InvalidHandshakeTransitionException' });
    expect(run('ListHandshakesForOrganization', {}).Handshakes).toHaveLength(1);
    h.clock.set(new Date(h.clock.now().getTime() + 31 * DAY));
    expect(run('ListHandshakesForOrganization', {}).Handshakes).toEqual([]);
    // A new invitation is no duplicate of the expired one.
    expect(invite('222222222222').State).toBe('OPEN');
  });

  it('refuses members of an organization: at the invitation, and at acceptance when the account joined another meanwhile', () => {
    expect(failure(() => invite('000000000000'))).toEqual({
      code: 'HandshakeConstraintViolationException',
      message: 'The handshake request is invalid because the invited account is already a member of an organization.',
      reason: 'ALREADY_IN_AN_ORGANIZATION',
    });
    const hs = invite('222222222222');
    run('CreateOrganization', {}, OUTSIDER);
    expect(failure(() => run('AcceptHandshake', { HandshakeId: hs.Id }, OUTSIDER))).toMatchObject({ reason: 'ALREADY_IN_AN_ORGANIZATION' });
  });

  it('a stranger to the handshake does not find it; the recipient cannot cancel; both filters at once are refused', () => {
    const hs = invite('222222222222');
    expect(failure(() => run('DescribeHandshake', { HandshakeId: hs.Id }, MEMBER))).toEqual({
      code: 'HandshakeNotFoundException',
      message: "We can't find a handshake with the HandshakeId that you specified.",
    });
    expect(failure(() => run('CancelHandshake', { HandshakeId: hs.Id }, OUTSIDER))).toMatchObject({ code: 'InvalidHandshakeTransitionException' });
    expect(run('CancelHandshake', { HandshakeId: hs.Id }).Handshake.State).toBe('CANCELED');
    expect(failure(() => run('ListHandshakesForOrganization', { Filter: { ActionType: 'INVITE', ParentHandshakeId: hs.Id } }))).toMatchObject({ reason: 'MAX_LIMIT_EXCEEDED_FILTER' });
    expect(failure(() => run('ListHandshakesForOrganization', {}, MEMBER))).toMatchObject({ code: 'AccessDeniedException' });
  });

  it('EnableAllFeatures stores its handshake; an organization with all features gets ORGANIZATION_ALREADY_HAS_ALL_FEATURES', () => {
    run('CreateOrganization', { FeatureSet: 'CONSOLIDATED_BILLING' }, OUTSIDER);
    const hs = run('EnableAllFeatures', {}, OUTSIDER).Handshake;
    expect(run('DescribeHandshake', { HandshakeId: hs.Id }, OUTSIDER).Handshake).toMatchObject({ Action: 'ENABLE_ALL_FEATURES', State: 'ACCEPTED' });
    expect(failure(() => run('EnableAllFeatures', {}, OUTSIDER))).toMatchObject({ code: 'HandshakeConstraintViolationException', reason: 'ORGANIZATION_ALREADY_HAS_ALL_FEATURES' });
  });
});

describe('tags on Organizations resources', () => {
  it('tags a root, an OU, an account and a policy; lists and removes them; aws:ResourceTag reaches the authorizer', () => {
    const policy = run('CreatePolicy', { Name: 'p', Description: '', Type: 'SERVICE_CONTROL_POLICY', Content: '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*"}]}' }).Policy.PolicySummary;
    for (const id of [rootId, ouId, '000000000000', policy.Id]) {
      run('TagResource', { ResourceId: id, Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'Team', Value: 'a' }] });
      run('TagResource', { ResourceId: id, Tags: [{ Key: 'env', Value: 'test' }] });
      expect(run('ListTagsForResource', { ResourceId: id }).Tags).toEqual([{ Key: 'env', Value: 'test' }, { Key: 'Team', Value: 'a' }]);
    }
    expect(resourceTagContext(h.store, `arn:aws:organizations::999999999999:ou/${orgId}/${ouId}`)).toEqual({ 'aws:ResourceTag/env': 'test', 'aws:ResourceTag/Team': 'a' });
    expect(resourceTagContext(h.store, policy.Arn)).toEqual({ 'aws:ResourceTag/env': 'test', 'aws:ResourceTag/Team': 'a' });
    run('UntagResource', { ResourceId: '000000000000', TagKeys: ['env', 'absent'] });
    expect(run('ListTagsForResource', { ResourceId: '000000000000' }).Tags).toEqual([{ Key: 'Team', Value: 'a' }]);
  });

  it('at most 50 tags; aws: keys are reserved; outsiders and AWS-managed policies are no targets', () => {
    run('TagResource', { ResourceId: ouId, Tags: Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' })) });
    expect(failure(() => run('TagResource', { ResourceId: ouId, Tags: [{ Key: 'one-more', Value: '' }] }))).toMatchObject({ code: 'ConstraintViolationException', reason: 'MAX_TAG_LIMIT_EXCEEDED' });
    run('TagResource', { ResourceId: ouId, Tags: [{ Key: 'k0', Value: 'overwrite is fine' }] });
    expect(failure(() => run('TagResource', { ResourceId: rootId, Tags: [{ Key: 'aws:x', Value: '' }] }))).toMatchObject({ reason: 'INVALID_SYSTEM_TAGS_PARAMETER' });
    expect(failure(() => run('TagResource', { ResourceId: '222222222222', Tags: [{ Key: 'a', Value: '' }] }))).toMatchObject({ code: 'TargetNotFoundException' });
    expect(failure(() => run('ListTagsForResource', { ResourceId: 'p-FullAWSAccess' }))).toMatchObject({ code: 'TargetNotFoundException' });
    expect(failure(() => run('ListTagsForResource', { ResourceId: 'o-notataggable' }))).toMatchObject({ reason: 'INVALID_PATTERN' });
    expect(failure(() => run('TagResource', { ResourceId: ouId, Tags: [{ Key: 'a', Value: '' }] }, MEMBER))).toMatchObject({ code: 'AccessDeniedException' });
  });
});

describe('trusted access and delegated administrators', () => {
  it('register, list, and the rules around it (management account, duplicates, removal, leaving)', () => {
    run('EnableAWSServiceAccess', { ServicePrincipal: 'config.amazonaws.com' });
    expect(run('ListAWSServiceAccessForOrganization', {}).EnabledServicePrincipals).toEqual([{ ServicePrincipal: 'config.amazonaws.com', DateEnabled: h.clock.now() }]);
    run('RegisterDelegatedAdministrator', { AccountId: '000000000000', ServicePrincipal: 'config.amazonaws.com' });
    expect(failure(() => run('RegisterDelegatedAdministrator', { AccountId: '000000000000', ServicePrincipal: 'config.amazonaws.com' }))).toEqual({
      code: 'AccountAlreadyRegisteredException',
      message: 'The provided account is already a delegated administrator for your organization.',
    });
    expect(failure(() => run('RegisterDelegatedAdministrator', { AccountId: '999999999999', ServicePrincipal: 'config.amazonaws.com' }))).toEqual({
      code: 'ConstraintViolationException',
      message: 'You cannot register master account/yourself as delegated administrator for your organization.',
      reason: 'CANNOT_REGISTER_MASTER_AS_DELEGATED_ADMINISTRATOR',
    });
    expect(failure(() => run('RegisterDelegatedAdministrator', { AccountId: '222222222222', ServicePrincipal: 'config.amazonaws.com' }))).toMatchObject({ code: 'AccountNotFoundException' });
    expect(failure(() => run('RegisterDelegatedAdministrator', { AccountId: '000000000000', ServicePrincipal: 'not a principal' }))).toMatchObject({ reason: 'INVALID_PATTERN' });
    expect(failure(() => run('RegisterDelegatedAdministrator', { AccountId: '000000000000', ServicePrincipal: 'config' }))).toMatchObject({ reason: 'UNRECOGNIZED_SERVICE_PRINCIPAL' });

    const admins = run('ListDelegatedAdministrators', { ServicePrincipal: 'config.amazonaws.com' }).DelegatedAdministrators;
    expect(admins).toEqual([expect.objectContaining({ Id: '000000000000', Arn: `arn:aws:organizations::999999999999:account/${orgId}/000000000000`, DelegationEnabledDate: h.clock.now() })]);
    expect(run('ListDelegatedServicesForAccount', { AccountId: '000000000000' }).DelegatedServices).toEqual([{ ServicePrincipal: 'config.amazonaws.com', DelegationEnabledDate: h.clock.now() }]);

    // A delegated administrator reads what delegated administrators may read; other members may not.
    expect(run('ListDelegatedAdministrators', {}, MEMBER).DelegatedAdministrators).toHaveLength(1);
    expect(failure(() => run('ListDelegatedAdministrators', {}, rootOf('111111111111')))).toMatchObject({ code: 'AccessDeniedException' });

    expect(failure(() => run('RemoveAccountFromOrganization', { AccountId: '000000000000' }))).toMatchObject({ reason: 'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG' });
    expect(failure(() => run('LeaveOrganization', {}, MEMBER))).toMatchObject({ reason: 'CANNOT_REMOVE_DELEGATED_ADMINISTRATOR_FROM_ORG' });

    run('DeregisterDelegatedAdministrator', { AccountId: '000000000000', ServicePrincipal: 'config.amazonaws.com' });
    expect(failure(() => run('DeregisterDelegatedAdministrator', { AccountId: '000000000000', ServicePrincipal: 'config.amazonaws.com' }))).toMatchObject({ code: 'AccountNotRegisteredException' });
    expect(failure(() => run('ListDelegatedServicesForAccount', { AccountId: '000000000000' }))).toMatchObject({ code: 'AccountNotRegisteredException' });
    run('DisableAWSServiceAccess', { ServicePrincipal: 'config.amazonaws.com' });
    expect(run('ListAWSServiceAccessForOrganization', {}).EnabledServicePrincipals).toEqual([]);
  });

  it('trusted access needs all features', () => {
    run('CreateOrganization', { FeatureSet: 'CONSOLIDATED_BILLING' }, OUTSIDER);
    expect(failure(() => run('EnableAWSServiceAccess', { ServicePrincipal: 'config.amazonaws.com' }, OUTSIDER))).toMatchObject({ reason: 'ORGANIZATION_NOT_IN_ALL_FEATURES_MODE' });
  });
});

describe('the resource policy', () => {
  const policy = (statement: Record<string, unknown>) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
  const DELEGATE = policy({ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:root' }, Action: ['organizations:Describe*', 'organizations:List*'], Resource: '*' });

  it('put → describe → put again keeps its id → delete', () => {
    expect(failure(() => run('DescribeResourcePolicy', {}))).toEqual({ code: 'ResourcePolicyNotFoundException', message: "We can't find a resource policy request with the parameter that you specified." });
    const put = run('PutResourcePolicy', { Content: DELEGATE, Tags: [{ Key: 'team', Value: 'a' }] }).ResourcePolicy;
    expect(put.ResourcePolicySummary.Id).toMatch(/^rp-[0-9a-zA-Z_]{4,128}$/);
    expect(put.ResourcePolicySummary.Arn).toBe(`arn:aws:organizations::999999999999:resourcepolicy/${orgId}/${put.ResourcePolicySummary.Id}`);
    expect(run('ListTagsForResource', { ResourceId: put.ResourcePolicySummary.Id }).Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    const again = run('PutResourcePolicy', { Content: DELEGATE.replace('List*', 'ListAccounts') }).ResourcePolicy;
    expect(again.ResourcePolicySummary.Id).toBe(put.ResourcePolicySummary.Id);
    expect(run('DescribeResourcePolicy', {}).ResourcePolicy.Content).toContain('organizations:ListAccounts');
    run('DeleteResourcePolicy', {});
    expect(failure(() => run('DeleteResourcePolicy', {}))).toMatchObject({ code: 'ResourcePolicyNotFoundException' });
  });

  it.each([
    ['not JSON', '{', 'INVALID_RESOURCE_POLICY_JSON'],
    ['no principal', policy({ Effect: 'Allow', Action: 'organizations:ListAccounts', Resource: '*' }), 'INVALID_PRINCIPAL'],
    ['another service', policy({ Effect: 'Allow', Principal: { AWS: '000000000000' }, Action: 's3:GetObject', Resource: '*' }), 'UNSUPPORTED_ACTION_IN_RESOURCE_POLICY'],
    ['a non-Organizations resource', policy({ Effect: 'Allow', Principal: { AWS: '000000000000' }, Action: 'organizations:ListAccounts', Resource: 'arn:aws:s3:::b' }), 'UNSUPPORTED_RESOURCE_IN_RESOURCE_POLICY'],
  ])('refuses %s (%s)', (_n, content, reason) => {
    expect(failure(() => run('PutResourcePolicy', { Content: content }))).toMatchObject({ code: 'InvalidInputException', reason });
  });
});

describe('management policies and effective policies', () => {
  const TAG_ROOT = JSON.stringify({ tags: { costcenter: { tag_key: { '@@assign': 'CostCenter' }, tag_value: { '@@operators_allowed_for_child_policies': ['@@append'], '@@assign': ['100'] } } } });
  const TAG_OU = JSON.stringify({ tags: { costcenter: { tag_value: { '@@append': ['200'] } } } });
  const TAG_BAD = JSON.stringify({ tags: { costcenter: { tag_value: { '@@assign': ['999'] } } } });

  it('tag policies are stored, attached and merged along root → OU → account; a forbidden child setting is listed as invalid', () => {
    expect(failure(() => run('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY' }, MEMBER))).toMatchObject({ code: 'EffectivePolicyNotFoundException' });
    const root = run('EnablePolicyType', { RootId: rootId, PolicyType: 'TAG_POLICY' }).Root;
    expect(root.PolicyTypes).toEqual([{ Type: 'SERVICE_CONTROL_POLICY', Status: 'ENABLED' }, { Type: 'TAG_POLICY', Status: 'ENABLED' }]);
    expect(failure(() => run('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY' }, MEMBER))).toMatchObject({ code: 'EffectivePolicyNotFoundException' });
    const p1 = run('CreatePolicy', { Name: 'cost', Description: '', Type: 'TAG_POLICY', Content: TAG_ROOT }).Policy.PolicySummary;
    expect(p1.Arn).toBe(`arn:aws:organizations::999999999999:policy/${orgId}/tag_policy/${p1.Id}`);
    const p2 = run('CreatePolicy', { Name: 'cost-ou', Description: '', Type: 'TAG_POLICY', Content: TAG_OU }).Policy.PolicySummary;
    run('AttachPolicy', { PolicyId: p1.Id, TargetId: rootId });
    run('AttachPolicy', { PolicyId: p2.Id, TargetId: ouId });

    const own = run('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY' }, MEMBER).EffectivePolicy;
    expect(own).toEqual({ PolicyContent: '{"tags":{"costcenter":{"tag_key":"CostCenter","tag_value":["100","200"]}}}', LastUpdatedTimestamp: h.clock.now(), TargetId: '000000000000', PolicyType: 'TAG_POLICY' });
    expect(JSON.parse(run('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY', TargetId: '111111111111' }).EffectivePolicy.PolicyContent)).toEqual({ tags: { costcenter: { tag_key: 'CostCenter', tag_value: ['100'] } } });
    expect(failure(() => run('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY', TargetId: ouId }))).toMatchObject({ reason: 'TARGET_NOT_SUPPORTED' });
    expect(failure(() => run('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY', TargetId: '111111111111' }, MEMBER))).toMatchObject({ code: 'AccessDeniedException' });
    expect(failure(() => run('DescribeEffectivePolicy', { PolicyType: 'SERVICE_CONTROL_POLICY' }, MEMBER))).toMatchObject({ reason: 'INVALID_ENUM_POLICY_TYPE' });

    expect(run('ListAccountsWithInvalidEffectivePolicy', { PolicyType: 'TAG_POLICY' }).Accounts).toEqual([]);
    const bad = run('CreatePolicy', { Name: 'bad', Description: '', Type: 'TAG_POLICY', Content: TAG_BAD }).Policy.PolicySummary;
    run('AttachPolicy', { PolicyId: bad.Id, TargetId: '000000000000' });
    const invalid = run('ListAccountsWithInvalidEffectivePolicy', { PolicyType: 'TAG_POLICY' }).Accounts;
    expect(invalid).toEqual([expect.objectContaining({ Id: '000000000000', Paths: [`${orgId}/${rootId}/${ouId}/000000000000/`] })]);
    const errs = run('ListEffectivePolicyValidationErrors', { AccountId: '000000000000', PolicyType: 'TAG_POLICY' });
    expect(errs).toMatchObject({ AccountId: '000000000000', PolicyType: 'TAG_POLICY', Path: `${orgId}/${rootId}/${ouId}/000000000000/` });
    expect(errs.EffectivePolicyValidationErrors).toEqual([expect.objectContaining({ PathToError: 'tags/costcenter/tag_value', ContributingPolicies: [p1.Id, bad.Id] })]);
    // The refused setting is ignored.
    expect(JSON.parse(run('DescribeEffectivePolicy', { PolicyType: 'TAG_POLICY' }, MEMBER).EffectivePolicy.PolicyContent).tags.costcenter.tag_value).toEqual(['100', '200']);

    run('DisablePolicyType', { RootId: rootId, PolicyType: 'TAG_POLICY' });
    expect(run('ListTargetsForPolicy', { PolicyId: p1.Id }).Targets).toEqual([]);
  });

  it('size limits per type, and malformed content', () => {
    run('EnablePolicyType', { RootId: rootId, PolicyType: 'AISERVICES_OPT_OUT_POLICY' });
    const big = JSON.stringify({ services: { default: { opt_out_policy: { '@@assign': 'optOut' } } }, pad: 'x'.repeat(2500) });
    expect(failure(() => run('CreatePolicy', { Name: 'ai', Description: '', Type: 'AISERVICES_OPT_OUT_POLICY', Content: big }))).toMatchObject({ reason: 'POLICY_CONTENT_LIMIT_EXCEEDED' });
    expect(failure(() => run('CreatePolicy', { Name: 'ai', Description: '', Type: 'BACKUP_POLICY', Content: '{"plans":{"@@bogus":1}}' }))).toMatchObject({ code: 'MalformedPolicyDocumentException' });
  });

  it('policy types need all features', () => {
    const mine = run('CreateOrganization', { FeatureSet: 'CONSOLIDATED_BILLING' }, OUTSIDER);
    void mine;
    const r = h.store.organizations.membership('222222222222')!.org.rootId;
    expect(failure(() => run('EnablePolicyType', { RootId: r, PolicyType: 'TAG_POLICY' }, OUTSIDER))).toMatchObject({ code: 'PolicyTypeNotAvailableForOrganizationException' });
  });
});

describe('billing transfers', () => {
  const start = () => Date.UTC(2026, 11, 1) / 1000; // the month after T0 (2026-11-29)

  it('invite another organization → its management account accepts → inbound for the inviter, outbound for it → terminate', () => {
    run('CreateOrganization', {}, OUTSIDER);
    const hs = run('InviteOrganizationToTransferResponsibility', { Type: 'BILLING', Target: { Id: '222222222222', Type: 'ACCOUNT' }, StartTimestamp: start(), SourceName: 'billing' }).Handshake;
    expect(hs).toMatchObject({ Action: 'TRANSFER_RESPONSIBILITY', State: 'OPEN' });
    const id = hs.Resources.find((r: { Type: string }) => r.Type === 'RESPONSIBILITY_TRANSFER').Value;
    expect(id).toMatch(/^rt-[0-9a-z]{8,32}$/);
    expect(run('DescribeResponsibilityTransfer', { Id: id }).ResponsibilityTransfer).toMatchObject({ Status: 'REQUESTED', ActiveHandshakeId: hs.Id });
    run('AcceptHandshake', { HandshakeId: hs.Id }, OUTSIDER);
    const inbound = run('ListInboundResponsibilityTransfers', { Type: 'BILLING' }).ResponsibilityTransfers;
    expect(inbound).toEqual([expect.objectContaining({ Id: id, Status: 'ACCEPTED', Name: 'billing', Arn: `arn:aws:organizations::999999999999:transfer/${orgId}/billing/inbound/${id}`, Source: { ManagementAccountId: '222222222222', ManagementAccountEmail: 'outsider@example.com' }, Target: { ManagementAccountId: '999999999999', ManagementAccountEmail: 'mgmt@example.com' } })]);
    const outbound = run('ListOutboundResponsibilityTransfers', { Type: 'BILLING' }, OUTSIDER).ResponsibilityTransfers;
    expect(outbound[0].Arn).toMatch(new RegExp(`^arn:aws:organizations::222222222222:transfer/o-[a-z0-9]+/billing/outbound/${id}$`));
    expect(run('UpdateResponsibilityTransfer', { Id: id, Name: 'renamed' }).ResponsibilityTransfer.Name).toBe('renamed');
    expect(failure(() => run('TerminateResponsibilityTransfer', { Id: id, EndTimestamp: Date.UTC(2026, 11, 15) / 1000 }))).toMatchObject({ reason: 'END_DATE_NOT_END_OF_MONTH' });
    const ended = run('TerminateResponsibilityTransfer', { Id: id, EndTimestamp: (Date.UTC(2027, 0, 1) - 1) / 1000 }).ResponsibilityTransfer;
    expect(ended.EndTimestamp).toEqual(new Date(Date.UTC(2027, 0, 1) - 1));
    expect(failure(() => run('TerminateResponsibilityTransfer', { Id: id }))).toMatchObject({ code: 'ResponsibilityTransferAlreadyInStatusException' });
    expect(failure(() => run('DescribeResponsibilityTransfer', { Id: id }, MEMBER))).toMatchObject({ code: 'ResponsibilityTransferNotFoundException' });
  });

  it('dates and parties AWS refuses', () => {
    const base = { Type: 'BILLING', Target: { Id: '222222222222', Type: 'ACCOUNT' }, SourceName: 'b' };
    expect(failure(() => run('InviteOrganizationToTransferResponsibility', { ...base, StartTimestamp: Date.UTC(2026, 11, 2) / 1000 }))).toMatchObject({ reason: 'START_DATE_NOT_BEGINNING_OF_MONTH' });
    expect(failure(() => run('InviteOrganizationToTransferResponsibility', { ...base, StartTimestamp: Date.UTC(2026, 9, 1) / 1000 }))).toMatchObject({ reason: 'START_DATE_TOO_EARLY' });
    expect(failure(() => run('InviteOrganizationToTransferResponsibility', { ...base, Target: { Id: '999999999999', Type: 'ACCOUNT' }, StartTimestamp: start() }))).toMatchObject({ reason: 'SOURCE_AND_TARGET_CANNOT_MATCH' });
    // Not yet accepted: terminating withdraws it and cancels its handshake.
    const hs = run('InviteOrganizationToTransferResponsibility', { ...base, StartTimestamp: start() }).Handshake;
    const id = hs.Resources[0].Value;
    expect(run('TerminateResponsibilityTransfer', { Id: id }).ResponsibilityTransfer.Status).toBe('WITHDRAWN');
    expect(run('DescribeHandshake', { HandshakeId: hs.Id }).Handshake.State).toBe('CANCELED');
    // Only a management account accepts a transfer.
    const hs2 = run('InviteOrganizationToTransferResponsibility', { ...base, StartTimestamp: start() }).Handshake;
    expect(failure(() => run('AcceptHandshake', { HandshakeId: hs2.Id }, OUTSIDER))).toMatchObject({ code: 'AccessDeniedException' });
  });
});

describe('CreateGovCloudAccount', () => {
  it('checks its input, then answers MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED (no iamlocal account is GovCloud-enabled)', () => {
    expect(failure(() => run('CreateGovCloudAccount', { AccountName: 'x' }))).toMatchObject({ reason: 'INPUT_REQUIRED' });
    expect(failure(() => run('CreateGovCloudAccount', { Email: 'gov@example.com', AccountName: 'Gov' }))).toEqual({
      code: 'ConstraintViolationException',
      message: 'To complete this operation, the management account must have an associated account in the Amazon Web Services GovCloud (US-West) Region. For more information, see Organizations in the Amazon Web Services GovCloud User Guide.',
      reason: 'MASTER_ACCOUNT_NOT_GOVCLOUD_ENABLED',
    });
    expect(failure(() => run('CreateGovCloudAccount', { Email: 'gov@example.com', AccountName: 'Gov' }, MEMBER))).toMatchObject({ code: 'AccessDeniedException' });
  });
});
