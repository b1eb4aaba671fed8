// Owns STS GetWebIdentityToken (outbound identity federation): a JWT signed with the account's issuer
// key that names the caller — `sub` is the user, role (for role sessions) or root ARN — for an external
// service to verify with the issuer's published JWKS. AWS identity claims and the request tags sit
// under the `https://sts.amazonaws.com/` claim. Needs EnableOutboundWebIdentityFederation first.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetWebIdentityToken.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_outbound_token_claims.html
import { awsError, awsErrors } from '../../aws/errors';
import { OUTBOUND_ALGORITHMS, outboundIssuer, signOutboundToken, type OutboundAlgorithm } from '../../oidc/outbound-token';
import type { RequestContext } from '../../policy/types';
import type { Tag } from '../../store/repos/tags';
import { defineOperation, type Call, type Params } from '../types';
import { readTags, Validator } from '../validate';

export const WEB_IDENTITY_TOKEN_DEFAULT_SECONDS = 300;
/** ⚠ AWS's payload limit is not published; request tags are what can make a token large. */
export const MAX_JWT_PAYLOAD_BYTES = 16_384;
export const STS_CLAIMS_NAMESPACE = 'https://sts.amazonaws.com/';

export interface GetWebIdentityTokenInput {
  audience: string[];
  durationSeconds: number;
  algorithm: OutboundAlgorithm;
  tags: Tag[];
}

export const getWebIdentityToken = defineOperation({
  name: 'GetWebIdentityToken',
  service: 'sts',
  action: 'sts:GetWebIdentityToken',
  mutating: false,
  input(params: Params): GetWebIdentityTokenInput {
    const v = new Validator(params, 'sts');
    const audience = v.stringList('Audience', { max: 10 });
    if (audience === undefined) v.addClause("Value null at 'audience' failed to satisfy constraint: Member must not be null");
    else if (audience.length < 1) v.addClause("Value '[]' at 'audience' failed to satisfy constraint: Member must have length greater than or equal to 1");
    audience?.forEach((a, i) => {
      const len = [...a].length;
      if (len < 1) v.addClause(`Value '${a}' at 'audience.${i + 1}.member' failed to satisfy constraint: Member must have length greater than or equal to 1`);
      if (len > 1000) v.addClause(`Value '${a}' at 'audience.${i + 1}.member' failed to satisfy constraint: Member must have length less than or equal to 1000`);
    });
    const durationSeconds = v.int('DurationSeconds', { min: 60, max: 3600 });
    const algorithm = v.string('SigningAlgorithm', { required: true, min: 5, max: 5 });
    const tags = readTags(v) ?? [];
    v.done();
    if (!(OUTBOUND_ALGORITHMS as readonly string[]).includes(algorithm)) {
      throw awsErrors.validation(`Unsupported signing algorithm ${algorithm}. Valid values are RS256 and ES384.`); // ⚠ text not captured
    }
    return { audience: audience!, durationSeconds: durationSeconds ?? WEB_IDENTITY_TOKEN_DEFAULT_SECONDS, algorithm: algorithm as OutboundAlgorithm, tags };
  },
  resource: () => '*',
  // Condition keys of sts:GetWebIdentityToken (Service Authorization Reference).
  conditionKeys(input): RequestContext {
    const ctx: RequestContext = {
      'sts:IdentityTokenAudience': input.audience,
      'sts:DurationSeconds': String(input.durationSeconds),
      'sts:SigningAlgorithm': input.algorithm,
    };
    if (input.tags.length > 0) {
      for (const t of input.tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
      ctx['aws:TagKeys'] = input.tags.map((t) => t.Key);
    }
    return ctx;
  },
  handler(input, call) {
    const p = call.principal;
    if (p.kind === 'anonymous') throw awsErrors.missingAuthenticationToken();
    const outbound = call.store.accountFeatures.outbound(p.accountId);
    if (!outbound?.enabled) {
      throw awsError('OutboundWebIdentityFederationDisabledException', 'The outbound web identity federation feature is not enabled for this account. To use this feature, you must first enable it through the Amazon Web Services Management Console or API.');
    }
    const now = Math.floor(call.now.getTime() / 1000);
    const exp = now + input.durationSeconds;
    if (p.session && exp * 1000 > Date.parse(p.session.expiresAt)) {
      throw awsError('SessionDurationEscalationException', 'The requested token duration would extend the session beyond its original expiration time. You cannot use this operation to extend the lifetime of a session beyond what was granted when the session was originally created.');
    }
    const claims = {
      iss: outboundIssuer(outbound.issuerId),
      aud: input.audience.length === 1 ? input.audience[0] : input.audience,
      sub: subjectOf(call),
      iat: now,
      nbf: now,
      exp,
      jti: call.ids.requestId(),
      [STS_CLAIMS_NAMESPACE]: awsClaims(call, input.tags),
    };
    if (Buffer.byteLength(JSON.stringify(claims)) > MAX_JWT_PAYLOAD_BYTES) {
      throw awsError('JWTPayloadSizeExceededException', 'The requested token payload size exceeds the maximum allowed size. Reduce the number of request tags included in the GetWebIdentityToken API call to reduce the token payload size.');
    }
    return { WebIdentityToken: signOutboundToken(outbound, input.algorithm, claims), Expiration: new Date(exp * 1000) };
  },
});

/** `sub`: the IAM identity — a role session is its role; federated users their own ARN. */
function subjectOf(call: Call): string {
  const p = call.principal;
  return p.kind === 'assumed-role' ? p.roleArn : p.arn!;
}

function awsClaims(call: Call, requestTags: Tag[]): Record<string, unknown> {
  const { store } = call;
  const p = call.principal;
  if (p.kind === 'anonymous') return {};
  const out: Record<string, unknown> = { aws_account: p.accountId, source_region: call.region, principal_id: subjectOf(call) };
  const m = store.organizations.membership(p.accountId);
  if (m) {
    out.org_id = m.org.id;
    out.ou_path = `${[m.org.id, ...m.path.map((u) => u.id)].join('/')}/`;
  }
  let tags: Tag[] = [];
  if (p.kind === 'user') tags = store.tags.list('user', p.user.id);
  else if (p.kind === 'assumed-role') {
    // Session tags override role tags of the same key (case-insensitively, as aws:PrincipalTag does).
    const session = new Set(p.session.tags.map((t) => t.Key.toLowerCase()));
    tags = [...(p.role ? store.tags.list('role', p.role.id).filter((t) => !session.has(t.Key.toLowerCase())) : []), ...p.session.tags];
  }
  if (tags.length > 0) out.principal_tags = Object.fromEntries(tags.map((t) => [t.Key, t.Value]));
  if (requestTags.length > 0) out.request_tags = Object.fromEntries(requestTags.map((t) => [t.Key, t.Value]));
  return out;
}
