// Seeds: the shipped seed/ directory loads and builds the documented scenarios; every bad seed stops
// with a message naming the source, the entry and the problem (fixtures: test/fixtures/seed/).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seededIds } from '../../src/runtime';
import { bootstrapDefaults } from '../../src/store/bootstrap';
import { applySeedDocuments, loadSeedSources } from '../../src/store/seed-load';
import { SeedError } from '../../src/store/seed-schema';
import { Store } from '../../src/store/store';
import fixtures from '../fixtures/seed/bad-seeds.json';

const NOW = new Date('2026-11-29T12:00:00Z');
const config = { defaultAccountId: '000000000000', defaultRegion: 'us-east-1', rootCredentials: { accessKeyId: 'test', secretAccessKey: 'test' } as const };

async function seeded(sources: Parameters<typeof loadSeedSources>[0]): Promise<Store> {
  const store = new Store();
  bootstrapDefaults(store, config, NOW);
  await applySeedDocuments(store, await loadSeedSources(sources), { ids: seededIds(7), now: NOW, config });
  return store;
}

describe('seed/ (shipped scenarios)', () => {
  it('loads and builds every scenario', async () => {
    const store = await seeded(['seed']);
    const irsa = store.roles.getByName('000000000000', 'payments-api')!;
    expect(irsa.trustPolicy).toContain('system:serviceaccount:payments:payments-api');
    const cluster = store.eksClusters.get('000000000000', 'us-east-1', 'demo')!;
    expect(cluster.issuer).toBe('https://oidc.eks.us-east-1.amazonaws.com/id/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D');
    const provider = store.oidcProviders.findByUrl('000000000000', 'oidc.eks.us-east-1.amazonaws.com/id/5E1D0C5A7F3B4E2A9C8D7F6E5A4B3C2D')!;
    expect(provider.clientIds).toEqual(['sts.amazonaws.com']);
    expect(JSON.parse(provider.jwks!).keys[0].kid).toBe(cluster.kid);

    const admin = store.users.getByName('000000000000', 'admin')!;
    expect(store.managedPolicies.attachedTo('user', admin.id).map((p) => p.arn)).toEqual(['arn:aws:iam::aws:policy/AdministratorAccess']);

    const dev = store.users.getByName('000000000000', 'developer')!;
    expect(store.managedPolicies.attachedTo('user', dev.id).map((p) => p.name)).toEqual(['DeveloperDelegation']);
    expect(store.accessKeys.get('AKIAQAAAAAAADO3VFQIT')?.userId).toBe(dev.id);

    const deployment = store.roles.getByName('111111111111', 'DeploymentRole')!;
    expect(deployment.arn).toBe('arn:aws:iam::111111111111:role/DeploymentRole');
    expect(deployment.maxSessionDuration).toBe(7200);

    const member = store.organizations.membership('000000000000')!;
    expect(member.org.managementAccountId).toBe('999999999999');
    expect(member.path.map((u) => u.name)).toEqual(['Root', 'Workloads']);
    expect(store.organizations.attachedTo(member.path[0].id, 'SERVICE_CONTROL_POLICY').map((p) => p.name)).toEqual(['DenyLeavingOrganization', 'FullAWSAccess']);
    expect(store.organizations.attachedTo(member.path[1].id, 'SERVICE_CONTROL_POLICY').map((p) => p.name)).toEqual(['DenyRegionsOutsideUS', 'FullAWSAccess', 'RequireIMDSv2']);

    const web = store.ec2Instances.get('i-0a1b2c3d4e5f60718')!;
    expect(web).toMatchObject({ httpTokens: 'required', hopLimit: 2, vpcId: 'vpc-0a1b2c3d4e5f60718', association: { profileArn: 'arn:aws:iam::000000000000:instance-profile/web-server', state: 'associated' } });
    const profile = store.instanceProfiles.getByName('000000000000', 'web-server')!;
    expect(store.instanceProfiles.roleIds(profile.id)).toEqual([store.roles.getByName('000000000000', 'web-server')!.id]);
    expect(store.ecsTasks.get('orders-api')).toMatchObject({ taskArn: 'arn:aws:ecs:us-east-1:000000000000:task/demo/5f0c4d3b2a1908f7e6d5c4b3a2918070', taskRoleArn: 'arn:aws:iam::000000000000:role/orders-task' });
    store.close();
  });

  it('applying the same seeds again changes nothing (restarts on a data file)', async () => {
    const store = await seeded(['seed']);
    const before = store.roles.getByName('000000000000', 'payments-api')!;
    const users = store.users.count('000000000000');
    const keys = store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM access_keys')!.n;
    const instances = store.ec2Instances.list();
    const tasks = store.ecsTasks.list();
    await applySeedDocuments(store, await loadSeedSources(['seed']), { ids: seededIds(8), now: NOW, config });
    // Instances keep their association id and launch time, tasks their credentials id.
    expect(store.ec2Instances.list()).toEqual(instances);
    expect(store.ecsTasks.list()).toEqual(tasks);
    expect(store.roles.getByName('000000000000', 'payments-api')).toEqual(before);
    expect(store.users.count('000000000000')).toBe(users);
    expect(store.db.get<{ n: number }>('SELECT COUNT(*) AS n FROM access_keys')!.n).toBe(keys);
    store.close();
  });

  it('reads YAML and JSON files from a directory in name order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-seed-'));
    writeFileSync(join(dir, '2-user.json'), JSON.stringify({ users: [{ name: 'u', groups: ['g'] }] }));
    writeFileSync(join(dir, '1-group.yaml'), 'groups:\n  - name: g\n');
    writeFileSync(join(dir, 'notes.txt'), 'ignored');
    const store = await seeded([dir]);
    const u = store.users.getByName('000000000000', 'u')!;
    expect(store.groups.groupsOfUser(u.id).map((g) => g.name)).toEqual(['g']);
    store.close();
  });

  it('a file that is not YAML names the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-seed-'));
    const file = join(dir, 'broken.yaml');
    writeFileSync(file, 'roles: [\n');
    await expect(loadSeedSources([file])).rejects.toThrow(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: not valid YAML: `));
  });

  it('a missing path is reported', async () => {
    await expect(loadSeedSources(['/nonexistent/seed.yaml'])).rejects.toThrow('/nonexistent/seed.yaml: seed file or directory not found');
  });
});

describe('bad seeds stop start-up with file, entry and problem', () => {
  for (const c of fixtures.cases) {
    it(c.name, async () => {
      let err: unknown;
      try {
        const store = await seeded([c.seed as Record<string, unknown>]);
        store.close();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SeedError);
      const message = (err as Error).message;
      if ('message' in c) expect(message).toBe(c.message);
      else expect(message.startsWith(c.messagePrefix!)).toBe(true);
    });
  }

  it('a failing seed leaves nothing half-applied', async () => {
    const store = new Store();
    bootstrapDefaults(store, config, NOW);
    const docs = await loadSeedSources([{ users: [{ name: 'first' }, { name: 'second', groups: ['missing'] }] }]);
    await expect(applySeedDocuments(store, docs, { ids: seededIds(1), now: NOW, config })).rejects.toThrow(SeedError);
    expect(store.users.getByName('000000000000', 'first')).toBeNull();
    store.close();
  });
});
