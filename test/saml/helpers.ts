// Owns the SAML test fixtures: committed IdP keys (test-only), their certificates, a minting shortcut,
// and the tamperings the negative suite applies to a response the mock IdP signed — each one a
// known attack or mistake (XSW variants after Somorovsky et al. 2012, comment injection, XXE, …).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { seededIds } from '../../src/runtime';
import { createIdpCertificate, mintSamlResponse, type MintSamlOptions, type MockIdpKey } from '../../src/saml/index';

export const FIXTURES = fileURLToPath(new URL('../fixtures/saml', import.meta.url));
export const ENTITY_ID = 'https://idp.example.test/saml/metadata';
export const ACCOUNT = '000000000000';
export const PROVIDER_NAME = 'ExampleIdP';
export const PROVIDER_ARN = `arn:aws:iam::${ACCOUNT}:saml-provider/${PROVIDER_NAME}`;
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/SSOAdmin`;
/** Mint time of every fixture response. */
export const T0 = new Date('2026-11-29T12:00:00Z');

export function readFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as T;
}

const keys = new Map<string, MockIdpKey>();
export function idpKey(name: 'idp' | 'other' = 'idp'): MockIdpKey {
  let k = keys.get(name);
  if (!k) {
    const privateKeyPem = readFileSync(join(FIXTURES, 'keys', `${name}.key`), 'utf8');
    k = { privateKeyPem, certificatePem: createIdpCertificate({ privateKeyPem, entityId: ENTITY_ID, now: new Date('2026-01-01T00:00:00Z'), serialNumber: '01' }) };
    keys.set(name, k);
  }
  return k;
}

/** The SAML provider's own private key (AddPrivateKey) that encrypted assertions are made for. */
export function spKey(name: 'sp' | 'other' = 'sp'): string {
  return readFileSync(join(FIXTURES, 'keys', `${name}.key`), 'utf8');
}

export type MintSpec = Partial<Omit<MintSamlOptions, 'idp' | 'now' | 'ids' | 'encryptFor'>> & { key?: 'idp' | 'other'; entityId?: string; offsetSeconds?: number; encryptFor?: 'sp' | 'other' };

export function mint(spec: MintSpec = {}) {
  const { key, entityId, offsetSeconds, encryptFor, ...rest } = spec;
  return mintSamlResponse({
    subject: 'alice@example.test',
    roles: [{ roleArn: ROLE_ARN, providerArn: PROVIDER_ARN }],
    ...rest,
    encryptFor: encryptFor === undefined ? undefined : spKey(encryptFor),
    idp: { entityId: entityId ?? ENTITY_ID, ...idpKey(key) },
    now: new Date(T0.getTime() + (offsetSeconds ?? 0) * 1000),
    ids: seededIds(7),
  });
}

const b64 = (xml: string) => Buffer.from(xml, 'utf8').toString('base64');

/** The signed Assertion element as text, and the document around it. */
function splitAssertion(xml: string): { before: string; assertion: string; after: string } {
  const start = xml.indexOf('<saml:Assertion');
  const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
  return { before: xml.slice(0, start), assertion: xml.slice(start, end), after: xml.slice(end) };
}

/** An unsigned copy of the assertion naming someone else, under a new ID. */
function evilTwin(assertion: string): string {
  return assertion
    .replace(/<ds:Signature[\s\S]*?<\/ds:Signature>/, '')
    .replace(/ID="[^"]+"/, 'ID="_evil"')
    .replace(/alice@example\.test/g, 'mallory@example.test');
}

export interface Tamper {
  kind: string;
  from?: string;
  to?: string;
}

/** Applies one tampering to a minted response; returns the SAMLAssertion parameter to send. */
export function tamper(xml: string, t: Tamper | undefined): string {
  if (!t) return b64(xml);
  const { before, assertion, after } = splitAssertion(xml);
  switch (t.kind) {
    case 'replace':
      if (!xml.includes(t.from!)) throw new Error(`fixture: ${t.from} not in the response`);
      return b64(xml.split(t.from!).join(t.to!));
    case 'raw':
      return t.to!;
    case 'xsw-unsigned-before':
      return b64(before + evilTwin(assertion) + assertion + after);
    case 'xsw-unsigned-after':
      return b64(before + assertion + evilTwin(assertion) + after);
    case 'xsw-wrapped-in-evil': {
      // The signed assertion hidden inside the evil one (where a careless verifier still finds it by ID).
      const evil = evilTwin(assertion).replace('</saml:Subject>', `</saml:Subject><saml:Advice>${assertion}</saml:Advice>`);
      return b64(before + evil + after);
    }
    case 'xsw-moved-signature': {
      // The assertion's Signature moved up into the Response; the assertion then altered.
      const sig = assertion.match(/<ds:Signature[\s\S]*?<\/ds:Signature>/)![0];
      const altered = assertion.replace(sig, '').replace(/alice@example\.test/g, 'mallory@example.test');
      const head = before.replace('</saml:Issuer>', `</saml:Issuer>${sig}`);
      return b64(head + altered + after);
    }
    case 'xsw-extensions': {
      // The original signed response parked in samlp:Extensions, an evil assertion in its place.
      const ext = `<samlp:Extensions>${assertion}</samlp:Extensions>`;
      return b64(before.replace('<samlp:Status>', `${ext}<samlp:Status>`) + evilTwin(assertion) + after);
    }
    case 'comment-in-nameid':
      return b64(xml.replace('alice@example.test</saml:NameID>', 'alice@example.test<!---->.evil.example</saml:NameID>'));
    case 'doctype':
      return b64(`<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${xml}`);
    case 'entity-only':
      return b64(xml.replace('<samlp:Response', '<!ENTITY x "y"><samlp:Response'));
    case 'oversize':
      return b64(xml.replace('</samlp:Response>', `<!-- ${'x'.repeat(80000)} --></samlp:Response>`));
    case 'flip-ciphertext': {
      // One base64 character of the content ciphertext changed (the last CipherValue is the content).
      const at = xml.lastIndexOf('</xenc:CipherValue>') - 10;
      return b64(xml.slice(0, at) + (xml[at] === 'A' ? 'B' : 'A') + xml.slice(at + 1));
    }
    case 'encrypted':
      return b64(before + '<saml:EncryptedAssertion xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"><xenc:EncryptedData xmlns:xenc="http://www.w3.org/2001/04/xmlenc#"/></saml:EncryptedAssertion>' + after);
    default:
      throw new Error(`fixture: unknown tamper ${t.kind}`);
  }
}
