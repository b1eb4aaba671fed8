// The `iamlocal` command as a process: prints its URL when ready, answers, keeps state in a data
// file across restarts, stops on SIGTERM, and refuses a bad seed with a message naming it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEV } from '../helpers/e2e-seed';
import { errorOf, send, signedQuery } from '../helpers/raw-client';

const ROOT = { accessKeyId: 'test', secretAccessKey: 'test' };

function start(args: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--port', '0', '--log-level', 'warn', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /iamlocal listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
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

  it('a bad seed stops start-up naming the file, entry and problem', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'iamlocal-cli-bad-'));
    const seed = join(dir, 'bad.yaml');
    writeFileSync(seed, 'roles:\n  - name: ok\n    trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: "sts:AssumeRole"}]}\n  - name: broken\n');
    await expect(start(['--in-memory', '--seed', seed])).rejects.toThrow(`exited 1: iamlocal: bad seed: ${seed}: roles[1] (broken): trustPolicy is required`);
  }, 60_000);
});
