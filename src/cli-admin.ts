// Owns the admin subcommands of `iamlocal` against a running server, signed with the root key
// (IAMLOCAL_ROOT_ACCESS_KEY_ID / IAMLOCAL_ROOT_SECRET_ACCESS_KEY, default test / test):
//   iamlocal decisions [--follow] [--denied] [--principal ARN] [--action A] [--since ISO] [--json]
//   iamlocal reset
//   iamlocal clock [--set ISO | --advance SECONDS | --reset]
//   iamlocal snapshot save|restore|delete NAME   |   iamlocal snapshot list
// One readable line per decision (src/observe/decisions.ts formatDecisionLine), then, for denials,
// the failed conditions (wanted vs seen) and the deciding policy.
import { request } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { signRequest } from './auth/sigv4';
import { ADMIN_COMMANDS, cliFlags } from './cli-args';
import { defaults } from './config';
import { formatDecisionLine, type DecisionPage, type DecisionRecord } from './observe/decisions';

export { ADMIN_COMMANDS } from './cli-args';

export const ADMIN_USAGE = `Usage:
  iamlocal decisions [--follow] [--denied] [--principal ARN] [--action A] [--since ISO] [--json]
  iamlocal reset
  iamlocal clock [--set ISO | --advance SECONDS | --reset]
  iamlocal snapshot save NAME | restore NAME | delete NAME | list

  --endpoint URL   iamlocal URL (default http://127.0.0.1:4599; env IAMLOCAL_ENDPOINT)
  Signs with IAMLOCAL_ROOT_ACCESS_KEY_ID / IAMLOCAL_ROOT_SECRET_ACCESS_KEY (default test / test).`;

class UsageError extends Error {}

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
  env: NodeJS.ProcessEnv;
}

function creds(env: NodeJS.ProcessEnv) {
  const root = defaults.rootCredentials || { accessKeyId: 'test', secretAccessKey: 'test' };
  return { accessKeyId: env.IAMLOCAL_ROOT_ACCESS_KEY_ID ?? root.accessKeyId, secretAccessKey: env.IAMLOCAL_ROOT_SECRET_ACCESS_KEY ?? root.secretAccessKey };
}

function signed(endpoint: string, method: string, path: string, body: string, env: NodeJS.ProcessEnv) {
  const url = new URL(path, endpoint);
  const headers: Record<string, string> = body ? { 'content-type': 'application/json' } : {};
  Object.assign(headers, signRequest({ method, url: url.toString(), headers, body }, creds(env), { region: defaults.defaultRegion, service: 'iamlocal', now: new Date() }));
  return { url, headers };
}

function call(endpoint: string, method: string, path: string, body: unknown, env: NodeJS.ProcessEnv): Promise<{ status: number; json: any }> {
  const text = body === undefined ? '' : JSON.stringify(body);
  const { url, headers } = signed(endpoint, method, path, text, env);
  const send = url.protocol === 'https:' ? httpsRequest : request;
  return new Promise((resolve, reject) => {
    const req = send(url, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        let json: any;
        try {
          json = JSON.parse(raw);
        } catch {
          json = { error: { message: raw } };
        }
        resolve({ status: res.statusCode ?? 0, json });
      });
    });
    req.on('error', reject);
    req.end(text);
  });
}

const show = (v: unknown) => (v === null || v === undefined ? '(missing)' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v));

/** The line, then for denials: the deciding policy and each failed condition with wanted vs seen. */
export function describeDecision(r: DecisionRecord): string {
  const lines = [formatDecisionLine(r)];
  if (r.outcome !== 'allowed') {
    if (r.decidingPolicy) lines.push(`    decided by ${r.decidingPolicy.type} ${r.decidingPolicy.id}${r.decidingPolicy.name && r.decidingPolicy.name !== r.decidingPolicy.id ? ` (${r.decidingPolicy.name})` : ''}`);
    for (const f of r.failedConditions) {
      lines.push(`    ${f.policyType} ${f.policyId}${f.policyName && f.policyName !== f.policyId ? ` (${f.policyName})` : ''} statement ${f.index}${f.sid ? ` "${f.sid}"` : ''}: ${f.operator} ${f.key}`);
      lines.push(`      wanted ${show(f.wanted)}`);
      lines.push(`      seen   ${show(f.seen)}`);
    }
    if (r.missingContextKeys.length) lines.push(`    missing context keys: ${r.missingContextKeys.join(', ')}`);
  }
  return lines.join('\n');
}

async function decisions(endpoint: string, argv: string[], io: Io): Promise<number> {
  const q = new URLSearchParams();
  let follow = false;
  let json = false;
  for (const { arg, flag, value } of cliFlags(argv, (f) => new UsageError(`${f} needs a value`))) {
    switch (flag) {
      case '--follow': case '-f': follow = true; break;
      case '--denied': q.set('decision', 'denied'); break;
      case '--principal': q.set('principal', value()); break;
      case '--action': q.set('action', value()); break;
      case '--since': q.set('since', value()); break;
      case '--json': json = true; break;
      case '--endpoint': break;
      default: throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
    }
  }
  const print = (r: DecisionRecord) => io.out((json ? JSON.stringify(r) : describeDecision(r)) + '\n');
  let after = 0;
  for (;;) {
    const page = new URLSearchParams(q);
    page.set('limit', '1000');
    if (after) page.set('after', String(after));
    const res = await call(endpoint, 'GET', `/_iamlocal/decisions?${page}`, undefined, io.env);
    if (res.status !== 200) {
      io.err(`iamlocal: ${res.json?.error?.message ?? `HTTP ${res.status}`}\n`);
      return 1;
    }
    const p = res.json as DecisionPage;
    for (const r of p.decisions) {
      print(r);
      after = r.seq;
    }
    if (!p.nextToken) break;
    after = Number(p.nextToken);
  }
  if (!follow) return 0;
  return streamDecisions(endpoint, q, after, print, io);
}

function streamDecisions(endpoint: string, q: URLSearchParams, after: number, print: (r: DecisionRecord) => void, io: Io): Promise<number> {
  const qs = new URLSearchParams(q);
  qs.set('after', String(after));
  const { url, headers } = signed(endpoint, 'GET', `/_iamlocal/decisions/stream?${qs}`, '', io.env);
  const send = url.protocol === 'https:' ? httpsRequest : request;
  return new Promise((resolve) => {
    const req = send(url, { method: 'GET', headers: { ...headers, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        io.err(`iamlocal: stream refused: HTTP ${res.statusCode}\n`);
        res.resume();
        resolve(1);
        return;
      }
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buf += chunk;
        let i: number;
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const event = /^event: ?(.*)$/m.exec(block)?.[1];
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
          if (event === 'decision' && data) print(JSON.parse(data) as DecisionRecord);
        }
      });
      res.on('end', () => resolve(0));
    });
    req.on('error', (e) => {
      io.err(`iamlocal: ${e.message}\n`);
      resolve(1);
    });
    req.end();
  });
}

async function simple(endpoint: string, method: string, path: string, body: unknown, io: Io): Promise<number> {
  const res = await call(endpoint, method, path, body, io.env);
  if (res.status !== 200) {
    io.err(`iamlocal: ${res.json?.error?.message ?? `HTTP ${res.status}`}\n`);
    return 1;
  }
  io.out(JSON.stringify(res.json) + '\n');
  return 0;
}

/** Runs one admin subcommand; returns the exit code. */
export async function runAdminCommand(command: string, argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s), env: process.env }): Promise<number> {
  try {
    if (argv.includes('--help') || argv.includes('-h')) {
      io.out(ADMIN_USAGE + '\n');
      return 0;
    }
    let endpoint = io.env.IAMLOCAL_ENDPOINT ?? `http://127.0.0.1:${defaults.port}`;
    const rest: string[] = [];
    for (let i = 0; i < argv.length; i++) {
      if (argv[i] === '--endpoint') endpoint = argv[++i] ?? endpoint;
      else if (argv[i]!.startsWith('--endpoint=')) endpoint = argv[i]!.slice(11);
      else rest.push(argv[i]!);
    }
    switch (command) {
      case 'decisions':
        return await decisions(endpoint, rest, io);
      case 'reset':
        if (rest.length) throw new UsageError(`reset takes no arguments`);
        return await simple(endpoint, 'POST', '/_iamlocal/reset', undefined, io);
      case 'clock': {
        if (rest.length === 0) return await simple(endpoint, 'GET', '/_iamlocal/clock', undefined, io);
        let body: unknown;
        for (const { arg, flag, value } of cliFlags(rest, (f) => new UsageError(`${f} needs a value`))) {
          if (flag === '--set') body = { time: value() };
          else if (flag === '--advance') body = { advanceSeconds: Number(value()) };
          else if (flag === '--reset') body = { reset: true };
          else throw new UsageError(`unknown option ${JSON.stringify(arg)}`);
        }
        return await simple(endpoint, 'POST', '/_iamlocal/clock', body, io);
      }
      case 'snapshot': {
        const [verb, name, extra] = rest;
        if (extra !== undefined) throw new UsageError('too many arguments');
        if (verb === 'list' && name === undefined) return await simple(endpoint, 'GET', '/_iamlocal/snapshots', undefined, io);
        if (!name) throw new UsageError('snapshot save|restore|delete NAME, or snapshot list');
        if (verb === 'save') return await simple(endpoint, 'POST', '/_iamlocal/snapshots', { name }, io);
        if (verb === 'restore') return await simple(endpoint, 'POST', `/_iamlocal/snapshots/${encodeURIComponent(name)}/restore`, undefined, io);
        if (verb === 'delete') return await simple(endpoint, 'DELETE', `/_iamlocal/snapshots/${encodeURIComponent(name)}`, undefined, io);
        throw new UsageError(`unknown snapshot command ${JSON.stringify(verb)}`);
      }
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (e) {
    if (e instanceof UsageError) {
      io.err(`iamlocal ${command}: ${e.message}\n\n${ADMIN_USAGE}\n`);
      return 2;
    }
    io.err(`iamlocal ${command}: ${(e as Error).message}\n`);
    return 1;
  }
}
