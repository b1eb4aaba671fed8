// Owns centralized root access for member accounts: the organization features RootCredentialsManagement
// (the management account manages member accounts' root credentials) and RootSessions (it may call
// sts:AssumeRoot into member accounts), enabled and disabled from the management account and listed
// by ListOrganizationsFeatures. The error texts are the model's documentation of each error.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_root-enable-root-access.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableOrganizationsRootCredentialsManagement.html
import { awsError } from '../../aws/errors';
import type { OrgRootFeature } from '../../store/repos/account-features';
import type { Organization } from '../../store/repos/organizations';
import type { Store } from '../../store/store';
import { defineOperation, type Call } from '../types';
import { accountOf, noInput } from './common';

export const rootAccessErrors = {
  orgNotFound: () => awsError('OrganizationNotFoundException', 'The request was rejected because no organization is associated with your account.'),
  notAllFeatures: () =>
    awsError('OrganizationNotInAllFeaturesModeException', 'The request was rejected because your organization does not have All features enabled. For more information, see Available feature sets in the Organizations User Guide.'),
  callerNotManagement: () => awsError('CallerIsNotManagementAccountException', 'The request was rejected because the account making the request is not the management account for the organization.'),
  notManagementOrDelegated: () =>
    awsError('AccountNotManagementOrDelegatedAdministratorException', 'The request was rejected because the account making the request is not the management account or delegated administrator account for centralized root access.'),
  serviceAccessNotEnabled: () =>
    awsError('ServiceAccessNotEnabledException', 'The request was rejected because trusted access is not enabled for IAM in Organizations. For details, see IAM and Organizations in the Organizations User Guide.'),
};

/** The caller's organization, when the caller is its management account and it has all features. */
export function managedOrganization(store: Store, account: string, enabling: boolean): Organization {
  const m = store.organizations.membership(account);
  if (!m) throw rootAccessErrors.orgNotFound();
  if (m.org.featureSet !== 'ALL') throw rootAccessErrors.notAllFeatures();
  if (m.org.managementAccountId !== account) throw enabling ? rootAccessErrors.callerNotManagement() : rootAccessErrors.notManagementOrDelegated();
  return m.org;
}

/** Whether an organization has a centralized root access feature on. */
export function orgHasRootFeature(store: Store, orgId: string, feature: OrgRootFeature): boolean {
  return store.accountFeatures.orgFeatures(orgId).includes(feature);
}

function featuresShape(call: Call, org: Organization) {
  return { OrganizationId: org.id, EnabledFeatures: call.store.accountFeatures.orgFeatures(org.id) };
}

function featureToggle(name: string, feature: OrgRootFeature, enable: boolean) {
  return defineOperation({
    name,
    service: 'iam',
    action: `iam:${name}`,
    mutating: true,
    input: noInput,
    resource: () => '*',
    handler(_input, call) {
      const org = managedOrganization(call.store, accountOf(call), enable);
      call.store.accountFeatures.setOrgFeature(org.id, feature, enable);
      return featuresShape(call, org);
    },
  });
}

export const enableOrganizationsRootCredentialsManagement = featureToggle('EnableOrganizationsRootCredentialsManagement', 'RootCredentialsManagement', true);
export const disableOrganizationsRootCredentialsManagement = featureToggle('DisableOrganizationsRootCredentialsManagement', 'RootCredentialsManagement', false);
export const enableOrganizationsRootSessions = featureToggle('EnableOrganizationsRootSessions', 'RootSessions', true);
export const disableOrganizationsRootSessions = featureToggle('DisableOrganizationsRootSessions', 'RootSessions', false);

export const listOrganizationsFeatures = defineOperation({
  name: 'ListOrganizationsFeatures',
  service: 'iam',
  action: 'iam:ListOrganizationsFeatures',
  mutating: false,
  input: noInput,
  resource: () => '*',
  handler(_input, call) {
    return featuresShape(call, managedOrganization(call.store, accountOf(call), false));
  },
});

export const rootAccessOperations = [
  enableOrganizationsRootCredentialsManagement,
  disableOrganizationsRootCredentialsManagement,
  enableOrganizationsRootSessions,
  disableOrganizationsRootSessions,
  listOrganizationsFeatures,
];
