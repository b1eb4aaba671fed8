// Owns how the bench starts a server: with the node flags and the environment of package.json's `start`
// script (`[NAME=value …] [exec] node <flags> dist/cli.js`), so every figure is of the server as users run it.
// The same flags are in src/cli.ts's shebang and the image's ENTRYPOINT (test/node-flags.test.ts keeps them
// equal, and checks npmStartEnv against the script run by sh).
import { readFileSync } from 'node:fs';

export { npmStartEnv } from './npm-start-env.mjs';

function startScript(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  return pkg.scripts?.start ?? '';
}

export function startScriptNodeFlags(): string {
  const m = /^(?:[A-Z_]+=(?:"[^"]*"|\S*)\s+)*(?:exec\s+)?node\s+((?:--\S+\s+)*)dist\/cli\.js/.exec(startScript());
  return m ? m[1].trim() : '';
}
