// Owns STS GetSessionToken: temporary credentials for an IAM user or the root user, optionally
// MFA-authenticated, with the duration rules by caller type, and what such credentials may not do.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html ; aws-protocol §4.7, §5.1.
import { awsErrors } from '../../aws/errors';
import type { Session } from '../../store/repos/sessions';
import { defineOperation, type ServiceName } from '../types';
import { Validator } from '../validate';
import { credentialsOf, issueCallerSession } from './issue-session';
import { verifyMfa } from './mfa';

export interface GetSessionTokenInput {
  durationSeconds?: number;
  serialNumber?: string;
  tokenCode?: string;
}

/** IAM users: 900–129600 s, default 43200. The root user: at most 3600 — a longer request "defaults to one hour". */
export const SESSION_TOKEN_DEFAULT_SECONDS = 43200;
export const ROOT_SESSION_MAX_SECONDS = 3600;

export const mfaPatterns = {
  serialNumber: { text: '[\\w+=/:,.@-]*', re: /^[\w+=/:,.@-]*$/ },
  tokenCode: { text: '[\\d]*', re: /^\d*$/ },
};

export function readGetSessionTokenInput(params: Record<string, unknown>): GetSessionTokenInput {
  const v = new Validator(params, 'sts');
  const durationSeconds = v.int('DurationSeconds', { min: 900, max: 129600 });
  const serialNumber = v.string('SerialNumber', { min: 9, max: 256, pattern: mfaPatterns.serialNumber });
  const tokenCode = v.string('TokenCode', { min: 6, max: 6, pattern: mfaPatterns.tokenCode });
  v.done();
  return { durationSeconds, serialNumber, tokenCode };
}

/** Session credentials may not mint more session credentials: GetSessionToken / GetFederationToken need long-term keys. */
export function refuseSessionCredentials(session: Session | null, operation: 'GetSessionToken' | 'GetFederationToken'): void {
  if (session) throw awsErrors.accessDenied(`Cannot call ${operation} with session credentials`);
}

/**
 * IAM refuses some temporary credentials outright, with InvalidClientTokenId (aws-protocol §4.7):
 * GetSessionToken credentials "cannot call IAM API operations unless MFA information is included", and
 * GetFederationToken credentials "cannot call any IAM operations" (API_GetFederationToken.html; the
 * error reported by AWS support in jantman/awslimitchecker#139).
 */
export function checkSessionCredentialScope(session: Session, service: ServiceName): void {
  if (service !== 'iam') return;
  if (session.via === 'GetSessionToken' && !session.mfaAuthenticated) throw awsErrors.invalidClientTokenId();
  if (session.via === 'GetFederationToken') throw awsErrors.invalidClientTokenId();
}

export const getSessionToken = defineOperation({
  name: 'GetSessionToken',
  service: 'sts',
  action: 'sts:GetSessionToken',
  mutating: true,
  noAuthorization: {
    reason: 'AWS: "No permissions are required for users to perform this operation … You cannot use policies to control authentication operations."',
  },
  input: (params) => readGetSessionTokenInput(params),
  guard(_input, call) {
    refuseSessionCredentials(call.principal.session, 'GetSessionToken');
  },
  resource: () => '*',
  handler(input, call) {
    const p = call.principal;
    if (p.kind === 'anonymous') throw awsErrors.missingAuthenticationToken();
    if (p.kind !== 'user' && p.kind !== 'root') throw awsErrors.accessDenied('Cannot call GetSessionToken with session credentials');
    const mfa = verifyMfa(call.store, p, input.serialNumber, input.tokenCode, call.now);
    const seconds =
      p.kind === 'root'
        ? Math.min(input.durationSeconds ?? ROOT_SESSION_MAX_SECONDS, ROOT_SESSION_MAX_SECONDS)
        : input.durationSeconds ?? SESSION_TOKEN_DEFAULT_SECONDS;
    const session = issueCallerSession(call, p.accountId, {
      kind: p.kind === 'root' ? 'root' : 'session-token',
      via: 'GetSessionToken',
      seconds,
      // The credentials act as the caller itself (GetCallerIdentity reports the user or root).
      principalArn: p.arn,
      principalId: p.userId,
      userId: p.kind === 'user' ? p.user.id : null,
      userArn: p.kind === 'user' ? p.user.arn : null,
      mfaAuthTime: mfa?.authTime ?? null,
    });
    return { Credentials: credentialsOf(session) };
  },
});
