// Owns `iamlocal health`: GET /_iamlocal/health of a running iamlocal, exit 0 when it answers ok and 1
// otherwise. The image's HEALTHCHECK runs it; where a build drops HEALTHCHECK (podman/buildah's default
// OCI format), `--health-cmd "node /app/dist/cli.js health"` or a Kubernetes exec probe runs the same.
import { applyOptions, formatOptions, type OptionSpec } from './cli-args';
import { defaults } from './config';

type Parsed = { url?: string; port?: string; help?: boolean; timeoutMs: number };

export const HEALTH_OPTIONS: OptionSpec<Parsed>[] = [
  { flag: '--endpoint', value: 'URL', env: 'IAMLOCAL_ENDPOINT', default: `http://127.0.0.1:$IAMLOCAL_PORT`, help: 'iamlocal URL to ask', fromFlag: (c, v) => void (c.url = v), fromEnv: (c, v) => void (c.url ??= v) },
  { env: 'IAMLOCAL_PORT', value: 'N', default: String(defaults.port), help: 'port of the local server (when no endpoint is given)', fromEnv: (c, v) => void (c.port = v) },
  { flag: '--timeout', value: 'SECONDS', default: '3', help: 'give up after this long', fromFlag: (c, v) => void (c.timeoutMs = Math.max(1, Number(v) || 3) * 1000) },
  { flag: '--help', aliases: ['-h'], help: 'this text', fromFlag: (c) => void (c.help = true) },
];

export const HEALTH_USAGE = `Usage: iamlocal health [options]

Exits 0 when a running iamlocal answers GET /_iamlocal/health with status ok, 1 otherwise.

${formatOptions(HEALTH_OPTIONS)}`;

export async function runHealth(argv: string[], env: NodeJS.ProcessEnv = process.env, io = { out: process.stdout, err: process.stderr }): Promise<number> {
  let c: Parsed;
  try {
    c = applyOptions<Parsed>(HEALTH_OPTIONS, { timeoutMs: 3000 }, argv, env, {
      missing: (flag) => new Error(`${flag} needs a value`),
      unknown: (arg) => new Error(`unknown option ${JSON.stringify(arg)}`),
    });
  } catch (e) {
    io.err.write(`iamlocal health: ${(e as Error).message}\n\n${HEALTH_USAGE}\n`);
    return 2;
  }
  if (c.help) {
    io.out.write(HEALTH_USAGE + '\n');
    return 0;
  }
  const url = new URL('/_iamlocal/health', c.url ?? `http://127.0.0.1:${c.port || defaults.port}`);
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(c.timeoutMs) });
    const body = (await res.json()) as { status?: string };
    if (res.ok && body.status === 'ok') {
      io.out.write(`ok ${url}\n`);
      return 0;
    }
    io.err.write(`iamlocal health: ${url} answered HTTP ${res.status}\n`);
  } catch (e) {
    io.err.write(`iamlocal health: ${url}: ${(e as Error).message}\n`);
  }
  return 1;
}
