// Tag/Untag/List…Tags for every taggable IAM entity (fixtures/services/tags/taggables.json): round
// trips, case rules, the 50-tag quota, the reserved `aws:` prefix, validation, NoSuchEntity texts,
// paging, and aws:ResourceTag / aws:RequestTag / aws:TagKeys reaching the authorizer.
import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/authz/authorize';
import { iamOperations } from '../../src/services/iam/index';
import fixtures from '../fixtures/services/tags/taggables.json';
import { harness, thrown, type Harness } from '../helpers/services';

const trust = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }] };
const seed = {
  policies: [{ name: 'TaggedPolicy', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } }],
  users: [{ name: 'tagged-user' }],
  roles: [{ name: 'tagged-role', trustPolicy: trust }],
  oidcProviders: [{ url: 'https://token.example.com', clientIds: ['sts.amazonaws.com'] }],
};

async function setup(): Promise<Harness> {
  const h = await harness(seed);
  const at = h.clock.now().toISOString();
  h.store.instanceProfiles.create({ id: 'AIPAAAAAAAAAAAAAAAAAA', accountId: '000000000000', name: 'tagged-profile', path: '/', arn: 'arn:aws:iam::000000000000:instance-profile/tagged-profile', createdAt: at });
  h.store.mfaDevices.create({ serial: 'arn:aws:iam::000000000000:mfa/tagged-device', accountId: '000000000000', name: 'tagged-device', path: '/', seedBase32: 'JBSWY3DPEHPK3PXP', createdAt: at });
  return h;
}

const op = (name: string) => {
  const o = iamOperations.get(name);
  if (!o) throw new Error(`${name} is not registered`);
  return o;
};

for (const t of fixtures.taggables) {
  describe(`Tag${t.noun} / Untag${t.noun} / List${t.noun}Tags`, () => {
    const target = { [t.param]: t.target };
    const list = (h: Harness, extra: Record<string, unknown> = {}) => h.run(op(`List${t.noun}Tags`), { ...target, ...extra }, h.root()) as { Tags: { Key: string; Value: string }[]; IsTruncated: boolean; Marker?: string };

    it('round trip: tags are listed in the order given; Untag removes and ignores unknown keys', async () => {
      const h = await setup();
      expect(list(h)).toEqual({ Tags: [], IsTruncated: false });
      expect(h.run(op(`Tag${t.noun}`), { ...target, Tags: [{ Key: 'team', Value: 'payments' }, { Key: 'env', Value: '' }] }, h.root())).toBeUndefined();
      expect(list(h).Tags).toEqual([{ Key: 'team', Value: 'payments' }, { Key: 'env', Value: '' }]);
      h.run(op(`Tag${t.noun}`), { ...target, Tags: [{ Key: 'team', Value: 'platform' }] }, h.root());
      expect(list(h).Tags).toEqual([{ Key: 'team', Value: 'platform' }, { Key: 'env', Value: '' }]);
      h.run(op(`Untag${t.noun}`), { ...target, TagKeys: ['env', 'never-set'] }, h.root());
      expect(list(h).Tags).toEqual([{ Key: 'team', Value: 'platform' }]);
    });

    it(t.caseInsensitive ? 'keys are case-insensitive but case-preserving: a later spelling replaces the tag' : 'keys are case-sensitive: `Team` and `team` coexist', async () => {
      const h = await setup();
      h.run(op(`Tag${t.noun}`), { ...target, Tags: [{ Key: 'team', Value: 'a' }] }, h.root());
      h.run(op(`Tag${t.noun}`), { ...target, Tags: [{ Key: 'Team', Value: 'b' }] }, h.root());
      expect(list(h).Tags).toEqual(t.caseInsensitive ? [{ Key: 'Team', Value: 'b' }] : [{ Key: 'team', Value: 'a' }, { Key: 'Team', Value: 'b' }]);
      const dup = thrown(() => h.run(op(`Tag${t.noun}`), { ...target, Tags: [{ Key: 'x', Value: '1' }, { Key: t.caseInsensitive ? 'X' : 'x', Value: '2' }] }, h.root()));
      expect(dup).toEqual({
        code: 'InvalidInput',
        message: t.caseInsensitive ? 'Duplicate tag keys found. Please note that Tag keys are case insensitive.' : 'Duplicate tag keys found.',
        status: 400,
      });
      if (t.caseInsensitive) {
        // Untag matches keys case-insensitively too.
        h.run(op(`Untag${t.noun}`), { ...target, TagKeys: ['TEAM'] }, h.root());
        expect(list(h).Tags).toEqual([]);
      }
    });

    it('at most 50 tags per entity (LimitExceeded); `aws:` keys are reserved (InvalidInput)', async () => {
      const h = await setup();
      const fifty = Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: String(i) }));
      h.run(op(`Tag${t.noun}`), { ...target, Tags: fifty }, h.root());
      // Re-tagging an existing key does not count twice.
      h.run(op(`Tag${t.noun}`), { ...target, Tags: [{ Key: 'k0', Value: 'again' }] }, h.root());
      expect(thrown(() => h.run(op(`Tag${t.noun}`), { ...target, Tags: [{ Key: 'one-more', Value: 'x' }] }, h.root()))).toEqual({
        code: 'LimitExceeded', message: 'The number of tags has reached the maximum limit.', status: 409,
      });
      expect(thrown(() => h.run(op(`Tag${t.noun}`), { ...target, Tags: [{ Key: 'AWS:owner', Value: 'x' }] }, h.root()))).toEqual({
        code: 'InvalidInput', message: "Tag keys starting with 'aws:' are reserved for internal use.", status: 400,
      });
    });

    it('List pages with MaxItems/Marker; a missing entity is NoSuchEntity with IAM’s text', async () => {
      const h = await setup();
      h.run(op(`Tag${t.noun}`), { ...target, Tags: Array.from({ length: 5 }, (_, i) => ({ Key: `k${i}`, Value: '' })) }, h.root());
      const p1 = list(h, { MaxItems: '2' });
      expect(p1.Tags.map((x) => x.Key)).toEqual(['k0', 'k1']);
      expect(p1.IsTruncated).toBe(true);
      const p2 = list(h, { MaxItems: '3', Marker: p1.Marker });
      expect(p2).toEqual({ Tags: ['k2', 'k3', 'k4'].map((Key) => ({ Key, Value: '' })), IsTruncated: false });
      for (const name of [`Tag${t.noun}`, `Untag${t.noun}`, `List${t.noun}Tags`]) {
        const params = { [t.param]: t.missing, Tags: [{ Key: 'a', Value: 'b' }], TagKeys: ['a'] };
        expect(thrown(() => h.run(op(name), params, h.root()))).toEqual({ code: 'NoSuchEntity', message: t.notFound, status: 404 });
      }
    });

    for (const c of fixtures.validation) {
      it(`validation: ${c.name}`, async () => {
        const h = await setup();
        const params: Record<string, unknown> = { ...target, ...c.params };
        if (params.Tags === '@@TAGS51@@') params.Tags = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: '' }));
        if (Array.isArray(params.Tags)) params.Tags = (params.Tags as { Key: string; Value: string }[]).map((x) => (x.Value === '@@VALUE257@@' ? { ...x, Value: 'v'.repeat(257) } : x));
        expect(thrown(() => h.run(op(`Tag${t.noun}`), params, h.root()))).toEqual({ code: 'ValidationError', message: c.message, status: 400 });
      });
    }
  });
}

describe('tag condition keys reach the authorizer', () => {
  it('aws:ResourceTag/K and iam:ResourceTag/K of a role are in the context of any action on it', async () => {
    const h = await harness({
      ...seed,
      users: [{
        name: 'tagger',
        inlinePolicies: {
          p: {
            Version: '2012-10-17',
            Statement: [
              { Effect: 'Allow', Action: 'iam:GetRole', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'payments', 'iam:ResourceTag/team': 'payments' } } },
              { Effect: 'Allow', Action: 'iam:TagRole', Resource: '*', Condition: { 'ForAllValues:StringEquals': { 'aws:TagKeys': ['team'] }, StringEquals: { 'aws:RequestTag/team': 'payments' } } },
            ],
          },
        },
      }],
    });
    const tagger = h.user('tagger');
    const role = 'arn:aws:iam::000000000000:role/tagged-role';
    const ask = (action: string, context = {}) => () => authorize(h.store, { principal: tagger, action, resource: role, context });
    expect(thrown(ask('iam:GetRole')).code).toBe('AccessDenied');
    h.run(op('TagRole'), { RoleName: 'tagged-role', Tags: [{ Key: 'team', Value: 'payments' }] }, h.root());
    expect(ask('iam:GetRole')()).toMatchObject({ decision: 'allowed' });

    // TagRole's own keys come from the operation: aws:RequestTag/K and aws:TagKeys.
    const tagRole = op('TagRole');
    const keysFor = (tags: object[]) => {
      const call = h.call(tagger);
      return tagRole.conditionKeys!(tagRole.input({ RoleName: 'tagged-role', Tags: tags }, call), call);
    };
    expect(ask('iam:TagRole', keysFor([{ Key: 'team', Value: 'payments' }]))()).toMatchObject({ decision: 'allowed' });
    expect(thrown(ask('iam:TagRole', keysFor([{ Key: 'team', Value: 'payments' }, { Key: 'cost', Value: '1' }]))).code).toBe('AccessDenied');
  });
});
