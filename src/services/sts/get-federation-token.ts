// Owns STS GetFederationToken: a federated-user session (`arn:aws:sts::ACCT:federated-user/NAME`) made from
// an IAM user's (or root's) long-term keys. Its permissions are the caller's policies ∩ the session
// policies passed here — none passed, no permissions (the evaluator applies that to FederatedUser principals).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html ; aws-protocol §5.1, §5.5.
import { arns } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { RequestContext } from '../../policy/types';
import type { Tag } from '../../store/repos/tags';
import { checkPolicyDocument } from '../../store/policy-documents';
import { defineOperation, type AuthzCheck, type Call } from '../types';
import { patterns, readTags, Validator } from '../validate';
import { ROOT_SESSION_MAX_SECONDS, refuseSessionCredentials, SESSION_TOKEN_DEFAULT_SECONDS } from './get-session-token';
import { credentialsOf, issueCallerSession, packedPolicySize, packedPolicyTooLarge } from './issue-session';
import { resolveSessionTags } from './session-tags';

export interface GetFederationTokenInput {
  name: string;
  policy?: string;
  policyArns: string[];
  durationSeconds?: number;
  tags: Tag[];
}

export function readGetFederationTokenInput(params: Record<string, unknown>): GetFederationTokenInput {
  const v = new Validator(params, 'sts');
  const name = v.string('Name', { required: true, min: 2, max: 32, pattern: patterns.sessionName });
  const policy = v.string('Policy', { min: 1, max: 2048, pattern: patterns.policyDocument });
  const policyArns = (v.structList('PolicyArns') ?? []).map((x) => String(x.arn ?? ''));
  policyArns.forEach((a, i) => {
    if (!patterns.stsArn.re.test(a)) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.stsArn.text}`);
    if (a.length < 20) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
    if (a.length > 2048) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  });
  const durationSeconds = v.int('DurationSeconds', { min: 900, max: 129600 });
  const tags = readTags(v) ?? [];
  v.done();
  if (policyArns.length > 10) {
    throw awsErrors.validation(`1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10`);
  }
  return { name, policy, policyArns, durationSeconds, tags };
}

function federatedUserArn(input: GetFederationTokenInput, call: Call): string {
  return arns.federatedUser(call.principal.accountId ?? '', input.name);
}

export const getFederationToken = defineOperation({
  name: 'GetFederationToken',
  service: 'sts',
  action: 'sts:GetFederationToken',
  mutating: true,
  input: (params) => readGetFederationTokenInput(params),
  guard(_input, call) {
    refuseSessionCredentials(call.principal.session, 'GetFederationToken');
  },
  resource: federatedUserArn,
  conditionKeys(input): RequestContext {
    if (input.tags.length === 0) return {};
    const ctx: RequestContext = { 'aws:TagKeys': input.tags.map((t) => t.Key) };
    for (const t of input.tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
    return ctx;
  },
  extraChecks(input, call): AuthzCheck[] {
    // Passing session tags needs sts:TagSession on the federated user (id_session-tags.html#id_session-tags_permissions-required).
    return input.tags.length > 0 ? [{ action: 'sts:TagSession', resource: federatedUserArn(input, call) }] : [];
  },
  handler(input, call) {
    const p = call.principal;
    if (p.kind === 'anonymous') throw awsErrors.missingAuthenticationToken();
    if (p.kind !== 'user' && p.kind !== 'root') throw awsErrors.accessDenied('Cannot call GetFederationToken with session credentials');
    if (input.policy !== undefined) checkPolicyDocument(input.policy, 'session');
    const { tags } = resolveSessionTags(input.tags, [], null);
    const sendsPacked = input.policy !== undefined || input.policyArns.length > 0 || tags.length > 0;
    // AWS reports PackedPolicySize 0 when nothing was passed (aws-protocol §5.1).
    const packed = sendsPacked ? packedPolicySize(input.policy, input.policyArns, tags) : 0;
    if (packed > 100) throw packedPolicyTooLarge(packed);
    const seconds =
      p.kind === 'root'
        ? Math.min(input.durationSeconds ?? ROOT_SESSION_MAX_SECONDS, ROOT_SESSION_MAX_SECONDS)
        : input.durationSeconds ?? SESSION_TOKEN_DEFAULT_SECONDS;
    const arn = arns.federatedUser(p.accountId, input.name);
    const session = issueCallerSession(call, p.accountId, {
      kind: 'federated-user',
      via: 'GetFederationToken',
      seconds,
      principalArn: arn,
      principalId: `${p.accountId}:${input.name}`,
      userId: p.kind === 'user' ? p.user.id : null,
      userArn: p.kind === 'user' ? p.user.arn : null,
      sessionPolicy: input.policy ?? null,
      sessionPolicyArns: input.policyArns,
      tags,
    });
    return {
      Credentials: credentialsOf(session),
      FederatedUser: { FederatedUserId: session.principalId, Arn: arn },
      PackedPolicySize: packed,
    };
  },
});
