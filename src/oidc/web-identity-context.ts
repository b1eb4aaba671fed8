// Owns the condition keys a verified web identity token contributes: those the role's trust policy
// sees during AssumeRoleWithWebIdentity, and those the resulting session carries to later requests.
// Sources: iam-evaluation.md §11–12; irsa-and-pod-identity.md §1.5;
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_iam-condition-keys.html
import type { JWTPayload } from 'jose';
import { normalizeProviderUrl } from './verify-web-identity';

export type ContextValue = string | string[];

/** Google is the one OIDC issuer whose `:aud` AWS fills from `azp` (and `:oaud` from `aud`). */
const GOOGLE = 'accounts.google.com';

function amrValues(amr: unknown): string[] | undefined {
  if (typeof amr === 'string') return [amr];
  if (Array.isArray(amr) && amr.length > 0 && amr.every((v) => typeof v === 'string')) return amr as string[];
  return undefined;
}

/**
 * Trust-policy keys for a generic IAM OIDC provider: `<url>:aud`, `<url>:sub` and, when the token
 * has one, the multivalued `<url>:amr`. `<url>` is the provider URL exactly as IAM stores it —
 * without `https://`, trailing slash kept (`auth-dev.mozilla.auth0.com/:aud`) — e.g.
 * `oidc.eks.us-west-2.amazonaws.com/id/D43C…:sub`. Kubernetes tokens carry no `azp`, so for EKS
 * `:aud` is simply the matched audience.
 */
export function webIdentityContextKeys(providerUrl: string, claims: JWTPayload, audience: string): Record<string, ContextValue> {
  const url = normalizeProviderUrl(providerUrl);
  const keys: Record<string, ContextValue> = {};
  const azp = claims.azp;
  if (url === GOOGLE && typeof azp === 'string' && azp !== '') {
    keys[`${url}:aud`] = azp;
    keys[`${url}:oaud`] = audience;
  } else {
    keys[`${url}:aud`] = audience;
  }
  if (typeof claims.sub === 'string') keys[`${url}:sub`] = claims.sub;
  const amr = amrValues(claims.amr);
  if (amr) keys[`${url}:amr`] = amr;
  return keys;
}

/**
 * Keys the web-identity role session keeps for every later request: the provider keys that
 * survive federation (`amr`, `aud`, `sub`; iam-evaluation.md §12) and `aws:FederatedProvider`,
 * which for an IAM OIDC provider is the provider ARN.
 */
export function webIdentitySessionKeys(
  providerArn: string,
  providerUrl: string,
  claims: JWTPayload,
  audience: string,
): Record<string, ContextValue> {
  return { ...webIdentityContextKeys(providerUrl, claims, audience), 'aws:FederatedProvider': providerArn };
}
