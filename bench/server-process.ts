// Owns the server under test as a child process: spawn the built CLI on a loopback port, time the cold
// start to the first answered signed request, sample its resident memory, stop it by its own pid.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { npmStartEnv } from './node-flags';

export interface ServerHandle {
  child: ChildProcess;
  pid: number;
  origin: string;
  /** Recent stdout+stderr lines, for diagnostics. */
  output: string[];
  /** Resolves with the exit code once the process has exited. */
  exited: Promise<number | null>;
}

/** A free loopback TCP port (bound and released; the child binds it right after). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.unref();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Spawn `node …nodeArgs <cli> --in-memory --host 127.0.0.1 --port <port> …extra` in npm start's environment (npmStartEnv). */
export function startServer(cliPath: string, port: number, extraArgs: string[] = [], nodeArgs: string[] = []): ServerHandle {
  const args = [...nodeArgs, cliPath, '--in-memory', '--host', '127.0.0.1', '--port', String(port), ...extraArgs];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...npmStartEnv(process.env), NODE_ENV: 'production' } });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (!line) continue;
      output.push(line);
      if (output.length > 200) output.shift();
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  if (child.pid === undefined) throw new Error(`bench: could not spawn ${process.execPath} ${args.join(' ')}`);
  return { child, pid: child.pid, origin: `http://127.0.0.1:${port}`, output, exited };
}

/** Resident set size of a process in bytes (Linux /proc/<pid>/status VmRSS); null elsewhere. */
export function readRssBytes(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const line = status.split('\n').find((l) => l.startsWith('VmRSS:'));
    if (!line) return null;
    const kb = Number(line.replace(/[^0-9]/g, ''));
    return Number.isFinite(kb) ? kb * 1024 : null;
  } catch {
    return null;
  }
}

/** Tracks the peak RSS over repeated samples. */
export class RssSampler {
  peak = 0;
  last = 0;
  samples = 0;
  constructor(readonly pid: number) {}
  sample = (): void => {
    const v = readRssBytes(this.pid);
    if (v === null) return;
    this.samples++;
    this.last = v;
    if (v > this.peak) this.peak = v;
  };
}

/** SIGTERM, then SIGKILL after `graceMs` — only this child, by its pid. */
export async function stopServer(h: ServerHandle, graceMs = 3000): Promise<void> {
  if (h.child.exitCode !== null || h.child.signalCode !== null) return;
  h.child.kill('SIGTERM');
  const timer = setTimeout(() => {
    if (h.child.exitCode === null && h.child.signalCode === null) h.child.kill('SIGKILL');
  }, graceMs);
  await h.exited;
  clearTimeout(timer);
}

/**
 * Poll `probe` until it succeeds (or the process exits / `timeoutMs` passes). Returns ms since `t0`.
 * The probe is retried every `intervalMs` while the port is not yet accepting connections.
 */
export async function waitUntilReady(
  h: ServerHandle,
  t0: number,
  probe: () => Promise<boolean>,
  timeoutMs = 15000,
  intervalMs = 5,
): Promise<number> {
  let exited = false;
  void h.exited.then(() => (exited = true));
  while (performance.now() - t0 < timeoutMs) {
    if (exited) throw new Error(`bench: server exited during start-up:\n${h.output.slice(-20).join('\n')}`);
    try {
      if (await probe()) return performance.now() - t0;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`bench: server not ready after ${timeoutMs} ms:\n${h.output.slice(-20).join('\n')}`);
}

let clkTck: number | undefined;
/** CPU time (user + system) a process has used, in ms (Linux /proc/<pid>/stat); null elsewhere. */
export function readCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which is in parentheses and may contain spaces).
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(rest[11]);
    const stime = Number(rest[12]);
    if (!Number.isFinite(utime) || !Number.isFinite(stime)) return null;
    if (clkTck === undefined) {
      try {
        clkTck = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
      } catch {
        clkTck = 100;
      }
    }
    return ((utime + stime) * 1000) / clkTck;
  } catch {
    return null;
  }
}

/** Machine-wide busy CPU time so far, in ms summed over all CPUs (Linux /proc/stat); null elsewhere. */
export function readMachineBusyMs(): number | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0]; // "cpu  user nice system idle iowait irq softirq steal …"
    const f = line.trim().split(/\s+/).slice(1).map(Number);
    if (f.length < 8 || f.some((x) => !Number.isFinite(x))) return null;
    const busy = f[0] + f[1] + f[2] + f[5] + f[6] + f[7]; // user nice system irq softirq steal
    if (clkTck === undefined) readCpuMs(process.pid);
    return (busy * 1000) / (clkTck ?? 100);
  } catch {
    return null;
  }
}
