// Owns the errors AssumeRoleWithSAML and the IAM SAML-provider operations return for a bad SAML
// response or metadata document: codes and HTTP status from the STS/IAM models (botocore
// sts/2011-06-15 and iam/2010-05-08 service-2.json), messages in AWS's words where AWS documents them:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_saml.html
// A message marked ⚠ is not in any AWS page or recorded answer we found; it is our wording, kept in
// this one file so it can be corrected in one place. Each error also carries `detail.reason`: the
// precise cause, logged by the operation, so a user learns why even where AWS's text is terse.
import { AwsError, awsError } from '../aws/errors';

const invalid = (message: string, reason: string) => awsError('InvalidIdentityToken', message, { detail: { reason } });

/** Documented: the XML signature does not verify with the provider's certificates. */
export const MSG_SIGNATURE_INVALID = 'Response signature invalid';

export const samlErrors = {
  /**
   * Signature missing, made by another key, an algorithm AWS does not accept, or a structure that
   * could be a signature-wrapping attack. All say AWS's one documented text; `reason` says which.
   */
  signatureInvalid: (reason: string) => invalid(MSG_SIGNATURE_INVALID, reason),
  /** ⚠ Not base64, not UTF-8, not well-formed XML, or not a SAML 2.0 Response. */
  malformed: (reason: string) => invalid('Invalid SAML response', reason),
  /** ⚠ DOCTYPE / entity declarations are refused before any parsing (XXE, entity expansion). */
  doctype: () => invalid('Invalid SAML response: DOCTYPE declarations are not allowed', 'the response contains a DOCTYPE declaration'),
  /** ⚠ XML comments inside the assertion (NameID comment-injection defence). */
  comments: () => invalid('Invalid SAML response: comments are not allowed in an assertion', 'the signed assertion contains XML comments'),
  /** Documented (troubleshoot_saml): the provider ARN names no SAML provider of the account. */
  noProvider: (arn: string) => invalid("Specified provider doesn't exist.", `no SAML provider ${arn} in the role's account`),
  /** ⚠ The provider's metadata validUntil has passed. */
  providerExpired: (arn: string, validUntil: string) => invalid(`The SAML provider metadata of ${arn} expired at ${validUntil}`, 'provider ValidUntil has passed'),
  /** Documented (as an AWS sign-in error; STS's code is InvalidIdentityToken). */
  issuerMismatch: (issuer: string, entityId: string) =>
    invalid('Failed to assume role: Issuer not present in specified provider', `assertion Issuer ${JSON.stringify(issuer)} is not the provider's entity id ${JSON.stringify(entityId)}`),
  /** Documented: no AudienceRestriction names the AWS sign-in endpoint. */
  audience: (found: string[]) => invalid('Response does not contain the required audience.', `audiences ${JSON.stringify(found)} name no AWS sign-in endpoint`),
  /** ⚠ The bearer SubjectConfirmationData's Recipient is not the AWS sign-in endpoint. */
  recipient: (found: string | null) => invalid('Response does not contain the required recipient.', `Recipient ${JSON.stringify(found)} is not an AWS sign-in endpoint`),
  /** Documented. */
  missingSessionName: () => invalid('RoleSessionName is required in AuthnResponse', 'no https://aws.amazon.com/SAML/Attributes/RoleSessionName attribute'),
  /** Documented. */
  badSessionName: (v: string) => invalid('RoleSessionName in AuthnResponse must match [a-zA-Z_0-9+=,.@-]{2,64}', `RoleSessionName ${JSON.stringify(v)}`),
  /** Documented. */
  badSourceIdentity: (v: string) => invalid('Source Identity must match [a-zA-Z_0-9+=,.@-]{2,64} and not begin with "aws:"', `SourceIdentity ${JSON.stringify(v)}`),
  /** ⚠ SessionDuration attribute outside 900–43200 or not an integer. */
  badSessionDuration: (v: string) => invalid('SessionDuration in AuthnResponse must be an integer from 900 to 43200', `SessionDuration ${JSON.stringify(v)}`),
  /** ⚠ Expired assertion (NotOnOrAfter in Conditions or SubjectConfirmationData, with skew). */
  expired: (nowIso: string, notOnOrAfter: string) =>
    awsError('ExpiredTokenException', `SAML assertion expired: current date/time ${nowIso} must be before the expiration date/time ${notOnOrAfter}`, {
      detail: { reason: 'assertion expired' },
    }),
  /** ⚠ NotBefore in the future (beyond skew). */
  notYetValid: (nowIso: string, notBefore: string) =>
    invalid(`SAML assertion not yet valid: current date/time ${nowIso} must be after the not-before date/time ${notBefore}`, 'assertion not yet valid'),
  /** ⚠ Encrypted assertions when the provider has no private key, or an unencrypted one when encryption is Required. */
  encryption: (message: string) => invalid(message, message),
  /** ⚠ AWS's text for "sent a role the assertion does not grant" is not recorded; the trust-policy denial's text is used. */
  roleNotGranted: (reason: string) =>
    awsError('AccessDenied', 'Not authorized to perform sts:AssumeRoleWithSAML', { detail: { reason } }),
  /** Model: SAMLAssertion is 4–100000 characters. The member is sensitive, so the value is not echoed. */
  assertionLength: (tooLong: boolean) =>
    awsError(
      'ValidationError',
      tooLong
        ? "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to 100000"
        : "1 validation error detected: Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length greater than or equal to 4",
    ),
} as const;

/** Documented (troubleshoot_saml): CreateSAMLProvider / UpdateSAMLProvider with a document IAM cannot use. */
export const metadataErrors = {
  unparseable: (reason: string) => awsError('InvalidInput', 'Could not parse metadata.', { detail: { reason } }),
} as const;

/** The precise cause an error carries (see `detail.reason`), for the log line. */
export function samlRejectionReason(e: unknown): string | undefined {
  if (!(e instanceof AwsError)) return undefined;
  const d = e.detail as { reason?: unknown } | undefined;
  return typeof d?.reason === 'string' ? d.reason : undefined;
}
