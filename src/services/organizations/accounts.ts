// Owns the accounts and the tree walk: ListAccounts, DescribeAccount, ListAccountsForParent, MoveAccount,
// ListParents, ListChildren. https://docs.aws.amazon.com/organizations/latest/APIReference/API_MoveAccount.html
import { defineOperation } from '../types';
import { accountShape, callerOrg, delegableAuthz, findAccount, findUnit, orgArns, parentResource, requireManagement } from './common';
import { orgErrors } from './errors';
import { idPatterns, OrgInput, page, parentIdRule, type PagingInput } from './input';

// ------------------------------------------------------------------ ListAccounts

export const listAccounts = defineOperation({
  name: 'ListAccounts',
  service: 'organizations',
  action: 'organizations:ListAccounts',
  mutating: false,
  input: (params): PagingInput => new OrgInput(params).paging(),
  ...delegableAuthz('read'),
  resource: () => '*',
  handler(input, call) {
    const org = callerOrg(call);
    const { items, nextToken } = page(call.store.organizations.accounts(org.id), input);
    return { Accounts: items.map((a) => accountShape(call.store, org, a.accountId, a.joinedAt)), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ DescribeAccount

export const describeAccount = defineOperation({
  name: 'DescribeAccount',
  service: 'organizations',
  action: 'organizations:DescribeAccount',
  mutating: false,
  input(params) {
    const accountId = new OrgInput(params).string('AccountId', { required: true, max: 12, pattern: idPatterns.accountId });
    return { accountId };
  },
  ...delegableAuthz('read'),
  resource(input, call) {
    const org = callerOrg(call);
    return orgArns.account(org, findAccount(call.store, org, input.accountId).accountId);
  },
  handler(input, call) {
    const org = callerOrg(call);
    const a = findAccount(call.store, org, input.accountId);
    return { Account: accountShape(call.store, org, a.accountId, a.joinedAt) };
  },
});

// ------------------------------------------------------------------ ListAccountsForParent

export const listAccountsForParent = defineOperation({
  name: 'ListAccountsForParent',
  service: 'organizations',
  action: 'organizations:ListAccountsForParent',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    const parentId = v.string('ParentId', parentIdRule);
    return { parentId, paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource: (input, call) => parentResource(call, input.parentId),
  handler(input, call) {
    const org = callerOrg(call);
    const parent = findUnit(call.store, org, input.parentId, orgErrors.parentNotFound);
    const { items, nextToken } = page(call.store.organizations.accounts(org.id, parent.id), input.paging);
    return { Accounts: items.map((a) => accountShape(call.store, org, a.accountId, a.joinedAt)), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ MoveAccount

interface MoveAccountInput {
  accountId: string;
  sourceParentId: string;
  destinationParentId: string;
}

export const moveAccount = defineOperation({
  name: 'MoveAccount',
  service: 'organizations',
  action: 'organizations:MoveAccount',
  mutating: true,
  input(params): MoveAccountInput {
    const v = new OrgInput(params);
    const accountId = v.string('AccountId', { required: true, max: 12, pattern: idPatterns.accountId });
    const sourceParentId = v.string('SourceParentId', parentIdRule);
    const destinationParentId = v.string('DestinationParentId', parentIdRule);
    return { accountId, sourceParentId, destinationParentId };
  },
  guard: (_input, call) => void requireManagement(call),
  // The service authorization reference requires the account, and the source and destination
  // root/OU, for organizations:MoveAccount: the account here, the two parents as extra checks.
  resource(input, call) {
    const org = requireManagement(call);
    return orgArns.account(org, findAccount(call.store, org, input.accountId).accountId);
  },
  extraChecks(input, call) {
    const org = requireManagement(call);
    const source = findUnit(call.store, org, input.sourceParentId, orgErrors.sourceParentNotFound);
    const destination = findUnit(call.store, org, input.destinationParentId, orgErrors.destinationParentNotFound);
    return [
      { action: 'organizations:MoveAccount', resource: orgArns.unit(org, source) },
      { action: 'organizations:MoveAccount', resource: orgArns.unit(org, destination) },
    ];
  },
  handler(input, call) {
    const org = requireManagement(call);
    const a = findAccount(call.store, org, input.accountId);
    const source = findUnit(call.store, org, input.sourceParentId, orgErrors.sourceParentNotFound);
    const destination = findUnit(call.store, org, input.destinationParentId, orgErrors.destinationParentNotFound);
    if (a.parentId === destination.id) throw orgErrors.duplicateAccount();
    // ⚠ An account that is not under SourceParentId: AWS's exact answer is not recorded.
    if (a.parentId !== source.id) throw orgErrors.sourceParentNotFound();
    call.store.organizations.moveAccount(a.accountId, destination.id);
    return undefined;
  },
});

// ------------------------------------------------------------------ ListParents

export const listParents = defineOperation({
  name: 'ListParents',
  service: 'organizations',
  action: 'organizations:ListParents',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    const childId = v.string('ChildId', { required: true, max: 100, pattern: idPatterns.childId });
    return { childId, paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource(input, call) {
    const org = callerOrg(call);
    if (/^\d{12}$/.test(input.childId)) return orgArns.account(org, findAccount(call.store, org, input.childId, orgErrors.childNotFound).accountId);
    return orgArns.ou(org, findUnit(call.store, org, input.childId, orgErrors.childNotFound).id);
  },
  handler(input, call) {
    const org = callerOrg(call);
    const parentId = /^\d{12}$/.test(input.childId)
      ? findAccount(call.store, org, input.childId, orgErrors.childNotFound).parentId
      : findUnit(call.store, org, input.childId, orgErrors.childNotFound).parentId!;
    const parent = call.store.organizations.unit(parentId)!;
    const { items, nextToken } = page([parent], input.paging);
    return { Parents: items.map((u) => ({ Id: u.id, Type: u.kind === 'root' ? 'ROOT' : 'ORGANIZATIONAL_UNIT' })), NextToken: nextToken };
  },
});

// ------------------------------------------------------------------ ListChildren

const CHILD_TYPES = ['ACCOUNT', 'ORGANIZATIONAL_UNIT'] as const;

export const listChildren = defineOperation({
  name: 'ListChildren',
  service: 'organizations',
  action: 'organizations:ListChildren',
  mutating: false,
  input(params) {
    const v = new OrgInput(params);
    const parentId = v.string('ParentId', parentIdRule);
    const childType = v.enumOf('ChildType', CHILD_TYPES, true);
    return { parentId, childType, paging: v.paging() };
  },
  ...delegableAuthz('read'),
  resource: (input, call) => parentResource(call, input.parentId),
  handler(input, call) {
    const org = callerOrg(call);
    const parent = findUnit(call.store, org, input.parentId, orgErrors.parentNotFound);
    const ids =
      input.childType === 'ACCOUNT'
        ? call.store.organizations.accounts(org.id, parent.id).map((a) => a.accountId)
        : call.store.organizations.unitsUnder(parent.id).map((u) => u.id);
    const { items, nextToken } = page(ids, input.paging);
    return { Children: items.map((id) => ({ Id: id, Type: input.childType })), NextToken: nextToken };
  },
});
