// Owns the Principal / NotPrincipal elements: compiling them, matching a caller, and the
// principal *form* a resource policy used (it decides what can still limit the grant).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic_policy-eval-denyallow.html

import { accountFromArn, parseArn } from './arn';
import type { EvalPrincipal, PrincipalType } from './types';

export interface CompiledPrincipal {
  /** `"*"` or `{"AWS": "*"}`: everyone, anonymous included. */
  any: boolean;
  aws: string[];
  /** Lower-cased service principals. */
  service: string[];
  federated: string[];
  canonical: string[];
  /** Element problems (unknown principal type key, non-string values). */
  errors: string[];
}

export function compilePrincipal(raw: unknown): CompiledPrincipal {
  const p: CompiledPrincipal = { any: false, aws: [], service: [], federated: [], canonical: [], errors: [] };
  if (raw === '*') {
    p.any = true;
    return p;
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    p.errors.push(`invalid principal ${JSON.stringify(raw)}`);
    return p;
  }
  for (const [k, v] of Object.entries(raw as Record<string, unknown>)) {
    const list = Array.isArray(v) ? v : [v];
    const strs: string[] = [];
    for (const x of list) {
      if (typeof x === 'string') strs.push(x.trim());
      else p.errors.push(`invalid principal value ${JSON.stringify(x)}`);
    }
    switch (k) {
      case 'AWS':
        for (const s of strs) {
          if (s === '*') p.any = true;
          else p.aws.push(s);
        }
        break;
      case 'Service':
        for (const s of strs) p.service.push(s.toLowerCase());
        break;
      case 'Federated':
        p.federated.push(...strs);
        break;
      case 'CanonicalUser':
        p.canonical.push(...strs);
        break;
      default:
        p.errors.push(`unknown principal type ${k}`);
    }
  }
  return p;
}

/** Everything principal matching needs, derived once per request. */
export interface Caller {
  type: PrincipalType;
  /** IAM user, root, role *session* or federated-user ARN. */
  arn: string | undefined;
  account: string | undefined;
  roleArn: string | undefined;
  roleId: string | undefined;
  userId: string | undefined;
  federatingUserArn: string | undefined;
  service: string | undefined;
  provider: string | undefined;
  canonical: string | undefined;
  /** An identity of an AWS account (user, role session, federated user, root). */
  isAwsIdentity: boolean;
  /** A session of a service-linked role: SCPs and RCPs do not restrict it. */
  serviceLinkedRole: boolean;
}

export function callerFrom(p: EvalPrincipal): Caller {
  const type = p.type;
  const isAwsIdentity = type === 'IAMUser' || type === 'AssumedRole' || type === 'FederatedUser' || type === 'Root';
  const account = p.account ?? accountFromArn(p.arn) ?? accountFromArn(p.roleArn);
  const roleArn = p.roleArn;
  const str = (x: unknown) => (typeof x === 'string' && x ? x : undefined);
  return {
    type,
    arn: p.arn,
    account: isAwsIdentity ? account : undefined,
    roleArn,
    roleId: p.roleId ?? (type === 'AssumedRole' && p.userId ? p.userId.split(':')[0] : undefined),
    userId: p.userId,
    federatingUserArn: p.federatingUserArn,
    service: p.service?.toLowerCase(),
    provider: p.provider,
    canonical: str(p.canonicalUser) ?? str(p.canonicalUserId),
    isAwsIdentity,
    serviceLinkedRole: type === 'AssumedRole' && !!roleArn && roleArn.includes(':role/aws-service-role/'),
  };
}

/** How a resource-policy Allow named the caller (§3 of the reference): decides what caps the grant. */
export const NONE = 0;
/** The caller's account (delegation: the account's IAM policies must allow). */
export const ACCOUNT = 1;
/** The caller's role ARN or the IAM user behind a federated session: boundary and session policy cap it. */
export const PARENT = 2;
/** The caller itself (user, role session, federated user, service, web identity) or `*`. */
export const DIRECT = 3;
export type PrincipalForm = 0 | 1 | 2 | 3;

const ACCOUNT_ID = /^\d{12}$/;

/**
 * A Federated principal names an identity provider: an OIDC/SAML provider ARN or a well-known host
 * (accounts.google.com, cognito-identity.amazonaws.com, …). The caller's provider may be given in
 * either form; an OIDC provider ARN names its host.
 */
function sameProvider(policyValue: string, provider: string): boolean {
  if (policyValue === provider) return true;
  // Identity providers are account resources: two provider ARNs name the same provider only in the
  // same account (and partition).
  const pa = parseArn(policyValue);
  const ca = parseArn(provider);
  if (pa && ca && (pa.account !== ca.account || pa.partition !== ca.partition)) return false;
  const host = (x: string) => {
    const a = parseArn(x);
    return a && a.service === 'iam' && a.resource.startsWith('oidc-provider/') ? a.resource.slice(14).toLowerCase() : x.toLowerCase();
  };
  return host(policyValue) === host(provider);
}

function accountOfEntry(e: string): string | null {
  if (ACCOUNT_ID.test(e)) return e;
  const a = parseArn(e);
  if (a && a.service === 'iam' && a.resource === 'root' && a.region === '') return a.account;
  return null;
}

/** Matches one `AWS` entry against the caller; returns the form it named. */
function matchAwsEntry(e: string, c: Caller): PrincipalForm {
  const acct = accountOfEntry(e);
  if (acct !== null) return c.isAwsIdentity && c.account === acct ? ACCOUNT : NONE;
  switch (c.type) {
    case 'IAMUser':
      return e === c.arn || (!!c.userId && e === c.userId) ? DIRECT : NONE;
    case 'AssumedRole':
      if (e === c.arn) return DIRECT;
      if (e === c.roleArn || (!!c.roleId && e === c.roleId)) return PARENT;
      return NONE;
    case 'FederatedUser':
      if (e === c.arn) return DIRECT;
      if (e === c.federatingUserArn) return PARENT;
      return NONE;
    default:
      return NONE;
  }
}

/** The strongest form under which the Principal element names the caller (NONE if it does not). */
export function matchPrincipal(p: CompiledPrincipal, c: Caller): PrincipalForm {
  if (p.any) return DIRECT;
  let best: PrincipalForm = NONE;
  for (const e of p.aws) {
    const f = matchAwsEntry(e, c);
    if (f > best) best = f;
    if (best === DIRECT) return best;
  }
  if (c.type === 'Service' && c.service && p.service.includes(c.service)) return DIRECT;
  if ((c.type === 'WebIdentity' || c.type === 'SAML') && c.provider && p.federated.some((f) => sameProvider(f, c.provider!))) return DIRECT;
  if (c.canonical && p.canonical.includes(c.canonical)) return DIRECT;
  return best;
}

/**
 * NotPrincipal (with Deny): is the caller exempted? AWS may check the account, then the role, then
 * the session, so every link of the caller's chain must be listed; listing the account alone
 * exempts no one but the root user.
 */
export function exemptedByNotPrincipal(p: CompiledPrincipal, c: Caller): boolean {
  if (p.any) return true;
  const listed = (pred: (e: string) => boolean) => p.aws.some(pred);
  const acctListed = () => !!c.account && listed((e) => accountOfEntry(e) === c.account);
  switch (c.type) {
    case 'Root':
      return acctListed();
    case 'IAMUser':
      return acctListed() && listed((e) => e === c.arn || (!!c.userId && e === c.userId));
    case 'AssumedRole':
      return (
        acctListed() &&
        listed((e) => e === c.roleArn || (!!c.roleId && e === c.roleId)) &&
        listed((e) => e === c.arn)
      );
    case 'FederatedUser':
      return acctListed() && listed((e) => e === c.arn);
    case 'Service':
      return !!c.service && p.service.includes(c.service);
    case 'WebIdentity':
    case 'SAML':
      return !!c.provider && p.federated.some((f) => sameProvider(f, c.provider!));
    default:
      return false;
  }
}
