// Owns loading the heavy half of SAML federation on first use: verifying a signed response
// (verify-response.ts: xml-crypto, @xmldom/xmldom, xpath) and the mock IdP's signed responses
// (mock-idp.ts: xml-crypto). They are a large part of the code a server would otherwise compile at
// start-up, for requests most runs never make; with `await import()` the build puts them in chunks of
// their own (scripts/build.mjs), read when AssumeRoleWithSAML or the mock IdP's response minting first
// needs them. Metadata, keys, the mock IdP's certificate, names and context keys are light and
// imported directly, so a `samlIdps:` seed loads none of this.
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
