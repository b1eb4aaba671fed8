// Snapshots for per-test isolation: save the whole state, change it through the SDK, restore it and
// see the old state again — through startIamLocal() and through the admin endpoints, in memory and
// with a data dir. The decision log survives a restore (it is history, not state).
import { CreateRoleCommand, CreateUserCommand, DeleteRoleCommand, GetRoleCommand, GetUserCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startIamLocal, type IamLocal } from '../../src/index';
import { admin } from '../helpers/admin-client';
import { error } from '../helpers/sdk-error';
import { trustAccount } from '../helpers/e2e-seed';

const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
const ROOT_DIR = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);
const cli = (iam: IamLocal, ...args: string[]) => run(process.execPath, ['--import', 'tsx', CLI, ...args, '--endpoint', iam.endpoint], { cwd: ROOT_DIR });

const client = (iam: IamLocal) => new IAMClient({ endpoint: iam.endpoint, region: 'us-east-1', credentials: iam.credentials });

describe.each([
  ['in memory', () => ({})],
  ['with a data dir', () => ({ inMemory: false, dataDir: mkdtempSync(join(tmpdir(), 'iamlocal-snap-')) })],
])('snapshots %s', (_label, options) => {
  let iam: IamLocal;
  let dataDir: string | undefined;
  beforeAll(async () => {
    const o = options() as { dataDir?: string };
    dataDir = o.dataDir;
    iam = await startIamLocal(o);
  });
  afterAll(async () => {
    await iam?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('round trip through the SDK: snapshot, change, restore, the old state is back', async () => {
    const iamc = client(iam);
    await iamc.send(new CreateRoleCommand({ RoleName: 'kept', AssumeRolePolicyDocument: trustAccount() }));
    const info = await iam.snapshot('baseline');
    expect(info).toMatchObject({ name: 'baseline' });
    expect(info.bytes).toBeGreaterThan(0);

    await iamc.send(new DeleteRoleCommand({ RoleName: 'kept' }));
    await iamc.send(new CreateUserCommand({ UserName: 'added-later' }));
    expect((await error(iamc.send(new GetRoleCommand({ RoleName: 'kept' })))).name).toBe('NoSuchEntityException');
    const decisionsBefore = iam.decisions().length;

    await iam.restore('baseline');
    expect((await iamc.send(new GetRoleCommand({ RoleName: 'kept' }))).Role!.RoleName).toBe('kept');
    expect((await error(iamc.send(new GetUserCommand({ UserName: 'added-later' })))).name).toBe('NoSuchEntityException');
    // The state goes on normally after a restore (new writes, unique names still enforced).
    expect((await error(iamc.send(new CreateRoleCommand({ RoleName: 'kept', AssumeRolePolicyDocument: trustAccount() })))).name).toBe('EntityAlreadyExistsException');
    expect(iam.decisions().length).toBeGreaterThan(decisionsBefore);
  });

  it('the admin endpoints: save, list, restore, delete; unknown names and bad names get AWS-style errors', async () => {
    const iamc = client(iam);
    const saved = await admin(iam.endpoint, 'POST', '/_iamlocal/snapshots', { name: 'http-1' });
    expect(saved.status).toBe(200);
    await iamc.send(new CreateRoleCommand({ RoleName: 'after-http-1', AssumeRolePolicyDocument: trustAccount() }));
    const list = await admin(iam.endpoint, 'GET', '/_iamlocal/snapshots');
    expect(list.json.snapshots.map((s: { name: string }) => s.name)).toEqual(expect.arrayContaining(['baseline', 'http-1']));
    const restored = await admin(iam.endpoint, 'POST', '/_iamlocal/snapshots/http-1/restore');
    expect(restored.status).toBe(200);
    const roles = (await iamc.send(new ListRolesCommand({}))).Roles!.map((r) => r.RoleName);
    expect(roles).not.toContain('after-http-1');
    expect((await admin(iam.endpoint, 'DELETE', '/_iamlocal/snapshots/http-1')).status).toBe(200);
    expect((await admin(iam.endpoint, 'DELETE', '/_iamlocal/snapshots/http-1')).status).toBe(404);
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/snapshots/nope/restore')).json.error.code).toBe('NoSuchEntity');
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/snapshots', { name: '../etc/passwd' })).status).toBe(400);
    expect((await admin(iam.endpoint, 'POST', '/_iamlocal/snapshots', {})).status).toBe(400);
  });

  it('reset() wipes and re-seeds; a snapshot taken before still restores', async () => {
    const iamc = client(iam);
    await iam.reset();
    expect((await error(iamc.send(new GetRoleCommand({ RoleName: 'kept' })))).name).toBe('NoSuchEntityException');
    await iam.restore('baseline');
    expect((await iamc.send(new GetRoleCommand({ RoleName: 'kept' }))).Role!.RoleName).toBe('kept');
  });
});

describe('CLI subcommands against a running server', () => {
  let iam: IamLocal;
  beforeAll(async () => {
    iam = await startIamLocal();
  });
  afterAll(async () => {
    await iam?.stop();
  });

  it('iamlocal snapshot save/list/restore/delete, clock and reset', async () => {
    const iamc = client(iam);
    await iamc.send(new CreateRoleCommand({ RoleName: 'cli-kept', AssumeRolePolicyDocument: trustAccount() }));
    expect(JSON.parse((await cli(iam, 'snapshot', 'save', 'cli')).stdout).snapshot.name).toBe('cli');
    expect(JSON.parse((await cli(iam, 'snapshot', 'list')).stdout).snapshots.map((x: { name: string }) => x.name)).toEqual(['cli']);
    JSON.parse((await cli(iam, 'reset')).stdout);
    expect((await error(iamc.send(new GetRoleCommand({ RoleName: 'cli-kept' })))).name).toBe('NoSuchEntityException');
    await cli(iam, 'snapshot', 'restore', 'cli');
    expect((await iamc.send(new GetRoleCommand({ RoleName: 'cli-kept' }))).Role!.RoleName).toBe('cli-kept');
    await cli(iam, 'snapshot', 'delete', 'cli');
    const before = iam.clock.now().getTime();
    const moved = JSON.parse((await cli(iam, 'clock', '--advance', '3600')).stdout);
    expect(Date.parse(moved.time) - before).toBeGreaterThanOrEqual(3600_000);
    await expect(cli(iam, 'snapshot', 'restore', 'cli')).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining('Snapshot cli does not exist.') });
  }, 60_000);
});
