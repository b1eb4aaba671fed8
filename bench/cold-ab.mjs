// Owns `node bench/cold-ab.mjs N <armA> <armB> … [-- extra server args]`: cold starts of two or more builds
// (or node flag sets) interleaved round by round (spawn → first HTTP answer on loopback). Each start is
// reported as the server's own CPU ms (user + system of all its threads, /proc/<pid>/stat) up to that
// answer, with the per-round A÷B ratio, and as wall ms. An arm is `<cli.js>` (run with
// npm start's node flags, none today) or `<node flags>|<cli.js>`, e.g.
// `"--max-semi-space-size=4 --heap-growing-percent=50|dist/cli.js"`.
// Servers get npm start's environment (bench/npm-start-env.mjs: NODE_EXTRA_CA_CERTS handed to iamlocal
// as IAMLOCAL_EXTRA_CA_CERTS); an arm prefixed `inherit:` (or COLD_AB_ENV=inherit for all) gets this shell's
// as it is, e.g. `node bench/cold-ab.mjs 9 inherit:dist/cli.js dist/cli.js`.
// Linux only; nothing asserted.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { npmStartEnv } from './npm-start-env.mjs';
const cpuMs = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const [n, ...rest] = process.argv.slice(2);
const sep = rest.indexOf('--');
const arms = sep < 0 ? rest : rest.slice(0, sep);
const extra = sep < 0 ? [] : rest.slice(sep + 1);
const startEnv = npmStartEnv(process.env);
const parse = (full) => {
  const inherit = full.startsWith('inherit:') || process.env.COLD_AB_ENV === 'inherit';
  const arm = full.replace(/^inherit:/, '');
  const env = inherit ? process.env : startEnv;
  const bar = arm.lastIndexOf('|');
  return bar < 0 ? { flags: [], cli: arm, env } : { flags: arm.slice(0, bar).split(' ').filter(Boolean), cli: arm.slice(bar + 1), env };
};
let port = 4800;
const probe = (p) => new Promise((res) => { const r = http.get({ host: '127.0.0.1', port: p, path: '/' }, (s) => { s.resume(); res(true); }); r.on('error', () => res(false)); });
async function one(arm) {
  const { flags, cli, env } = parse(arm);
  const p = port++;
  const t0 = performance.now();
  const c = spawn(process.execPath, [...flags, cli, '--in-memory', '--host', '127.0.0.1', '--port', String(p), '--log-level', 'silent', ...extra], { stdio: 'ignore', env });
  while (!(await probe(p))) await new Promise((r) => setTimeout(r, 2));
  const wall = performance.now() - t0;
  const ms = cpuMs(c.pid);
  c.kill('SIGKILL'); await new Promise((r) => c.on('exit', r));
  return { ms, wall };
}
const cpu = arms.map(() => []);
const wall = arms.map(() => []);
for (let i = 0; i < Number(n); i++) for (const [j, arm] of arms.entries()) { const r = await one(arm); cpu[j].push(r.ms); wall[j].push(r.wall); }
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const ratios = cpu[0].map((a, i) => a / cpu[1]?.[i]);
arms.forEach((a, j) => console.log(`${a}: median ${med(cpu[j]).toFixed(0)} ms CPU  [${cpu[j].map((x) => x.toFixed(0)).join(' ')}]; wall ${med(wall[j]).toFixed(0)} ms  [${wall[j].map((x) => x.toFixed(0)).join(' ')}]`));
if (arms.length > 1) console.log(`A/B CPU per round: ${ratios.map((x) => x.toFixed(2)).join(' ')}  median ${med(ratios).toFixed(2)}x`);
