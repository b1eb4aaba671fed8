// Owns STS AssumeRoleWithSAML (unsigned): the SAML response verified against the IAM SAML provider
// PrincipalArn names (async, before the transaction), the Role attribute pair that must grant this
// role through this provider, RoleSessionName / SourceIdentity / PrincipalTag:* / TransitiveTagKeys
// from the assertion, the trust-policy evaluation with the `saml:*` keys, durations capped by
// SessionNotOnOrAfter, and the response fields AWS computes (Subject, SubjectType, Issuer, Audience,
// NameQualifier).
// https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRoleWithSAML.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_providers_create_saml_assertions.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html#id_session-tags_adding-assume-role-saml
import { parseArn } from '../../aws/arn';
import { awsErrors } from '../../aws/errors';
import type { EvalPrincipal, RequestContext } from '../../policy/types';
import { AWS_SAML_ATTRIBUTES, MAX_ASSERTION_LENGTH, MIN_ASSERTION_LENGTH } from '../../saml/constants';
import { loadSamlVerifier } from '../../saml/load';
import { samlContextKeys, samlIdentity, samlSessionKeys, type SamlIdentity } from '../../saml/saml-context';
import { samlErrors, samlRejectionReason } from '../../saml/saml-errors';
import type { VerifiedSamlAssertion } from '../../saml/verify-response';
import type { Tag } from '../../store/repos/tags';
import { defineOperation, type Call, type Params } from '../types';
import { patterns, Validator } from '../validate';
import { findRole, trustPolicyOf } from './assume-role';
import { credentialsOf, issueFederatedRoleSession, roleSessionSeconds } from './issue-session';
import { federatedSessionChecks, federatedSessionKeys } from './session-tags';

export interface AssumeRoleWithSamlInput {
  roleArn: string;
  principalArn: string;
  samlAssertion: string;
  durationSeconds?: number;
  policy?: string;
  policyArns: string[];
}

/** What `prepare` hands on: the verified assertion and what it asks for. */
export interface PreparedSaml {
  verified: VerifiedSamlAssertion;
  identity: SamlIdentity;
  providerArn: string;
  roleSessionName: string;
  sourceIdentity?: string;
  tags: Tag[];
  transitiveTagKeys: string[];
}

/** `[a-zA-Z_0-9+=,.@-]{2,64}`: RoleSessionName and SourceIdentity in the assertion (troubleshoot_saml.html). */
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

function arnList(v: Validator, name: string): string[] {
  const list = (v.structList(name) ?? []).map((x) => String(x.arn ?? ''));
  list.forEach((a, i) => {
    if (!patterns.stsArn.re.test(a)) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must satisfy regular expression pattern: ${patterns.stsArn.text}`);
    if (a.length < 20) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must have length greater than or equal to 20`);
    if (a.length > 2048) v.addClause(`Value '${a}' at 'policyArns.${i + 1}.member.arn' failed to satisfy constraint: Member must have length less than or equal to 2048`);
  });
  return list;
}

export function readSamlInput(params: Params): AssumeRoleWithSamlInput {
  const v = new Validator(params, 'sts');
  const roleArn = v.string('RoleArn', { required: true, min: 20, max: 2048, pattern: patterns.stsArn });
  const principalArn = v.string('PrincipalArn', { required: true, min: 20, max: 2048, pattern: patterns.stsArn });
  // SAMLAssertion is sensitive: its value is never echoed in the message.
  const raw = params.SAMLAssertion;
  if (raw === undefined || raw === null) v.addClause("Value null at 'sAMLAssertion' failed to satisfy constraint: Member must not be null");
  else if (String(raw).length < MIN_ASSERTION_LENGTH) v.addClause(`Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length greater than or equal to ${MIN_ASSERTION_LENGTH}`);
  else if (String(raw).length > MAX_ASSERTION_LENGTH) v.addClause(`Value at 'sAMLAssertion' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ASSERTION_LENGTH}`);
  const policyArns = arnList(v, 'PolicyArns');
  const policy = v.string('Policy', { min: 1, max: 2048, pattern: patterns.policyDocument });
  const durationSeconds = v.int('DurationSeconds', { min: 900, max: 43200 });
  v.done();
  if (!parseArn(roleArn)) throw awsErrors.validation(`${roleArn} is invalid`);
  // aws-protocol §5.2: a PrincipalArn that is not an ARN is "Request ARN is invalid".
  if (!parseArn(principalArn)) throw awsErrors.validation('Request ARN is invalid');
  if (policyArns.length > 10) throw awsErrors.validation(`1 validation error detected: Value at 'policyArns' failed to satisfy constraint: Member must have length less than or equal to 10`);
  return { roleArn, principalArn, samlAssertion: String(raw), durationSeconds, policy, policyArns };
}

function roleAccount(input: AssumeRoleWithSamlInput): string {
  return parseArn(input.roleArn)!.account;
}

/** The Role attribute values are "role-arn,provider-arn" pairs, in either order (saml_assertions.html). */
function grantsRole(values: string[], roleArn: string, providerArn: string): boolean {
  return values.some((v) => {
    const parts = v.split(',').map((p) => p.trim());
    return parts.length === 2 && ((parts[0] === roleArn && parts[1] === providerArn) || (parts[0] === providerArn && parts[1] === roleArn));
  });
}

/** Reads what the assertion asks for, each with AWS's error when malformed. */
function requestedSession(v: VerifiedSamlAssertion, input: AssumeRoleWithSamlInput): Omit<PreparedSaml, 'verified' | 'identity' | 'providerArn'> {
  const roles = v.attributes.get(AWS_SAML_ATTRIBUTES.role) ?? [];
  if (roles.length === 0) throw samlErrors.roleNotGranted(`the assertion has no ${AWS_SAML_ATTRIBUTES.role} attribute`);
  if (!grantsRole(roles, input.roleArn, input.principalArn)) {
    throw samlErrors.roleNotGranted(`no ${AWS_SAML_ATTRIBUTES.role} value pairs ${input.roleArn} with ${input.principalArn} (values: ${JSON.stringify(roles)})`);
  }
  const name = v.attributes.get(AWS_SAML_ATTRIBUTES.roleSessionName)?.[0];
  if (name === undefined) throw samlErrors.missingSessionName();
  if (!SESSION_NAME.test(name)) throw samlErrors.badSessionName(name);
  // SessionDuration governs console sessions; the API's duration is DurationSeconds (API_AssumeRoleWithSAML.html). It must still be well-formed.
  const duration = v.attributes.get(AWS_SAML_ATTRIBUTES.sessionDuration)?.[0];
  if (duration !== undefined && (!/^\d+$/.test(duration) || Number(duration) < 900 || Number(duration) > 43200)) throw samlErrors.badSessionDuration(duration);
  const sourceIdentity = v.attributes.get(AWS_SAML_ATTRIBUTES.sourceIdentity)?.[0];
  if (sourceIdentity !== undefined && (!SESSION_NAME.test(sourceIdentity) || sourceIdentity.toLowerCase().startsWith('aws:'))) throw samlErrors.badSourceIdentity(sourceIdentity);
  const tags: Tag[] = [];
  for (const [attr, values] of v.attributes) {
    if (attr.startsWith(AWS_SAML_ATTRIBUTES.principalTagPrefix) && values.length > 0) tags.push({ Key: attr.slice(AWS_SAML_ATTRIBUTES.principalTagPrefix.length), Value: values[0] });
  }
  const transitiveTagKeys = v.attributes.get(AWS_SAML_ATTRIBUTES.transitiveTagKeys) ?? [];
  return { roleSessionName: name, sourceIdentity, tags, transitiveTagKeys };
}

function prepared(call: Call): PreparedSaml {
  const p = call.prepared as PreparedSaml | undefined;
  // The pipeline always runs prepare first; without a verified assertion nothing may be authorized.
  if (!p) throw awsErrors.serviceFailure();
  return p;
}

async function verifyFor(input: AssumeRoleWithSamlInput, call: Call): Promise<PreparedSaml> {
  const account = roleAccount(input);
  const provider = call.store.samlProviders.get(input.principalArn);
  // The provider must be the role account's own (a role trusts providers of its account only).
  if (!provider || provider.accountId !== account) throw samlErrors.noProvider(input.principalArn);
  if (Date.parse(provider.validUntil) <= call.now.getTime()) throw samlErrors.providerExpired(provider.arn, provider.validUntil);
  // The XML-DSig stack is loaded with the first SAML response verified (src/saml/load.ts).
  const { verifySamlResponse } = await loadSamlVerifier();
  const verified = await verifySamlResponse(input.samlAssertion, {
    trust: { arn: provider.arn, entityId: provider.entityId, certificates: provider.signingCertificates },
    decryptionKeys: provider.privateKeys.map((k) => k.pem),
    // call.now comes from the server clock, so the admin test clock moves assertion expiry too.
    now: call.now,
  });
  if (provider.assertionEncryptionMode === 'Required' && !verified.encrypted) {
    throw samlErrors.encryption('The SAML provider requires encrypted assertions (AssertionEncryptionMode Required), but the assertion is not encrypted');
  }
  return { verified, identity: samlIdentity(verified, account, provider.name), providerArn: provider.arn, ...requestedSession(verified, input) };
}

export const assumeRoleWithSAML = defineOperation({
  name: 'AssumeRoleWithSAML',
  service: 'sts',
  action: 'sts:AssumeRoleWithSAML',
  mutating: true,
  unsigned: true,
  input: (params) => readSamlInput(params),
  async prepare(input, call): Promise<PreparedSaml> {
    try {
      return await verifyFor(input, call);
    } catch (e) {
      const reason = samlRejectionReason(e);
      if (reason) call.logger.info('saml response rejected', { requestId: call.requestId, principalArn: input.principalArn, reason });
      throw e;
    }
  },
  evalPrincipal(_input, call): EvalPrincipal {
    const p = prepared(call);
    return { type: 'SAML', provider: p.providerArn, userId: p.identity.subject };
  },
  resource: (input) => input.roleArn,
  resourceAccount: (input) => roleAccount(input),
  resourcePolicy: (input, call) => trustPolicyOf(findRole(call, input.roleArn), input.roleArn),
  conditionKeys(_input, call): RequestContext {
    const p = prepared(call);
    return { ...samlContextKeys(p.verified, p.identity), 'sts:RoleSessionName': p.roleSessionName, ...federatedSessionKeys(p) };
  },
  extraChecks: (input, call) => federatedSessionChecks(prepared(call), input.roleArn, roleAccount(input), trustPolicyOf(findRole(call, input.roleArn), input.roleArn)),
  handler(input, call) {
    const p = prepared(call);
    const role = findRole(call, input.roleArn);
    // A missing role trusts nobody, so authorization has already refused; never reveal existence.
    if (!role) throw awsErrors.accessDenied('Not authorized to perform sts:AssumeRoleWithSAML');
    let seconds = roleSessionSeconds(input.durationSeconds, role, false);
    // "until the time specified in the SAML authentication response's SessionNotOnOrAfter value, whichever is shorter".
    const end = p.verified.sessionNotOnOrAfter;
    if (end) {
      const left = Math.floor((end.getTime() - call.now.getTime()) / 1000);
      if (left <= 0) throw samlErrors.expired(call.now.toISOString(), end.toISOString());
      seconds = Math.min(seconds, left);
    }
    const { session, packed } = issueFederatedRoleSession(call, {
      role,
      sessionName: p.roleSessionName,
      seconds,
      via: 'AssumeRoleWithSAML',
      asked: p,
      policy: input.policy,
      policyArns: input.policyArns,
      federatedProvider: p.providerArn,
      // Only saml:namequalifier, saml:sub and saml:sub_type stay available to the session's later requests.
      federationClaims: samlSessionKeys(p.identity),
    });
    return {
      Credentials: credentialsOf(session),
      AssumedRoleUser: { AssumedRoleId: session.principalId, Arn: session.principalArn },
      PackedPolicySize: packed,
      Subject: p.identity.subject,
      SubjectType: p.identity.subjectType,
      Issuer: p.identity.issuer,
      Audience: p.identity.audience,
      NameQualifier: p.identity.nameQualifier,
      SourceIdentity: p.sourceIdentity,
    };
  },
});
