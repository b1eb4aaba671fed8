// Owns the real SQS upstream the proxy e2e suites run behind: fauxqs (an SQS emulator from npm that
// speaks AWS JSON 1.0, what SDK v3 and botocore send) as a child process on a free port, run by the
// Node 24 binary of scripts/node-lts.sh (fauxqs needs Node >= 22.5), and the log of every request that
// reached it (test/helpers/fauxqs-child.mjs) — so a test can assert what did (and did not) get through.
// (sqslite 2.1.1, the Node 20 candidate, speaks only the query protocol — form bodies, XML answers —
// which neither SDK v3 nor botocore sends for SQS any more, so it could not stand behind their calls.)
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface SqsUpstreamRequest {
  method: string;
  url: string;
  /** `AmazonSQS.<Op>` for JSON 1.0 calls, null otherwise. */
  target: string | null;
  contentType: string | null;
  /** The access key the request was signed with (the proxy signs with the upstream's own). */
  accessKeyId: string | null;
}

export interface SqsUpstream {
  url: string;
  /** The `--proxy-upstream` spec for it. */
  spec(extra?: string): string;
  /** Every request fauxqs received so far (read after the log has caught up with the calls made). */
  requests(): Promise<SqsUpstreamRequest[]>;
  /** The requests for `AmazonSQS.<op>`. */
  hits(op: string): Promise<SqsUpstreamRequest[]>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** The upstream's own credentials (fauxqs accepts any). */
export const FAUXQS_KEYS = { accessKeyId: 'FAUXQS', secretAccessKey: 'FAUXQS' };

export async function startSqsUpstream(): Promise<SqsUpstream> {
  const bin = execFileSync('bash', [join(ROOT, 'scripts/node-lts.sh'), '24'], { encoding: 'utf8' }).trim();
  const child: ChildProcess = spawn(join(bin, 'node'), [join(ROOT, 'test/helpers/fauxqs-child.mjs')], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  const log: SqsUpstreamRequest[] = [];
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`fauxqs exited (${code}) before listening`)));
    lines.on('line', (line) => {
      const o = JSON.parse(line) as { port?: number } & SqsUpstreamRequest;
      if (o.port !== undefined) resolve(o.port);
      else log.push(o);
    });
  });
  const url = `http://127.0.0.1:${port}`;
  let marks = 0;
  // The log travels over a pipe: a marker request, once logged, says every earlier request is in `log`.
  const settle = async () => {
    const mark = `/_fauxqs/queues/iamlocal-log-mark-${++marks}`;
    await new Promise<void>((resolve, reject) => {
      request(`${url}${mark}`, (res) => {
        res.resume();
        res.once('end', resolve);
      }).once('error', reject).end();
    });
    while (!log.some((r) => r.url === mark)) await new Promise((r) => setTimeout(r, 5));
    return log.filter((r) => !r.url.startsWith('/_fauxqs/queues/iamlocal-log-mark-'));
  };
  return {
    url,
    spec: (extra = '') => `sqs=http://${FAUXQS_KEYS.accessKeyId}:${FAUXQS_KEYS.secretAccessKey}@127.0.0.1:${port}${extra}`,
    requests: settle,
    hits: async (op) => (await settle()).filter((r) => r.target === `AmazonSQS.${op}`),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
