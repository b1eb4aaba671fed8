// Owns verifying a web identity token the way STS AssumeRoleWithWebIdentity does: provider match,
// audience, key lookup, pinned algorithms, signature, time claims — each failure as AWS's error.
// Check order (irsa-and-pod-identity.md §1.5, aws-protocol.md §5.6): shape → iss → aud → keys →
// signature → exp → nbf/iat → sub. The two references disagree on exp vs signature; exp comes
// after the signature here, so an unsigned or forged token can never earn ExpiredTokenException.
import { compactVerify, importJWK, type JWK, type JWTPayload } from 'jose';
import { publicJwkMembers } from './cluster-keys';
import { webIdentityErrors as E } from './web-identity-errors';

/**
 * The only JWS algorithms STS accepts for OIDC tokens (RS256/384/512, ES256/384/512). Never
 * `none`, never HS* (an HMAC "verified" with a published public key is forgeable by anyone).
 */
export const ALLOWED_WEB_IDENTITY_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'ES256', 'ES384', 'ES512'] as const;
export type WebIdentityAlgorithm = (typeof ALLOWED_WEB_IDENTITY_ALGORITHMS)[number];

const EC_CURVE: Record<string, string> = { ES256: 'P-256', ES384: 'P-384', ES512: 'P-521' };

/** IAM allows five minutes of clock skew past `exp` (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_oidc.html). */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300;

/** WebIdentityToken length bounds from the STS model (`clientTokenType`). */
export const MIN_TOKEN_LENGTH = 4;
export const MAX_TOKEN_LENGTH = 20000;

export interface WebIdentityProvider {
  /** `arn:aws:iam::<acct>:oidc-provider/<url>` */
  arn: string;
  /** The provider URL as IAM stores it, without `https://` (a leading `https://` is tolerated and stripped). */
  url: string;
  /** ClientIDList: the accepted `aud` values, compared exactly. */
  clientIds: readonly string[];
  /** The provider's verification keys (iamlocal has no network fetch here); null when none are configured. */
  jwks: readonly JWK[] | null;
}

export interface VerifyWebIdentityOptions {
  /** The IAM OIDC providers of the role's account. */
  providers: readonly WebIdentityProvider[];
  now: Date;
  clockSkewSeconds?: number;
}

export interface VerifiedWebIdentity {
  /** The verified claim set (parsed from the exact bytes the signature covers). */
  claims: JWTPayload;
  provider: { arn: string; url: string };
  /** The token audience that matched the ClientIDList: STS's `Audience`. */
  audience: string;
  /** `sub`: STS's `SubjectFromWebIdentityToken`. */
  subject: string;
  /** `iss` as in the token. */
  issuer: string;
  algorithm: WebIdentityAlgorithm;
  keyId?: string;
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeJsonObject(segment: string): Record<string, unknown> | null {
  if (segment === '' || !B64URL.test(segment) || segment.length % 4 === 1) return null;
  try {
    const v: unknown = JSON.parse(utf8.decode(Buffer.from(segment, 'base64url')));
    return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function isAllowedAlgorithm(alg: unknown): alg is WebIdentityAlgorithm {
  return typeof alg === 'string' && (ALLOWED_WEB_IDENTITY_ALGORITHMS as readonly string[]).includes(alg);
}

/** IAM stores provider URLs without the scheme; tolerate a stored `https://` and compare the rest exactly. */
export function normalizeProviderUrl(url: string): string {
  return url.startsWith('https://') ? url.slice('https://'.length) : url;
}

/** A JWKS entry may verify `alg` only if its type, curve, declared alg, use and key_ops allow it. */
function keyFitsAlgorithm(jwk: JWK, alg: WebIdentityAlgorithm): boolean {
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  if (jwk.key_ops !== undefined && !(Array.isArray(jwk.key_ops) && jwk.key_ops.includes('verify'))) return false;
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  if (alg.startsWith('RS')) return jwk.kty === 'RSA';
  return jwk.kty === 'EC' && jwk.crv === EC_CURVE[alg];
}

function isIntegerTime(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v);
}

export async function verifyWebIdentityToken(token: string, opts: VerifyWebIdentityOptions): Promise<VerifiedWebIdentity> {
  // 1. Model constraint on the parameter as sent (4–20000 characters).
  if (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH) throw E.tokenLength(false);
  if (token.length > MAX_TOKEN_LENGTH) throw E.tokenLength(true);
  // The SDK credential providers send the token file verbatim, trailing newline included (§5.6 step 1).
  const jwt = token.trim();

  // 2. Shape: three base64url segments, header and payload JSON objects.
  const parts = jwt.split('.');
  if (parts.length !== 3) throw E.notAJwt();
  const header = decodeJsonObject(parts[0]);
  const unverified = decodeJsonObject(parts[1]);
  if (!header || !unverified) throw E.notAJwt();

  // 3. Pinned algorithm allow-list, before any key is touched; no JWS extensions (crit, b64).
  const alg = header.alg;
  if (!isAllowedAlgorithm(alg)) throw E.notValidated();
  if (header.crit !== undefined || header.b64 !== undefined) throw E.notValidated();
  if (parts[2] === '' || !B64URL.test(parts[2])) throw E.notValidated();

  // 4. iss → an IAM OIDC provider of the account, byte for byte after dropping `https://`.
  const iss = unverified.iss;
  if (typeof iss !== 'string' || iss === '') throw E.missingClaim('iss');
  const issUrl = normalizeProviderUrl(iss);
  const provider = opts.providers.find((p) => normalizeProviderUrl(p.url) === issUrl);
  if (!provider) throw E.noProvider(iss);

  // 5. aud: present, and one value in the provider's ClientIDList (first match in token order).
  const rawAud = unverified.aud;
  if (rawAud === undefined || rawAud === null || (Array.isArray(rawAud) && rawAud.length === 0) || rawAud === '') {
    throw E.missingClaim('aud');
  }
  const auds = Array.isArray(rawAud) ? rawAud : [rawAud];
  if (!auds.every((a): a is string => typeof a === 'string')) throw E.notAJwt();
  const audience = auds.find((a) => provider.clientIds.includes(a));
  if (audience === undefined) throw E.incorrectAudience();

  // 6. Keys: the provider's JWKS; a token kid selects exactly that kid (go-oidc / kube-apiserver
  //    rule), a kid-less token tries every key. Only asymmetric public members are ever imported.
  const keys = (provider.jwks ?? []).filter((k) => k && (k.kty === 'RSA' || k.kty === 'EC'));
  if (keys.length === 0) throw E.noVerificationKey();
  const kid = typeof header.kid === 'string' && header.kid !== '' ? header.kid : undefined;
  const byKid = kid === undefined ? keys : keys.filter((k) => k.kid === kid);
  if (byKid.length === 0) throw E.noVerificationKey();
  const candidates = byKid.filter((k) => keyFitsAlgorithm(k, alg));

  // 7. Signature, with jose told the one algorithm it may accept.
  let verifiedPayload: Uint8Array | null = null;
  for (const jwk of candidates) {
    try {
      const key = await importJWK({ ...publicJwkMembers(jwk), alg }, alg);
      const res = await compactVerify(jwt, key, { algorithms: [alg] });
      verifiedPayload = res.payload;
      break;
    } catch {
      // wrong key or bad signature: try the next candidate
    }
  }
  if (!verifiedPayload) throw E.notValidated();
  let claims: JWTPayload;
  try {
    claims = JSON.parse(utf8.decode(verifiedPayload)) as JWTPayload;
  } catch {
    throw E.notAJwt();
  }

  // 8. Time claims (integers, per the STS contract), with IAM's skew.
  const skew = opts.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS;
  const nowSec = Math.floor(opts.now.getTime() / 1000);
  if (claims.exp === undefined) throw E.missingClaim('exp');
  if (!isIntegerTime(claims.exp)) throw E.notAJwt();
  if (nowSec >= claims.exp + skew) throw E.expired(nowSec, claims.exp);
  if (claims.nbf !== undefined) {
    if (!isIntegerTime(claims.nbf)) throw E.notAJwt();
    if (nowSec + skew < claims.nbf) throw E.notYetValid(nowSec, claims.nbf);
  }
  if (claims.iat !== undefined) {
    if (!isIntegerTime(claims.iat)) throw E.notAJwt();
    if (nowSec + skew < claims.iat) throw E.issuedInFuture(nowSec, claims.iat);
  }

  // 9. sub becomes SubjectFromWebIdentityToken.
  if (typeof claims.sub !== 'string' || claims.sub === '') throw E.missingClaim('sub');

  return {
    claims,
    provider: { arn: provider.arn, url: normalizeProviderUrl(provider.url) },
    audience,
    subject: claims.sub,
    issuer: iss,
    algorithm: alg,
    keyId: kid,
  };
}
