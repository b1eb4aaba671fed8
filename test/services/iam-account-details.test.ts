// GetAccountAuthorizationDetails and its reverse: the JSON `aws iam get-account-authorization-details`
// prints (fixtures/services/account-details/cli-output.json) loads as a seed keeping AWS's ids, ARNs and
// dates, answers with the same details, and survives details → seed → details again (raw encoded form).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../src/auth/principal';
import { getAccountAuthorizationDetails } from '../../src/services/iam/account-authorization-details';
import { loadSeedSources } from '../../src/store/seed-load';
import { SeedError } from '../../src/store/seed-schema';
import badOutputs from '../fixtures/services/account-details/bad-outputs.json';
import { harness, thrown, type Harness } from '../helpers/services';

const FIXTURE = new URL('../fixtures/services/account-details/cli-output.json', import.meta.url);
const cliOutput = JSON.parse(readFileSync(FIXTURE, 'utf8')) as Record<string, any>;
const ACCOUNT = '123456789012';
const rootOf = (account: string): Principal => ({ kind: 'root', accountId: account, arn: `arn:aws:iam::${account}:root`, userId: account, accessKeyId: 'x', session: null });

/** Details as the CLI prints them: documents decoded to objects, dates as ISO strings with +00:00. */
function asCli(v: unknown, key = ''): unknown {
  if (v instanceof Date) return v.toISOString().replace('.000Z', '+00:00');
  if (Array.isArray(v)) return v.map((x) => asCli(x, key));
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== undefined) out[k] = asCli(x, k);
    return out;
  }
  if (typeof v === 'string' && (key === 'PolicyDocument' || key === 'Document' || key === 'AssumeRolePolicyDocument')) return JSON.parse(decodeURIComponent(v));
  return v;
}

function allDetails(h: Harness, account: string, filter?: string[]): Record<string, any> {
  const out = h.run(getAccountAuthorizationDetails, filter ? { Filter: filter } : {}, rootOf(account));
  expect(out.IsTruncated).toBe(false);
  return out;
}

describe('GetAccountAuthorizationDetails ← CLI output seed', () => {
  it('the CLI output loads and is answered back identically (AWS managed policies from the catalogue)', async () => {
    const h = await harness(cliOutput);
    const got = asCli(allDetails(h, ACCOUNT)) as Record<string, any>;
    expect(got.UserDetailList).toEqual(cliOutput.UserDetailList);
    // The raw-API (percent-encoded) inline document came back decoded like the others.
    expect(got.GroupDetailList).toEqual(cliOutput.GroupDetailList.map((g: any) => ({ ...g, GroupPolicyList: g.GroupPolicyList.map((p: any) => ({ ...p, PolicyDocument: JSON.parse(decodeURIComponent(p.PolicyDocument)) })) })));
    expect(got.RoleDetailList).toEqual(cliOutput.RoleDetailList);
    const local = got.Policies.filter((p: any) => !p.Arn.startsWith('arn:aws:iam::aws:'));
    expect(local).toEqual(cliOutput.Policies.filter((p: any) => !p.Arn.startsWith('arn:aws:iam::aws:')));
    expect(got.Policies.filter((p: any) => p.Arn.startsWith('arn:aws:iam::aws:')).map((p: any) => p.PolicyName)).toEqual(['AmazonS3ReadOnlyAccess', 'IAMUserChangePassword']);
    // Version numbering continues after the highest imported version.
    expect(h.store.managedPolicies.addVersion(`arn:aws:iam::${ACCOUNT}:policy/AppDeploy`, '{"Version":"2012-10-17","Statement":[]}', '2026-11-29T12:00:00.000Z', false)).toBe('v4');
  });

  it('details → seed → details: the raw (percent-encoded) API result round-trips', async () => {
    const h1 = await harness({
      policies: [{ name: 'P', path: '/team/', description: 'd', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*', Resource: '*' }] } }],
      groups: [{ name: 'g', managedPolicies: ['P', 'arn:aws:iam::aws:policy/ReadOnlyAccess'], inlinePolicies: { gi: { Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 'ec2:*', Resource: '*' }] } } }],
      users: [{ name: 'u', groups: ['g'], permissionsBoundary: 'P', tags: { a: '1' } }],
      roles: [{ name: 'r', path: '/x/', trustPolicy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::000000000000:user/u' }, Action: 'sts:AssumeRole' }] }, managedPolicies: ['P'], tags: { t: 'v' } }],
    });
    const role = h1.store.roles.getByName('000000000000', 'r')!;
    h1.store.instanceProfiles.create({ id: 'AIPAROUNDTRIP0000001', accountId: '000000000000', name: 'ip', path: '/', arn: 'arn:aws:iam::000000000000:instance-profile/ip', createdAt: '2026-01-01T00:00:00.000Z' });
    h1.store.instanceProfiles.addRole('AIPAROUNDTRIP0000001', role.id);
    h1.store.managedPolicies.addVersion('arn:aws:iam::000000000000:policy/team/P', '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}', '2026-11-29T13:00:00.000Z', true);

    const first = allDetails(h1, '000000000000');
    // Dates become strings in JSON, exactly as a saved `aws iam get-account-authorization-details > file.json` would hold them.
    const saved = JSON.parse(JSON.stringify(first));
    delete saved.IsTruncated;
    const h2 = await harness(saved);
    const second = allDetails(h2, '000000000000');
    expect(asCli(second)).toEqual(asCli(first));
  });

  it('Filter selects lists; MaxItems/Marker page across all of them', async () => {
    const h = await harness(cliOutput);
    const roles = h.run(getAccountAuthorizationDetails, { Filter: ['Role'] }, rootOf(ACCOUNT));
    expect(roles.UserDetailList).toEqual([]);
    expect((roles.RoleDetailList as any[]).map((r) => r.RoleName)).toEqual(['app-server', 'breakglass']);
    expect(roles.Policies).toEqual([]);
    const names: string[] = [];
    let marker: string | undefined;
    do {
      const page = h.run(getAccountAuthorizationDetails, { MaxItems: '2', ...(marker ? { Marker: marker } : {}) }, rootOf(ACCOUNT));
      for (const k of ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'] as const) {
        for (const e of page[k] as any[]) names.push(e.UserName ?? e.GroupName ?? e.RoleName ?? e.PolicyName);
      }
      marker = page.Marker as string | undefined;
    } while (marker);
    expect(names).toEqual(['alice', 'bob', 'Developers', 'app-server', 'breakglass', 'AppDeploy', 'ContractorBoundary', 'AmazonS3ReadOnlyAccess', 'IAMUserChangePassword']);
    expect(thrown(() => h.run(getAccountAuthorizationDetails, { Filter: ['Users'] }, rootOf(ACCOUNT)))).toEqual({
      code: 'ValidationError',
      message: "1 validation error detected: Value at 'filter.1.member' failed to satisfy constraint: Member must satisfy enum value set: [User, Role, Group, LocalManagedPolicy, AWSManagedPolicy]",
      status: 400,
    });
  });

  it('re-applying the same output is an upsert (seeds are re-applied at every start)', async () => {
    const h = await harness(cliOutput);
    const before = asCli(allDetails(h, ACCOUNT));
    const { applySeedDocuments } = await import('../../src/store/seed-load');
    await applySeedDocuments(h.store, await loadSeedSources([cliOutput]), { ids: h.ids, now: h.clock.now(), config: { defaultAccountId: '000000000000', defaultRegion: 'us-east-1' } });
    expect(asCli(allDetails(h, ACCOUNT))).toEqual(before);
  });

  it('a bad entry stops loading with the file, the entry and the problem', async () => {
    const bad = structuredClone(cliOutput);
    bad.RoleDetailList[1].RolePolicyList[0].PolicyDocument = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:*' }] };
    await expect(loadSeedSources([bad])).rejects.toThrow(new SeedError('seed[0]: RoleDetailList[1] (breakglass): RolePolicyList[0] (admin) PolicyDocument: MalformedPolicyDocument: Policy statement must contain resources.'));
    const unknownGroup = structuredClone(cliOutput);
    unknownGroup.UserDetailList[0].GroupList = ['Nope'];
    await expect(harness(unknownGroup)).rejects.toThrow('seed[0]: UserDetailList[0] (alice): group Nope is not in GroupDetailList');
  });
});

describe('outputs that do not load (fixtures/services/account-details/bad-outputs.json)', () => {
  for (const c of badOutputs.cases) {
    it(c.name, async () => {
      const doc = structuredClone(cliOutput);
      let at: any = doc;
      for (const k of c.path.slice(0, -1)) at = at[k as string];
      const last = c.path[c.path.length - 1] as string;
      if (c.value === null) delete at[last];
      else at[last] = c.value;
      await expect(harness(doc)).rejects.toThrow(new SeedError(c.message));
    });
  }
});
