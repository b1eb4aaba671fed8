// Owns the public surface of the mock EKS OIDC issuer and web identity verification (pure: values in, values out).
export {
  clusterKeyFromPem,
  clusterKeyPems,
  generateClusterKey,
  keyIdFromPublicKey,
  publicJwkMembers,
  signingAlgorithmFor,
  type ClusterKey,
  type PublicKeyInput,
} from './cluster-keys';
export {
  LOCAL_OIDC_PREFIX,
  eksIssuerUrl,
  eksJwksUri,
  isEksOidcId,
  localOidcPaths,
  localOidcPathsForIssuer,
  matchLocalOidcPath,
  newClusterOidcId,
  oidcProviderArn,
  parseEksIssuerUrl,
  providerUrlFromIssuer,
  type LocalOidcPaths,
} from './issuer-url';
export {
  OIDC_CACHE_MAX_AGE_SECONDS,
  discoveryDocument,
  jwks,
  signingAlgorithmsOf,
  type DiscoveryDocument,
  type DiscoveryOptions,
  type PublishedJwk,
} from './discovery';
export {
  DEFAULT_TOKEN_AUDIENCE,
  DEFAULT_TOKEN_LIFETIME_SECONDS,
  MAX_TOKEN_LIFETIME_SECONDS,
  MIN_TOKEN_LIFETIME_SECONDS,
  derivedUid,
  mintServiceAccountToken,
  serviceAccountClaims,
  serviceAccountSubject,
  type MintServiceAccountTokenOptions,
} from './mint-token';
export {
  ALLOWED_WEB_IDENTITY_ALGORITHMS,
  DEFAULT_CLOCK_SKEW_SECONDS,
  MAX_TOKEN_LENGTH,
  MIN_TOKEN_LENGTH,
  normalizeProviderUrl,
  verifyWebIdentityToken,
  type VerifiedWebIdentity,
  type VerifyWebIdentityOptions,
  type WebIdentityAlgorithm,
  type WebIdentityProvider,
} from './verify-web-identity';
export { webIdentityContextKeys, webIdentitySessionKeys, type ContextValue } from './web-identity-context';
export { MSG_NOT_A_JWT, MSG_NOT_VALIDATED, MSG_NO_VERIFICATION_KEY, webIdentityErrors } from './web-identity-errors';
