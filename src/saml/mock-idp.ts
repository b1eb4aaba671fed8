// Owns minting signed SAML 2.0 Responses for AWS from iamlocal's mock SAML identity provider (its key:
// idp-keys.ts; its certificate: idp-certificate.ts), with the attributes of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html,
// signed with xml-crypto: exclusive c14n, enveloped signature, RSA-SHA256 (or SHA-1 on request).
// Key, clock and ids are injected, so a given input always mints the same bytes.
import { SignedXml } from 'xml-crypto';
import type { IdSource } from '../runtime';
import { encryptAssertion } from './encryption';
import { certificateBase64 } from './metadata';
import { AWS_SAML_ATTRIBUTES, DEFAULT_SAML_RECIPIENT, SIGNATURE_ALGORITHMS, DIGEST_ALGORITHMS, EXC_C14N, ENVELOPED } from './constants';
import { xmlEscape } from './xml';

export interface MockIdpKey {
  privateKeyPem: string;
  certificatePem: string;
}

export const DEFAULT_ASSERTION_LIFETIME_SECONDS = 300;
export const MAX_ASSERTION_LIFETIME_SECONDS = 86400;

export interface RoleGrant {
  roleArn: string;
  providerArn: string;
}

export interface MintSamlOptions {
  idp: { entityId: string } & MockIdpKey;
  /** NameID value. */
  subject: string;
  /** NameID Format URI (default persistent). */
  subjectFormat?: string;
  roles: RoleGrant[];
  /** https://aws.amazon.com/SAML/Attributes/RoleSessionName (default: the subject). Null leaves it out. */
  roleSessionName?: string | null;
  sessionDuration?: number;
  sourceIdentity?: string;
  principalTags?: Record<string, string>;
  transitiveTagKeys?: string[];
  /** More attributes, by Name (e.g. urn:oid:1.3.6.1.4.1.5923.1.1.1.1 for eduPersonAffiliation). */
  attributes?: Record<string, string[]>;
  /** How long the assertion may be presented (default 300 s). */
  lifetimeSeconds?: number;
  /** AuthnStatement SessionNotOnOrAfter, seconds from now (omitted by default). */
  sessionNotOnOrAfterSeconds?: number;
  recipient?: string;
  audience?: string;
  /** What the IdP signs (default: the assertion). */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  signatureAlgorithm?: 'rsa-sha256' | 'rsa-sha1' | 'rsa-sha512';
  /** Encrypt the (signed) assertion for this key — the SAML provider's (AddPrivateKey) public key, certificate or private key PEM. */
  encryptFor?: string;
  now: Date;
  ids: IdSource;
}

export interface MintedSamlResponse {
  /** What AssumeRoleWithSAML's SAMLAssertion takes: the Response, base64. */
  samlResponse: string;
  xml: string;
  assertionId: string;
  responseId: string;
  notOnOrAfter: string;
}

const SIG_ALG: Record<NonNullable<MintSamlOptions['signatureAlgorithm']>, { sig: string; digest: string }> = {
  'rsa-sha256': { sig: SIGNATURE_ALGORITHMS.rsaSha256, digest: DIGEST_ALGORITHMS.sha256 },
  'rsa-sha1': { sig: SIGNATURE_ALGORITHMS.rsaSha1, digest: DIGEST_ALGORITHMS.sha1 },
  'rsa-sha512': { sig: SIGNATURE_ALGORITHMS.rsaSha512, digest: DIGEST_ALGORITHMS.sha512 },
};

function samlId(ids: IdSource): string {
  return `_${ids.bytes(16).toString('hex')}`;
}

function iso(d: Date): string {
  return new Date(Math.floor(d.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

function attribute(name: string, values: string[]): string {
  const vs = values.map((v) => `<saml:AttributeValue xsi:type="xs:string">${xmlEscape(v)}</saml:AttributeValue>`).join('');
  return `<saml:Attribute Name="${xmlEscape(name)}" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:uri">${vs}</saml:Attribute>`;
}

/** Signs the element with the given ID (enveloped, placed right after its Issuer, as the SAML schema orders it). */
export function signSamlElement(xml: string, elementId: string, key: MockIdpKey, algorithm: MintSamlOptions['signatureAlgorithm'] = 'rsa-sha256'): string {
  const alg = SIG_ALG[algorithm];
  const sig = new SignedXml({
    privateKey: key.privateKeyPem,
    publicCert: key.certificatePem,
    signatureAlgorithm: alg.sig,
    canonicalizationAlgorithm: EXC_C14N,
    getKeyInfoContent: () => `<ds:X509Data><ds:X509Certificate>${certificateBase64(key.certificatePem)}</ds:X509Certificate></ds:X509Data>`,
  });
  const self = `//*[@ID='${elementId}']`;
  sig.addReference({ xpath: self, transforms: [ENVELOPED, EXC_C14N], digestAlgorithm: alg.digest });
  sig.computeSignature(xml, { prefix: 'ds', location: { reference: `${self}/*[local-name(.)='Issuer']`, action: 'after' } });
  return sig.getSignedXml();
}

/** Mints a SAML 2.0 Response for AWS sign-in, signed as asked. */
export function mintSamlResponse(o: MintSamlOptions): MintedSamlResponse {
  const lifetime = o.lifetimeSeconds ?? DEFAULT_ASSERTION_LIFETIME_SECONDS;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_ASSERTION_LIFETIME_SECONDS) {
    throw new RangeError(`lifetimeSeconds must be an integer from 1 to ${MAX_ASSERTION_LIFETIME_SECONDS}`);
  }
  if (o.roles.length === 0) throw new RangeError('at least one role is required');
  const now = iso(o.now);
  const notOnOrAfter = iso(new Date(o.now.getTime() + lifetime * 1000));
  const responseId = samlId(o.ids);
  const assertionId = samlId(o.ids);
  const recipient = o.recipient ?? DEFAULT_SAML_RECIPIENT;
  const audience = o.audience ?? DEFAULT_SAML_RECIPIENT;
  const issuer = `<saml:Issuer>${xmlEscape(o.idp.entityId)}</saml:Issuer>`;
  const attrs: string[] = [attribute(AWS_SAML_ATTRIBUTES.role, o.roles.map((r) => `${r.roleArn},${r.providerArn}`))];
  const sessionName = o.roleSessionName === undefined ? o.subject : o.roleSessionName;
  if (sessionName !== null) attrs.push(attribute(AWS_SAML_ATTRIBUTES.roleSessionName, [sessionName]));
  if (o.sessionDuration !== undefined) attrs.push(attribute(AWS_SAML_ATTRIBUTES.sessionDuration, [String(o.sessionDuration)]));
  if (o.sourceIdentity !== undefined) attrs.push(attribute(AWS_SAML_ATTRIBUTES.sourceIdentity, [o.sourceIdentity]));
  for (const [k, v] of Object.entries(o.principalTags ?? {})) attrs.push(attribute(`${AWS_SAML_ATTRIBUTES.principalTagPrefix}${k}`, [v]));
  if (o.transitiveTagKeys?.length) attrs.push(attribute(AWS_SAML_ATTRIBUTES.transitiveTagKeys, o.transitiveTagKeys));
  for (const [k, v] of Object.entries(o.attributes ?? {})) attrs.push(attribute(k, v));
  const sessionEnd = o.sessionNotOnOrAfterSeconds === undefined ? '' : ` SessionNotOnOrAfter="${iso(new Date(o.now.getTime() + o.sessionNotOnOrAfterSeconds * 1000))}"`;
  const assertion =
    `<saml:Assertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" ID="${assertionId}" IssueInstant="${now}" Version="2.0">` +
    issuer +
    `<saml:Subject><saml:NameID Format="${xmlEscape(o.subjectFormat ?? 'urn:oasis:names:tc:SAML:2.0:nameid-format:persistent')}">${xmlEscape(o.subject)}</saml:NameID>` +
    `<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData NotOnOrAfter="${notOnOrAfter}" Recipient="${xmlEscape(recipient)}"/></saml:SubjectConfirmation></saml:Subject>` +
    `<saml:Conditions NotBefore="${now}" NotOnOrAfter="${notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${xmlEscape(audience)}</saml:Audience></saml:AudienceRestriction></saml:Conditions>` +
    `<saml:AuthnStatement AuthnInstant="${now}" SessionIndex="${assertionId}"${sessionEnd}><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>` +
    `<saml:AttributeStatement>${attrs.join('')}</saml:AttributeStatement>` +
    `</saml:Assertion>`;
  let xml =
    `<samlp:Response xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol" ID="${responseId}" Version="2.0" IssueInstant="${now}" Destination="${xmlEscape(recipient)}">` +
    `<saml:Issuer xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion">${xmlEscape(o.idp.entityId)}</saml:Issuer>` +
    `<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>` +
    assertion +
    `</samlp:Response>`;
  const sign = o.sign ?? 'assertion';
  if (sign === 'assertion' || sign === 'both') xml = signSamlElement(xml, assertionId, o.idp, o.signatureAlgorithm);
  if (o.encryptFor !== undefined) {
    const start = xml.indexOf('<saml:Assertion');
    const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
    xml = xml.slice(0, start) + encryptAssertion(xml.slice(start, end), o.encryptFor, (n) => o.ids.bytes(n)) + xml.slice(end);
  }
  if (sign === 'response' || sign === 'both') xml = signSamlElement(xml, responseId, o.idp, o.signatureAlgorithm);
  return { samlResponse: Buffer.from(xml, 'utf8').toString('base64'), xml, assertionId, responseId, notOnOrAfter };
}
