// e2e with the AWS CLI v1 against a real iamlocal on a port: an existing standalone account is invited
// and accepts from its own credentials (it joins, INVITED); tags; trusted access and a delegated
// administrator (who may then list what delegated administrators list); the resource policy; a tag
// policy merged root → account (describe-effective-policy from the member itself); a billing transfer
// accepted by another organization's management account; create-gov-cloud-account's answer.
// Seed: test/fixtures/organizations/delegation-seed.json.
import { describe, expect, it } from 'vitest';
import seed from '../fixtures/organizations/delegation-seed.json';
import type { CliCreds } from '../helpers/aws-cli';
import { cliServer } from '../helpers/aws-cli-server';

const ADMIN: CliCreds = seed.users[0].accessKeys[0];
const INVITEE: CliCreds = seed.accounts[1].rootAccessKeys![0];
const MEMBER: CliCreds = seed.accounts[2].rootAccessKeys![0];
const OTHER: CliCreds = seed.accounts[3].rootAccessKeys![0];

const server = cliServer(seed, 'orgs-delegation');
const { aws, ok } = server;

// Each case starts 6–12 CLI processes (about a second each, more on a loaded machine).
const SLOW = 180_000;

describe('AWS CLI organizations: handshakes, tags, delegation, effective policies', () => {
  it('invite-account-to-organization → accept-handshake from the invited account → it is a member, INVITED, tagged', async () => {
    const hs = (await ok(ADMIN, 'organizations', 'invite-account-to-organization', '--target', 'Id=555555555555,Type=ACCOUNT', '--notes', 'join us', '--tags', 'Key=team,Value=payments')).Handshake;
    expect(hs).toMatchObject({ State: 'OPEN', Action: 'INVITE' });
    expect(hs.Arn).toBe(`arn:aws:organizations::999999999999:handshake/o-e2edelegate/invite/${hs.Id}`);
    const dup = await aws(ADMIN, 'organizations', 'invite-account-to-organization', '--target', 'Id=invitee@example.com,Type=EMAIL');
    expect(dup.out).toContain('An error occurred (DuplicateHandshakeException) when calling the InviteAccountToOrganization operation: A handshake with the same action and target already exists.');

    const mine = (await ok(INVITEE, 'organizations', 'list-handshakes-for-account')).Handshakes;
    expect(mine.map((x: { Id: string }) => x.Id)).toEqual([hs.Id]);
    const notYet = await aws(INVITEE, 'organizations', 'describe-organization');
    expect(notYet.out).toContain('AWSOrganizationsNotInUseException');

    expect((await ok(INVITEE, 'organizations', 'accept-handshake', '--handshake-id', hs.Id)).Handshake.State).toBe('ACCEPTED');
    expect((await ok(INVITEE, 'organizations', 'describe-organization')).Organization.Id).toBe('o-e2edelegate');
    expect((await ok(ADMIN, 'organizations', 'describe-account', '--account-id', '555555555555')).Account).toMatchObject({ Name: 'Invitee', JoinedMethod: 'INVITED' });
    expect((await ok(ADMIN, 'organizations', 'list-tags-for-resource', '--resource-id', '555555555555')).Tags).toEqual([{ Key: 'team', Value: 'payments' }]);
    const again = await aws(INVITEE, 'organizations', 'accept-handshake', '--handshake-id', hs.Id);
    expect(again.out).toContain('An error occurred (HandshakeAlreadyInStateException) when calling the AcceptHandshake operation');
    const listed = (await ok(ADMIN, 'organizations', 'list-handshakes-for-organization', '--filter', 'ActionType=INVITE')).Handshakes;
    expect(listed.map((x: { State: string }) => x.State)).toEqual(['ACCEPTED']);
  }, SLOW);

  it('tag-resource / untag-resource on the root; a member cannot tag', async () => {
    const rootId = (await ok(ADMIN, 'organizations', 'list-roots')).Roots[0].Id;
    await ok(ADMIN, 'organizations', 'tag-resource', '--resource-id', rootId, '--tags', 'Key=env,Value=prod', 'Key=owner,Value=platform');
    await ok(ADMIN, 'organizations', 'untag-resource', '--resource-id', rootId, '--tag-keys', 'owner');
    expect((await ok(ADMIN, 'organizations', 'list-tags-for-resource', '--resource-id', rootId)).Tags).toEqual([{ Key: 'env', Value: 'prod' }]);
    const denied = await aws(MEMBER, 'organizations', 'tag-resource', '--resource-id', rootId, '--tags', 'Key=a,Value=b');
    expect(denied.out).toContain('An error occurred (AccessDeniedException) when calling the TagResource operation');
  }, SLOW);

  it('enable-aws-service-access → register-delegated-administrator → the delegate lists delegated administrators', async () => {
    await ok(ADMIN, 'organizations', 'enable-aws-service-access', '--service-principal', 'guardduty.amazonaws.com');
    expect((await ok(ADMIN, 'organizations', 'list-aws-service-access-for-organization')).EnabledServicePrincipals.map((s: { ServicePrincipal: string }) => s.ServicePrincipal)).toEqual(['guardduty.amazonaws.com']);
    const before = await aws(MEMBER, 'organizations', 'list-delegated-administrators');
    expect(before.out).toContain('AccessDeniedException');
    await ok(ADMIN, 'organizations', 'register-delegated-administrator', '--account-id', '666666666666', '--service-principal', 'guardduty.amazonaws.com');
    const twice = await aws(ADMIN, 'organizations', 'register-delegated-administrator', '--account-id', '666666666666', '--service-principal', 'guardduty.amazonaws.com');
    expect(twice.out).toContain('An error occurred (AccountAlreadyRegisteredException) when calling the RegisterDelegatedAdministrator operation: The provided account is already a delegated administrator for your organization.');
    const admins = (await ok(MEMBER, 'organizations', 'list-delegated-administrators', '--service-principal', 'guardduty.amazonaws.com')).DelegatedAdministrators;
    expect(admins).toEqual([expect.objectContaining({ Id: '666666666666', Name: 'Member', Email: 'member@example.com' })]);
    expect((await ok(ADMIN, 'organizations', 'list-delegated-services-for-account', '--account-id', '666666666666')).DelegatedServices.map((s: { ServicePrincipal: string }) => s.ServicePrincipal)).toEqual(['guardduty.amazonaws.com']);
    const remove = await aws(ADMIN, 'organizations', 'remove-account-from-organization', '--account-id', '666666666666');
    expect(remove.out).toContain('ConstraintViolationException');
    await ok(ADMIN, 'organizations', 'deregister-delegated-administrator', '--account-id', '666666666666', '--service-principal', 'guardduty.amazonaws.com');
    expect((await ok(ADMIN, 'organizations', 'list-delegated-administrators')).DelegatedAdministrators).toEqual([]);
  }, SLOW);

  it('put-resource-policy → describe-resource-policy → delete-resource-policy', async () => {
    const content = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Sid: 'Delegate', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::666666666666:root' }, Action: ['organizations:DescribeOrganization', 'organizations:ListAccounts'], Resource: '*' }],
    });
    const put = (await ok(ADMIN, 'organizations', 'put-resource-policy', '--content', content)).ResourcePolicy;
    expect(put.ResourcePolicySummary.Arn).toBe(`arn:aws:organizations::999999999999:resourcepolicy/o-e2edelegate/${put.ResourcePolicySummary.Id}`);
    expect(JSON.parse((await ok(ADMIN, 'organizations', 'describe-resource-policy')).ResourcePolicy.Content)).toEqual(JSON.parse(content));
    await ok(ADMIN, 'organizations', 'delete-resource-policy');
    const gone = await aws(ADMIN, 'organizations', 'describe-resource-policy');
    expect(gone.out).toContain('An error occurred (ResourcePolicyNotFoundException) when calling the DescribeResourcePolicy operation');
  }, SLOW);

  it('a tag policy on the root: the member reads its effective policy without operators', async () => {
    const rootId = (await ok(ADMIN, 'organizations', 'list-roots')).Roots[0].Id;
    const none = await aws(MEMBER, 'organizations', 'describe-effective-policy', '--policy-type', 'TAG_POLICY');
    expect(none.out).toContain('EffectivePolicyNotFoundException');
    await ok(ADMIN, 'organizations', 'enable-policy-type', '--root-id', rootId, '--policy-type', 'TAG_POLICY');
    const content = JSON.stringify({ tags: { costcenter: { tag_key: { '@@assign': 'CostCenter' }, tag_value: { '@@assign': ['100', '200'] }, enforced_for: { '@@assign': ['ec2:instance'] } } } });
    const policy = (await ok(ADMIN, 'organizations', 'create-policy', '--name', 'CostCenter', '--description', 'cost centers', '--type', 'TAG_POLICY', '--content', content)).Policy;
    await ok(ADMIN, 'organizations', 'attach-policy', '--policy-id', policy.PolicySummary.Id, '--target-id', rootId);
    const eff = (await ok(MEMBER, 'organizations', 'describe-effective-policy', '--policy-type', 'TAG_POLICY')).EffectivePolicy;
    expect(eff).toMatchObject({ TargetId: '666666666666', PolicyType: 'TAG_POLICY' });
    expect(JSON.parse(eff.PolicyContent)).toEqual({ tags: { costcenter: { tag_key: 'CostCenter', tag_value: ['100', '200'], enforced_for: ['ec2:instance'] } } });
    expect((await ok(ADMIN, 'organizations', 'list-accounts-with-invalid-effective-policy', '--policy-type', 'TAG_POLICY')).Accounts).toEqual([]);
    const errs = await ok(ADMIN, 'organizations', 'list-effective-policy-validation-errors', '--account-id', '666666666666', '--policy-type', 'TAG_POLICY');
    expect(errs).toMatchObject({ AccountId: '666666666666', Path: `o-e2edelegate/${rootId}/666666666666/`, EffectivePolicyValidationErrors: [] });
  }, SLOW);

  it('a billing transfer accepted by another organization, and create-gov-cloud-account refused', async () => {
    await ok(OTHER, 'organizations', 'create-organization');
    const now = new Date();
    const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1)).toISOString();
    const hs = (await ok(ADMIN, 'organizations', 'invite-organization-to-transfer-responsibility', '--type', 'BILLING', '--target', 'Id=777777777777,Type=ACCOUNT', '--start-timestamp', start, '--source-name', 'Other billing')).Handshake;
    expect(hs).toMatchObject({ Action: 'TRANSFER_RESPONSIBILITY', State: 'OPEN' });
    await ok(OTHER, 'organizations', 'accept-handshake', '--handshake-id', hs.Id);
    const inbound = (await ok(ADMIN, 'organizations', 'list-inbound-responsibility-transfers', '--type', 'BILLING')).ResponsibilityTransfers;
    expect(inbound).toEqual([expect.objectContaining({ Name: 'Other billing', Status: 'ACCEPTED', Source: { ManagementAccountId: '777777777777', ManagementAccountEmail: 'other@example.com' } })]);
    const outbound = (await ok(OTHER, 'organizations', 'list-outbound-responsibility-transfers', '--type', 'BILLING')).ResponsibilityTransfers;
    expect(outbound.map((t: { Id: string }) => t.Id)).toEqual([inbound[0].Id]);

    const gov = await aws(ADMIN, 'organizations', 'create-gov-cloud-account', '--email', 'gov@example.com', '--account-name', 'Gov');
    expect(gov.out).toContain('An error occurred (ConstraintViolationException) when calling the CreateGovCloudAccount operation: To complete this operation, the management account must have an associated account in the Amazon Web Services GovCloud (US-West) Region.');
  }, SLOW);
});
