// The `iamlocal` command as a process: prints its URL when ready, answers, keeps state in a data
// file across restarts, stops on SIGTERM, and refuses a bad seed with a message naming it.
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT_CREDENTIALS } from '../../src/config';
import { DEV } from '../helpers/e2e-seed';
import { errorOf, send, signedQuery } from '../helpers/raw-client';

const ROOT = { ...ROOT_CREDENTIALS };

/** Starts `iamlocal` from src/ (or, with `fromSource` false, the command `wrapper` alone, e.g. npm start). */
function start(args: string[], wrapper: string[] = [], fromSource = true): Promise<{ child: ChildProcess; url: string; out: string }> {
  const cmd = [...wrapper, ...(fromSource ? [process.execPath, '--import', 'tsx', 'src/cli.ts'] : []), '--port', '0', '--log-level', 'warn', ...args];
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /iamlocal listening on (http:\/\/\S+)[^]*\niamlocal credentials: .*\n/.exec(out);
      if (m) resolve({ child, url: m[1], out });
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${err}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}

describe('iamlocal CLI', () => {
  it('serves, persists state in --data across restarts, exits 0 on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-cli-data-'));
    const seed = join(dir, 'seed.json');
    writeFileSync(seed, JSON.stringify({ users: [{ name: 'dev', accessKeys: [DEV], inlinePolicies: { all: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'iam:*', Resource: '*' }] } } }] }));
    const a = await start(['--data', dir, '--seed', seed]);
    const health = await send(a.url, { method: 'GET', path: '/_iamlocal/health' });
    expect(JSON.parse(health.body)).toMatchObject({ status: 'ok', storage: 'file' });
    const created = await signedQuery(a.url, { Action: 'CreateRole', Version: '2010-05-08', RoleName: 'persisted', AssumeRolePolicyDocument: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}' }, DEV, { service: 'iam' });
    expect(created.status).toBe(200);
    expect(await stop(a.child)).toBe(0);

    const b = await start(['--data', dir, '--seed', seed]);
    const got = await signedQuery(b.url, { Action: 'GetRole', Version: '2010-05-08', RoleName: 'persisted' }, DEV, { service: 'iam' });
    expect(got.body).toContain('<RoleName>persisted</RoleName>');
    const root = await signedQuery(b.url, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, ROOT);
    expect(root.body).toContain('<Arn>arn:aws:iam::000000000000:root</Arn>');
    expect(await stop(b.child)).toBe(0);
  }, 60_000);

  it('--in-memory starts empty every time', async () => {
    const a = await start(['--in-memory']);
    const r = await signedQuery(a.url, { Action: 'ListRoles', Version: '2010-05-08' }, ROOT, { service: 'iam' });
    expect(r.body).toContain('<Roles/>');
    expect(await stop(a.child)).toBe(0);
  }, 60_000);

  it('root credentials can be configured by environment', async () => {
    process.env.IAMLOCAL_ROOT_ACCESS_KEY_ID = 'AKIACUSTOMROOT000001';
    process.env.IAMLOCAL_ROOT_SECRET_ACCESS_KEY = 'custom-secret';
    try {
      const a = await start(['--in-memory']);
      const old = await signedQuery(a.url, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, ROOT);
      expect(errorOf(old.body).code).toBe('InvalidClientTokenId');
      const ok = await signedQuery(a.url, { Action: 'GetCallerIdentity', Version: '2011-06-15' }, { accessKeyId: 'AKIACUSTOMROOT000001', secretAccessKey: 'custom-secret' });
      expect(ok.status).toBe(200);
      await stop(a.child);
    } finally {
      delete process.env.IAMLOCAL_ROOT_ACCESS_KEY_ID;
      delete process.env.IAMLOCAL_ROOT_SECRET_ACCESS_KEY;
    }
  }, 60_000);

  it('prints what was loaded and which credentials exist; health says the same', async () => {
    const a = await start(['--in-memory', '--seed', 'seed/']);
    expect(a.out).toMatch(/iamlocal listening on http:\/\/127\.0\.0\.1:\d+ \(account 000000000000, in-memory, enforce mode; loaded 3 accounts, 3 users, 8 roles, 2 clusters, 2 OIDC providers, 4 SCPs\)/);
    expect(a.out).toContain('iamlocal credentials: test/test = IAM user admin (AdministratorAccess) of 000000000000; AKIAIAMLOCALROOTUSER/root = root user of 000000000000');
    const health = JSON.parse((await send(a.url, { method: 'GET', path: '/_iamlocal/health' })).body);
    expect(health).toMatchObject({ status: 'ok', storage: 'memory', enforcement: 'enforce', dataDir: null, port: Number(new URL(a.url).port), counts: { accounts: 3, users: 3, roles: 8, clusters: 2, oidcProviders: 2, scps: 4 } });
    expect(await stop(a.child)).toBe(0);
  }, 60_000);

  it('a data directory it cannot write stops start-up with one line naming it, the UID and the fix', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'iamlocal-cli-nodir-')), 'a-file');
    writeFileSync(file, '');
    const err = await start(['--data', join(file, 'data')]).then(() => '', (e: Error) => e.message);
    expect(err).toMatch(new RegExp(`^exited 1: iamlocal: data directory ${join(file, 'data')} cannot be created by UID \\d+ \\(GID \\d+\\) \\(ENOTDIR\\): make it writable for UID \\d+ .*--in-memory\n$`));
  }, 60_000);

  it.runIf(process.getuid?.() === 0)('… also for an arbitrary UID on a directory owned by someone else (setpriv --reuid 4242)', async (ctx) => {
    // Only where UID 4242 can read the checkout at all (a 0700 work tree cannot be tested this way).
    const readable = await new Promise<boolean>((r) =>
      spawn('setpriv', ['--reuid', '4242', '--regid', '0', '--clear-groups', process.execPath, '-e', "require('fs').accessSync('package.json', 4); require('fs').accessSync('node_modules/tsx/package.json', 4)"], { stdio: 'ignore' }).on('exit', (code) => r(code === 0)),
    );
    if (!readable) ctx.skip();
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-cli-owned-'));
    chmodSync(dir, 0o755);
    const err = await start(['--data', dir], ['setpriv', '--reuid', '4242', '--regid', '0', '--clear-groups']).then(() => '', (e: Error) => e.message);
    expect(err).toContain(`iamlocal: data directory ${dir} is not writable by UID 4242 (GID 0) (EACCES): make it writable for UID 4242 (GID 0) (e.g. chown 4242 ${dir}, or chgrp 0 ${dir} && chmod g+rwx ${dir})`);
    expect(err).not.toContain('SqliteError');
  }, 60_000);

  it('npm start runs the server as npm\'s own child (exec): SIGTERM to npm stops the server', async () => {
    const a = await start([], ['npm', 'start', '--silent', '--', '--in-memory'], false);
    expect((await send(a.url, { method: 'GET', path: '/_iamlocal/health' })).status).toBe(200);
    expect(await stop(a.child)).toBe(0);
    await expect(send(a.url, { method: 'GET', path: '/_iamlocal/health' })).rejects.toThrow();
  }, 60_000);

  it('a bad seed stops start-up naming the file, entry and problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-cli-bad-'));
    const seed = join(dir, 'bad.yaml');
    writeFileSync(seed, 'roles:\n  - name: ok\n    trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}\n  - name: broken\n');
    await expect(start(['--in-memory', '--seed', seed])).rejects.toThrow(`exited 1: iamlocal: bad seed: ${seed}: roles[1] (broken): trustPolicy is required`);
  }, 60_000);
});
