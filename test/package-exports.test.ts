// The published entry points: `iamlocal` (startIamLocal) and `iamlocal/policy` (the evaluator alone),
// resolved through package.json "exports" against the built dist/ (npm ci builds it via `prepare`),
// each with its type declarations.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

describe('package exports', () => {
  it('iamlocal/policy evaluates a policy with no server', async () => {
    const policy = await import('iamlocal/policy');
    const d = policy.evaluate({
      principal: { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/bob', account: '111122223333' },
      action: 's3:GetObject',
      resource: 'arn:aws:s3:::bucket/key',
      context: {},
      policies: {
        identity: [{ id: 'p', document: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }] } }],
        boundary: null, scps: null, rcps: null, session: null, resource: null,
      },
    });
    expect(d.decision).toBe('allowed');
    expect(() => policy.validatePolicyDocument('{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}', 'identity')).toThrow();
  });

  it('iamlocal exports startIamLocal', async () => {
    const main = await import('iamlocal');
    expect(typeof main.startIamLocal).toBe('function');
  });

  it('every export has its type declarations', () => {
    for (const entry of Object.values(pkg.exports) as { types: string }[]) {
      expect(existsSync(new URL(`../${entry.types}`, import.meta.url)), entry.types).toBe(true);
    }
  });

  it("startIamLocal({ seed: 'iamlocal:examples' }) loads the shipped seeds from an installed package, wherever the caller runs", async () => {
    // An installed copy (what `npm install iamlocal` lays out: package.json, dist/, seed/) in a project
    // that has no seed/ of its own; its dependencies resolve from the repository's node_modules.
    const repo = fileURLToPath(new URL('..', import.meta.url));
    const project = mkdtempSync(join(tmpdir(), 'iamlocal-installed-'));
    const pkgDir = join(project, 'node_modules', 'iamlocal');
    mkdirSync(pkgDir, { recursive: true });
    for (const f of ['package.json', 'dist', 'seed']) cpSync(join(repo, f), join(pkgDir, f), { recursive: true });
    symlinkSync(join(repo, 'node_modules'), join(pkgDir, 'node_modules'));
    const script = `const { startIamLocal } = await import('iamlocal');
      const iam = await startIamLocal({ seed: 'iamlocal:examples' });
      const h = await (await fetch(iam.endpoint + '/_iamlocal/health')).json();
      await iam.stop();
      console.log(JSON.stringify(h.counts));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', script], { cwd: project, encoding: 'utf8' });
    expect(JSON.parse(stdout)).toMatchObject({ clusters: 2, oidcProviders: 2, scps: 4 });
  }, 60_000);
});
