// Owns long-term access key operations: CreateAccessKey, ListAccessKeys, UpdateAccessKey, DeleteAccessKey,
// GetAccessKeyLastUsed. An omitted UserName means the caller (an IAM user, or the root user's own keys).
// Shapes and messages: aws-protocol §6.2–6.3, §6.7, §4.7; https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateAccessKey.html
// Inactive keys are refused at authentication (src/auth/authenticate.ts); last use is recorded by the pipeline.
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { newAccessKeyId, newSecretAccessKey } from '../../aws/ids';
import type { AccessKey, AccessKeyStatus } from '../../store/repos/access-keys';
import type { User } from '../../store/repos/users';
import { defineOperation, type Call } from '../types';
import { Validator } from '../validate';
import { accountOf, pageFields, readPaging } from './common';
import { optionalUserNameRule, pageArray, requireUserCaller, subjectUser, userOrCallerResource } from './user-common';

/** Access keys per user (and per root user), aws-protocol §6.9. */
export const ACCESS_KEYS_PER_USER = 2;

const accessKeyIdRule = { required: true, min: 16, max: 128, pattern: { text: '[\\w]+', re: /^\w+$/ } } as const;
const STATUSES: AccessKeyStatus[] = ['Active', 'Inactive', 'Expired'];

/** The keys of the subject: a user's, or the account root user's when `user` is null. */
function keysOf(call: Call, user: User | null): AccessKey[] {
  return user ? call.store.accessKeys.listFor(user.accountId, user.id) : call.store.accessKeys.listFor(accountOf(call), null);
}

/** A key of the subject; any other key (another user's, another account's, unknown) is NoSuchEntity. */
function requireKeyOf(call: Call, user: User | null, id: string): AccessKey {
  const key = keysOf(call, user).find((k) => k.id === id);
  if (!key) throw awsErrors.noSuchEntity(`The Access Key with id ${id} cannot be found.`);
  return key;
}

/**
 * UserName of a key in AccessKey/AccessKeyMetadata. The root user's keys carry none ⚠ (not captured
 * from AWS; the model marks it required for AccessKey, no SDK enforces that).
 */
function keyUserName(user: User | null): string | undefined {
  return user?.name;
}

function userNameInput(v: Validator): string | undefined {
  return v.string('UserName', optionalUserNameRule);
}

function guardCaller(input: { userName?: string }, call: Call): void {
  if (input.userName === undefined) requireUserCaller(call);
}

// ------------------------------------------------------------------ CreateAccessKey

export const createAccessKey = defineOperation({
  name: 'CreateAccessKey',
  service: 'iam',
  action: 'iam:CreateAccessKey',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = userNameInput(v);
    v.done();
    return { userName };
  },
  guard: (input, call) => guardCaller(input, call),
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = subjectUser(call, input.userName);
    if (keysOf(call, user).length >= ACCESS_KEYS_PER_USER) {
      throw awsErrors.limitExceeded(`Cannot exceed quota for AccessKeysPerUser: ${ACCESS_KEYS_PER_USER}`);
    }
    const account = accountOf(call);
    // Key ids encode their account (aws-protocol §5.5), so sts:GetAccessKeyInfo works for them.
    let id = newAccessKeyId(call.ids, 'AKIA', account);
    while (call.store.accessKeys.get(id) || call.store.sessions.get(id)) id = newAccessKeyId(call.ids, 'AKIA', account);
    const key = call.store.accessKeys.create({
      id,
      secret: newSecretAccessKey(call.ids),
      accountId: account,
      userId: user?.id ?? null,
      status: 'Active',
      createdAt: call.now.toISOString(),
    });
    return {
      AccessKey: {
        UserName: keyUserName(user),
        AccessKeyId: key.id,
        Status: key.status,
        SecretAccessKey: key.secret,
        CreateDate: new Date(key.createdAt),
      },
    };
  },
});

// ------------------------------------------------------------------ ListAccessKeys

export const listAccessKeys = defineOperation({
  name: 'ListAccessKeys',
  service: 'iam',
  action: 'iam:ListAccessKeys',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = userNameInput(v);
    const paging = readPaging(v);
    v.done();
    return { userName, ...paging };
  },
  guard: (input, call) => guardCaller(input, call),
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = subjectUser(call, input.userName);
    const page = pageArray(keysOf(call, user), (k) => k.id, input);
    return {
      AccessKeyMetadata: page.items.map((k) => ({ UserName: keyUserName(user), AccessKeyId: k.id, Status: k.status, CreateDate: new Date(k.createdAt) })),
      ...pageFields(page),
    };
  },
});

// ------------------------------------------------------------------ UpdateAccessKey

export const updateAccessKey = defineOperation({
  name: 'UpdateAccessKey',
  service: 'iam',
  action: 'iam:UpdateAccessKey',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = userNameInput(v);
    const accessKeyId = v.string('AccessKeyId', accessKeyIdRule);
    const status = v.string('Status', { required: true });
    if (status !== undefined && !STATUSES.includes(status as AccessKeyStatus)) {
      v.addClause(`Value at 'status' failed to satisfy constraint: Member must satisfy enum value set: [${STATUSES.join(', ')}]`);
    }
    v.done();
    return { userName, accessKeyId, status: status as AccessKeyStatus };
  },
  guard: (input, call) => guardCaller(input, call),
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = subjectUser(call, input.userName);
    const key = requireKeyOf(call, user, input.accessKeyId);
    call.store.accessKeys.setStatus(key.id, input.status);
    return undefined;
  },
});

// ------------------------------------------------------------------ DeleteAccessKey

export const deleteAccessKey = defineOperation({
  name: 'DeleteAccessKey',
  service: 'iam',
  action: 'iam:DeleteAccessKey',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = userNameInput(v);
    const accessKeyId = v.string('AccessKeyId', accessKeyIdRule);
    v.done();
    return { userName, accessKeyId };
  },
  guard: (input, call) => guardCaller(input, call),
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = subjectUser(call, input.userName);
    const key = requireKeyOf(call, user, input.accessKeyId);
    call.store.accessKeys.delete(key.id);
    return undefined;
  },
});

// ------------------------------------------------------------------ GetAccessKeyLastUsed

/** The key asked about, when it belongs to the caller's account (anything else is answered as unknown). */
function knownKey(call: Call, id: string): AccessKey | null {
  const key = call.store.accessKeys.get(id);
  return key && key.accountId === call.principal.accountId ? key : null;
}

export const getAccessKeyLastUsed = defineOperation({
  name: 'GetAccessKeyLastUsed',
  service: 'iam',
  action: 'iam:GetAccessKeyLastUsed',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const accessKeyId = v.string('AccessKeyId', accessKeyIdRule);
    v.done();
    return { accessKeyId };
  },
  // A key that does not exist (or is another account's) gets AWS's distinctive AccessDenied, before any
  // policy is looked at: "User: … is not authorized to perform iam:GetAccessKeyLastUsed on resource:
  // access key AKIA…" (aws-protocol §4.7, no colon after "perform").
  guard(input, call) {
    if (!knownKey(call, input.accessKeyId)) {
      throw awsErrors.accessDenied(
        `User: ${call.principal.arn ?? 'anonymous'} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key ${input.accessKeyId}`,
      );
    }
  },
  // Authorized against the user that owns the key (the root ARN for root keys).
  resource(input, call) {
    const key = knownKey(call, input.accessKeyId)!;
    const owner = key.userId ? call.store.users.getById(key.userId) : null;
    return owner?.arn ?? arns.root(key.accountId);
  },
  handler(input, call) {
    const key = knownKey(call, input.accessKeyId)!;
    const owner = key.userId ? call.store.users.getById(key.userId) : null;
    // Never used: ServiceName and Region are `N/A` and there is no LastUsedDate (aws-protocol §6.2).
    return {
      UserName: owner?.name,
      AccessKeyLastUsed: key.lastUsedAt
        ? { LastUsedDate: new Date(key.lastUsedAt), ServiceName: key.lastUsedService ?? 'N/A', Region: key.lastUsedRegion ?? 'N/A' }
        : { ServiceName: 'N/A', Region: 'N/A' },
    };
  },
});
