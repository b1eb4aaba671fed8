// Owns STS AssumeRole: input constraints, the trust-policy authorization context, duration and
// role-chaining limits, session tags/policies/source identity, and the issued credentials.
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html ; aws-protocol §5.1–5.5.
import { parseArn, parseRoleArn, parseWellFormedArn } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { PolicySource, RequestContext } from '../../policy/types';
import type { Role } from '../../store/repos/roles';
import type { Tag } from '../../store/repos/tags';
import { checkPolicyDocument } from '../../store/policy-documents';
import { defineOperation, type AuthzCheck, type Call } from '../types';
import { patterns, readTags, Validator } from '../validate';
import { credentialsOf, issueRoleSession, packedPolicySize, packedPolicyTooLarge, roleSessionSeconds } from './issue-session';
import { mfaContext, verifyMfa, type MfaResult } from './mfa';
import { resolveSessionTags } from './session-tags';

export interface AssumeRoleInput {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  policy?: string;
  policyArns: string[];
  tags: Tag[];
  transitiveTagKeys: string[];
  externalId?: string;
  serialNumber?: string;
  tokenCode?: string;
  sourceIdentity?: string;
}

/** A trust policy that trusts no one: what a missing role is evaluated against (AWS does not reveal existence). */
const TRUSTS_NOBODY = '{"Version":"2012-10-17","Statement":[]}';

/**
 * ProvidedContexts (trusted identity propagation): the model's constraints — 1–5 items, ProviderArn
 * 20–2048 with arnType's pattern, ContextAssertion 4–2048 (botocore sts/2011-06-15 ProvidedContextsListType). The assertion is
 * sealed by AWS STS and cannot be verified here; a valid-looking list is accepted and otherwise ignored.
 */
function readProvidedContexts(v: Validator): void {
  const items = v.structList('ProvidedContexts');
  if (!items) return;
  if (items.length < 1) v.addClause(`Value at 'providedContexts' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (items.length > 5) v.addClause(`Value at 'providedContexts' failed to satisfy constraint: Member must have length less than or equal to 5`);
  items.forEach((item, i) => {
    const at = `providedContexts.${i + 1}.member`;
    for (const [member, path, min] of [['ProviderArn', 'providerArn', 20], ['ContextAssertion', 'contextAssertion', 4]] as const) {
      const raw = item[member];
      if (raw === undefined || raw === null) continue;
      const value = String(raw);
      const len = [...value].length;
      if (len < min) v.addClause(`Value '${value}' at '${at}.${path}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`);
      if (len > 2048) v.addClause(`Value '${value}' at '${at}.${path}' failed to satisfy constraint: Member must have length less than or equal to 2048`);
      if (member === 'ProviderArn' && !patterns.stsArn.re.test(value)) {
        v.addClause(`Value '${value}' at '${at}.${path}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.stsArn.text}`);
      }
    }
  });
}

export function readAssumeRoleInput(params: Record<string, unknown>): AssumeRoleInput {
  const v = new Validator(params, 'sts');
  const roleArn = v.string('RoleArn', { required: true, min: 20, max: 2048, pattern: patterns.stsArn });
  const roleSessionName = v.string('RoleSessionName', { required: true, min: 2, max: 64, pattern: patterns.sessionName });
  const policyArnItems = v.structList('PolicyArns') ?? [];
  const policyArns = policyArnItems.map((x) => String(x.arn ?? ''));
  policyArns.forEach((a, i) => {
    if (!patterns.stsArn.re.test(a)) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.stsArn.text}`);
    if (a.length < 20) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
    if (a.length > 2048) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  });
  const policy = v.string('Policy', { min: 1, pattern: { text: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+', re: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/ } });
  const durationSeconds = v.int('DurationSeconds', { min: 900, max: 43200 });
  const tags = readTags(v) ?? [];
  const transitiveTagKeys = v.stringList('TransitiveTagKeys', { max: 50 }) ?? [];
  const externalId = v.string('ExternalId', { min: 2, max: 1224, pattern: patterns.externalId });
  const serialNumber = v.string('SerialNumber', { min: 9, max: 256, pattern: { text: '[\\w+=/:,.@-]*', re: /^[\w+=/:,.@-]*$/ } });
  const tokenCode = v.string('TokenCode', { min: 6, max: 6, pattern: { text: '[\\d]*', re: /^\d*$/ } });
  const sourceIdentity = v.string('SourceIdentity', { min: 2, max: 64, pattern: patterns.sessionName });
  readProvidedContexts(v);
  v.done();
  // Constraint checks first, then ARN shape: `{RoleArn} is invalid` (aws-protocol §5.2).
  if (!parseWellFormedArn(roleArn)) throw awsErrors.validation(`${roleArn} is invalid`);
  if (policyArns.length > 10) {
    throw awsErrors.validation(`1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10`);
  }
  return { roleArn, roleSessionName, durationSeconds, policy, policyArns, tags, transitiveTagKeys, externalId, serialNumber, tokenCode, sourceIdentity };
}

const roleLookups = new WeakMap<Call, Map<string, Role | null>>();

/**
 * The role a RoleArn names, if it exists with exactly that path. Memoized per request: authorization
 * (trust policy, extra checks) and the handler all ask for it within the same transaction.
 */
export function findRole(call: Call, roleArn: string): Role | null {
  let seen = roleLookups.get(call);
  if (!seen) roleLookups.set(call, (seen = new Map()));
  if (seen.has(roleArn)) return seen.get(roleArn)!;
  const parts = parseRoleArn(roleArn);
  let role = parts ? call.store.roles.getByName(parts.account, parts.name) : null;
  if (role && role.path !== parts!.path) role = null;
  seen.set(roleArn, role);
  return role;
}

/** Per role row (rows are frozen and shared while unchanged): one source, its id made once, not per request. */
const trustSources = new WeakMap<Role, PolicySource>();

export function trustPolicyOf(role: Role | null, roleArn: string): PolicySource {
  if (!role) return { id: `${roleArn}/trust-policy`, document: TRUSTS_NOBODY };
  let source = trustSources.get(role);
  if (!source) trustSources.set(role, (source = { id: `${role.arn}/trust-policy`, name: 'trust policy', document: role.trustPolicy }));
  return source;
}

/**
 * The MFA code passed with the call, verified once per request the first time it is needed (the
 * trust policy's condition keys, inside the request's transaction). Verifying records the code for
 * replay protection, so it must happen inside the transaction: a call that is then denied rolls the
 * record back and leaves the code usable (it used to be verified in `prepare`, outside it).
 */
const verifiedMfa = new WeakMap<Call, MfaResult | null>();

function preparedMfa(input: AssumeRoleInput, call: Call): MfaResult | null {
  if (input.serialNumber === undefined && input.tokenCode === undefined) return null;
  if (verifiedMfa.has(call)) return verifiedMfa.get(call)!;
  const mfa = call.principal.kind === 'root' ? null : verifyMfa(call.store, call.principal, input.serialNumber, input.tokenCode, call.now);
  verifiedMfa.set(call, mfa);
  return mfa;
}

/** Condition keys STS adds to the trust-policy evaluation (iam-evaluation §12). */
export function assumeRoleContext(input: AssumeRoleInput, call: Call): RequestContext {
  // A valid MFA code passed with AssumeRole is what `aws:MultiFactorAuthPresent` in a trust policy tests.
  const ctx: RequestContext = { ...mfaContext(preparedMfa(input, call), call.now), 'sts:RoleSessionName': input.roleSessionName };
  if (input.externalId !== undefined) ctx['sts:ExternalId'] = input.externalId;
  // A source identity, once set, stays: the caller's wins (see the guard for a conflicting one).
  const sourceIdentity = call.principal.session?.sourceIdentity ?? input.sourceIdentity ?? undefined;
  if (sourceIdentity) ctx['sts:SourceIdentity'] = sourceIdentity;
  if (input.tags.length > 0) {
    for (const t of input.tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
    ctx['aws:TagKeys'] = input.tags.map((t) => t.Key);
  }
  if (input.transitiveTagKeys.length > 0) ctx['sts:TransitiveTagKeys'] = input.transitiveTagKeys;
  return ctx;
}

export const assumeRole = defineOperation({
  name: 'AssumeRole',
  service: 'sts',
  action: 'sts:AssumeRole',
  mutating: true,
  input: (params) => readAssumeRoleInput(params),
  guard(input, call) {
    // "You cannot use AWS account root user credentials to call AssumeRole" (API_AssumeRole.html).
    if (call.principal.kind === 'root') throw awsErrors.accessDenied('Roles may not be assumed by root accounts.');
    // GetFederationToken credentials "cannot call any STS API operations except GetCallerIdentity"
    // (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetFederationToken.html) ⚠ AWS's text not recorded.
    if (call.principal.kind === 'federated-user') {
      throw awsErrors.accessDenied(`User: ${call.principal.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`);
    }
    // "The value that is set cannot be changed during the role session" (id_credentials_temp_control-access_monitor.html):
    // a chained call naming another source identity is refused rather than silently ignored (⚠ AWS's text not recorded).
    const held = call.principal.session?.sourceIdentity;
    if (held && input.sourceIdentity !== undefined && input.sourceIdentity !== held) {
      throw awsErrors.accessDenied(`User: ${call.principal.arn} is not authorized to perform: sts:SetSourceIdentity on resource: ${input.roleArn}`);
    }
  },
  resource: (input) => input.roleArn,
  resourceAccount: (input) => parseArn(input.roleArn)!.account,
  resourcePolicy: (input, call) => trustPolicyOf(findRole(call, input.roleArn), input.roleArn),
  conditionKeys: assumeRoleContext,
  extraChecks(input, call) {
    const checks: AuthzCheck[] = [];
    const trust = trustPolicyOf(findRole(call, input.roleArn), input.roleArn);
    const account = parseArn(input.roleArn)!.account;
    // Session tags and a new source identity need their own permission in the trust policy (iam-evaluation §6).
    if (input.tags.length > 0 || input.transitiveTagKeys.length > 0) {
      checks.push({ action: 'sts:TagSession', resource: input.roleArn, resourceAccount: account, resourcePolicy: trust });
    }
    if (input.sourceIdentity !== undefined) {
      checks.push({ action: 'sts:SetSourceIdentity', resource: input.roleArn, resourceAccount: account, resourcePolicy: trust });
    }
    return checks;
  },
  handler(input, call) {
    const p = call.principal;
    if (p.kind === 'anonymous') throw awsErrors.missingAuthenticationToken();
    const role = findRole(call, input.roleArn);
    // Authorization already failed for a missing role (it trusts nobody); never reveal existence.
    if (!role) throw awsErrors.accessDenied(`User: ${p.arn} is not authorized to perform: sts:AssumeRole on resource: ${input.roleArn}`);

    const chained = p.kind === 'assumed-role';
    const seconds = roleSessionSeconds(input.durationSeconds, role, chained);
    if (input.policy !== undefined) checkPolicyDocument(input.policy, 'session');
    const { tags, transitiveTagKeys } = resolveSessionTags(input.tags, input.transitiveTagKeys, p.session);

    const sendsPacked = input.policy !== undefined || input.policyArns.length > 0 || input.tags.length > 0;
    const packed = sendsPacked ? packedPolicySize(input.policy, input.policyArns, tags) : undefined;
    if (packed !== undefined && packed > 100) throw packedPolicyTooLarge(packed);

    const sourceIdentity = p.session?.sourceIdentity ?? input.sourceIdentity ?? null;
    const session = issueRoleSession(call, {
      role,
      sessionName: input.roleSessionName,
      seconds,
      via: 'AssumeRole',
      chained,
      parentAccessKeyId: p.session?.accessKeyId ?? null,
      sourceIdentity,
      sessionPolicy: input.policy ?? null,
      sessionPolicyArns: input.policyArns,
      tags,
      transitiveTagKeys,
      // MFA passed now, or carried by the calling session (a GetSessionToken session with MFA).
      ...sessionMfa(preparedMfa(input, call), p.session),
    });
    return {
      Credentials: credentialsOf(session),
      AssumedRoleUser: { AssumedRoleId: session.principalId, Arn: session.principalArn },
      PackedPolicySize: packed,
      SourceIdentity: sourceIdentity ?? undefined,
    };
  },
});

/** MFA state of a new role session: fresh MFA from this call, else the calling session's own. */
function sessionMfa(mfa: MfaResult | null, caller: { mfaAuthenticated: boolean; mfaAuthTime: string | null } | null): { mfaAuthenticated: boolean; mfaAuthTime: string | null } {
  if (mfa) return { mfaAuthenticated: true, mfaAuthTime: mfa.authTime };
  if (caller?.mfaAuthenticated) return { mfaAuthenticated: true, mfaAuthTime: caller.mfaAuthTime };
  return { mfaAuthenticated: false, mfaAuthTime: null };
}
