// Owns virtual MFA device operations: CreateVirtualMFADevice, EnableMFADevice, ListMFADevices,
// ListVirtualMFADevices, DeactivateMFADevice, DeleteVirtualMFADevice, ResyncMFADevice.
// TOTP itself (and verifyMfaCode for STS) lives in mfa-totp.ts, the QR code PNG in mfa-qr-png.ts (the qrcode
// and pngjs packages: loaded by CreateVirtualMFADevice's prepare step on first use, a chunk of its own in dist/).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_enable_virtual.html
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { MfaDevice } from '../../store/repos/mfa-devices';
import type { Tag } from '../../store/repos/tags';
import { defineOperation, type Call } from '../types';
import { pathRules, patterns, readTags, Validator } from '../validate';
import { accountOf, pageFields, readPaging } from './common';
import { matchConsecutiveCodes, mfaProvisioningUri, newMfaSeed, rememberCodes } from './mfa-totp';
import { checkEntityTags, tagContext } from './roles';
import {
  existingUserNameRule,
  optionalUserNameRule,
  requireUser,
  requireUserCaller,
  subjectUser,
  userListShape,
  userOrCallerResource,
  userResource,
} from './user-common';

export { requireMfaCode, totpCode, verifyMfaCode, type MfaCheck } from './mfa-totp';

/** MFA devices a user may have enabled at once (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa.html). */
export const MFA_DEVICES_PER_USER = 8;
/** How far back EnableMFADevice looks for the first of two codes (10 steps = 5 minutes); ResyncMFADevice further. */
const ENABLE_WINDOW_STEPS = 10;
const RESYNC_WINDOW_STEPS = 40;

const serialRule = { required: true, min: 9, max: 256, pattern: { text: '[\\w+=/:,.@-]+', re: /^[\w+=/:,.@-]+$/ } } as const;
const codeRule = { required: true, min: 6, max: 6, pattern: { text: '[\\d]+', re: /^\d+$/ } } as const;
const ASSIGNMENT = ['Assigned', 'Unassigned', 'Any'] as const;
type Assignment = (typeof ASSIGNMENT)[number];

// Texts of the MFA errors: ⚠ taken from IAM-compatible implementations, not captured from AWS.
const noSuchDevice = (serial: string) => awsErrors.noSuchEntity(`VirtualMFADevice with serial number ${serial} doesn't exist.`);
const invalidForUser = () => awsErrors.noSuchEntity('MFA Device invalid for user.');
const badCodes = () => awsErrors.invalidAuthenticationCode('Authentication code for device is not valid.');

/** A device of the caller's account (another account's serial is as good as unknown). */
function requireDevice(call: Call, serial: string): MfaDevice {
  const device = call.store.mfaDevices.get(serial);
  if (!device || device.accountId !== accountOf(call)) throw noSuchDevice(serial);
  return device;
}

function deviceResource(call: Call, serial: string): string {
  return call.store.mfaDevices.get(serial)?.serial ?? serial;
}

// ------------------------------------------------------------------ CreateVirtualMFADevice

export interface CreateVirtualMfaDeviceInput {
  path: string;
  name: string;
  tags?: Tag[];
}

type QrPng = typeof import('./mfa-qr-png');
let qrPng: Promise<QrPng> | undefined;
const loadQrPng = (): Promise<QrPng> => (qrPng ??= import('./mfa-qr-png'));

export const createVirtualMFADevice = defineOperation({
  name: 'CreateVirtualMFADevice',
  service: 'iam',
  action: 'iam:CreateVirtualMFADevice',
  mutating: true,
  input(params): CreateVirtualMfaDeviceInput {
    const v = new Validator(params, 'iam');
    const path = v.string('Path', pathRules.path) ?? '/';
    const name = v.string('VirtualMFADeviceName', { required: true, min: 1, pattern: patterns.name });
    const tags = readTags(v);
    v.done();
    return { path, name, tags };
  },
  prepare: () => loadQrPng(),
  resource: (input, call) => arns.mfa(accountOf(call), input.path, input.name),
  conditionKeys: (input) => tagContext(input.tags),
  // Tag-on-create also needs iam:TagMFADevice (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags_virtual-mfa.html).
  extraChecks: (input, call) => (input.tags?.length ? [{ action: 'iam:TagMFADevice', resource: arns.mfa(accountOf(call), input.path, input.name) }] : []),
  handler(input, call) {
    const { store } = call;
    const account = accountOf(call);
    const serial = arns.mfa(account, input.path, input.name);
    if (store.mfaDevices.get(serial)) throw awsErrors.entityAlreadyExists('MFADevice entity at the same path and name already exists.'); // ⚠
    if (input.tags) checkEntityTags(input.tags);
    const device = store.mfaDevices.create({ serial, accountId: account, name: input.name, path: input.path, seedBase32: newMfaSeed(call.ids), createdAt: call.now.toISOString() });
    if (input.tags?.length) store.tags.put('mfa', serial, input.tags);
    // Base32StringSeed is a blob whose bytes are the base32 text (boto3 hands back b'JBSW…'); QRCodePNG
    // a PNG of otpauth://totp/NAME@ACCOUNT?secret=SEED, where ACCOUNT is the calling IAM user's name, else
    // the account id ⚠ (https://docs.aws.amazon.com/IAM/latest/APIReference/API_VirtualMFADevice.html).
    const accountName = call.principal.kind === 'user' ? call.principal.user.name : account;
    return {
      VirtualMFADevice: {
        SerialNumber: device.serial,
        Base32StringSeed: Buffer.from(device.seedBase32, 'ascii'),
        QRCodePNG: (call.prepared as QrPng).qrCodePng(mfaProvisioningUri(device.name, accountName, device.seedBase32)),
        Tags: input.tags?.length ? store.tags.list('mfa', serial) : undefined,
      },
    };
  },
});

// ------------------------------------------------------------------ EnableMFADevice

interface CodesInput {
  userName: string;
  serialNumber: string;
  code1: string;
  code2: string;
}

function codesInput(params: Record<string, unknown>): CodesInput {
  const v = new Validator(params, 'iam');
  const userName = v.string('UserName', existingUserNameRule);
  const serialNumber = v.string('SerialNumber', serialRule);
  const code1 = v.string('AuthenticationCode1', codeRule);
  const code2 = v.string('AuthenticationCode2', codeRule);
  v.done();
  return { userName, serialNumber, code1, code2 };
}

export const enableMFADevice = defineOperation({
  name: 'EnableMFADevice',
  service: 'iam',
  action: 'iam:EnableMFADevice',
  mutating: true,
  input: codesInput,
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const { store } = call;
    const user = requireUser(store, accountOf(call), input.userName);
    const device = requireDevice(call, input.serialNumber);
    if (device.userId !== null) throw awsErrors.entityAlreadyExists('MFA Device is already in use.'); // ⚠
    if (store.mfaDevices.forUser(user.id).length >= MFA_DEVICES_PER_USER) {
      throw awsErrors.limitExceeded(`Cannot exceed quota for MFADevicesPerUser: ${MFA_DEVICES_PER_USER}`); // ⚠
    }
    // Two consecutive codes prove the device is in sync (https://docs.aws.amazon.com/IAM/latest/APIReference/API_EnableMFADevice.html).
    const step = matchConsecutiveCodes(device, call.now, input.code1, input.code2, ENABLE_WINDOW_STEPS);
    if (step === null) throw badCodes();
    store.mfaDevices.enable(device.serial, user.id, call.now.toISOString());
    rememberCodes(store, device, [{ step, code: input.code1 }, { step: step + 1, code: input.code2 }]);
    return undefined;
  },
});

// ------------------------------------------------------------------ ResyncMFADevice

export const resyncMFADevice = defineOperation({
  name: 'ResyncMFADevice',
  service: 'iam',
  action: 'iam:ResyncMFADevice',
  mutating: true,
  input: codesInput,
  resource: (input, call) => userResource(call, input.userName),
  handler(input, call) {
    const { store } = call;
    const user = requireUser(store, accountOf(call), input.userName);
    const device = requireDevice(call, input.serialNumber);
    if (device.userId !== user.id) throw invalidForUser();
    // A virtual device's clock is the caller's; iamlocal keeps no drift, so resync only checks the codes.
    const step = matchConsecutiveCodes(device, call.now, input.code1, input.code2, RESYNC_WINDOW_STEPS);
    if (step === null) throw badCodes();
    rememberCodes(store, device, [{ step, code: input.code1 }, { step: step + 1, code: input.code2 }]);
    return undefined;
  },
});

// ------------------------------------------------------------------ DeactivateMFADevice

export const deactivateMFADevice = defineOperation({
  name: 'DeactivateMFADevice',
  service: 'iam',
  action: 'iam:DeactivateMFADevice',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', optionalUserNameRule);
    const serialNumber = v.string('SerialNumber', serialRule);
    v.done();
    return { userName, serialNumber };
  },
  // Without UserName: the user the device is enabled for.
  resource(input, call) {
    if (input.userName !== undefined) return userResource(call, input.userName);
    const device = call.store.mfaDevices.get(input.serialNumber);
    const owner = device?.userId ? call.store.users.getById(device.userId) : null;
    return owner && owner.accountId === call.principal.accountId ? owner.arn : userOrCallerResource(call, undefined);
  },
  handler(input, call) {
    const { store } = call;
    const user = input.userName !== undefined ? requireUser(store, accountOf(call), input.userName) : null;
    const device = requireDevice(call, input.serialNumber);
    if (device.userId === null || (user && device.userId !== user.id)) throw invalidForUser();
    store.mfaDevices.deactivate(device.serial);
    return undefined;
  },
});

// ------------------------------------------------------------------ DeleteVirtualMFADevice

export const deleteVirtualMFADevice = defineOperation({
  name: 'DeleteVirtualMFADevice',
  service: 'iam',
  action: 'iam:DeleteVirtualMFADevice',
  mutating: true,
  input(params) {
    const v = new Validator(params, 'iam');
    const serialNumber = v.string('SerialNumber', serialRule);
    v.done();
    return { serialNumber };
  },
  resource: (input, call) => deviceResource(call, input.serialNumber),
  handler(input, call) {
    const device = requireDevice(call, input.serialNumber);
    if (device.userId !== null) throw awsErrors.deleteConflict('MFA VirtualDevice in use. Must deactivate first.'); // ⚠
    call.store.mfaDevices.delete(device.serial);
    return undefined;
  },
});

// ------------------------------------------------------------------ ListMFADevices

export const listMFADevices = defineOperation({
  name: 'ListMFADevices',
  service: 'iam',
  action: 'iam:ListMFADevices',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const userName = v.string('UserName', optionalUserNameRule);
    const paging = readPaging(v);
    v.done();
    return { userName, ...paging };
  },
  guard(input, call) {
    if (input.userName === undefined) requireUserCaller(call);
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = subjectUser(call, input.userName);
    // The root user's own MFA is managed in the console, not with virtual devices here: an empty list.
    if (!user) return { MFADevices: [], IsTruncated: false };
    const page = call.store.mfaDevices.forUserPage(user.id, input);
    return {
      MFADevices: page.items.map((d) => ({ UserName: user.name, SerialNumber: d.serial, EnableDate: new Date(d.enabledAt!) })),
      ...pageFields(page),
    };
  },
});

// ------------------------------------------------------------------ ListVirtualMFADevices

export const listVirtualMFADevices = defineOperation({
  name: 'ListVirtualMFADevices',
  service: 'iam',
  action: 'iam:ListVirtualMFADevices',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const status = v.string('AssignmentStatus');
    if (status !== undefined && !(ASSIGNMENT as readonly string[]).includes(status)) {
      v.addClause(`Value at 'assignmentStatus' failed to satisfy constraint: Member must satisfy enum value set: [${ASSIGNMENT.join(', ')}]`);
    }
    const paging = readPaging(v);
    v.done();
    return { assignment: (status ?? 'Any') as Assignment, ...paging };
  },
  // No resource type in the Service Authorization Reference: authorized on `*`.
  resource: () => '*',
  handler(input, call) {
    const { store } = call;
    const page = store.mfaDevices.listPage(accountOf(call), input);
    return {
      VirtualMFADevices: page.items.map((d) => {
        const user = d.userId ? store.users.getById(d.userId) : null;
        return {
          SerialNumber: d.serial,
          User: user ? userListShape(user) : undefined,
          EnableDate: d.enabledAt ? new Date(d.enabledAt) : undefined,
        };
      }),
      ...pageFields(page),
    };
  },
});

// ------------------------------------------------------------------ GetMFADevice

/** https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetMFADevice.html: an enabled device of the user. */
export const getMFADevice = defineOperation({
  name: 'GetMFADevice',
  service: 'iam',
  action: 'iam:GetMFADevice',
  mutating: false,
  input(params) {
    const v = new Validator(params, 'iam');
    const serialNumber = v.string('SerialNumber', { required: true, min: 9, max: 256, pattern: { text: '[\\w+=/:,.@-]+', re: /^[\w+=/:,.@-]+$/ } });
    const userName = v.string('UserName', { min: 1, max: 64, pattern: patterns.name });
    v.done();
    return { serialNumber, userName };
  },
  guard(input, call) {
    if (input.userName === undefined) requireUserCaller(call);
  },
  resource: (input, call) => userOrCallerResource(call, input.userName),
  handler(input, call) {
    const user = subjectUser(call, input.userName);
    const d = call.store.mfaDevices.get(input.serialNumber);
    if (!d || !user || d.userId !== user.id || !d.enabledAt) throw invalidForUser();
    // Certifications are FIDO security keys' only; virtual devices have none.
    return { UserName: user.name, SerialNumber: d.serial, EnableDate: new Date(d.enabledAt) };
  },
});
