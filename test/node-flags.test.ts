// The server's node flags are said in three places a user runs it from: `npm start`, the `iamlocal` bin's
// shebang (src/cli.ts, kept by the bundle) and the image's ENTRYPOINT. They must agree, and the bench must
// start its servers with them (bench/node-flags.ts), or its figures are of a server nobody runs.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { startScriptNodeFlags } from '../bench/node-flags';

const read = (p: string) => readFileSync(new URL(`../${p}`, import.meta.url), 'utf8');

describe('node flags', () => {
  const fromStart = startScriptNodeFlags().split(' ').filter(Boolean);

  it('npm start passes the V8 flags that bound the heap', () => {
    expect(fromStart).toEqual(expect.arrayContaining(['--max-semi-space-size=4', '--heap-growing-percent=50']));
  });

  it('the bin shebang passes the same flags', () => {
    const shebang = read('src/cli.ts').split('\n')[0];
    expect(shebang.startsWith('#!/usr/bin/env -S node ')).toBe(true);
    expect(shebang.slice('#!/usr/bin/env -S node '.length).split(' ')).toEqual(fromStart);
  });

  it("the image's ENTRYPOINT passes the same flags", () => {
    const line = read('docker/Dockerfile').split('\n').find((l) => l.startsWith('ENTRYPOINT '))!;
    const argv = JSON.parse(line.slice('ENTRYPOINT '.length)) as string[];
    expect(argv[0]).toBe('node');
    expect(argv.slice(1, -1)).toEqual(fromStart);
    expect(argv.at(-1)).toBe('/app/dist/cli.js');
  });
});
