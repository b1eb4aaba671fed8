// Seeded users, groups, access keys and virtual MFA devices as the IAM operations see them: membership in
// GetGroup, keys in ListAccessKeys, a seeded MFA device listed and usable by verifyMfaCode, idempotent
// re-application, and the seed errors for MFA devices and the groups-per-user quota.
import { describe, expect, it } from 'vitest';
import { defaults } from '../../src/config';
import { listAccessKeys } from '../../src/services/iam/access-keys';
import { getGroup } from '../../src/services/iam/groups';
import { listMFADevices, verifyMfaCode } from '../../src/services/iam/mfa-devices';
import { totpCode } from '../../src/services/iam/mfa-totp';
import { deleteUser } from '../../src/services/iam/users';
import { applySeedDocuments, loadSeedSources } from '../../src/store/seed-load';
import { harness, thrown } from '../helpers/services';

const SEED = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';
const seed = {
  groups: [{ name: 'ops', inlinePolicies: { read: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] } } }],
  users: [
    {
      name: 'ann',
      path: '/ops/',
      groups: ['ops'],
      accessKeys: [{ accessKeyId: 'AKIASEEDANN000000001', secretAccessKey: 'ann-secret' }, { accessKeyId: 'AKIASEEDANN000000002', secretAccessKey: 'ann-secret-2', status: 'Inactive' }],
      mfaDevices: [{ name: 'ann-phone', seed: SEED }],
    },
  ],
};

describe('seeded identities', () => {
  it('are what GetGroup, ListAccessKeys and ListMFADevices report; the seeded device verifies codes', async () => {
    const h = await harness(seed);
    expect(h.run(getGroup, { GroupName: 'ops' }, h.root()).Users.map((u: Record<string, unknown>) => u.Arn)).toEqual(['arn:aws:iam::000000000000:user/ops/ann']);
    expect(h.run(listAccessKeys, { UserName: 'ann' }, h.root()).AccessKeyMetadata.map((k: { AccessKeyId: string; Status: string }) => [k.AccessKeyId, k.Status])).toEqual([
      ['AKIASEEDANN000000001', 'Active'],
      ['AKIASEEDANN000000002', 'Inactive'],
    ]);
    const serial = 'arn:aws:iam::000000000000:mfa/ann-phone';
    expect(h.run(listMFADevices, { UserName: 'ann' }, h.root()).MFADevices.map((d: { SerialNumber: string }) => d.SerialNumber)).toEqual([serial]);
    const ann = h.store.users.getByName('000000000000', 'ann')!.id;
    expect(verifyMfaCode(h.store, h.clock.now(), serial, totpCode(SEED, h.clock.now()), ann)).toBe('ok');
    // Everything seeded stands in the way of DeleteUser like anything created through the API.
    expect(thrown(() => h.run(deleteUser, { UserName: 'ann' }, h.root())).message).toBe('Cannot delete entity, must delete access keys first.');
  });

  it('re-applying the seed changes nothing (the device stays enabled, membership is not duplicated)', async () => {
    const h = await harness(seed);
    await applySeedDocuments(h.store, await loadSeedSources([seed]), { ids: h.ids, now: h.clock.now(), config: defaults });
    expect(h.run(getGroup, { GroupName: 'ops' }, h.root()).Users).toHaveLength(1);
    expect(h.run(listMFADevices, { UserName: 'ann' }, h.root()).MFADevices).toHaveLength(1);
  });

  it('a bad MFA seed, a device enabled for someone else, an 11th group are seed errors', async () => {
    const h = await harness();
    const apply = async (doc: Record<string, unknown>) => applySeedDocuments(h.store, await loadSeedSources([doc]), { ids: h.ids, now: h.clock.now(), config: defaults });
    await expect(loadSeedSources([{ users: [{ name: 'x', mfaDevices: [{ name: 'd', seed: 'not base32!' }] }] }])).rejects.toThrow(/mfaDevices\[0\]: seed "not base32!" is not valid/);
    await apply({ users: [{ name: 'a', mfaDevices: [{ name: 'shared', seed: SEED }] }] });
    await expect(apply({ users: [{ name: 'b', mfaDevices: [{ name: 'shared', seed: SEED }] }] })).rejects.toThrow(/MFA device arn:aws:iam::000000000000:mfa\/shared is enabled for another user/);
    const groups = Array.from({ length: 11 }, (_, i) => ({ name: `g${i}` }));
    await expect(apply({ groups, users: [{ name: 'c', groups: groups.map((g) => g.name) }] })).rejects.toThrow(/Cannot exceed quota for GroupsPerUser: 10/);
  });
});

