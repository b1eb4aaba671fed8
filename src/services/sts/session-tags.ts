// Owns session-tag rules shared by AssumeRole* (aws-protocol §5.4; https://docs.aws.amazon.com/IAM/latest/UserGuide/id_session-tags.html):
// case-insensitive duplicate keys, transitive keys ⊆ passed keys, inherited transitive tags that may not be re-set.
import { AwsError, awsError } from '../../aws/errors';
import type { Session } from '../../store/repos/sessions';
import type { Tag } from '../../store/repos/tags';

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
