// Owns `node bench/cold-ab.mjs N <cliA> <cliB> [-- extra server args]`: cold starts of two builds interleaved
// round by round (spawn → first HTTP answer on loopback), each reported as the server's own CPU ms (user +
// system, /proc/<pid>/stat) up to that answer, with the per-round A÷B ratio. Linux only; nothing asserted.
import { spawn } from 'node:child_process';
import http from 'node:http';
import { readFileSync } from 'node:fs';
const cpuMs = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };
const [n, ...rest] = process.argv.slice(2);
const sep = rest.indexOf('--');
const clis = sep < 0 ? rest : rest.slice(0, sep);
const extra = sep < 0 ? [] : rest.slice(sep + 1);
let port = 4800;
const probe = (p) => new Promise((res) => { const r = http.get({ host: '127.0.0.1', port: p, path: '/' }, (s) => { s.resume(); res(true); }); r.on('error', () => res(false)); });
async function one(cli) {
  const p = port++;
  const t0 = performance.now();
  const c = spawn(process.execPath, ['--max-semi-space-size=4', cli, '--in-memory', '--host', '127.0.0.1', '--port', String(p), '--log-level', 'silent', ...extra], { stdio: 'ignore' });
  while (!(await probe(p))) await new Promise((r) => setTimeout(r, 5));
  const ms = cpuMs(c.pid);
  c.kill('SIGKILL'); await new Promise((r) => c.on('exit', r));
  return ms;
}
const res = clis.map(() => []);
for (let i = 0; i < Number(n); i++) for (const [j, cli] of clis.entries()) res[j].push(await one(cli));
const med = (a) => [...a].sort((x, y) => x - y)[a.length >> 1];
const ratios = res[0].map((a, i) => a / res[1]?.[i]);
clis.forEach((c, j) => console.log(`${c}: median ${med(res[j]).toFixed(0)} ms  [${res[j].map((x) => x.toFixed(0)).join(' ')}]`));
if (clis.length > 1) console.log(`A/B per round: ${ratios.map((x) => x.toFixed(2)).join(' ')}  median ${med(ratios).toFixed(2)}x`);
