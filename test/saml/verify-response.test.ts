// Table-driven SAML response verification, grouped by attack or failure: every row of
// test/fixtures/saml/verify-cases.json is minted by the mock IdP, tampered, and checked for AWS's
// code, HTTP status and exact message, plus the precise reason iamlocal records.
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors';
import { samlRejectionReason, verifySamlResponse } from '../../src/saml/index';
import { ENTITY_ID, idpKey, mint, PROVIDER_ARN, readFixture, spKey, T0, tamper, type MintSpec, type Tamper } from './helpers';

interface Case {
  topic: string;
  name: string;
  mint: MintSpec;
  tamper?: Tamper;
  nowOffset?: number;
  /** The provider holds no private key (encrypted assertions cannot be read). */
  noKeys?: boolean;
  ok?: { signed?: string; nameId?: string; recipient?: string; algorithm?: string; encrypted?: boolean };
  expect?: { code: string; status: number; message: string; reason?: string };
}

const { cases } = readFixture<{ cases: Case[] }>('verify-cases.json');
const topics = [...new Set(cases.map((c) => c.topic))];

for (const topic of topics) {
  describe(`verifySamlResponse: ${topic}`, () => {
    for (const c of cases.filter((x) => x.topic === topic)) {
      it(c.name, async () => {
        const sent = tamper(mint(c.mint).xml, c.tamper);
        const opts = {
          trust: { arn: PROVIDER_ARN, entityId: ENTITY_ID, certificates: [idpKey('idp').certificatePem] },
          now: new Date(T0.getTime() + (c.nowOffset ?? 60) * 1000),
          decryptionKeys: c.noKeys ? [] : [spKey('sp')],
        };
        if (c.ok) {
          const v = await verifySamlResponse(sent, opts);
          expect(v.issuer).toBe(ENTITY_ID);
          if (c.ok.signed) expect(v.signed).toBe(c.ok.signed);
          expect(v.nameId).toBe(c.ok.nameId ?? 'alice@example.test');
          if (c.ok.recipient) expect(v.recipient).toBe(c.ok.recipient);
          if (c.ok.algorithm) expect(v.signatureAlgorithm).toBe(c.ok.algorithm);
          expect(v.encrypted).toBe(c.ok.encrypted === true);
          return;
        }
        const err = await verifySamlResponse(sent, opts).then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).toBeInstanceOf(AwsError);
        const e = err as AwsError;
        expect({ code: e.code, status: e.status, message: e.message }).toEqual({ code: c.expect!.code, status: c.expect!.status, message: c.expect!.message });
        if (c.expect!.reason) expect(samlRejectionReason(e)).toContain(c.expect!.reason);
      });
    }
  });
}

describe('verifySamlResponse: what is read is what was signed', () => {
  it('reads attributes, NameID format and SessionNotOnOrAfter from the signed assertion', async () => {
    const m = mint({ attributes: { 'urn:oid:1.3.6.1.4.1.5923.1.1.1.1': ['staff', 'member'] }, sessionNotOnOrAfterSeconds: 1800, subjectFormat: 'urn:oasis:names:tc:SAML:2.0:nameid-format:transient' });
    const v = await verifySamlResponse(m.samlResponse, { trust: { arn: PROVIDER_ARN, entityId: ENTITY_ID, certificates: [idpKey('idp').certificatePem] }, now: T0 });
    expect(v.attributes.get('urn:oid:1.3.6.1.4.1.5923.1.1.1.1')).toEqual(['staff', 'member']);
    expect(v.nameIdFormat).toBe('urn:oasis:names:tc:SAML:2.0:nameid-format:transient');
    expect(v.sessionNotOnOrAfter?.toISOString()).toBe('2026-11-29T12:30:00.000Z');
  });

  it('a second certificate in the metadata verifies too (key rollover)', async () => {
    const m = mint({ key: 'other' });
    const v = await verifySamlResponse(m.samlResponse, { trust: { arn: PROVIDER_ARN, entityId: ENTITY_ID, certificates: [idpKey('idp').certificatePem, idpKey('other').certificatePem] }, now: T0 });
    expect(v.nameId).toBe('alice@example.test');
  });

  it('never trusts a certificate embedded in KeyInfo', async () => {
    // Signed by "other", whose certificate the response carries in KeyInfo; the provider trusts only "idp".
    const m = mint({ key: 'other' });
    expect(m.xml).toContain('<ds:X509Certificate>');
    await expect(verifySamlResponse(m.samlResponse, { trust: { arn: PROVIDER_ARN, entityId: ENTITY_ID, certificates: [idpKey('idp').certificatePem] }, now: T0 })).rejects.toMatchObject({ code: 'InvalidIdentityToken', message: 'Response signature invalid' });
  });
});
