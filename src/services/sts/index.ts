// Owns the STS operation table: every STS Action iamlocal answers, each with its IAM action and
// resource declared next to its handler. An Action not listed here is InvalidAction, never unauthorized.
import { operationTable } from '../types';
import { assumeRole } from './assume-role';
import { assumeRoleWithSAML } from './assume-role-with-saml';
import { assumeRoleWithWebIdentity } from './assume-role-with-web-identity';
import { assumeRoot } from './assume-root';
import { getWebIdentityToken } from './get-web-identity-token';
import { getDelegatedAccessToken } from './get-delegated-access-token';
import { decodeAuthorizationMessageOp } from './decode-authorization-message';
import { getAccessKeyInfo } from './get-access-key-info';
import { getCallerIdentity } from './get-caller-identity';
import { getFederationToken } from './get-federation-token';
import { getSessionToken } from './get-session-token';

export const stsOperations = operationTable([
  getCallerIdentity,
  assumeRole,
  assumeRoleWithWebIdentity,
  assumeRoleWithSAML,
  getSessionToken,
  getFederationToken,
  getAccessKeyInfo,
  decodeAuthorizationMessageOp,
  assumeRoot,
  getWebIdentityToken,
  getDelegatedAccessToken,
]);
