// A mock IdP's SAML provider is stored from metadata iamlocal wrote itself, so idpMetadataOf says what
// parsing that metadata gives without parsing it (src/saml/metadata.ts). It must agree with
// parseIdpMetadata wherever it answers, and leave the parser every entity id that would not round-trip.
import { describe, expect, it } from 'vitest';
import { createIdpCertificate } from '../../src/saml/idp-certificate';
import { generateIdpPrivateKey } from '../../src/saml/idp-keys';
import { idpMetadataOf, idpMetadataXml, parseIdpMetadata } from '../../src/saml/metadata';
import { Store } from '../../src/store/store';
import { ensureMockIdp } from '../../src/store/seed-saml';
import { seededIds } from '../../src/runtime';

const privateKeyPem = generateIdpPrivateKey();
const now = new Date('2026-12-01T00:00:00Z');
const cert = (entityId: string) => createIdpCertificate({ privateKeyPem, entityId, now, serialNumber: '0123456789abcdef' });

describe('idpMetadataOf', () => {
  const agreeing = [
    'urn:iamlocal:saml:idp:000000000000:corp',
    'https://sso.corp.example/saml',
    `a&b<c>"d"'e' f`,
    'inner  two   spaces',
    'x',
    'x'.repeat(1024),
  ];
  for (const entityId of agreeing) {
    it(`gives what parsing the mock IdP's metadata gives: ${JSON.stringify(entityId.slice(0, 40))}`, () => {
      const pem = cert('urn:x');
      const known = idpMetadataOf(entityId, pem);
      expect(known).not.toBeNull();
      expect(known).toEqual(parseIdpMetadata(idpMetadataXml(entityId, pem, 'https://idp.iamlocal.test/sso')));
    });
  }

  for (const entityId of ['', ' leading space', 'trailing space ', ' ', 'x'.repeat(1025), 'tab\there', 'line\nbreak', 'café', '\u{1F600}']) {
    it(`leaves ${JSON.stringify(entityId.slice(0, 20))} to the parser`, () => {
      expect(idpMetadataOf(entityId, cert('urn:x'))).toBeNull();
    });
  }

  it('a seeded mock IdP gets the provider that parsing its metadata would make', () => {
    const store = new Store();
    const ids = seededIds(3);
    store.accounts.ensure({ id: '000000000000', createdAt: now.toISOString() });
    const { idp, provider } = ensureMockIdp(store, ids, { account: '000000000000', name: 'corp', entityId: 'https://sso.corp.example/saml', privateKeyPem, samlProvider: 'corp' }, now);
    const parsed = parseIdpMetadata(provider!.metadataDocument);
    expect(provider!.entityId).toBe(parsed.entityId);
    expect(provider!.signingCertificates).toEqual(parsed.signingCertificates);
    expect(provider!.signingCertificates).toEqual([expect.stringContaining('-----BEGIN CERTIFICATE-----')]);
    expect(idp.entityId).toBe('https://sso.corp.example/saml');
  });

  it('a mock IdP whose entity id is too long is refused as the parser refuses it', () => {
    const store = new Store();
    store.accounts.ensure({ id: '000000000000', createdAt: now.toISOString() });
    expect(() => ensureMockIdp(store, seededIds(3), { account: '000000000000', name: 'long', entityId: 'x'.repeat(1025), privateKeyPem, samlProvider: 'long' }, now)).toThrow(/Could not parse metadata/);
  });
});
