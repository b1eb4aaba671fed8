// The README runs verbatim: every ```sh block of README.md, in order, in one bash session (exports
// carry over, as in a reader's terminal) against a fresh server with the shipped seeds, using the real
// AWS CLI and curl on PATH. The only change made to the text is the port: http://127.0.0.1:4599 becomes
// the test server's (likewise 1338/1339 for IMDS and ECS, and IAMLOCAL_ENDPOINT points `iamlocal mint-token` at it). A block opts out with a first line `# readme-test: skip (reason)` (starting servers,
// containers, load tests). A line `# → text` after a command is expected in that block's output.
// The configuration table must also name every flag and environment variable of `iamlocal --help`.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SERVER_OPTIONS } from '../../src/config';
import { startIamLocal, type IamLocal } from '../../src/index';

const REPO = resolve(__dirname, '../..');
const README = readFileSync(join(REPO, 'README.md'), 'utf8');
const SKIP = /^# readme-test: skip \((.+)\)$/;

interface Block {
  line: number;
  text: string;
  skip: string | null;
  expected: string[];
}

function shellBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const re = /^```sh\n([\s\S]*?)^```$/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const text = m[1];
    const first = text.split('\n')[0];
    blocks.push({
      line: markdown.slice(0, m.index).split('\n').length,
      text,
      skip: SKIP.exec(first)?.[1] ?? null,
      expected: text.split('\n').flatMap((l) => (/^# → (.+)$/.exec(l) ? [/^# → (.+)$/.exec(l)![1]] : [])),
    });
  }
  return blocks;
}

const squash = (s: string) => s.replace(/\s+/g, ' ');
const blocks = shellBlocks(README);
let iam: IamLocal;

beforeAll(async () => {
  iam = await startIamLocal({ seed: 'iamlocal:examples', imdsPort: 0, ecsPort: 0 });
});
afterAll(async () => {
  await iam?.stop();
});

describe('README.md', () => {
  it('has shell blocks, and skips only a few, each with its reason', () => {
    expect(blocks.filter((b) => !b.skip).length).toBeGreaterThanOrEqual(6);
    expect(blocks.filter((b) => b.skip).length).toBeLessThanOrEqual(7);
    for (const b of blocks) if (/^# readme-test/.test(b.text)) expect(b.skip, `README.md:${b.line}`).not.toBeNull();
  });

  it('every shell block runs as printed and prints what it says', async () => {
    // A reader's clone: the commands run from its root (dist/, seed/ …) in a scratch copy, so the
    // files they write (trust.json, token) land outside the repository.
    const cwd = mkdtempSync(join(tmpdir(), 'iamlocal-readme-'));
    for (const f of ['dist', 'seed', 'node_modules', 'package.json']) symlinkSync(join(REPO, f), join(cwd, f));
    const port = new URL(iam.endpoint).port;
    const run = blocks.filter((b) => !b.skip);
    // The README's fixed ports (4599, and 1338/1339 for IMDS and ECS) become the test server's.
    const ports: [string, string][] = [['127.0.0.1:4599', `127.0.0.1:${port}`], ['127.0.0.1:1338', new URL(iam.imdsEndpoint!).host], ['127.0.0.1:1339', new URL(iam.ecsEndpoint!).host]];
    const local = (text: string) => ports.reduce((t, [from, to]) => t.replaceAll(from, to), text);
    const script = ['set -euo pipefail', ...run.map((b, i) => `echo "@@readme-block ${i}@@"\n${local(b.text)}`)].join('\n');
    let stdout = '';
    let failure = '';
    try {
      ({ stdout } = await promisify(execFile)('bash', ['-c', script], { cwd, env: { PATH: process.env.PATH, HOME: cwd, LANG: 'C.UTF-8', IAMLOCAL_ENDPOINT: iam.endpoint, npm_config_update_notifier: 'false' }, encoding: 'utf8', maxBuffer: 16 << 20 }));
    } catch (e) {
      const err = e as { stdout?: string; stderr?: string };
      stdout = err.stdout ?? '';
      failure = err.stderr ?? String(e);
    }
    const parts = stdout.split(/^@@readme-block (\d+)@@$/m);
    const outputs = new Map<number, string>();
    for (let i = 1; i < parts.length; i += 2) outputs.set(Number(parts[i]), parts[i + 1]);
    const last = Math.max(-1, ...outputs.keys());
    expect(failure, `README.md:${run[last]?.line} failed:\n${failure}\n${outputs.get(last) ?? ''}`).toBe('');
    run.forEach((b, i) => {
      for (const want of b.expected) expect(squash(outputs.get(i) ?? ''), `README.md:${b.line}: "# → ${want}"`).toContain(squash(want));
    });
  }, 120_000);

  it('the configuration table names every flag and environment variable of iamlocal --help', () => {
    const table = README.slice(README.indexOf('## Configuration'));
    for (const o of SERVER_OPTIONS) {
      if (o.flag && o.flag !== '--help') expect(table, o.flag).toContain('`' + o.flag);
      if (o.env) expect(table, o.env).toContain(o.env);
    }
  });
});
