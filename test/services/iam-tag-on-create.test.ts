// Tag-on-create: every IAM Create* that takes Tags also needs the entity's Tag* permission, so a
// principal allowed only the Create* action gets AccessDenied when it passes tags and succeeds without.
import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/services/tags/tag-on-create.json';
import { pipeline } from '../helpers/pipeline';

const CREATOR = { accessKeyId: 'AKIAATAGONCREATE0001', secretAccessKey: 'creator-secret-tag-on-create-00000000001' };

describe('tag on create needs the Tag* action too', () => {
  for (const c of fixture.cases as unknown as { create: string; tagAction: string; params: Record<string, string> }[]) {
    it(`${c.create} with Tags needs ${c.tagAction}`, async () => {
      const allow = (actions: string[]) => ({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: actions, Resource: '*' }] });
      const p = await pipeline({
        users: [
          { name: 'creator', accessKeys: [CREATOR], inlinePolicies: { create: allow([`iam:${c.create}`]) } },
          { name: 'tagger', accessKeys: [{ ...CREATOR, accessKeyId: 'AKIAATAGONCREATE0002' }], inlinePolicies: { create: allow([`iam:${c.create}`, c.tagAction]) } },
        ],
      });
      const tags = { 'Tags.member.1.Key': 'team', 'Tags.member.1.Value': 'payments' };
      const denied = await p.signed({ Action: c.create, Version: '2010-05-08', ...c.params, ...tags }, CREATOR, 'iam');
      expect(denied.status, denied.body).toBe(403);
      expect(denied.error.code).toBe('AccessDenied');
      expect(denied.error.message).toContain(`is not authorized to perform: ${c.tagAction}`);
      const tagged = await p.signed({ Action: c.create, Version: '2010-05-08', ...c.params, ...tags }, { ...CREATOR, accessKeyId: 'AKIAATAGONCREATE0002' }, 'iam');
      expect(tagged.status, tagged.body).toBe(200);
      // Nothing was created by the denied call, and the same call without tags needs only the Create* action.
      const p2 = await pipeline({ users: [{ name: 'creator', accessKeys: [CREATOR], inlinePolicies: { create: allow([`iam:${c.create}`]) } }] });
      const untagged = await p2.signed({ Action: c.create, Version: '2010-05-08', ...c.params }, CREATOR, 'iam');
      expect(untagged.status, untagged.body).toBe(200);
    });
  }
});
