// Owns STS AssumeRoleWithWebIdentity (unsigned): token verification against the role account's IAM
// OIDC providers (async, before the transaction; keys pinned, or fetched for providers that opted in), the trust-policy evaluation with the provider's
// `<url>:sub|aud|amr` keys, durations, session policies/tags/source identity from the token, and the response.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithWebIdentity.html ; aws-protocol §5.6;
// irsa-and-pod-identity §1.5.
import type { JWK } from 'jose';
import { parseArn, parseWellFormedArn } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import { outboundTlsOptions, type OutboundTlsOptions } from '../../http/outbound-tls';
import { normalizeProviderUrl, verifyWebIdentityToken, webIdentityContextKeys, type VerifiedWebIdentity, type WebIdentityProvider } from '../../oidc/index';
import type { EvalPrincipal, RequestContext } from '../../policy/types';
import type { Tag } from '../../store/repos/tags';
import type { Store } from '../../store/store';
import { defineOperation, type AuthzCheck, type Call } from '../types';
import { patterns, Validator } from '../validate';
import { findRole, trustPolicyOf } from './assume-role';
import { discoverProviderKeys } from './oidc-discovery';
import { credentialsOf, issueFederatedRoleSession, roleSessionSeconds } from './issue-session';
import { federatedSessionChecks, federatedSessionKeys } from './session-tags';

export interface AssumeRoleWithWebIdentityInput {
  roleArn: string;
  roleSessionName: string;
  webIdentityToken: string;
  providerId?: string;
  durationSeconds?: number;
  policy?: string;
  policyArns: string[];
}

/** What `prepare` hands to the rest of the operation: the verified token and what it asks for. */
export interface PreparedWebIdentity {
  verified: VerifiedWebIdentity;
  /** `https://aws.amazon.com/source_identity` claim, when the IdP sets one. */
  sourceIdentity?: string;
  /** `https://aws.amazon.com/tags` claim: principal_tags + transitive_tag_keys. */
  tags: Tag[];
  transitiveTagKeys: string[];
}

/** Claims through which an OIDC IdP passes session tags and a source identity (id_session-tags.html#id_session-tags_adding-assume-role-idp). */
const TAGS_CLAIM = 'https://aws.amazon.com/tags';
const SOURCE_IDENTITY_CLAIM = 'https://aws.amazon.com/source_identity';

export function readWebIdentityInput(params: Record<string, unknown>): AssumeRoleWithWebIdentityInput {
  const v = new Validator(params, 'sts');
  const roleArn = v.string('RoleArn', { required: true, min: 20, max: 2048, pattern: patterns.stsArn });
  const roleSessionName = v.string('RoleSessionName', { required: true, min: 2, max: 64, pattern: patterns.sessionName });
  // WebIdentityToken is a sensitive member: its value is never echoed in the message.
  const rawToken = params.WebIdentityToken;
  let webIdentityToken = '';
  if (rawToken === undefined || rawToken === null) v.addClause("Value null at 'webIdentityToken' failed to satisfy constraint: Member must not be null");
  else {
    webIdentityToken = String(rawToken);
    if (webIdentityToken.length < 4) v.addClause("Value at 'webIdentityToken' failed to satisfy constraint: Member must have length greater than or equal to 4");
    if (webIdentityToken.length > 20000) v.addClause("Value at 'webIdentityToken' failed to satisfy constraint: Member must have length less than or equal to 20000");
  }
  const providerId = v.string('ProviderId', { min: 4, max: 2048 });
  const policyArns = (v.structList('PolicyArns') ?? []).map((x) => String(x.arn ?? ''));
  policyArns.forEach((a, i) => {
    if (!patterns.stsArn.re.test(a)) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.stsArn.text}`);
    if (a.length < 20) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
    if (a.length > 2048) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  });
  const policy = v.string('Policy', { min: 1, max: 2048, pattern: patterns.policyDocument });
  const durationSeconds = v.int('DurationSeconds', { min: 900, max: 43200 });
  v.done();
  if (!parseWellFormedArn(roleArn)) throw awsErrors.validation(`${roleArn} is invalid`);
  if (policyArns.length > 10) {
    throw awsErrors.validation(`1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10`);
  }
  return { roleArn, roleSessionName, webIdentityToken, providerId, durationSeconds, policy, policyArns };
}

function parseJwks(text: string | null): JWK[] | null {
  if (text === null) return null;
  try {
    const doc = JSON.parse(text) as { keys?: unknown };
    return Array.isArray(doc.keys) ? (doc.keys.filter((k) => k && typeof k === 'object') as JWK[]) : null;
  } catch {
    return null;
  }
}

/** The IAM OIDC providers of an account, in the shape the verifier takes, with their pinned JWKS. */
export function webIdentityProviders(store: Store, accountId: string): (WebIdentityProvider & { allowNetworkFetch: boolean })[] {
  return store.oidcProviders.list(accountId).map((p) => ({ arn: p.arn, url: p.url, clientIds: p.clientIds, jwks: parseJwks(p.jwks), allowNetworkFetch: p.allowNetworkFetch }));
}

/** `iss` and `kid` as the token claims them, before any verification (only to pick what to fetch). */
function unverifiedIssuerAndKid(token: string): { iss?: string; kid?: string } {
  const [h, p] = token.trim().split('.');
  const read = (seg: string | undefined): Record<string, unknown> => {
    try {
      const v: unknown = JSON.parse(Buffer.from(seg ?? '', 'base64url').toString('utf8'));
      return v && typeof v === 'object' ? (v as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  };
  const iss = read(p).iss;
  const kid = read(h).kid;
  return { iss: typeof iss === 'string' ? iss : undefined, kid: typeof kid === 'string' ? kid : undefined };
}

/**
 * Providers with pinned keys verify with those. A provider without keys whose network fetch was switched
 * on (allowNetworkFetch, off by default) gets its keys from the issuer, as AWS does; only the provider the
 * token names is ever fetched.
 */
async function withDiscoveredKeys(
  owner: object,
  providers: (WebIdentityProvider & { allowNetworkFetch: boolean })[],
  token: string,
  now: Date,
  tls: () => Promise<OutboundTlsOptions>,
): Promise<WebIdentityProvider[]> {
  const { iss, kid } = unverifiedIssuerAndKid(token);
  if (!iss) return providers;
  const url = normalizeProviderUrl(iss);
  return Promise.all(
    providers.map(async (p) =>
      p.jwks === null && p.allowNetworkFetch && normalizeProviderUrl(p.url) === url ? { ...p, jwks: await discoverProviderKeys(owner, normalizeProviderUrl(p.url), now, tls, kid) } : p,
    ),
  );
}

/** Session tags an IdP put in the token (`principal_tags: {K: [V]}`, `transitive_tag_keys: [K]`). */
function tagsFromClaims(claim: unknown): { tags: Tag[]; transitiveTagKeys: string[] } {
  if (!claim || typeof claim !== 'object') return { tags: [], transitiveTagKeys: [] };
  const c = claim as { principal_tags?: unknown; transitive_tag_keys?: unknown };
  const tags: Tag[] = [];
  if (c.principal_tags && typeof c.principal_tags === 'object') {
    for (const [k, v] of Object.entries(c.principal_tags as Record<string, unknown>)) {
      const value = Array.isArray(v) ? v[0] : v;
      if (typeof value === 'string') tags.push({ Key: k, Value: value });
    }
  }
  const transitiveTagKeys = Array.isArray(c.transitive_tag_keys) ? c.transitive_tag_keys.filter((k): k is string => typeof k === 'string') : [];
  return { tags, transitiveTagKeys };
}

function prepared(call: Call): PreparedWebIdentity {
  const p = call.prepared as PreparedWebIdentity | undefined;
  // The pipeline always runs prepare first; without a verified token nothing may be authorized.
  if (!p) throw awsErrors.serviceFailure();
  return p;
}

function roleAccount(input: AssumeRoleWithWebIdentityInput): string {
  return parseArn(input.roleArn)!.account;
}

export const assumeRoleWithWebIdentity = defineOperation({
  name: 'AssumeRoleWithWebIdentity',
  service: 'sts',
  action: 'sts:AssumeRoleWithWebIdentity',
  mutating: true,
  unsigned: true,
  input: (params) => readWebIdentityInput(params),
  async prepare(input, call): Promise<PreparedWebIdentity> {
    // call.now comes from the server clock, so the admin test clock moves token expiry too.
    const tls = () => outboundTlsOptions(call.config.extraCaCerts, call.logger.warn);
    const providers = await withDiscoveredKeys(call.store, webIdentityProviders(call.store, roleAccount(input)), input.webIdentityToken, call.now, tls);
    const verified = await verifyWebIdentityToken(input.webIdentityToken, { providers, now: call.now });
    const si = verified.claims[SOURCE_IDENTITY_CLAIM];
    return { verified, sourceIdentity: typeof si === 'string' ? si : undefined, ...tagsFromClaims(verified.claims[TAGS_CLAIM]) };
  },
  evalPrincipal(_input, call): EvalPrincipal {
    const { verified } = prepared(call);
    return { type: 'WebIdentity', provider: verified.provider.arn, userId: verified.subject };
  },
  resource: (input) => input.roleArn,
  resourceAccount: (input) => roleAccount(input),
  resourcePolicy: (input, call) => trustPolicyOf(findRole(call, input.roleArn), input.roleArn),
  conditionKeys(input, call): RequestContext {
    const p = prepared(call);
    return { ...webIdentityContextKeys(p.verified.provider.url, p.verified.claims, p.verified.audience), 'sts:RoleSessionName': input.roleSessionName, ...federatedSessionKeys(p) };
  },
  extraChecks: (input, call) => federatedSessionChecks(prepared(call), input.roleArn, roleAccount(input), trustPolicyOf(findRole(call, input.roleArn), input.roleArn)),
  handler(input, call) {
    const p = prepared(call);
    const role = findRole(call, input.roleArn);
    // A missing role trusts nobody, so authorization has already refused; never reveal existence.
    if (!role) throw awsErrors.accessDenied('Not authorized to perform sts:AssumeRoleWithWebIdentity');
    const seconds = roleSessionSeconds(input.durationSeconds, role, false);
    const { verified } = p;
    const { session, packed } = issueFederatedRoleSession(call, {
      role,
      sessionName: input.roleSessionName,
      seconds,
      via: 'AssumeRoleWithWebIdentity',
      asked: p,
      policy: input.policy,
      policyArns: input.policyArns,
      federatedProvider: verified.provider.arn,
      // `<url>:sub|aud|amr` stay available to the session's later requests (iam-evaluation §12).
      federationClaims: webIdentityContextKeys(verified.provider.url, verified.claims, verified.audience),
    });
    return {
      Credentials: credentialsOf(session),
      SubjectFromWebIdentityToken: verified.subject,
      AssumedRoleUser: { AssumedRoleId: session.principalId, Arn: session.principalArn },
      PackedPolicySize: packed,
      // AWS returns the provider ARN here (irsa-and-pod-identity §1.5), not the bare iss.
      Provider: verified.provider.arn,
      Audience: verified.audience,
      SourceIdentity: p.sourceIdentity,
    };
  },
});
