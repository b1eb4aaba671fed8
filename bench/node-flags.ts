// Owns which node flags the bench starts a server with: those of package.json's `start` script
// (`[exec] node <flags> dist/cli.js`), so every figure is of the server as users run it. The same flags
// are in src/cli.ts's shebang and the image's ENTRYPOINT (test/bench/node-flags.test.ts keeps them equal).
import { readFileSync } from 'node:fs';

export function startScriptNodeFlags(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { scripts?: Record<string, string> };
  const m = /^(?:exec\s+)?node\s+((?:--\S+\s+)*)dist\/cli\.js/.exec(pkg.scripts?.start ?? '');
  return m ? m[1].trim() : '';
}
