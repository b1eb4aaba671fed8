// Owns the AWS Organizations operation table (JSON 1.1, target prefix AWSOrganizationsV20161128): every
// operation iamlocal answers, each with its IAM action and resource next to its handler. A target not
// listed here is UnknownOperationException, never unauthorized.
import { operationTable } from '../types';
import { describeAccount, listAccounts, listAccountsForParent, listChildren, listParents, moveAccount } from './accounts';
import {
  closeAccount,
  createAccount,
  createOrganization,
  deleteOrganization,
  describeCreateAccountStatus,
  enableAllFeatures,
  leaveOrganization,
  listCreateAccountStatus,
  removeAccountFromOrganization,
} from './lifecycle';
import { describeOrganization, disablePolicyType, enablePolicyType, listRoots } from './organization';
import {
  attachPolicy,
  createPolicy,
  deletePolicy,
  describePolicy,
  detachPolicy,
  listPolicies,
  listPoliciesForTarget,
  listTargetsForPolicy,
  updatePolicy,
} from './policies';
import {
  createOrganizationalUnit,
  deleteOrganizationalUnit,
  describeOrganizationalUnit,
  listOrganizationalUnitsForParent,
  updateOrganizationalUnit,
} from './units';

export const ORGANIZATIONS_TARGET_PREFIX = 'AWSOrganizationsV20161128';

export const organizationsOperations = operationTable([
  describeOrganization,
  listRoots,
  enablePolicyType,
  disablePolicyType,
  listAccounts,
  describeAccount,
  listAccountsForParent,
  moveAccount,
  listParents,
  listChildren,
  createOrganizationalUnit,
  describeOrganizationalUnit,
  listOrganizationalUnitsForParent,
  updateOrganizationalUnit,
  deleteOrganizationalUnit,
  createPolicy,
  describePolicy,
  updatePolicy,
  deletePolicy,
  listPolicies,
  listPoliciesForTarget,
  listTargetsForPolicy,
  attachPolicy,
  detachPolicy,
  createOrganization,
  deleteOrganization,
  enableAllFeatures,
  createAccount,
  describeCreateAccountStatus,
  listCreateAccountStatus,
  closeAccount,
  removeAccountFromOrganization,
  leaveOrganization,
]);
