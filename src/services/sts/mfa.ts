// Owns MFA for STS calls (AssumeRole, GetSessionToken): SerialNumber + TokenCode checked as a TOTP code
// of the caller's enabled IAM virtual MFA device, with replay protection. Messages: aws-protocol §4.7.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
import { TOTP } from 'otpauth';
import type { Principal } from '../../auth/principal';
import { awsErrors } from '../../aws/errors';
import type { Store } from '../../store/store';

/** A verified MFA: what the session records (aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge). */
export interface MfaResult {
  serial: string;
  authTime: string;
}

export const MFA_INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
// Two spaces after "code." as AWS writes it.
export const MFA_UNKNOWN_DEVICE =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';

/** Codes remembered per device to refuse replays (a code is valid for up to ±1 step of 30 s). */
const REMEMBERED_CODES = 4;

/**
 * Verifies SerialNumber + TokenCode for the caller. No SerialNumber and no TokenCode → null (no MFA).
 * The device must be an enabled virtual MFA device of the calling IAM user (the user behind a
 * GetSessionToken session counts); anything else — root, role sessions, someone else's device,
 * a half-given pair — cannot be validated. A used code is refused until it ages out.
 */
export function verifyMfa(store: Store, principal: Principal, serial: string | undefined, code: string | undefined, now: Date): MfaResult | null {
  if (serial === undefined && code === undefined) return null;
  if (serial === undefined || code === undefined) throw awsErrors.accessDenied(MFA_UNKNOWN_DEVICE);
  const userId = principal.kind === 'user' ? principal.user.id : null;
  const device = store.mfaDevices.get(serial);
  if (!device || !userId || device.userId !== userId || device.accountId !== principal.accountId) {
    throw awsErrors.accessDenied(MFA_UNKNOWN_DEVICE);
  }
  const totp = new TOTP({ secret: device.seedBase32, digits: 6, period: 30, algorithm: 'SHA1' });
  const delta = totp.validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) throw awsErrors.accessDenied(MFA_INVALID_CODE);
  // Remember the code with its time step so the same code cannot be used twice.
  const step = Math.floor(now.getTime() / 30_000) + delta;
  const used = `${step}:${code}`;
  if (device.lastCodes.includes(used)) throw awsErrors.accessDenied(MFA_INVALID_CODE);
  store.mfaDevices.setLastCodes(serial, [used, ...device.lastCodes].slice(0, REMEMBERED_CODES));
  return { serial, authTime: now.toISOString() };
}

/** Condition keys a request made with fresh MFA carries (the trust policy sees them at AssumeRole time). */
export function mfaContext(mfa: MfaResult | null, now: Date): Record<string, string> {
  if (!mfa) return {};
  return {
    'aws:MultiFactorAuthPresent': 'true',
    'aws:MultiFactorAuthAge': String(Math.max(0, Math.floor((now.getTime() - Date.parse(mfa.authTime)) / 1000))),
  };
}
