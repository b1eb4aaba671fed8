// Owns the IAM operation table: every IAM Action iamlocal answers, each with its IAM action and
// resource declared next to its handler. An Action not listed here is InvalidAction, never unauthorized.
import { operationTable } from '../types';
import { createAccessKey, deleteAccessKey, getAccessKeyLastUsed, listAccessKeys, updateAccessKey } from './access-keys';
import { deleteGroupPolicy, getGroupPolicy, listGroupPolicies, putGroupPolicy } from './group-policies';
import { addUserToGroup, createGroup, deleteGroup, getGroup, listGroups, listGroupsForUser, removeUserFromGroup, updateGroup } from './groups';
import {
  createVirtualMFADevice,
  deactivateMFADevice,
  deleteVirtualMFADevice,
  enableMFADevice,
  getMFADevice,
  listMFADevices,
  listVirtualMFADevices,
  resyncMFADevice,
} from './mfa-devices';
import { deleteUserPolicy, getUserPolicy, listUserPolicies, putUserPolicy } from './user-policies';
import { createUser, deleteUser, getUser, listUsers, updateUser } from './users';
import { deleteRolePolicy, getRolePolicy, listRolePolicies, putRolePolicy } from './role-policies';
import { createPolicy, deletePolicy, getPolicy, listPolicies } from './managed-policies';
import { deleteRolePermissionsBoundary, deleteUserPermissionsBoundary, putRolePermissionsBoundary, putUserPermissionsBoundary } from './permissions-boundaries';
import {
  attachGroupPolicy,
  attachRolePolicy,
  attachUserPolicy,
  detachGroupPolicy,
  detachRolePolicy,
  detachUserPolicy,
  listAttachedGroupPolicies,
  listAttachedRolePolicies,
  listAttachedUserPolicies,
  listEntitiesForPolicy,
} from './policy-attachments';
import { createPolicyVersion, deletePolicyVersion, getPolicyVersion, listPolicyVersions, setDefaultPolicyVersion } from './policy-versions';
import { createRole, deleteRole, getRole, listRoles, updateAssumeRolePolicy, updateRole, updateRoleDescription } from './roles';
import { simulateCustomPolicy, simulatePrincipalPolicy } from './simulate';
import { getContextKeysForCustomPolicy, getContextKeysForPrincipalPolicy } from './context-keys';
import { getAccountAuthorizationDetails } from './account-authorization-details';
import { tagOperations } from './tags';
import { oidcProviderOperations } from './oidc-providers';
import { samlProviderOperations } from './saml-providers';
import { instanceProfileOperations } from './instance-profiles';
import { accountSettingsOperations } from './account-settings';
import { loginProfileOperations } from './login-profiles';
import { serviceLinkedRoleOperations } from './service-linked-roles';
import { userCredentialOperations } from './user-credentials';
import { credentialReportOperations } from './credential-report';
import { serverCertificateOperations } from './server-certificates';
import { accessAdvisorOperations } from './access-advisor';
import { organizationsAccessReportOperations } from './organizations-access-report';
import { rootAccessOperations } from './root-access';
import { outboundFederationOperations } from './outbound-federation';
import { delegationRequestOperations } from './delegation-requests';

export const iamOperations = operationTable([
  createRole,
  getRole,
  listRoles,
  updateRole,
  updateRoleDescription,
  updateAssumeRolePolicy,
  deleteRole,
  putRolePolicy,
  getRolePolicy,
  listRolePolicies,
  deleteRolePolicy,
  createPolicy,
  getPolicy,
  deletePolicy,
  listPolicies,
  createPolicyVersion,
  getPolicyVersion,
  listPolicyVersions,
  deletePolicyVersion,
  setDefaultPolicyVersion,
  attachRolePolicy,
  detachRolePolicy,
  listAttachedRolePolicies,
  attachUserPolicy,
  detachUserPolicy,
  listAttachedUserPolicies,
  attachGroupPolicy,
  detachGroupPolicy,
  listAttachedGroupPolicies,
  listEntitiesForPolicy,
  putRolePermissionsBoundary,
  deleteRolePermissionsBoundary,
  putUserPermissionsBoundary,
  deleteUserPermissionsBoundary,
  simulatePrincipalPolicy,
  simulateCustomPolicy,
  getContextKeysForPrincipalPolicy,
  getContextKeysForCustomPolicy,
  getAccountAuthorizationDetails,
  ...tagOperations,
  ...oidcProviderOperations,
  ...samlProviderOperations,
  ...instanceProfileOperations,
  // users, groups, inline user/group policies, access keys, virtual MFA devices
  createUser,
  getUser,
  listUsers,
  updateUser,
  deleteUser,
  createGroup,
  getGroup,
  listGroups,
  updateGroup,
  deleteGroup,
  addUserToGroup,
  removeUserFromGroup,
  listGroupsForUser,
  putUserPolicy,
  getUserPolicy,
  listUserPolicies,
  deleteUserPolicy,
  putGroupPolicy,
  getGroupPolicy,
  listGroupPolicies,
  deleteGroupPolicy,
  createAccessKey,
  listAccessKeys,
  updateAccessKey,
  deleteAccessKey,
  getAccessKeyLastUsed,
  createVirtualMFADevice,
  enableMFADevice,
  resyncMFADevice,
  deactivateMFADevice,
  deleteVirtualMFADevice,
  listMFADevices,
  listVirtualMFADevices,
  getMFADevice,
  // account settings, console passwords, service-linked roles
  ...accountSettingsOperations,
  ...loginProfileOperations,
  ...serviceLinkedRoleOperations,
  ...userCredentialOperations,
  ...credentialReportOperations,
  ...serverCertificateOperations,
  // Access Advisor, organization root access, outbound identity federation (issue 16)
  ...accessAdvisorOperations,
  ...organizationsAccessReportOperations,
  ...rootAccessOperations,
  ...outboundFederationOperations,
  ...delegationRequestOperations,
]);
