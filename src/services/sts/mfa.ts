// Owns MFA for STS calls (AssumeRole, GetSessionToken): SerialNumber + TokenCode checked as a TOTP code
// of the caller's enabled IAM virtual MFA device (IAM's verifier, replay-protected). Messages: aws-protocol §4.7.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_mfa_configure-api-require.html
import type { Principal } from '../../auth/principal';
import { awsErrors } from '../../aws/errors';
import type { Store } from '../../store/store';
import { requireMfaCode } from '../iam/mfa-totp';

/** A verified MFA: what the session records (aws:MultiFactorAuthPresent / aws:MultiFactorAuthAge). */
export interface MfaResult {
  serial: string;
  authTime: string;
}

export const MFA_INVALID_CODE = 'MultiFactorAuthentication failed with invalid MFA one time pass code.';
// Two spaces after "code." as AWS writes it.
export const MFA_UNKNOWN_DEVICE =
  'MultiFactorAuthentication failed, unable to validate MFA code.  Please verify your MFA serial number is valid and associated with this user.';

/**
 * Verifies SerialNumber + TokenCode for the caller. No SerialNumber and no TokenCode → null (no MFA).
 * The device must be an enabled virtual MFA device of the calling IAM user (the user behind a
 * GetSessionToken session counts); anything else — root, role sessions, someone else's device,
 * a half-given pair — cannot be validated. The TOTP check and its replay protection are IAM's
 * (src/services/iam/mfa-totp.ts, shared with EnableMFADevice/ResyncMFADevice).
 */
export function verifyMfa(store: Store, principal: Principal, serial: string | undefined, code: string | undefined, now: Date): MfaResult | null {
  if (serial === undefined && code === undefined) return null;
  if (serial === undefined || code === undefined || principal.kind !== 'user') throw awsErrors.accessDenied(MFA_UNKNOWN_DEVICE);
  requireMfaCode(store, now, serial, code, principal.user.id);
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
