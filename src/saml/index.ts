// Owns the public surface of SAML federation: verifying SAML responses, IdP metadata, the condition
// keys and response fields of AssumeRoleWithSAML, and iamlocal's mock IdP (pure apart from crypto).
// Everything, for the CLI and tests. The server imports the light modules directly and loads
// verify-response.ts and mock-idp.ts (XML-DSig, a DOM) on first use through load.ts.
export * from './constants';
export { decryptAssertion, DecryptionError, encryptAssertion } from './encryption';
export * from './metadata';
export * from './idp-certificate';
export * from './idp-keys';
export * from './mock-idp';
export * from './saml-context';
export * from './saml-errors';
export * from './verify-response';
export { hasDoctype } from './xml';
