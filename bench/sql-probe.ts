// Dev probe (not part of npm run bench): starts iamlocal in this process with bench/seed.yaml, runs each
// scenario N times over loopback and prints the SQL statements executed per request (deterministic,
// unlike timings on a shared machine) and this process's CPU per request (client + server).
import { startServer } from '../src/server';
import { resolveConfig, createLogger } from '../src/config';
import { Db } from '../src/store/db';
import { send } from './aws-query';
import { ALL } from './scenarios';

const N = Number(process.env.N ?? 200);
const counts = new Map<string, number>();
let counting = false;
const orig = Db.prototype.stmt;
Db.prototype.stmt = function (sql: string) {
  if (counting) counts.set(sql, (counts.get(sql) ?? 0) + 1);
  return orig.call(this, sql);
};
const config = resolveConfig(['--in-memory', '--host', '127.0.0.1', '--port', '0', '--log-level', 'warn', '--seed', 'bench/seed.yaml']);
const server = await startServer({ config, logger: createLogger('warn') });
const only = (process.env.ONLY ?? '').split(',').filter(Boolean);
for (const sc of ALL.filter((s) => only.length === 0 || only.some((o) => s.name.includes(o)))) {
  const make = await sc.setup(server.url, 'iamlocal', 'fresh');
  for (let i = 0; i < 50; i++) await send(server.url, make(0), 5000);
  counts.clear();
  counting = true;
  const t0 = process.cpuUsage();
  for (let i = 0; i < N; i++) {
    const r = await send(server.url, make(0), 5000);
    if (r.status !== (sc.status ?? 200)) throw new Error(`${sc.name}: ${r.status} ${r.body.slice(0, 300)}`);
  }
  const cpu = process.cpuUsage(t0);
  counting = false;
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`\n== ${sc.name}: ${(total / N).toFixed(1)} statements/request, ${Math.round((cpu.user + cpu.system) / N)} µs CPU/request (client+server)`);
  for (const [sql, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`${(n / N).toFixed(2).padStart(6)}  ${sql.replace(/\s+/g, ' ').slice(0, 150)}`);
}
await server.stop();
