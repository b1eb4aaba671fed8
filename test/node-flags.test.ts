// The server's node flags are said in three places a user runs it from: `npm start`, the `iamlocal` bin's
// shebang (src/cli.ts, kept by the bundle) and the image's ENTRYPOINT. The bench must start its servers with
// `npm start`'s (bench/node-flags.ts), or its figures are of a server nobody runs. `npm start`
// and the bin give node no V8 flag: the heap flags are set by the server itself once listening
// (src/heap-flags.ts), because on Node 20's command line any V8 flag made V8 reject the code cache of Node's
// built-in modules. The image (Node 24) also passes --max-semi-space-size=4, which its V8 leaves out of the hash.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { npmStartEnv, startScriptNodeFlags } from '../bench/node-flags';
import { applyRuntimeV8Flags, RUNTIME_V8_FLAGS } from '../src/heap-flags';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

describe('node flags', () => {
  const fromStart = startScriptNodeFlags().split(' ').filter(Boolean);

  it('npm start passes node no V8 flag', () => {
    expect(read('package.json')).toContain('"start": "IAMLOCAL_EXTRA_CA_CERTS=\\"${IAMLOCAL_EXTRA_CA_CERTS:-$NODE_EXTRA_CA_CERTS}\\" NODE_EXTRA_CA_CERTS= exec node dist/cli.js"');
    expect(fromStart).toEqual([]);
  });

  // npm start hands NODE_EXTRA_CA_CERTS to iamlocal (src/http/outbound-tls.ts): Node 20 parses that bundle before
  // any JavaScript runs, 40-45 % of a start's instructions with Debian's (bench/README.md, twelfth pass). The bench
  // starts its servers with npmStartEnv; here the start script itself runs under sh with a `node` that prints
  // its environment, and the two must agree.
  it.each([
    ['NODE_EXTRA_CA_CERTS only', { NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem' }],
    ['both (IAMLOCAL_EXTRA_CA_CERTS wins)', { NODE_EXTRA_CA_CERTS: '/etc/corp-ca.pem', IAMLOCAL_EXTRA_CA_CERTS: '/etc/other.pem' }],
    ['neither', {}],
  ])("npm start's environment, %s, is npmStartEnv's", (_name, vars: Record<string, string>) => {
    const bin = mkdtempSync(join(tmpdir(), 'iamlocal-fake-node-'));
    writeFileSync(join(bin, 'node'), '#!/bin/sh\nenv\n', { mode: 0o755 });
    const { NODE_EXTRA_CA_CERTS: _n, IAMLOCAL_EXTRA_CA_CERTS: _i, ...rest } = process.env;
    const env = { ...rest, ...vars, PATH: `${bin}:${process.env.PATH}` };
    const start = (JSON.parse(read('package.json')) as { scripts: { start: string } }).scripts.start;
    const out = spawnSync('sh', ['-c', start], { env, encoding: 'utf8' }).stdout;
    const seen = Object.fromEntries(out.split('\n').filter((l) => /^(?:NODE|IAMLOCAL)_EXTRA_CA_CERTS=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
    const want = npmStartEnv(env);
    expect(seen).toEqual({ NODE_EXTRA_CA_CERTS: want.NODE_EXTRA_CA_CERTS, IAMLOCAL_EXTRA_CA_CERTS: want.IAMLOCAL_EXTRA_CA_CERTS });
    expect(seen.NODE_EXTRA_CA_CERTS).toBe('');
  });

  it('the bin shebang passes none either', () => {
    expect(read('src/cli.ts').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  // The image runs Node 24, whose V8 leaves --max-semi-space-size out of its flag hash: there the flag costs
  // no code cache and bounds the young generation more tightly than the run-time growth factor does.
  it("the image's ENTRYPOINT passes only the young generation's cap, and its compile cache is made under it", () => {
    const lines = read('docker/Dockerfile').split('\n');
    const entry = lines.find((l) => l.startsWith('ENTRYPOINT '))!;
    const argv = JSON.parse(entry.slice('ENTRYPOINT '.length)) as string[];
    expect(argv).toEqual(['node', '--max-semi-space-size=4', '/app/dist/cli.js']);
    expect(lines).toContain('ARG NODE_MAJOR=24');
    const fill = lines.find((l) => l.startsWith('RUN ') && l.includes('dist/cli.js --help'))!;
    expect(fill).toContain('RUN node --max-semi-space-size=4 dist/cli.js --help');
  });

  it('the run-time flags are on none of the command lines', () => {
    for (const f of RUNTIME_V8_FLAGS) {
      const name = f.split('=')[0];
      expect(fromStart.some((a) => a.startsWith(name))).toBe(false);
      expect(read('src/cli.ts').split('\n')[0]).not.toContain(name);
      expect(read('docker/Dockerfile').split('\n').find((l) => l.startsWith('ENTRYPOINT '))).not.toContain(name);
    }
  });

  it('the CLI applies the run-time flags once its server is listening', () => {
    const src = read('src/cli-main.ts');
    const started = src.indexOf('await startServer(');
    const applied = src.indexOf('applyRuntimeV8Flags()');
    expect(started).toBeGreaterThan(0);
    expect(applied).toBeGreaterThan(started);
    const seen: string[] = [];
    applyRuntimeV8Flags((f) => seen.push(f));
    expect(seen).toEqual(['--heap-growing-percent=50', '--semi-space-growth-factor=1']);
  });

  // What the run-time setting relies on: V8 reads the growth flag at each full GC, so setting it in a running
  // process bounds the old generation as the command-line flag does. A retained set of ~200k small objects,
  // replaced as it goes, grew the heap to 186 MB on Node 20 with V8's default growth, 147 MB with the flag on
  // the command line and 148 MB with it set while running. (On Node 24 the flag moves none of the three.)
  it('this Node honours --heap-growing-percent set while running as it does the command-line flag', () => {
    const script = `
      const v8 = require('node:v8');
      if (process.argv[1] === 'set') v8.setFlagsFromString('--heap-growing-percent=50');
      const L = 200000; const live = new Array(L).fill(null); let peak = 0;
      for (let i = 0; i < 2e6; i++) {
        live[(i * 7919) % L] = { id: i, a: [i, i, i, i], s: 'k' + i };
        if (i % 2000 === 0) peak = Math.max(peak, v8.getHeapStatistics().total_heap_size);
      }
      process.stdout.write(String(peak));`;
    // Each peak is the median of three runs: one run of the same kind varied by more than 10 % on a loaded
    // machine (a CI run saw 158.6 MB set while running against 142.1 MB on the command line).
    const peak = (flags: string[], mode: string) => {
      const runs = [0, 1, 2].map(() => Number(spawnSync(process.execPath, [...flags, '-e', script, mode], { encoding: 'utf8' }).stdout));
      return runs.sort((a, b) => a - b)[1];
    };
    const withoutFlag = peak([], 'default');
    const onCommandLine = peak(['--heap-growing-percent=50'], 'given');
    const setWhileRunning = peak([], 'set');
    expect(onCommandLine).toBeGreaterThan(0);
    expect(setWhileRunning).toBeGreaterThan(0);
    if (onCommandLine < withoutFlag * 0.9) {
      // The flag bounds the heap on this Node: set while running, it must land nearer the flag than V8's default.
      expect(setWhileRunning).toBeLessThan((onCommandLine + withoutFlag) / 2);
    } else {
      // It does not (Node 24): setting it while running must not make things worse either.
      expect(setWhileRunning).toBeLessThanOrEqual(withoutFlag * 1.1);
    }
  }, 120_000);

  // What the young generation's bound relies on: V8 reads the growth factor each time it grows the new space,
  // so setting it to 1 in a running process keeps the new space near the size it had then. Churning ~100k
  // live small objects grew the new space from 1 to 32 MB on Node 20 and 22, and from 1 to 128 MB on Node 24;
  // with the factor set first it peaked at 2 MB (Node 20, 22) and 4-22 MB (Node 24, whose new space
  // still grows past it).
  it('this Node stops growing the young generation once --semi-space-growth-factor=1 is set while running', () => {
    const script = `
      const v8 = require('node:v8');
      const ns = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
      const atSet = ns();
      if (process.argv[1] === 'set') v8.setFlagsFromString('--semi-space-growth-factor=1');
      const L = 100000; const live = new Array(L).fill(null); let peak = 0;
      for (let i = 0; i < 3e6; i++) {
        live[(i * 7919) % L] = { id: i, a: [i, i, i, i], s: 'k' + i };
        if (i % 1000 === 0) peak = Math.max(peak, ns());
      }
      process.stdout.write(JSON.stringify({ atSet, peak }));`;
    const run = (mode: string) => JSON.parse(spawnSync(process.execPath, ['-e', script, mode], { encoding: 'utf8' }).stdout) as { atSet: number; peak: number };
    const grown = run('default');
    const held = run('set');
    expect(grown.peak).toBeGreaterThanOrEqual(grown.atSet * 16);
    expect(held.peak).toBeLessThanOrEqual(32 * 1024 * 1024);
    expect(held.peak * 4).toBeLessThanOrEqual(grown.peak);
  }, 60_000);
});
