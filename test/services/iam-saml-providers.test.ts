// IAM SAML provider handlers: lifecycle and shapes (UUID, ValidUntil, tags, private keys), metadata
// parsing (entity id and signing certificates kept for AssumeRoleWithSAML), authorization declarations,
// and AWS's errors (test/fixtures/services/saml-providers/errors.json).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { certificateBase64, idpMetadataXml } from '../../src/saml/index';
import { iamOperations } from '../../src/services/iam/index';
import { createSAMLProvider, deleteSAMLProvider, getSAMLProvider, listSAMLProviders, updateSAMLProvider } from '../../src/services/iam/saml-providers';
import fixtures from '../fixtures/services/saml-providers/errors.json';
import { harness, thrown } from '../helpers/services';
import { ENTITY_ID, FIXTURES, idpKey } from '../saml/helpers';

const META = idpMetadataXml(ENTITY_ID, idpKey('idp').certificatePem, 'https://idp.example.test/sso');
const KEY = readFileSync(join(FIXTURES, 'keys', 'other.key'), 'utf8');
const pad = (xml: string) => xml + `<!-- ${'p'.repeat(1000)} -->`;
const PLACEHOLDERS: Record<string, string> = {
  '@@METADATA@@': META,
  '@@KEY@@': KEY,
  '@@NOTXML@@': 'x'.repeat(1200),
  '@@NOCERT@@': pad(META.replace(/<md:KeyDescriptor[\s\S]*<\/md:KeyDescriptor>/, '')),
  '@@NOENTITY@@': META.replace(/ entityID="[^"]*"/, ''),
  '@@DOCTYPE@@': META.replace('<md:EntityDescriptor', '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><md:EntityDescriptor'),
  '@@SP@@': META.replace(/IDPSSODescriptor/g, 'SPSSODescriptor'),
  '@@DEEP@@': META.replace('</md:IDPSSODescriptor>', `${'<md:Extensions>'.repeat(5000)}${'</md:Extensions>'.repeat(5000)}</md:IDPSSODescriptor>`),
};
const expand = (params: Record<string, unknown>) => Object.fromEntries(Object.entries(params).map(([k, v]) => [k, typeof v === 'string' ? (PLACEHOLDERS[v] ?? v) : v]));

const seed = {
  accounts: [{ id: '111111111111' }],
  samlProviders: [
    { name: 'Existing', metadataDocument: META },
    { name: 'Required', metadataDocument: META },
    { account: '111111111111', name: 'Theirs', metadataDocument: META },
  ],
};

describe('SAML provider lifecycle', () => {
  it('create → get → list → update (metadata, keys, mode) → delete', async () => {
    const h = await harness();
    const created = h.run(createSAMLProvider, { Name: 'Okta', SAMLMetadataDocument: META, Tags: [{ Key: 'team', Value: 'sso' }] }, h.root());
    const arn = 'arn:aws:iam::000000000000:saml-provider/Okta';
    expect(created).toEqual({ SAMLProviderArn: arn, Tags: [{ Key: 'team', Value: 'sso' }] });
    const got = h.run(getSAMLProvider, { SAMLProviderArn: arn }, h.root());
    expect(got).toMatchObject({ SAMLMetadataDocument: META, CreateDate: new Date('2026-11-29T12:00:00Z'), ValidUntil: new Date('2126-11-29T12:00:00Z'), Tags: [{ Key: 'team', Value: 'sso' }], PrivateKeyList: [] });
    expect(got.SAMLProviderUUID).toMatch(/^[A-Z0-9]{22,64}$/);
    expect(got.AssertionEncryptionMode).toBeUndefined();
    expect(h.run(listSAMLProviders, {}, h.root())).toEqual({ SAMLProviderList: [{ Arn: arn, ValidUntil: new Date('2126-11-29T12:00:00Z'), CreateDate: new Date('2026-11-29T12:00:00Z') }] });
    // What AssumeRoleWithSAML verifies with.
    expect(h.store.samlProviders.get(arn)).toMatchObject({ entityId: ENTITY_ID });
    expect(certificateBase64(h.store.samlProviders.get(arn)!.signingCertificates[0])).toBe(certificateBase64(idpKey('idp').certificatePem));

    // Key rollover: new metadata with validUntil and the other certificate.
    const rolled = META.replace(idpKey('idp').certificatePem.replace(/-----[^-]+-----|\s/g, ''), certificateBase64(idpKey('other').certificatePem)).replace('<md:EntityDescriptor ', '<md:EntityDescriptor validUntil="2030-01-01T00:00:00Z" ');
    h.run(updateSAMLProvider, { SAMLProviderArn: arn, SAMLMetadataDocument: rolled }, h.root());
    expect(h.run(getSAMLProvider, { SAMLProviderArn: arn }, h.root()).ValidUntil).toEqual(new Date('2030-01-01T00:00:00Z'));
    expect(certificateBase64(h.store.samlProviders.get(arn)!.signingCertificates[0])).toBe(certificateBase64(idpKey('other').certificatePem));

    h.run(updateSAMLProvider, { SAMLProviderArn: arn, AddPrivateKey: KEY }, h.root());
    h.run(updateSAMLProvider, { SAMLProviderArn: arn, AssertionEncryptionMode: 'Required' }, h.root());
    const withKey = h.run(getSAMLProvider, { SAMLProviderArn: arn }, h.root());
    expect(withKey.AssertionEncryptionMode).toBe('Required');
    expect(withKey.PrivateKeyList).toEqual([{ KeyId: expect.stringMatching(/^[A-Z0-9]{26}$/), Timestamp: new Date('2026-11-29T12:00:00Z') }]);
    // The last key of a provider requiring encryption cannot go.
    expect(thrown(() => h.run(updateSAMLProvider, { SAMLProviderArn: arn, RemovePrivateKey: withKey.PrivateKeyList[0].KeyId }, h.root()))).toEqual({ code: 'InvalidInput', message: 'Failed to remove private key.', status: 400 });
    h.run(updateSAMLProvider, { SAMLProviderArn: arn, AssertionEncryptionMode: 'Allowed' }, h.root());
    h.run(updateSAMLProvider, { SAMLProviderArn: arn, RemovePrivateKey: withKey.PrivateKeyList[0].KeyId }, h.root());
    expect(h.run(getSAMLProvider, { SAMLProviderArn: arn }, h.root()).PrivateKeyList).toEqual([]);

    h.run(deleteSAMLProvider, { SAMLProviderArn: arn }, h.root());
    expect(h.run(listSAMLProviders, {}, h.root())).toEqual({ SAMLProviderList: [] });
    expect(h.store.tags.list('saml-provider', arn)).toEqual([]);
  });

  it('tags: Tag/Untag/ListSAMLProviderTags', async () => {
    const h = await harness(seed);
    const arn = 'arn:aws:iam::000000000000:saml-provider/Existing';
    h.run(iamOperations.get('TagSAMLProvider')!, { SAMLProviderArn: arn, Tags: [{ Key: 'a', Value: '1' }, { Key: 'b', Value: '2' }] }, h.root());
    h.run(iamOperations.get('UntagSAMLProvider')!, { SAMLProviderArn: arn, TagKeys: ['a'] }, h.root());
    expect(h.run(iamOperations.get('ListSAMLProviderTags')!, { SAMLProviderArn: arn }, h.root())).toMatchObject({ Tags: [{ Key: 'b', Value: '2' }] });
  });

  it('CreateSAMLProvider is authorized on the provider ARN with aws:RequestTag and needs iam:TagSAMLProvider for tags', async () => {
    const h = await harness();
    const call = h.call(h.root());
    const input = createSAMLProvider.input({ Name: 'X', SAMLMetadataDocument: META, Tags: [{ Key: 'k', Value: 'v' }] }, call);
    expect(createSAMLProvider.resource(input, call)).toBe('arn:aws:iam::000000000000:saml-provider/X');
    expect(createSAMLProvider.conditionKeys!(input, call)).toEqual({ 'aws:RequestTag/k': 'v', 'aws:TagKeys': ['k'] });
    expect(createSAMLProvider.extraChecks!(input, call)).toEqual([{ action: 'iam:TagSAMLProvider', resource: 'arn:aws:iam::000000000000:saml-provider/X' }]);
  });

  it('the 101st provider is LimitExceeded', async () => {
    const h = await harness();
    for (let i = 0; i < 100; i++) h.run(createSAMLProvider, { Name: `p${i}`, SAMLMetadataDocument: META }, h.root());
    expect(thrown(() => h.run(createSAMLProvider, { Name: 'p100', SAMLMetadataDocument: META }, h.root()))).toEqual({ code: 'LimitExceeded', message: 'Cannot exceed quota for SAMLProvidersPerAccount: 100', status: 409 });
  });
});

describe('SAML provider errors (fixtures/services/saml-providers/errors.json)', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness(seed);
      const required = 'arn:aws:iam::000000000000:saml-provider/Required';
      h.run(updateSAMLProvider, { SAMLProviderArn: required, AddPrivateKey: KEY }, h.root());
      h.run(updateSAMLProvider, { SAMLProviderArn: required, AddPrivateKey: KEY }, h.root());
      expect(thrown(() => h.run(iamOperations.get(c.op)!, expand(c.params), h.root()))).toEqual({ code: c.code, message: c.message, status: c.status });
    });
  }
});
