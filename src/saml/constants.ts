// Owns the SAML names and bounds shared by verifying responses (verify-response.ts), minting them
// (mock-idp.ts) and AssumeRoleWithSAML's input checks: plain values with no XML machinery behind them,
// so a module that only needs a name does not load the XML-DSig stack (a chunk loaded on first use, load.ts).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html

/** SAMLAssertion length bounds from the STS model (`SAMLAssertionType`). */
export const MIN_ASSERTION_LENGTH = 4;
export const MAX_ASSERTION_LENGTH = 100000;
/** Clock skew allowed on NotBefore / NotOnOrAfter (⚠ AWS does not publish one; IAM's OIDC skew is 5 minutes). */
export const DEFAULT_SAML_SKEW_SECONDS = 300;

export const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';
export const ENVELOPED = 'http://www.w3.org/2000/09/xmldsig#enveloped-signature';
export const SIGNATURE_ALGORITHMS = {
  rsaSha1: 'http://www.w3.org/2000/09/xmldsig#rsa-sha1',
  rsaSha256: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256',
  rsaSha512: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha512',
} as const;
export const DIGEST_ALGORITHMS = {
  sha1: 'http://www.w3.org/2000/09/xmldsig#sha1',
  sha256: 'http://www.w3.org/2001/04/xmlenc#sha256',
  sha512: 'http://www.w3.org/2001/04/xmlenc#sha512',
} as const;
export const DEFAULT_SAML_RECIPIENT = 'https://signin.aws.amazon.com/saml';
/** The SAML attributes AWS reads (id_roles_providers_create_saml_assertions.html). */
export const AWS_SAML_ATTRIBUTES = {
  role: 'https://aws.amazon.com/SAML/Attributes/Role',
  roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
  sessionDuration: 'https://aws.amazon.com/SAML/Attributes/SessionDuration',
  sourceIdentity: 'https://aws.amazon.com/SAML/Attributes/SourceIdentity',
  principalTagPrefix: 'https://aws.amazon.com/SAML/Attributes/PrincipalTag:',
  transitiveTagKeys: 'https://aws.amazon.com/SAML/Attributes/TransitiveTagKeys',
} as const;

/** AWS sign-in endpoints a Recipient may name: global, regional (`https://REGION.signin.aws.amazon.com/saml`), China, GovCloud. */
const SIGNIN_URL = /^https:\/\/(?:(?:[a-z]{2}(?:-[a-z]+)+-\d{1,2})\.)?signin\.(?:aws\.amazon\.com|amazonaws\.cn|amazonaws-us-gov\.com)\/saml$/;
export function isAwsSigninUrl(u: string): boolean {
  return SIGNIN_URL.test(u);
}
