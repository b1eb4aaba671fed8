// Owns session-tag rules shared by AssumeRole* (aws-protocol §5.4; https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html):
// case-insensitive duplicate keys, transitive keys ⊆ passed keys, inherited transitive tags that may not be re-set.
import { AwsError, awsError } from '../../aws/errors';
import type { Session } from '../../store/repos/sessions';
import type { PolicySource, RequestContext } from '../../policy/types';
import type { Tag } from '../../store/repos/tags';
import type { AuthzCheck } from '../types';

const invalidParameterValue = (m: string) => awsError('InvalidParameterValue', m);

export interface ResolvedSessionTags {
  tags: Tag[];
  transitiveTagKeys: string[];
}

export function resolveSessionTags(requested: Tag[], transitive: string[], caller: Session | null): ResolvedSessionTags {
  const seen = new Set<string>();
  for (const t of requested) {
    const k = t.Key.toLowerCase();
    if (seen.has(k)) throw invalidParameterValue('Duplicate tag keys found. Please note that Tag keys are case insensitive.');
    seen.add(k);
  }
  for (const k of transitive) {
    if (!seen.has(k.toLowerCase())) throw invalidParameterValue('The specified transitive tag key must be included in the requested tags.');
  }
  // Transitive tags of the calling session carry over into a chained session and cannot be overridden.
  const inherited: Tag[] = [];
  const inheritedKeys: string[] = [];
  if (caller) {
    const callerTransitive = new Set(caller.transitiveTagKeys.map((k) => k.toLowerCase()));
    for (const t of caller.tags) {
      if (!callerTransitive.has(t.Key.toLowerCase())) continue;
      if (seen.has(t.Key.toLowerCase())) {
        throw invalidParameterValue("One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.");
      }
      inherited.push(t);
      inheritedKeys.push(t.Key);
    }
  }
  return { tags: [...inherited, ...requested], transitiveTagKeys: [...inheritedKeys, ...transitive] };
}

/** What an IdP's token or assertion asks the session to carry (AssumeRoleWithWebIdentity / AssumeRoleWithSAML). */
export interface FederatedSessionRequest {
  tags: Tag[];
  transitiveTagKeys: string[];
  sourceIdentity?: string;
}

/** The request keys of those asks: sts:SourceIdentity, aws:RequestTag/*, aws:TagKeys, sts:TransitiveTagKeys. */
export function federatedSessionKeys(r: FederatedSessionRequest): RequestContext {
  const ctx: RequestContext = {};
  if (r.sourceIdentity) ctx['sts:SourceIdentity'] = r.sourceIdentity;
  if (r.tags.length > 0) {
    for (const t of r.tags) ctx[`aws:RequestTag/${t.Key}`] = t.Value;
    ctx['aws:TagKeys'] = r.tags.map((t) => t.Key);
  }
  if (r.transitiveTagKeys.length > 0) ctx['sts:TransitiveTagKeys'] = r.transitiveTagKeys;
  return ctx;
}

/** The trust policy must also allow sts:TagSession for tags and sts:SetSourceIdentity for a source identity. */
export function federatedSessionChecks(r: FederatedSessionRequest, roleArn: string, account: string, trust: PolicySource): AuthzCheck[] {
  const checks: AuthzCheck[] = [];
  if (r.tags.length > 0) checks.push({ action: 'sts:TagSession', resource: roleArn, resourceAccount: account, resourcePolicy: trust });
  if (r.sourceIdentity) checks.push({ action: 'sts:SetSourceIdentity', resource: roleArn, resourceAccount: account, resourcePolicy: trust });
  return checks;
}
