// The mock IdP's self-signed certificate (src/saml/idp-certificate.ts), DER written by iamlocal:
// the same bytes node-forge makes for the same certificate (the construction iamlocal used before,
// kept here as the oracle), and a certificate Node's X509Certificate (OpenSSL) reads back with the
// subject, validity, serial and public key asked for, signed by that key
// (fixtures: test/fixtures/saml/idp-certificates.json).
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import forge from 'node-forge';
import { describe, expect, it } from 'vitest';
import { createIdpCertificate } from '../../src/saml/idp-certificate';
import fixtures from '../fixtures/saml/idp-certificates.json';
import { FIXTURES } from './helpers';

const keyPem = (name: string) => readFileSync(join(FIXTURES, 'keys', `${name}.key`), 'utf8');

/** node-forge building the certificate iamlocal issues (forge's own RSA signs; PKCS#1 v1.5 is deterministic). */
function forgeCertificate(o: { privateKeyPem: string; entityId: string; now: Date; serialNumber: string }): string {
  const pem = createPrivateKey(o.privateKeyPem).export({ type: 'pkcs8', format: 'pem' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(key.n, key.e);
  cert.serialNumber = o.serialNumber;
  const notBefore = new Date(Math.floor(o.now.getTime() / 1000) * 1000);
  cert.validity.notBefore = notBefore;
  cert.validity.notAfter = new Date(notBefore.getTime() + 3650 * 86400_000);
  const name = [
    { name: 'commonName', value: o.entityId.slice(0, 64) || 'iamlocal-mock-idp' },
    { name: 'organizationName', value: 'iamlocal mock IdP' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([{ name: 'keyUsage', critical: true, digitalSignature: true }]);
  cert.sign(key, forge.md.sha256.create());
  return forge.pki.certificateToPem(cert).replace(/\r\n/g, '\n');
}

describe('createIdpCertificate', () => {
  for (const c of fixtures.cases) {
    const input = { privateKeyPem: keyPem(c.key), entityId: c.entityId, now: new Date(c.now), serialNumber: c.serialNumber };

    it(`${c.name}: Node reads back what was asked`, () => {
      const pem = createIdpCertificate(input);
      expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n([A-Za-z0-9+/=]{64}\n)*[A-Za-z0-9+/=]{1,64}\n-----END CERTIFICATE-----\n$/);
      const x = new X509Certificate(pem);
      expect(x.subject).toBe(`CN=${c.cn}\nO=iamlocal mock IdP`);
      expect(x.issuer).toBe(x.subject);
      expect(x.serialNumber).toBe(c.serialNumber.toUpperCase());
      // Certificate SEQUENCE, TBSCertificate SEQUENCE (each with a 2-byte long-form length), then version and serial.
      if (c.serialDer) expect(x.raw.subarray(8, 8 + c.serialDer.length / 2).toString('hex')).toBe(c.serialDer);
      const from = Math.floor(new Date(c.now).getTime() / 1000) * 1000;
      expect(new Date(x.validFrom).getTime()).toBe(from);
      expect(new Date(x.validTo).getTime()).toBe(from + 3650 * 86400_000);
      expect(x.checkPrivateKey(createPrivateKey(input.privateKeyPem))).toBe(true);
      expect(x.verify(createPublicKey(input.privateKeyPem))).toBe(true);
      expect(x.ca).toBe(false);
      expect(x.publicKey.export({ type: 'spki', format: 'pem' })).toBe(createPublicKey(input.privateKeyPem).export({ type: 'spki', format: 'pem' }));
    });

    if (c.forge) {
      it(`${c.name}: the same bytes as node-forge`, () => {
        expect(createIdpCertificate(input)).toBe(forgeCertificate(input));
      });
    }
  }

  it('is deterministic for a given key, entity id, clock and serial', () => {
    const input = { privateKeyPem: keyPem('idp'), entityId: 'https://idp.example.test/saml', now: new Date('2026-01-01T00:00:00Z'), serialNumber: '01' };
    expect(createIdpCertificate(input)).toBe(createIdpCertificate(input));
  });

  it.each([
    ['not a key', 'the string is not a PEM'],
    ['an EC key', createPrivateKey({ key: { kty: 'EC', crv: 'P-256', x: 'MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4', y: '4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM', d: '870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE' }, format: 'jwk' }).export({ type: 'pkcs8', format: 'pem' }).toString()],
  ])('refuses %s as the key', (_what, privateKeyPem) => {
    expect(() => createIdpCertificate({ privateKeyPem, entityId: 'x', now: new Date(), serialNumber: '01' })).toThrow();
  });

  it('refuses a serial number that is not hex', () => {
    expect(() => createIdpCertificate({ privateKeyPem: keyPem('idp'), entityId: 'x', now: new Date(), serialNumber: 'zz' })).toThrow('serial number must be hex digits');
  });
});
