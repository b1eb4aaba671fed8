// Owns loading the heavy half of SAML federation on first use: verifying a signed response
// (verify-response.ts: xml-crypto, @xmldom/xmldom, xpath) and the mock IdP's certificates and signed
// responses (mock-idp.ts: node-forge, xml-crypto). Together they are over a third of the code a server
// would otherwise compile at start-up, for requests most runs never make; with `await import()` the
// build puts them in chunks of their own (scripts/build.mjs), read when AssumeRoleWithSAML, the mock
// IdP admin API or a samlIdps: seed first needs them. Metadata, keys, names and context keys are light
// and imported directly.
export type SamlVerifier = typeof import('./verify-response');
export type MockIdp = typeof import('./mock-idp');

let verifier: Promise<SamlVerifier> | undefined;
let mockIdp: Promise<MockIdp> | undefined;

export function loadSamlVerifier(): Promise<SamlVerifier> {
  return (verifier ??= import('./verify-response'));
}

export function loadMockIdp(): Promise<MockIdp> {
  return (mockIdp ??= import('./mock-idp'));
}
