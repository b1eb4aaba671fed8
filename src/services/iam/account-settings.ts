// Owns IAM's account-level settings: the account alias (Create/Delete/ListAccountAliases), the
// password policy (Get/Update/DeleteAccountPasswordPolicy), GetAccountSummary (real counts and the
// account's quotas) and SetSecurityTokenServicePreferences. None of these actions has a resource
// type in the Service Authorization Reference, so each is authorized on `*`.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html
import { awsErrors } from '../../aws/errors';
import { xmlMap } from '../../http/xml-encode';
import { defineOperation, type Call, type Params } from '../types';
import { Validator } from '../validate';
import { accountOf, pageFields, readPaging } from './common';
import { ROLES_PER_ACCOUNT } from './roles';
import { pageArray } from './user-common';

// ------------------------------------------------------------------ account alias

/** accountAliasType: 3–63 lower-case letters, digits and single hyphens, no hyphen at either end. */
const aliasRule = { required: true, min: 3, max: 63, pattern: { text: '^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$', re: /^[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]$/ } } as const;

function aliasInput(params: Params): { alias: string } {
  const v = new Validator(params, 'iam');
  const alias = v.string('AccountAlias', aliasRule);
  v.done();
  return { alias };
}

export const createAccountAlias = defineOperation({
  name: 'CreateAccountAlias',
  service: 'iam',
  action: 'iam:CreateAccountAlias',
  mutating: true,
  input: aliasInput,
  resource: () => '*',
  handler(input, call) {
    const account = accountOf(call);
    const owner = call.store.accounts.byAlias(input.alias)?.id ?? null;
    // An alias names one account across AWS (https://docs.aws.amazon.com/IAM/latest/UserGuide/console-account-alias.html).
    if (owner === account) return undefined; // ⚠ AWS answers success when the account already has this alias
    if (owner !== null) throw awsErrors.entityAlreadyExists(`The account alias ${input.alias} already exists.`); // ⚠ text not captured
    // "An AWS account can have only one alias": a second alias is refused, not swapped in.
    if (call.store.accounts.get(account)?.alias) throw awsErrors.limitExceeded('Cannot exceed quota for AccountAliasesPerAccount: 1');
    call.store.accounts.setAlias(account, input.alias);
    return undefined;
  },
});

export const deleteAccountAlias = defineOperation({
  name: 'DeleteAccountAlias',
  service: 'iam',
  action: 'iam:DeleteAccountAlias',
  mutating: true,
  input: aliasInput,
  resource: () => '*',
  handler(input, call) {
    const account = accountOf(call);
    if (call.store.accounts.get(account)?.alias !== input.alias) {
      throw awsErrors.noSuchEntity(`The account alias ${input.alias} cannot be found.`); // ⚠ text not captured
    }
    call.store.accounts.setAlias(account, null);
    return undefined;
  },
});

export const listAccountAliases = defineOperation({
  name: 'ListAccountAliases',
  service: 'iam',
  action: 'iam:ListAccountAliases',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const paging = readPaging(v);
    v.done();
    return paging;
  },
  resource: () => '*',
  handler(input, call) {
    const alias = call.store.accounts.get(accountOf(call))?.alias ?? null;
    const page = pageArray(alias === null ? [] : [alias], (a) => a, input);
    // AccountAliases is a required member: an account without an alias answers an empty list.
    return { AccountAliases: page.items, ...pageFields(page) };
  },
});

// ------------------------------------------------------------------ password policy

/**
 * The account password policy. Every UpdateAccountPasswordPolicy parameter left out takes its
 * default ("If you do not specify a value for this parameter, then the operation uses the default
 * value"), so an update replaces the whole policy.
 * https://docs.aws.amazon.com/IAM/latest/APIReference/API_UpdateAccountPasswordPolicy.html
 */
export interface PasswordPolicy {
  minimumPasswordLength: number;
  requireSymbols: boolean;
  requireNumbers: boolean;
  requireUppercaseCharacters: boolean;
  requireLowercaseCharacters: boolean;
  allowUsersToChangePassword: boolean;
  /** Days; 0 = passwords never expire. */
  maxPasswordAge: number;
  /** Earlier passwords that may not be reused; 0 = no reuse prevention. */
  passwordReusePrevention: number;
  hardExpiry: boolean;
}

/** The account's policy, or null when none is set (the default AWS policy applies then). */
export function passwordPolicyOf(call: Call, account = accountOf(call)): PasswordPolicy | null {
  const raw = call.store.accountSettings.get(account, 'password-policy');
  return raw === null ? null : (JSON.parse(raw) as PasswordPolicy);
}

/** `! @ # $ % ^ & * ( ) _ + - = [ ] { } | '`: the symbols IAM counts (id_credentials_passwords_account-policy.html). */
const SYMBOLS = /[!@#$%^&*()_+\-=[\]{}|']/;

/**
 * The first requirement a password misses, in AWS's words, or null. Without a custom policy the
 * default AWS policy applies: 8–128 characters and at least three of upper case, lower case,
 * numbers and symbols (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_passwords_account-policy.html).
 */
export function passwordViolation(password: string, policy: PasswordPolicy | null): string | null {
  const kinds = { upper: /[A-Z]/.test(password), lower: /[a-z]/.test(password), number: /[0-9]/.test(password), symbol: SYMBOLS.test(password) };
  if (policy === null) {
    if (password.length < 8) return 'Password should have a minimum length of 8';
    const present = Object.values(kinds).filter(Boolean).length;
    // ⚠ AWS's text for the default policy's character-mix rule is not captured.
    if (present < 3) return 'Password should contain at least three of the following: uppercase letters, lowercase letters, numbers and symbols';
    return null;
  }
  if (password.length < policy.minimumPasswordLength) return `Password should have a minimum length of ${policy.minimumPasswordLength}`;
  if (policy.requireLowercaseCharacters && !kinds.lower) return 'Password should have at least one lowercase letter';
  if (policy.requireUppercaseCharacters && !kinds.upper) return 'Password should have at least one uppercase letter';
  if (policy.requireNumbers && !kinds.number) return 'Password should have at least one number';
  if (policy.requireSymbols && !kinds.symbol) return 'Password should have at least one symbol';
  return null;
}

export const getAccountPasswordPolicy = defineOperation({
  name: 'GetAccountPasswordPolicy',
  service: 'iam',
  action: 'iam:GetAccountPasswordPolicy',
  mutating: false,
  input: (params: Params) => new Validator(params, 'iam').done(),
  resource: () => '*',
  handler(_input, call) {
    const account = accountOf(call);
    const p = passwordPolicyOf(call, account);
    // Recorded: "The Password Policy with domain name 123456789012 cannot be found."
    if (p === null) throw awsErrors.noSuchEntity(`The Password Policy with domain name ${account} cannot be found.`);
    return {
      PasswordPolicy: {
        MinimumPasswordLength: p.minimumPasswordLength,
        RequireSymbols: p.requireSymbols,
        RequireNumbers: p.requireNumbers,
        RequireUppercaseCharacters: p.requireUppercaseCharacters,
        RequireLowercaseCharacters: p.requireLowercaseCharacters,
        AllowUsersToChangePassword: p.allowUsersToChangePassword,
        ExpirePasswords: p.maxPasswordAge > 0,
        MaxPasswordAge: p.maxPasswordAge > 0 ? p.maxPasswordAge : undefined,
        PasswordReusePrevention: p.passwordReusePrevention > 0 ? p.passwordReusePrevention : undefined,
        HardExpiry: p.maxPasswordAge > 0 ? p.hardExpiry : undefined,
      },
    };
  },
});

export const updateAccountPasswordPolicy = defineOperation({
  name: 'UpdateAccountPasswordPolicy',
  service: 'iam',
  action: 'iam:UpdateAccountPasswordPolicy',
  mutating: true,
  input(params: Params): PasswordPolicy {
    const v = new Validator(params, 'iam');
    const policy: PasswordPolicy = {
      minimumPasswordLength: v.int('MinimumPasswordLength', { min: 6, max: 128 }) ?? 6,
      requireSymbols: v.bool('RequireSymbols') ?? false,
      requireNumbers: v.bool('RequireNumbers') ?? false,
      requireUppercaseCharacters: v.bool('RequireUppercaseCharacters') ?? false,
      requireLowercaseCharacters: v.bool('RequireLowercaseCharacters') ?? false,
      allowUsersToChangePassword: v.bool('AllowUsersToChangePassword') ?? false,
      maxPasswordAge: v.int('MaxPasswordAge', { min: 1, max: 1095 }) ?? 0,
      passwordReusePrevention: v.int('PasswordReusePrevention', { min: 1, max: 24 }) ?? 0,
      hardExpiry: v.bool('HardExpiry') ?? false,
    };
    v.done();
    return policy;
  },
  resource: () => '*',
  handler(input, call) {
    call.store.accountSettings.put(accountOf(call), 'password-policy', JSON.stringify(input));
    return undefined;
  },
});

export const deleteAccountPasswordPolicy = defineOperation({
  name: 'DeleteAccountPasswordPolicy',
  service: 'iam',
  action: 'iam:DeleteAccountPasswordPolicy',
  mutating: true,
  input: (params: Params) => new Validator(params, 'iam').done(),
  resource: () => '*',
  handler(_input, call) {
    const account = accountOf(call);
    if (!call.store.accountSettings.delete(account, 'password-policy')) {
      throw awsErrors.noSuchEntity(`The account policy with name PasswordPolicy cannot be found.`); // ⚠ text not captured
    }
    return undefined;
  },
});

// ------------------------------------------------------------------ GetAccountSummary

/** IAM's default quotas (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html). */
const QUOTAS = {
  UsersQuota: 5000,
  GroupsQuota: 300,
  ServerCertificatesQuota: 20,
  UserPolicySizeQuota: 2048,
  GroupPolicySizeQuota: 5120,
  GroupsPerUserQuota: 10,
  SigningCertificatesPerUserQuota: 2,
  AccessKeysPerUserQuota: 2,
  AttachedPoliciesPerGroupQuota: 10,
  AttachedPoliciesPerRoleQuota: 10,
  AttachedPoliciesPerUserQuota: 10,
  PoliciesQuota: 1500,
  PolicySizeQuota: 6144,
  PolicyVersionsInUseQuota: 10000,
  VersionsPerPolicyQuota: 5,
  AssumeRolePolicySizeQuota: 2048,
  InstanceProfilesQuota: 1000,
  RolePolicySizeQuota: 10240,
  RolesQuota: ROLES_PER_ACCOUNT,
} as const;

export const getAccountSummary = defineOperation({
  name: 'GetAccountSummary',
  service: 'iam',
  action: 'iam:GetAccountSummary',
  mutating: false,
  input: (params: Params) => new Validator(params, 'iam').done(),
  resource: () => '*',
  handler(_input, call) {
    const account = accountOf(call);
    const c = call.store.accountSettings.summaryCounts(account);
    const tokenVersion = call.store.accountSettings.get(account, 'sts-global-token-version') === 'v2Token' ? 2 : 1;
    const summary: Record<string, number> = {
      ...QUOTAS,
      Users: c.users,
      Groups: c.groups,
      Roles: c.roles,
      Policies: c.policies,
      PolicyVersionsInUse: c.policyVersionsInUse,
      InstanceProfiles: c.instanceProfiles,
      Providers: c.providers,
      MFADevices: c.mfaDevices,
      MFADevicesInUse: c.mfaDevicesInUse,
      AccountMFAEnabled: c.rootMfa ? 1 : 0,
      AccountAccessKeysPresent: c.rootAccessKeys > 0 ? 1 : 0,
      AccountPasswordPresent: 1, // the root user always has a password in iamlocal's model ⚠
      AccountSigningCertificatesPresent: 0,
      ServerCertificates: 0,
      GlobalEndpointTokenVersion: tokenVersion,
    };
    // summaryMapType is an awsQuery map: <entry><key/><value/></entry>.
    return { SummaryMap: xmlMap(summary) };
  },
});

// ------------------------------------------------------------------ SetSecurityTokenServicePreferences

export const setSecurityTokenServicePreferences = defineOperation({
  name: 'SetSecurityTokenServicePreferences',
  service: 'iam',
  action: 'iam:SetSecurityTokenServicePreferences',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const version = v.string('GlobalEndpointTokenVersion', { required: true });
    v.done();
    if (version !== 'v1Token' && version !== 'v2Token') {
      throw awsErrors.validation(
        `1 validation error detected: Value at 'globalEndpointTokenVersion' failed to satisfy constraint: Member must satisfy enum value set: [v1Token, v2Token]`,
      );
    }
    return { version };
  },
  resource: () => '*',
  handler(input, call) {
    call.store.accountSettings.put(accountOf(call), 'sts-global-token-version', input.version);
    return undefined;
  },
});

export const accountSettingsOperations = [
  createAccountAlias,
  deleteAccountAlias,
  listAccountAliases,
  getAccountPasswordPolicy,
  updateAccountPasswordPolicy,
  deleteAccountPasswordPolicy,
  getAccountSummary,
  setSecurityTokenServicePreferences,
];

