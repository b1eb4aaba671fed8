// Owns how the bench starts a server: with the node flags and the environment of package.json's `start`
// script (`[NAME=value …] [exec] node <flags> dist/cli.js`), so every figure is of the server as users run it.
// The same flags are in src/cli.ts's shebang and the image's ENTRYPOINT (test/node-flags.test.ts keeps them
// equal, and checks npmStartEnv against the script run by sh).
import { readFileSync } from 'node:fs';

function startScript(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  return pkg.scripts?.start ?? '';
}

export function startScriptNodeFlags(): string {
  const m = /^(?:[A-Z_]+=(?:"[^"]*"|\S*)\s+)*(?:exec\s+)?node\s+((?:--\S+\s+)*)dist\/cli\.js/.exec(startScript());
  return m ? m[1].trim() : '';
}

/**
 * The environment `npm start` gives node: NODE_EXTRA_CA_CERTS moves to IAMLOCAL_EXTRA_CA_CERTS (unless that
 * is set), so node does not parse the CA bundle at start and iamlocal reads it on its first outbound HTTPS
 * connection (src/http/outbound-tls.ts).
 */
export function npmStartEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return { ...env, IAMLOCAL_EXTRA_CA_CERTS: env.IAMLOCAL_EXTRA_CA_CERTS || env.NODE_EXTRA_CA_CERTS || '', NODE_EXTRA_CA_CERTS: '' };
}
