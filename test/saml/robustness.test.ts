// Fail closed on garbage: random edits and truncations of a valid signed response (seeded, bounded)
// throw nothing but AWS's errors — no 500 — and an edit that still verifies (one exclusive c14n does
// not sign, such as an unused namespace declaration) changes nothing that is read.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AwsError } from '../../src/aws/errors';
import { verifySamlResponse } from '../../src/saml/index';
import { ENTITY_ID, idpKey, mint, PROVIDER_ARN, spKey, T0 } from './helpers';

const opts = () => ({ trust: { arn: PROVIDER_ARN, entityId: ENTITY_ID, certificates: [idpKey('idp').certificatePem] }, now: new Date(T0.getTime() + 60_000), decryptionKeys: [spKey('sp')] });

/** What a verified response says (every field AssumeRoleWithSAML uses), or the error code. */
async function outcome(xml: string): Promise<string> {
  try {
    const v = await verifySamlResponse(Buffer.from(xml, 'utf8').toString('base64'), opts());
    return JSON.stringify({ ...v, attributes: [...v.attributes] });
  } catch (e) {
    if (!(e instanceof AwsError)) throw e;
    return e.code;
  }
}

/** Character positions of the signed (or encrypted) element, minus the unsigned KeyInfo of its signature. */
function signedPositions(xml: string, element: string, skipKeyInfo: boolean): number[] {
  const start = xml.indexOf(`<${element}`);
  const end = xml.indexOf(`</${element}>`) + element.length + 3;
  const skip: [number, number][] = [];
  if (skipKeyInfo) for (const m of xml.matchAll(/<ds:KeyInfo>[\s\S]*?<\/ds:KeyInfo>/g)) skip.push([m.index!, m.index! + m[0].length]);
  const out: number[] = [];
  for (let i = start + 1; i < end; i++) if (!skip.some(([a, b]) => i >= a && i <= b)) out.push(i);
  return out;
}

describe('verifySamlResponse on mutated input', () => {
  const variants = [
    ['signed assertion', {}, 'saml:Assertion', true],
    ['signed response', { sign: 'response' as const }, 'samlp:Response', true],
    ['encrypted', { encryptFor: 'sp' as const }, 'saml:EncryptedAssertion', false],
  ] as const;
  for (const [label, spec, element, skipKeyInfo] of variants) {
    it(`${label}: edits inside the signed part are refused with AWS errors only`, async () => {
      const xml = mint(spec).xml;
      const original = await outcome(xml);
      const positions = signedPositions(xml, element, skipKeyInfo);
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...positions), fc.constantFrom('x', '<', '>', '&', '"', '\u0000', '</a>', '<!---->', 'A'), fc.integer({ min: 0, max: 3 }), async (at, insert, drop) => {
          const mutated = xml.slice(0, at) + insert + xml.slice(at + drop);
          if (mutated === xml) return;
          const r = await outcome(mutated);
          if (r.startsWith('{')) expect(r).toBe(original);
          else expect(['InvalidIdentityToken', 'ExpiredTokenException', 'ValidationError']).toContain(r);
        }),
        { numRuns: 60, seed: 15 },
      );
    });
  }

  it('truncations at every 97th character are refused', async () => {
    const xml = mint().xml;
    for (let n = 1; n < xml.length; n += 97) expect(await outcome(xml.slice(0, n))).toBe('InvalidIdentityToken');
    expect(await outcome(xml)).toMatch(/^\{/);
  });
});
