// Owns IAM users' console passwords: Create/Get/Update/DeleteLoginProfile and ChangePassword, with
// the account password policy enforced on every new password (length, character classes, reuse
// prevention, AllowUsersToChangePassword). Passwords are kept only as salted scrypt hashes.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateLoginProfile.html
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_ChangePassword.html
import { scryptSync, timingSafeEqual } from 'node:crypto';
import { awsError, awsErrors } from '../../aws/errors';
import type { LoginProfile } from '../../store/repos/login-profiles';
import type { User } from '../../store/repos/users';
import { defineOperation, type Call, type Params } from '../types';
import { accountOf } from './common';
import { passwordPolicyOf, passwordViolation } from './account-settings';
import { requireUser, subjectUser, userOrCallerResource, userResource } from './user-common';
import { patterns, Validator } from '../validate';

/** The login-profile operations' UserName is userNameType (1–64), not existingUserNameType. */
const userNameRule = { min: 1, max: 64, pattern: patterns.name } as const;

/** passwordType: 1–128 characters of `[\u0009\u000A\u000D\u0020-\u00FF]+`; sensitive, so never echoed. */
const passwordRule = { min: 1, max: 128, pattern: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ } } as const;

/** scrypt with a small cost: iamlocal guards test passwords, and must stay fast under load. */
const SCRYPT = { N: 1024, r: 8, p: 1 } as const;

function hashPassword(call: Call, password: string): string {
  const salt = call.ids.bytes(16);
  const hash = scryptSync(password, salt, 32, SCRYPT);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

function passwordMatches(stored: string, password: string): boolean {
  const [scheme, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false; // fail closed on anything unreadable
  const want = Buffer.from(hash, 'base64');
  const got = scryptSync(password, Buffer.from(salt, 'base64'), want.length, SCRYPT);
  return want.length === got.length && timingSafeEqual(want, got);
}

/** Refuses a password the account policy does not accept, or one of the last N (PasswordReusePrevention). */
function checkNewPassword(call: Call, password: string, previous: LoginProfile | null): void {
  const policy = passwordPolicyOf(call);
  const violation = passwordViolation(password, policy);
  if (violation) throw awsError('PasswordPolicyViolation', violation);
  if (previous && policy && policy.passwordReusePrevention > 0) {
    const recent = [previous.passwordHash, ...previous.history].slice(0, policy.passwordReusePrevention);
    // ⚠ AWS's text for a reused password is not captured.
    if (recent.some((h) => passwordMatches(h, password))) {
      throw awsError('PasswordPolicyViolation', `Password should not be one of your last ${policy.passwordReusePrevention} passwords`);
    }
  }
}

function noProfile(userName: string) {
  // Recorded: "Login Profile for User bob cannot be found."
  return awsErrors.noSuchEntity(`Login Profile for User ${userName} cannot be found.`);
}

function profileShape(user: User, p: LoginProfile): Record<string, unknown> {
  return { UserName: user.name, CreateDate: new Date(p.createdAt), PasswordResetRequired: p.resetRequired };
}

/** The user a login-profile call is about: UserName, or (as the current API allows) the calling IAM user. */
function profileUser(call: Call, name: string | undefined): User {
  const user = subjectUser(call, name);
  // The root user's console password is not an IAM login profile.
  if (user === null) throw awsErrors.validation('Must specify userName when calling with non-User credentials');
  return user;
}

// ------------------------------------------------------------------ CreateLoginProfile

export const createLoginProfile = defineOperation({
  name: 'CreateLoginProfile',
  service: 'iam',
  action: 'iam:CreateLoginProfile',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', userNameRule);
    const password = v.string('Password', passwordRule);
    const passwordResetRequired = v.bool('PasswordResetRequired') ?? false;
    v.done();
    return { userName, password, passwordResetRequired };
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = profileUser(call, input.userName);
    // Password is optional in the current model (for root-credential recovery flows); an IAM user's
    // console password still needs one ⚠ (AWS's text for a missing password is not captured).
    if (input.password === undefined) throw awsErrors.validation("1 validation error detected: Value at 'password' failed to satisfy constraint: Member must not be null");
    if (call.store.loginProfiles.get(user.id)) throw awsErrors.entityAlreadyExists(`Login Profile for user ${user.name} already exists.`); // ⚠
    checkNewPassword(call, input.password, null);
    const now = call.now.toISOString();
    const profile: LoginProfile = { userId: user.id, passwordHash: hashPassword(call, input.password), history: [], resetRequired: input.passwordResetRequired, createdAt: now, passwordChangedAt: now };
    call.store.loginProfiles.create(profile);
    return { LoginProfile: profileShape(user, profile) };
  },
});

// ------------------------------------------------------------------ GetLoginProfile

export const getLoginProfile = defineOperation({
  name: 'GetLoginProfile',
  service: 'iam',
  action: 'iam:GetLoginProfile',
  mutating: false,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', userNameRule);
    v.done();
    return { userName };
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = profileUser(call, input.userName);
    const p = call.store.loginProfiles.get(user.id);
    if (!p) throw noProfile(user.name);
    return { LoginProfile: profileShape(user, p) };
  },
});

// ------------------------------------------------------------------ UpdateLoginProfile

export const updateLoginProfile = defineOperation({
  name: 'UpdateLoginProfile',
  service: 'iam',
  action: 'iam:UpdateLoginProfile',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', { ...userNameRule, required: true });
    const password = v.string('Password', passwordRule);
    const passwordResetRequired = v.bool('PasswordResetRequired');
    v.done();
    return { userName, password, passwordResetRequired };
  },
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const user = requireUser(call.store, accountOf(call), input.userName);
    const p = call.store.loginProfiles.get(user.id);
    if (!p) throw noProfile(user.name);
    const next: LoginProfile = { ...p };
    if (input.password !== undefined) {
      checkNewPassword(call, input.password, p);
      next.history = [p.passwordHash, ...p.history].slice(0, 24);
      next.passwordHash = hashPassword(call, input.password);
      next.passwordChangedAt = call.now.toISOString();
    }
    if (input.passwordResetRequired !== undefined) next.resetRequired = input.passwordResetRequired;
    call.store.loginProfiles.update(next);
    return undefined;
  },
});

// ------------------------------------------------------------------ DeleteLoginProfile

export const deleteLoginProfile = defineOperation({
  name: 'DeleteLoginProfile',
  service: 'iam',
  action: 'iam:DeleteLoginProfile',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', userNameRule);
    v.done();
    return { userName };
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = profileUser(call, input.userName);
    if (!call.store.loginProfiles.delete(user.id)) throw noProfile(user.name);
    return undefined;
  },
});

// ------------------------------------------------------------------ ChangePassword

export const changePassword = defineOperation({
  name: 'ChangePassword',
  service: 'iam',
  action: 'iam:ChangePassword',
  mutating: true,
  input(params: Params) {
    const v = new Validator(params, 'iam');
    const oldPassword = v.string('OldPassword', { ...passwordRule, required: true });
    const newPassword = v.string('NewPassword', { ...passwordRule, required: true });
    v.done();
    return { oldPassword, newPassword };
  },
  // "Changes the password of the IAM user who is calling this operation": the caller's own user ARN.
  resource: (_input, call) => (call.principal.kind === 'user' ? call.principal.user.arn : call.principal.arn ?? '*'),
  handler(input, call) {
    const p = call.principal;
    if (p.kind !== 'user') throw awsError('InvalidUserType', 'Only IAM users can change their own password.');
    const user = requireUser(call.store, accountOf(call), p.user.name);
    const policy = passwordPolicyOf(call);
    // Without AllowUsersToChangePassword only an administrator may set it (iam:UpdateLoginProfile);
    // ChangePassword then needs that too (id_credentials_passwords_enable-user-change.html) ⚠ text.
    if (policy !== null && !policy.allowUsersToChangePassword) {
      throw awsErrors.accessDenied(`User: ${user.arn} is not authorized to change the password: the account password policy does not allow users to change their own password`);
    }
    const profile = call.store.loginProfiles.get(user.id);
    if (!profile) throw noProfile(user.name);
    // ⚠ AWS's answer for a wrong current password is not captured; it refuses the change.
    if (!passwordMatches(profile.passwordHash, input.oldPassword)) throw awsErrors.invalidInput('The old password was incorrect.');
    checkNewPassword(call, input.newPassword, profile);
    call.store.loginProfiles.update({
      ...profile,
      history: [profile.passwordHash, ...profile.history].slice(0, 24),
      passwordHash: hashPassword(call, input.newPassword),
      passwordChangedAt: call.now.toISOString(),
      resetRequired: false,
    });
    return undefined;
  },
});

export const loginProfileOperations = [createLoginProfile, getLoginProfile, updateLoginProfile, deleteLoginProfile, changePassword];
