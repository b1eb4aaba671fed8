// Owns the SAML 2.0 IdP metadata document IAM's CreateSAMLProvider / UpdateSAMLProvider take: what
// IAM reads from it (the entity id, the IdP's signing certificates, validUntil) and the checks that
// make IAM answer "Could not parse metadata.", and writing the metadata of iamlocal's mock IdP.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml.html
// https://docs.oasis-open.org/security/saml/v2.0/saml-metadata-2.0-os.pdf (§2.3.2 EntityDescriptor, §2.4.1.1 KeyDescriptor)
import { X509Certificate } from 'node:crypto';
import { metadataErrors } from './saml-errors';
import { attrOf, checkWellFormed, childOf, childrenOf, hasDoctype, readXml, textOf, XmlInputError, xmlEscape } from './xml';

/** When a metadata document has no validUntil, IAM keeps the provider valid for 100 years (⚠ observed GetSAMLProvider answers). */
export const DEFAULT_VALIDITY_YEARS = 100;

export interface IdpMetadata {
  entityId: string;
  /** PEM of every certificate the IdP signs with (KeyDescriptor use="signing" or without use). */
  signingCertificates: string[];
  /** The document's validUntil, when it has one. */
  validUntil: Date | null;
}

function toPem(derBase64: string): string {
  const b64 = derBase64.replace(/\s+/g, '');
  return `-----BEGIN CERTIFICATE-----\n${b64.replace(/(.{64})/g, '$1\n').replace(/\n$/, '')}\n-----END CERTIFICATE-----\n`;
}

/** Parses IdP metadata as IAM does; every failure is InvalidInput "Could not parse metadata." with the reason kept. */
export function parseIdpMetadata(xml: string): IdpMetadata {
  const fail = (reason: string): never => {
    throw metadataErrors.unparseable(reason);
  };
  if (hasDoctype(xml)) fail('the document contains a DOCTYPE declaration');
  try {
    checkWellFormed(xml);
  } catch (e) {
    fail((e as XmlInputError).message);
  }
  const doc = readXml(xml);
  const entity = childOf(doc, 'EntityDescriptor');
  if (!entity || typeof entity !== 'object') return fail('the root element is not an md:EntityDescriptor');
  const entityId = attrOf(entity, 'entityID');
  if (!entityId || entityId.length > 1024) fail('EntityDescriptor has no entityID (1–1024 characters)');
  const idps = childrenOf(entity, 'IDPSSODescriptor');
  if (idps.length === 0) fail('the document has no IDPSSODescriptor');
  const certs: string[] = [];
  for (const idp of idps) {
    const protocols = attrOf(idp, 'protocolSupportEnumeration') ?? '';
    if (!protocols.split(/\s+/).includes('urn:oasis:names:tc:SAML:2.0:protocol')) fail('IDPSSODescriptor does not support urn:oasis:names:tc:SAML:2.0:protocol');
    for (const kd of childrenOf(idp, 'KeyDescriptor')) {
      const use = attrOf(kd, 'use');
      if (use !== null && use !== 'signing') continue;
      for (const data of childrenOf(childOf(kd, 'KeyInfo'), 'X509Data')) {
        for (const c of childrenOf(data, 'X509Certificate')) {
          const b64 = textOf(c) ?? '';
          try {
            const pem = toPem(b64);
            new X509Certificate(pem);
            certs.push(pem);
          } catch {
            fail('an X509Certificate is not a DER certificate in base64');
          }
        }
      }
    }
  }
  if (certs.length === 0) fail('the IDPSSODescriptor has no signing certificate');
  const vu = attrOf(entity, 'validUntil');
  let validUntil: Date | null = null;
  if (vu !== null) {
    const t = Date.parse(vu);
    if (Number.isNaN(t)) fail(`validUntil ${JSON.stringify(vu)} is not a dateTime`);
    validUntil = new Date(t);
  }
  return { entityId: entityId!, signingCertificates: [...new Set(certs)], validUntil };
}

/** The provider's ValidUntil: the document's validUntil, else 100 years from creation. */
export function providerValidUntil(meta: IdpMetadata, createdAt: Date): Date {
  if (meta.validUntil) return meta.validUntil;
  const d = new Date(createdAt);
  d.setUTCFullYear(d.getUTCFullYear() + DEFAULT_VALIDITY_YEARS);
  return d;
}

/** The DER of a PEM certificate as base64 on one line (what metadata and KeyInfo carry). */
export function certificateBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/**
 * What parseIdpMetadata returns for idpMetadataXml(entityId, certificatePem, …), known without parsing it
 * (a seeded mock IdP's provider is stored from its own metadata at every start: the parse was ~2 % of a
 * seeded cold start). Null when the document would not simply round-trip: an entity id outside 1-1024
 * printable ASCII characters (the parser's length check, and attribute-value normalization of other
 * characters) or with a space at either end (the parser trims it), where the caller parses as for any
 * metadata. test/saml/metadata.test.ts checks the two agree.
 */
export function idpMetadataOf(entityId: string, certificatePem: string): IdpMetadata | null {
  if (!/^[\x21-\x7e](?:[\x20-\x7e]{0,1022}[\x21-\x7e])?$/.test(entityId)) return null;
  return { entityId, signingCertificates: [toPem(certificateBase64(certificatePem))], validUntil: null };
}

/** Metadata for iamlocal's mock IdP, accepted by CreateSAMLProvider (≥ 1000 characters with any RSA-2048 certificate). */
export function idpMetadataXml(entityId: string, certificatePem: string, ssoUrl: string): string {
  const cert = certificateBase64(certificatePem);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="${xmlEscape(entityId)}">`,
    '  <md:IDPSSODescriptor WantAuthnRequestsSigned="false" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">',
    '    <md:KeyDescriptor use="signing">',
    '      <ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#">',
    `        <ds:X509Data><ds:X509Certificate>${cert}</ds:X509Certificate></ds:X509Data>`,
    '      </ds:KeyInfo>',
    '    </md:KeyDescriptor>',
    '    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:persistent</md:NameIDFormat>',
    '    <md:NameIDFormat>urn:oasis:names:tc:SAML:2.0:nameid-format:transient</md:NameIDFormat>',
    '    <md:NameIDFormat>urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress</md:NameIDFormat>',
    `    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${xmlEscape(ssoUrl)}"/>`,
    '  </md:IDPSSODescriptor>',
    '</md:EntityDescriptor>',
    '',
  ].join('\n');
}
