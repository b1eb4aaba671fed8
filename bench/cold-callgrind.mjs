// Owns `node bench/cold-callgrind.mjs <arm>… [-- extra server args]`: the instructions a cold start executes
// from spawn to its first answered signed GetCallerIdentity, counted by valgrind's callgrind (all threads).
// Unlike wall or CPU time, the count hardly moves with the machine's phase (runs of the same build differed
// by up to 3 % here, against 2x in wall time), so it tells apart start-up changes that cold-ab.mjs cannot. An arm is
// `<cli.js>`, `inherit:<cli.js>` (this shell's environment as it is, NODE_EXTRA_CA_CERTS included) or
// `bare:<server.mjs>` (any server taking --port, e.g. bench/bare-node-http.mjs). Servers but `inherit:` ones get
// npm start's environment (NODE_EXTRA_CA_CERTS handed to iamlocal, bench/npm-start-env.mjs).
// Needs valgrind and curl (its --aws-sigv4 signs the probe); a start takes 10-20 s under callgrind.
// Linux only; a tool, nothing asserted, never part of `npm run bench`.
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { npmStartEnv } from './npm-start-env.mjs';

const rest = process.argv.slice(2);
const sep = rest.indexOf('--');
const arms = sep < 0 ? rest : rest.slice(0, sep);
const extra = sep < 0 ? [] : rest.slice(sep + 1);
if (arms.length === 0) {
  console.error('usage: node bench/cold-callgrind.mjs <cli.js | inherit:cli.js | bare:server.mjs>… [-- server args]');
  process.exit(2);
}
const startEnv = npmStartEnv(process.env);
let port = 4870;

/** One signed GetCallerIdentity with curl; true once anything answers. */
function answered(p) {
  try {
    execFileSync('curl', ['-s', '-o', '/dev/null', '--max-time', '5', '--aws-sigv4', 'aws:amz:us-east-1:sts', '--user', 'test:test', '-X', 'POST', '-H', 'content-type: application/x-www-form-urlencoded', '-d', 'Action=GetCallerIdentity&Version=2011-06-15', `http://127.0.0.1:${p}/`]);
    return true;
  } catch {
    return false;
  }
}

async function instructions(arm) {
  const inherit = arm.startsWith('inherit:');
  const bare = arm.startsWith('bare:');
  const script = arm.replace(/^(inherit|bare):/, '');
  const p = port++;
  const log = join(tmpdir(), `iamlocal-callgrind-${process.pid}-${p}.log`);
  const serverArgs = bare ? ['--port', String(p)] : ['--in-memory', '--host', '127.0.0.1', '--port', String(p), '--log-level', 'silent', ...extra];
  const child = spawn('valgrind', ['--tool=callgrind', '--callgrind-out-file=/dev/null', `--log-file=${log}`, process.execPath, script, ...serverArgs], {
    stdio: 'ignore',
    env: inherit ? process.env : startEnv,
  });
  const exited = new Promise((r) => child.on('exit', r));
  let gone = false;
  void exited.then(() => (gone = true));
  // Polling costs the server nothing: until it listens, the kernel refuses the connection.
  while (!gone && !answered(p)) await new Promise((r) => setTimeout(r, 200));
  child.kill('SIGINT');
  await exited;
  const m = /Collected : (\d+)/.exec(readFileSync(log, 'utf8'));
  rmSync(log, { force: true });
  if (!m) throw new Error(`${arm}: no callgrind total (did the server start?)`);
  return Number(m[1]);
}

for (const arm of arms) {
  const n = await instructions(arm);
  console.log(`${arm}${extra.length && !arm.startsWith('bare:') ? ' ' + extra.join(' ') : ''}: ${(n / 1e6).toFixed(1)} M instructions to the first answer`);
}
