// Owns the STS errors AssumeRoleWithWebIdentity returns for a bad token: codes and HTTP status from
// the STS model (botocore sts/2011-06-15/service-2.json), messages in AWS's words where recorded.
// Sources: ../shared/reference/aws-protocol.md §5.2, §5.6; irsa-and-pod-identity.md §1.5.
// A message marked ⚠ was not found in any recorded AWS answer; it is our best wording and kept
// in this one file so it can be corrected in one place.
import { AwsError } from '../aws/errors';

/** Generic text of the InvalidIdentityToken shape in the STS model (its documentation string). */
export const MSG_NOT_VALIDATED =
  'The web identity token that was passed could not be validated by AWS. Get a new identity token from the identity provider and then retry the request.';

/** Observed from STS for a token that is not a JWT at all (e.g. an OAuth access token). ⚠ from memory of public reports. */
export const MSG_NOT_A_JWT = 'The ID Token provided is not a valid JWT. (You may see this error if you sent an Access Token)';

/** Observed (GitLab / dbt-athena reports, AWS re:Post "iam-sts-invalididentitytoken"). */
export const MSG_NO_VERIFICATION_KEY =
  "Couldn't retrieve verification key from your identity provider, please reference AssumeRoleWithWebIdentity documentation for requirements";

export const webIdentityErrors = {
  /** Observed: "No OpenIDConnect provider found in your account for https://token.actions.githubusercontent.com". */
  noProvider: (iss: string) => new AwsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${iss}`, 400),
  /** Observed for `aud` (aws/aws-sdk-ruby#2698); the same wording is used for iss/sub/exp ⚠. */
  missingClaim: (claim: string) => new AwsError('InvalidIdentityToken', `Missing a required claim: ${claim}`, 400),
  /** Observed (awslabs/amazon-eks-irsa-cfn#18). */
  incorrectAudience: () => new AwsError('InvalidIdentityToken', 'Incorrect token audience', 400),
  notAJwt: () => new AwsError('InvalidIdentityToken', MSG_NOT_A_JWT, 400),
  /** Bad signature, disallowed `alg` (`none`, HS*, anything off the allow-list), unusable key. */
  notValidated: () => new AwsError('InvalidIdentityToken', MSG_NOT_VALIDATED, 400),
  noVerificationKey: () => new AwsError('InvalidIdentityToken', MSG_NO_VERIFICATION_KEY, 400),
  /** Observed verbatim (aws/aws-sdk-java-v2#5709); times are epoch seconds. */
  expired: (nowSec: number, expSec: number) =>
    new AwsError(
      'ExpiredTokenException',
      `Token expired: current date/time ${nowSec} must be before the expiration date/time ${expSec}`,
      400,
    ),
  /** ⚠ worded after the expiry message; AWS's text for a future `nbf` is not recorded. */
  notYetValid: (nowSec: number, nbfSec: number) =>
    new AwsError(
      'InvalidIdentityToken',
      `Token not yet valid: current date/time ${nowSec} must be after the not-before date/time ${nbfSec}`,
      400,
    ),
  /** ⚠ worded after the expiry message; AWS's text for a future `iat` is not recorded. */
  issuedInFuture: (nowSec: number, iatSec: number) =>
    new AwsError(
      'InvalidIdentityToken',
      `Token issued in the future: current date/time ${nowSec} must be after the issued-at date/time ${iatSec}`,
      400,
    ),
  /** Model: transient IdP reachability failure (only when fetching discovery over the network). */
  idpCommunication: (message = 'The identity provider could not be reached. Please try again.') =>
    new AwsError('IDPCommunicationError', message, 400),
  /** Model: 403, the IdP rejected the claim. */
  idpRejectedClaim: (message: string) => new AwsError('IDPRejectedClaim', message, 403),
  /**
   * WebIdentityToken's model constraint is 4–20000 characters. The member is `sensitive`, so the
   * value is not echoed (⚠ inferred; STS echoes non-sensitive values, aws-protocol.md §6.8).
   */
  tokenLength: (tooLong: boolean) =>
    new AwsError(
      'ValidationError',
      tooLong
        ? "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000"
        : "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4",
      400,
    ),
} as const;
