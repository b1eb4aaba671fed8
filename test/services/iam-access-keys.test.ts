// Access key handlers, called directly with a frozen clock and seeded ids: validation table, key id
// format (account encoded), the 2-key quota, "the caller" when UserName is omitted (user, root, role
// session), ownership checks, Inactive refused at authentication, GetAccessKeyLastUsed.
import { describe, expect, it } from 'vitest';
import { lookupCredential } from '../../src/auth/authenticate';
import type { SigV4Auth } from '../../src/auth/sigv4';
import { accountFromAccessKeyId } from '../../src/aws/ids';
import { createAccessKey, deleteAccessKey, getAccessKeyLastUsed, listAccessKeys, updateAccessKey } from '../../src/services/iam/access-keys';
import { iamOperations } from '../../src/services/iam/index';
import { createUser } from '../../src/services/iam/users';
import fixtures from '../fixtures/services/access-keys/validation.json';
import { harness, thrown, type Harness } from '../helpers/services';

describe('access key validation', () => {
  for (const c of fixtures.cases) {
    it(`${c.op}: ${c.name}`, async () => {
      const h = await harness();
      expect(thrown(() => h.run(iamOperations.get(c.op)!, c.params, h.root()))).toEqual({ code: 'ValidationError', message: c.message, status: 400 });
    });
  }
});

async function withUser(name = 'u'): Promise<Harness> {
  const h = await harness();
  h.run(createUser, { UserName: name }, h.root());
  return h;
}

const sessionCaller = (h: Harness) => ({ ...h.root(), kind: 'assumed-role', arn: 'arn:aws:sts::000000000000:assumed-role/r/s' }) as unknown as ReturnType<Harness['root']>;

describe('CreateAccessKey / ListAccessKeys', () => {
  it('returns an AKIA key id encoding the account, a 40-character secret, Active, CreateDate', async () => {
    const h = await withUser();
    const { AccessKey: k } = h.run(createAccessKey, { UserName: 'u' }, h.root());
    expect(Object.keys(k)).toEqual(['UserName', 'AccessKeyId', 'Status', 'SecretAccessKey', 'CreateDate']);
    expect(k).toMatchObject({ UserName: 'u', Status: 'Active', CreateDate: new Date('2026-11-29T12:00:00Z') });
    expect(k.AccessKeyId).toMatch(/^AKIA[A-Z2-7]{16}$/);
    expect(accountFromAccessKeyId(k.AccessKeyId)).toBe('000000000000');
    expect(k.SecretAccessKey).toMatch(/^[A-Za-z0-9/+]{40}$/);
    // The new key authenticates as the user (the secret is what it is signed with).
    const found = lookupCredential(h.store, { accessKeyId: k.AccessKeyId } as SigV4Auth, h.clock.now());
    expect(found.secret).toBe(k.SecretAccessKey);
  });

  it('a third key → LimitExceeded; ListAccessKeys lists both, oldest first, without secrets', async () => {
    const h = await withUser();
    const a = h.run(createAccessKey, { UserName: 'u' }, h.root()).AccessKey;
    const b = h.run(createAccessKey, { UserName: 'U' }, h.root()).AccessKey;
    expect(thrown(() => h.run(createAccessKey, { UserName: 'u' }, h.root()))).toEqual({ code: 'LimitExceeded', message: 'Cannot exceed quota for AccessKeysPerUser: 2', status: 409 });
    const list = h.run(listAccessKeys, { UserName: 'u' }, h.root());
    expect(list.IsTruncated).toBe(false);
    expect(list.AccessKeyMetadata).toEqual([
      { UserName: 'u', AccessKeyId: a.AccessKeyId, Status: 'Active', CreateDate: a.CreateDate },
      { UserName: 'u', AccessKeyId: b.AccessKeyId, Status: 'Active', CreateDate: b.CreateDate },
    ]);
    const p1 = h.run(listAccessKeys, { UserName: 'u', MaxItems: '1' }, h.root());
    expect(p1.AccessKeyMetadata.map((m: { AccessKeyId: string }) => m.AccessKeyId)).toEqual([a.AccessKeyId]);
    const p2 = h.run(listAccessKeys, { UserName: 'u', MaxItems: '1', Marker: p1.Marker }, h.root());
    expect(p2.AccessKeyMetadata.map((m: { AccessKeyId: string }) => m.AccessKeyId)).toEqual([b.AccessKeyId]);
    expect(p2.Marker).toBeUndefined();
  });

  it('unknown user → NoSuchEntity', async () => {
    const h = await harness();
    expect(thrown(() => h.run(createAccessKey, { UserName: 'ghost' }, h.root()))).toEqual({ code: 'NoSuchEntity', message: 'The user with name ghost cannot be found.', status: 404 });
    expect(thrown(() => h.run(listAccessKeys, { UserName: 'ghost' }, h.root())).message).toBe('The user with name ghost cannot be found.');
  });

  it('without UserName: an IAM user acts on its own keys; root on the root keys; a role session must name the user', async () => {
    const h = await withUser('me');
    const mine = h.run(createAccessKey, {}, h.user('me')).AccessKey;
    expect(mine.UserName).toBe('me');
    expect(h.run(listAccessKeys, {}, h.user('me')).AccessKeyMetadata.map((m: { AccessKeyId: string }) => m.AccessKeyId)).toEqual([mine.AccessKeyId]);
    expect(createAccessKey.resource(createAccessKey.input({}, h.call(h.user('me'))), h.call(h.user('me')))).toBe('arn:aws:iam::000000000000:user/me');

    // The bootstrap root key (AKIAIAMLOCALROOTUSER) is one of root's two.
    const rootKeys = h.run(listAccessKeys, {}, h.root()).AccessKeyMetadata;
    expect(rootKeys.map((m: { AccessKeyId: string }) => m.AccessKeyId)).toEqual(['AKIAIAMLOCALROOTUSER']);
    expect(rootKeys[0].UserName).toBeUndefined();
    const rootKey = h.run(createAccessKey, {}, h.root()).AccessKey;
    expect(h.store.accessKeys.get(rootKey.AccessKeyId)).toMatchObject({ isRoot: true, userId: null });
    expect(thrown(() => h.run(createAccessKey, {}, h.root())).message).toBe('Cannot exceed quota for AccessKeysPerUser: 2');
    expect(createAccessKey.resource(createAccessKey.input({}, h.call(h.root())), h.call(h.root()))).toBe('arn:aws:iam::000000000000:root');

    for (const op of [createAccessKey, listAccessKeys]) {
      expect(thrown(() => h.run(op, {}, sessionCaller(h)))).toEqual({ code: 'ValidationError', message: 'Must specify userName when calling with non-User credentials', status: 400 });
    }
    expect(thrown(() => h.run(deleteAccessKey, { AccessKeyId: mine.AccessKeyId }, sessionCaller(h))).message).toBe('Must specify userName when calling with non-User credentials');
  });
});

describe('UpdateAccessKey / DeleteAccessKey', () => {
  it('Inactive keys are refused at authentication with InvalidClientTokenId; Active again works', async () => {
    const h = await withUser();
    const k = h.run(createAccessKey, { UserName: 'u' }, h.root()).AccessKey;
    expect(h.run(updateAccessKey, { UserName: 'u', AccessKeyId: k.AccessKeyId, Status: 'Inactive' }, h.root())).toBeUndefined();
    expect(h.run(listAccessKeys, { UserName: 'u' }, h.root()).AccessKeyMetadata[0].Status).toBe('Inactive');
    const auth = { accessKeyId: k.AccessKeyId } as SigV4Auth;
    expect(thrown(() => lookupCredential(h.store, auth, h.clock.now()))).toEqual({ code: 'InvalidClientTokenId', message: 'The security token included in the request is invalid', status: 403 });
    h.run(updateAccessKey, { UserName: 'u', AccessKeyId: k.AccessKeyId, Status: 'Active' }, h.root());
    expect(lookupCredential(h.store, auth, h.clock.now()).credential.kind).toBe('access-key');
  });

  it("another user's key, an unknown key → NoSuchEntity with AWS's text; deleting removes the key for good", async () => {
    const h = await withUser('a');
    h.run(createUser, { UserName: 'b' }, h.root());
    const kb = h.run(createAccessKey, { UserName: 'b' }, h.root()).AccessKey;
    expect(thrown(() => h.run(updateAccessKey, { UserName: 'a', AccessKeyId: kb.AccessKeyId, Status: 'Inactive' }, h.root()))).toEqual({
      code: 'NoSuchEntity', message: `The Access Key with id ${kb.AccessKeyId} cannot be found.`, status: 404,
    });
    expect(thrown(() => h.run(deleteAccessKey, { AccessKeyId: kb.AccessKeyId }, h.user('a'))).message).toBe(`The Access Key with id ${kb.AccessKeyId} cannot be found.`);
    expect(h.store.accessKeys.get(kb.AccessKeyId)!.status).toBe('Active');
    h.run(deleteAccessKey, { UserName: 'b', AccessKeyId: kb.AccessKeyId }, h.root());
    expect(h.store.accessKeys.get(kb.AccessKeyId)).toBeNull();
    expect(thrown(() => h.run(deleteAccessKey, { UserName: 'b', AccessKeyId: kb.AccessKeyId }, h.root())).code).toBe('NoSuchEntity');
    expect(thrown(() => lookupCredential(h.store, { accessKeyId: kb.AccessKeyId } as SigV4Auth, h.clock.now())).code).toBe('InvalidClientTokenId');
  });
});

describe('GetAccessKeyLastUsed', () => {
  it('never used: ServiceName/Region N/A and no date; after use: date, service, region', async () => {
    const h = await withUser();
    const k = h.run(createAccessKey, { UserName: 'u' }, h.root()).AccessKey;
    expect(h.run(getAccessKeyLastUsed, { AccessKeyId: k.AccessKeyId }, h.root())).toEqual({ UserName: 'u', AccessKeyLastUsed: { ServiceName: 'N/A', Region: 'N/A' } });
    h.store.accessKeys.recordUse(k.AccessKeyId, '2026-11-29T12:30:00.000Z', 'iam', 'eu-west-1');
    expect(h.run(getAccessKeyLastUsed, { AccessKeyId: k.AccessKeyId }, h.root())).toEqual({
      UserName: 'u',
      AccessKeyLastUsed: { LastUsedDate: new Date('2026-11-29T12:30:00Z'), ServiceName: 'iam', Region: 'eu-west-1' },
    });
    const call = h.call(h.root());
    expect(getAccessKeyLastUsed.resource(getAccessKeyLastUsed.input({ AccessKeyId: k.AccessKeyId }, call), call)).toBe('arn:aws:iam::000000000000:user/u');
  });

  it('an unknown key → AccessDenied naming "access key …" (no colon after perform), before any policy', async () => {
    const h = await withUser();
    const call = h.call(h.user('u'));
    const input = getAccessKeyLastUsed.input({ AccessKeyId: 'AKIAIOSFODNN7EXAMPLE' }, call);
    expect(thrown(() => getAccessKeyLastUsed.guard!(input, call))).toEqual({
      code: 'AccessDenied',
      message: 'User: arn:aws:iam::000000000000:user/u is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key AKIAIOSFODNN7EXAMPLE',
      status: 403,
    });
  });
});
