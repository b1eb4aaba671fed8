// Owns TOTP for virtual MFA devices (RFC 6238: SHA-1, 6 digits, 30 s steps, as AWS's virtual devices):
// seeds, the otpauth:// provisioning URI, checking codes against the injected clock, and replay
// protection (a time step once accepted is never accepted again, RFC 6238 §5.2).
// verifyMfaCode / requireMfaCode are what STS (AssumeRole, GetSessionToken) calls with SerialNumber + TokenCode.
import { timingSafeEqual } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { awsErrors } from '../../aws/errors';
import type { IdSource } from '../../runtime';
import type { MfaDevice } from '../../store/repos/mfa-devices';
import type { Store } from '../../store/store';

export const TOTP_PERIOD_SECONDS = 30;
/** Codes kept per device for replay protection (`step:code`, newest last). */
const REMEMBERED_CODES = 10;
/** Clock drift tolerated for a sign-in code: one step either side. */
const SIGN_IN_WINDOW = 1;

/** A fresh seed: 40 random bytes as 64 base32 characters, the length AWS's seeds have. */
export function newMfaSeed(ids: IdSource): string {
  return new Secret({ buffer: new Uint8Array(ids.bytes(40)).buffer }).base32;
}

export function totpStep(at: Date): number {
  return Math.floor(at.getTime() / 1000 / TOTP_PERIOD_SECONDS);
}

/** The code a device shows during time step `step`. */
export function totpCodeAt(seedBase32: string, step: number): string {
  return TOTP.generate({ secret: Secret.fromBase32(seedBase32), algorithm: 'SHA1', digits: 6, period: TOTP_PERIOD_SECONDS, timestamp: step * TOTP_PERIOD_SECONDS * 1000 });
}

/** The code a device shows at `at` (tests and tools compute codes with this). */
export function totpCode(seedBase32: string, at: Date): string {
  return totpCodeAt(seedBase32, totpStep(at));
}

/**
 * What AWS's QR code encodes: `otpauth://totp/$virtualMFADeviceName@$AccountName?secret=$Base32String`
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_VirtualMFADevice.html, QRCodePNG).
 */
export function mfaProvisioningUri(deviceName: string, accountName: string, seedBase32: string): string {
  return `otpauth://totp/${encodeURIComponent(`${deviceName}@${accountName}`)}?secret=${seedBase32}`;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function lastUsedStep(device: MfaDevice): number {
  let max = -Infinity;
  for (const entry of device.lastCodes) {
    const step = Number(entry.split(':')[0]);
    if (Number.isFinite(step) && step > max) max = step;
  }
  return max;
}

/** Remembers accepted steps so the same (or an older) code is never accepted again. */
export function rememberCodes(store: Store, device: MfaDevice, used: { step: number; code: string }[]): void {
  const entries = [...device.lastCodes, ...used.map((u) => `${u.step}:${u.code}`)].slice(-REMEMBERED_CODES);
  store.mfaDevices.setLastCodes(device.serial, entries);
}

/**
 * Two consecutive codes (EnableMFADevice, ResyncMFADevice): code1 of some step and code2 of the next,
 * within `back` steps before now and one step ahead. Returns the step of code1, or null.
 */
export function matchConsecutiveCodes(device: MfaDevice, now: Date, code1: string, code2: string, back: number): number | null {
  const current = totpStep(now);
  const used = lastUsedStep(device);
  for (let step = current + 1; step >= current - back; step--) {
    if (step <= used) break;
    if (same(totpCodeAt(device.seedBase32, step), code1) && same(totpCodeAt(device.seedBase32, step + 1), code2)) return step;
  }
  return null;
}

export type MfaCheck = 'ok' | 'unknown-device' | 'invalid-code';

/**
 * Verifies one sign-in code for an MFA serial number: the device must exist, be enabled (for `userId`,
 * when given: the IAM user calling) and show `code` within ±1 step of `now`, at a step not used before.
 * On success the step is remembered (call inside the request's transaction).
 */
export function verifyMfaCode(store: Store, now: Date, serialNumber: string, code: string, userId?: string): MfaCheck {
  const device = store.mfaDevices.get(serialNumber);
  if (!device || device.userId === null) return 'unknown-device';
  if (userId !== undefined && device.userId !== userId) return 'unknown-device';
  const current = totpStep(now);
  const used = lastUsedStep(device);
  for (let step = current - SIGN_IN_WINDOW; step <= current + SIGN_IN_WINDOW; step++) {
    if (!same(totpCodeAt(device.seedBase32, step), code)) continue;
    if (step <= used) return 'invalid-code'; // replayed
    rememberCodes(store, device, [{ step, code }]);
    return 'ok';
  }
  return 'invalid-code';
}

/** verifyMfaCode with STS's AccessDenied texts for a failure (aws-protocol §4.7). */
export function requireMfaCode(store: Store, now: Date, serialNumber: string, code: string, userId?: string): void {
  const r = verifyMfaCode(store, now, serialNumber, code, userId);
  if (r === 'unknown-device') {
    throw awsErrors.accessDenied('MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.');
  }
  if (r === 'invalid-code') throw awsErrors.accessDenied('MultiFactorAuthentication failed with invalid MFA one time pass code.');
}
