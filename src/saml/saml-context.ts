// Owns what a verified SAML assertion contributes: the response fields STS computes (Subject,
// SubjectType, Issuer, Audience, NameQualifier), the `saml:*` condition keys the role's trust policy
// sees during AssumeRoleWithSAML, and those the resulting session keeps for later requests.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html (response elements)
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html#condition-keys-saml
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_saml.html (saml:namequalifier)
import { createHash } from 'node:crypto';
import type { VerifiedSamlAssertion } from './verify-response';

export type ContextValue = string | string[];

const NAMEID_PREFIX = 'urn:oasis:names:tc:SAML:2.0:nameid-format:';

/**
 * SubjectType: the NameID Format with the `urn:oasis:names:tc:SAML:2.0:nameid-format:` prefix
 * removed (`persistent`, `transient`); any other format is returned unmodified. A NameID without a
 * Format is `unspecified` in SAML core §8.3.1 (⚠ AWS's answer for that case is not documented).
 */
export function subjectType(format: string | null): string {
  if (format === null || format === '') return 'urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified';
  return format.startsWith(NAMEID_PREFIX) ? format.slice(NAMEID_PREFIX.length) : format;
}

/** NameQualifier = BASE64(SHA1(Issuer + account id + "/" + provider name)), as the STS reference gives it. */
export function nameQualifier(issuer: string, accountId: string, providerName: string): string {
  return createHash('sha1').update(`${issuer}${accountId}/${providerName}`, 'utf8').digest('base64');
}

/**
 * Keys from SAML attributes: AWS maps these attribute Names (OIDs of eduPerson, X.520 and RFC 4524)
 * to `saml:<key>`; the eduPerson keys marked multivalued are lists (`saml:edupersonaffiliation[]` in
 * the condition-key table), the others take the first value.
 */
const ATTRIBUTE_KEYS: Record<string, { key: string; multi: boolean }> = {
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': { key: 'saml:edupersonaffiliation', multi: true },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.2': { key: 'saml:edupersonnickname', multi: true },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.3': { key: 'saml:edupersonorgdn', multi: false },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.4': { key: 'saml:edupersonorgunitdn', multi: true },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.5': { key: 'saml:edupersonprimaryaffiliation', multi: false },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.6': { key: 'saml:edupersonprincipalname', multi: false },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.7': { key: 'saml:edupersonentitlement', multi: true },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.8': { key: 'saml:edupersonprimaryorgunitdn', multi: false },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.9': { key: 'saml:edupersonscopedaffiliation', multi: true },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.10': { key: 'saml:edupersontargetedid', multi: true },
  'urn:oid:1.3.6.1.4.1.5923.1.1.1.11': { key: 'saml:edupersonassurance', multi: true },
  'urn:oid:2.5.4.3': { key: 'saml:cn', multi: false },
  'urn:oid:2.5.4.4': { key: 'saml:surname', multi: false },
  'urn:oid:2.5.4.41': { key: 'saml:name', multi: false },
  'urn:oid:2.5.4.42': { key: 'saml:givenName', multi: false },
  'urn:oid:2.5.4.45': { key: 'saml:x500UniqueIdentifier', multi: false },
  'urn:oid:0.9.2342.19200300.100.1.1': { key: 'saml:uid', multi: false },
  'urn:oid:0.9.2342.19200300.100.1.3': { key: 'saml:mail', multi: false },
};

export interface SamlIdentity {
  subject: string;
  subjectType: string;
  issuer: string;
  audience: string;
  nameQualifier: string;
  /** `saml:doc`: ACCOUNT/PROVIDER-NAME of the provider used. */
  doc: string;
}

export function samlIdentity(v: VerifiedSamlAssertion, accountId: string, providerName: string): SamlIdentity {
  return {
    subject: v.nameId,
    subjectType: subjectType(v.nameIdFormat),
    issuer: v.issuer,
    audience: v.recipient,
    nameQualifier: nameQualifier(v.issuer, accountId, providerName),
    doc: `${accountId}/${providerName}`,
  };
}

/** Every `saml:*` key the trust policy sees. `saml:aud` is the Recipient, not the Audience element. */
export function samlContextKeys(v: VerifiedSamlAssertion, id: SamlIdentity): Record<string, ContextValue> {
  const keys: Record<string, ContextValue> = {
    'saml:aud': id.audience,
    'saml:iss': id.issuer,
    'saml:sub': id.subject,
    'saml:sub_type': id.subjectType,
    'saml:namequalifier': id.nameQualifier,
    'saml:doc': id.doc,
  };
  for (const [name, values] of v.attributes) {
    const m = ATTRIBUTE_KEYS[name];
    if (!m || values.length === 0) continue;
    keys[m.key] = m.multi ? values : values[0];
  }
  return keys;
}

/** Keys the SAML role session keeps for its later requests: only `saml:namequalifier`, `saml:sub`, `saml:sub_type`. */
export function samlSessionKeys(id: SamlIdentity): Record<string, ContextValue> {
  return { 'saml:namequalifier': id.nameQualifier, 'saml:sub': id.subject, 'saml:sub_type': id.subjectType };
}
