// Owns the public surface of SAML federation: verifying SAML responses, IdP metadata, the condition
// keys and response fields of AssumeRoleWithSAML, and iamlocal's mock IdP (pure apart from crypto).
export { decryptAssertion, DecryptionError, encryptAssertion } from './encryption';
export * from './metadata';
export * from './mock-idp';
export * from './saml-context';
export * from './saml-errors';
export * from './verify-response';
export { hasDoctype } from './xml';
