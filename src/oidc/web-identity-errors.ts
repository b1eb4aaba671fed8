// Owns the STS errors AssumeRoleWithWebIdentity returns for a bad token: codes and HTTP status from
// the STS model (botocore sts/2011-06-15/service-2.json), messages in AWS's words where recorded.
// Sources: ../shared/reference/aws-protocol.md §5.2, §5.6; irsa-and-pod-identity.md §1.5.
// A message marked ⚠ was not found in any recorded AWS answer; it is our best wording and kept
// in this one file so it can be corrected in one place.
import { AwsError, awsError } from '../aws/errors';

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
  noProvider: (iss: string) => awsError('InvalidIdentityToken', `No OpenIDConnect provider found in your account for ${iss}`),
  /** Observed for `aud` (aws/aws-sdk-ruby#2698); the same wording is used for iss/sub/exp ⚠. */
  missingClaim: (claim: string) => awsError('InvalidIdentityToken', `Missing a required claim: ${claim}`),
  /** Observed (awslabs/amazon-eks-irsa-cfn#18). */
  incorrectAudience: () => awsError('InvalidIdentityToken', 'Incorrect token audience'),
  notAJwt: () => awsError('InvalidIdentityToken', MSG_NOT_A_JWT),
  /** Bad signature, disallowed `alg` (`none`, HS*, anything off the allow-list), unusable key. */
  notValidated: () => awsError('InvalidIdentityToken', MSG_NOT_VALIDATED),
  noVerificationKey: () => awsError('InvalidIdentityToken', MSG_NO_VERIFICATION_KEY),
  /** Observed verbatim (aws/aws-sdk-java-v2#5709); times are epoch seconds. */
  expired: (nowSec: number, expSec: number) =>
    awsError('ExpiredTokenException', `Token expired: current date/time ${nowSec} must be before the expiration date/time ${expSec}`),
  /** ⚠ worded after the expiry message; AWS's text for a future `nbf` is not recorded. */
  notYetValid: (nowSec: number, nbfSec: number) =>
    awsError('InvalidIdentityToken', `Token not yet valid: current date/time ${nowSec} must be after the not-before date/time ${nbfSec}`),
  /** ⚠ worded after the expiry message; AWS's text for a future `iat` is not recorded. */
  issuedInFuture: (nowSec: number, iatSec: number) =>
    awsError('InvalidIdentityToken', `Token issued in the future: current date/time ${nowSec} must be after the issued-at date/time ${iatSec}`),
  /** Model: transient IdP reachability failure (only when fetching discovery over the network). */
  idpCommunication: (message = 'The identity provider could not be reached. Please try again.') =>
    awsError('IDPCommunicationError', message),
  /** Model: 403, the IdP rejected the claim. */
  idpRejectedClaim: (message: string) => awsError('IDPRejectedClaim', message),
  /**
   * WebIdentityToken's model constraint is 4–20000 characters. The member is `sensitive`, so the
   * value is not echoed (⚠ inferred; STS echoes non-sensitive values, aws-protocol.md §6.8).
   */
  tokenLength: (tooLong: boolean) =>
    awsError('ValidationError', tooLong
        ? "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000"
        : "1 validation error detected: Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4"),
} as const;
