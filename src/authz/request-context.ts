// Owns the request context: the global condition keys (aws:*) a signed request carries, built from the
// principal, its session and the request. Which keys exist when: iam-evaluation.md §11–12;
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
import { membershipOf } from './org-memo';
import type { Principal } from '../auth/principal';
import type { RequestContext } from '../policy/types';
import type { Tag } from '../store/repos/tags';
import type { Store } from '../store/store';
import { parseArn } from '../aws/arn';
import { isoSeconds } from '../aws/time';

export interface RequestFacts {
  now: Date;
  region: string;
  sourceIp: string;
  secureTransport: boolean;
  userAgent: string | null;
}

/** Merges role tags with session tags; a session tag overrides a role tag with the same key, case-insensitively. */
export function mergePrincipalTags(base: Tag[], session: Tag[]): Tag[] {
  const out = new Map<string, Tag>();
  for (const t of base) out.set(t.Key.toLowerCase(), t);
  for (const t of session) out.set(t.Key.toLowerCase(), t);
  return [...out.values()];
}

/**
 * Organization keys of an account: aws:PrincipalOrgID and aws:PrincipalOrgPaths (`o-…/r-…/ou-…/`), or the
 * Resource… / Source… pair (aws:SourceOrgID, aws:SourceOrgPaths: the account a service acts for).
 */
export function orgKeys(store: Store, accountId: string, prefix: 'Principal' | 'Resource' | 'Source'): RequestContext {
  const m = membershipOf(store, accountId);
  if (!m) return {};
  const path = `${m.org.id}/${m.path.map((u) => u.id).join('/')}/`;
  return { [`aws:${prefix}OrgID`]: m.org.id, [`aws:${prefix}OrgPaths`]: [path] };
}

/**
 * Keys of the account that owns the resource: aws:ResourceAccount, and aws:ResourceOrgID /
 * aws:ResourceOrgPaths when that account is in an organization (iam-evaluation §11;
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html#condition-keys-resourceorgid).
 * Same-account requests reuse the principal's organization keys already in `ctx`.
 */
export function resourceKeys(store: Store, resourceAccount: string | undefined, principalAccount: string | null, ctx: RequestContext): RequestContext {
  if (!resourceAccount || !/^\d{12}$/.test(resourceAccount)) return {};
  const out: RequestContext = { 'aws:ResourceAccount': resourceAccount };
  if (resourceAccount === principalAccount && ctx['aws:PrincipalOrgID'] !== undefined) {
    out['aws:ResourceOrgID'] = ctx['aws:PrincipalOrgID'];
    out['aws:ResourceOrgPaths'] = ctx['aws:PrincipalOrgPaths'];
    return out;
  }
  return Object.assign(out, orgKeys(store, resourceAccount, 'Resource'));
}

/** The principal's tags as aws:PrincipalTag/K (user tags, or role tags merged with session tags). */
function principalTags(store: Store, p: Principal): Tag[] {
  switch (p.kind) {
    case 'user':
      return store.tags.list('user', p.user.id);
    case 'assumed-role':
      return mergePrincipalTags(p.role ? store.tags.list('role', p.role.id) : [], p.session.tags);
    case 'federated-user':
      return p.session.tags;
    default:
      return [];
  }
}

export function buildRequestContext(store: Store, p: Principal, facts: RequestFacts): RequestContext {
  const ctx: RequestContext = {
    'aws:CurrentTime': isoSeconds(facts.now),
    'aws:EpochTime': String(Math.floor(facts.now.getTime() / 1000)),
    'aws:SecureTransport': facts.secureTransport ? 'true' : 'false',
    'aws:SourceIp': facts.sourceIp,
    'aws:RequestedRegion': facts.region,
    'aws:ViaAWSService': 'false',
  };
  if (facts.userAgent !== null) ctx['aws:UserAgent'] = facts.userAgent;

  if (p.kind === 'anonymous') {
    ctx['aws:PrincipalAccount'] = 'anonymous';
    ctx['aws:PrincipalType'] = 'Anonymous';
    ctx['aws:userid'] = 'anonymous';
    return ctx;
  }

  ctx['aws:PrincipalAccount'] = p.accountId;
  ctx['aws:PrincipalIsAWSService'] = 'false';
  ctx['aws:userid'] = p.userId;
  switch (p.kind) {
    case 'root':
      ctx['aws:PrincipalArn'] = p.arn;
      ctx['aws:PrincipalType'] = 'Account';
      break;
    case 'user':
      ctx['aws:PrincipalArn'] = p.user.arn;
      ctx['aws:PrincipalType'] = 'User';
      ctx['aws:username'] = p.user.name;
      break;
    case 'assumed-role':
      // aws:PrincipalArn of a role session is the role ARN (with path), never the session ARN.
      ctx['aws:PrincipalArn'] = p.roleArn;
      ctx['aws:PrincipalType'] = 'AssumedRole';
      break;
    case 'federated-user':
      ctx['aws:PrincipalArn'] = p.arn;
      ctx['aws:PrincipalType'] = 'FederatedUser';
      break;
  }

  for (const t of principalTags(store, p)) ctx[`aws:PrincipalTag/${t.Key}`] = t.Value;
  Object.assign(ctx, orgKeys(store, p.accountId, 'Principal'));

  const s = p.session;
  if (s) {
    // Temporary credentials only: token issue time and whether MFA was used to get them.
    ctx['aws:TokenIssueTime'] = isoSeconds(new Date(s.issuedAt));
    ctx['aws:MultiFactorAuthPresent'] = s.mfaAuthenticated ? 'true' : 'false';
    if (s.mfaAuthenticated && s.mfaAuthTime) {
      ctx['aws:MultiFactorAuthAge'] = String(Math.max(0, Math.floor((facts.now.getTime() - Date.parse(s.mfaAuthTime)) / 1000)));
    }
    if (s.sourceIdentity) ctx['aws:SourceIdentity'] = s.sourceIdentity;
    if (s.federatedProvider) ctx['aws:FederatedProvider'] = s.federatedProvider;
    // Web identity / SAML claims that persist into later requests (iam-evaluation §12).
    if (s.federationClaims) {
      for (const [k, v] of Object.entries(s.federationClaims)) {
        if (typeof v === 'string' || (Array.isArray(v) && v.every((x) => typeof x === 'string'))) ctx[k] = v as string | string[];
      }
    }
  }
  return ctx;
}

/**
 * aws:ResourceTag/K (and iam:ResourceTag/K for roles and users) of the IAM resource a request acts on,
 * from its stored tags: every action on a tagged role, user, customer managed policy, OIDC provider,
 * instance profile or MFA device carries them (sts:AssumeRole included: the role's tags); so do EC2 instances.
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/access_iam-tags.html
 */
export function resourceTagContext(store: Store, resourceArn: string): RequestContext {
  // EC2 instances: aws:ResourceTag/K (ec2:ResourceTag/K comes with the operation's own keys).
  const ec2 = resourceArn.startsWith('arn:aws:ec2:') ? /^arn:aws:ec2:[a-z0-9-]+:(\d{12}):instance\/(i-[0-9a-f]+)$/.exec(resourceArn) : null;
  if (ec2) {
    const i = store.ec2Instances.get(ec2[2]!);
    const ctx: RequestContext = {};
    if (i && i.accountId === ec2[1]) for (const t of i.tags) ctx[`aws:ResourceTag/${t.Key}`] = t.Value;
    return ctx;
  }
  // Organizations accounts, roots, OUs, customer policies, the resource policy and transfers: aws:ResourceTag/K
  // (the resource types' condition keys in https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsorganizations.html).
  const org = resourceArn.startsWith('arn:aws:organizations:') && /^arn:aws:organizations::\d{12}:(account|root|ou|policy|resourcepolicy|transfer)\/o-[a-z0-9]+\/(?:.*\/)?([^/]+)$/.exec(resourceArn);
  if (org) {
    const kind = ({ account: 'org-account', root: 'org-unit', ou: 'org-unit', policy: 'org-policy', resourcepolicy: 'org-resource-policy', transfer: 'org-transfer' } as const)[org[1] as 'account'];
    const ctx: RequestContext = {};
    for (const t of store.tags.list(kind, org[2]!)) ctx[`aws:ResourceTag/${t.Key}`] = t.Value;
    return ctx;
  }
  if (!resourceArn.startsWith('arn:') || !resourceArn.includes(':iam::')) return {};
  const parsed = parseArn(resourceArn);
  const account = parsed?.account ?? '';
  const resource = parsed?.resource ?? '';
  const slash = resource.indexOf('/');
  const type = slash < 0 ? resource : resource.slice(0, slash);
  let tags: Tag[] = [];
  let iamKeys = false;
  switch (type) {
    case 'role': {
      const r = store.roles.getByArn(resourceArn);
      if (r) tags = store.tags.list('role', r.id);
      iamKeys = true;
      break;
    }
    case 'user': {
      const u = store.users.getByArn(resourceArn);
      if (u) tags = store.tags.list('user', u.id);
      iamKeys = true;
      break;
    }
    case 'policy':
      tags = store.tags.list('policy', resourceArn);
      break;
    case 'oidc-provider':
      tags = store.tags.list('oidc-provider', resourceArn);
      break;
    case 'mfa':
      tags = store.tags.list('mfa', resourceArn);
      break;
    case 'instance-profile': {
      const p = store.instanceProfiles.getByName(account, resource.slice(resource.lastIndexOf('/') + 1));
      if (p && p.arn === resourceArn) tags = store.tags.list('instance-profile', p.id);
      break;
    }
    default:
      return {};
  }
  const ctx: RequestContext = {};
  for (const t of tags) {
    ctx[`aws:ResourceTag/${t.Key}`] = t.Value;
    if (iamKeys) ctx[`iam:ResourceTag/${t.Key}`] = t.Value;
  }
  return ctx;
}
