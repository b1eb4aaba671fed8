// Owns reading seed sources — files, directories (all *.yaml/*.yml/*.json, sorted) or in-memory
// documents — and applying them: async preparation (EKS signing keys) first, then every document in
// one store transaction, so a failing seed leaves nothing half-applied.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ACCOUNT_ID, type Config } from '../config';
import { clusterKeyFromPem, generateClusterKey, type ClusterKey } from '../oidc/index';
import { vaultedClusterKey } from './cluster-vault';
import type { IdSource } from '../runtime';
import { applySeedDocument } from './seed-apply';
import { SEED_CACHE_FILE, seedParseCache } from './seed-parse-cache';
import { parseSeedDocument, SeedError, type SeedDocument } from './seed-schema';
import type { Store } from './store';

/** A path (file or directory) or an already-parsed seed document. */
export type SeedSource = string | Record<string, unknown>;

export type LoadedSeed = SeedDocument;

const SEED_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** `iamlocal:examples` (or `iamlocal:examples/FILE`) names the seeds shipped in the package's seed/ directory. */
export const EXAMPLES_PREFIX = 'iamlocal:examples';

/** The installed package's root: the nearest directory above this module whose package.json is iamlocal's. */
function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'iamlocal') return dir;
      } catch {
        // not a readable manifest: keep walking up
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new SeedError(`${EXAMPLES_PREFIX}: cannot find the iamlocal package directory above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}

/** A seed path as given, or the shipped example seeds for `iamlocal:examples[/FILE]`. */
export function resolveSeedPath(src: string): string {
  if (src !== EXAMPLES_PREFIX && !src.startsWith(`${EXAMPLES_PREFIX}/`)) return src;
  return join(packageRoot(), 'seed', src.slice(EXAMPLES_PREFIX.length + 1));
}

/** The YAML parser, loaded with the first YAML seed file (a chunk of its own in dist/: a server without YAML seeds never compiles it). */
let yaml: Promise<typeof import('./yaml-parse')> | undefined;

/** The shipped seeds' parse cache next to the bundle (src/store/seed-parse-cache.ts; none when run from src/). */
let parsedSeeds: ((text: string) => { value: unknown } | undefined) | undefined;

async function readSeedFile(file: string, defaultAccount: string): Promise<SeedDocument> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new SeedError(`${file}: cannot read seed file: ${(e as Error).message}`);
  }
  const json = extname(file).toLowerCase() === '.json';
  if (!json) {
    parsedSeeds ??= seedParseCache(join(dirname(fileURLToPath(import.meta.url)), SEED_CACHE_FILE));
    const hit = parsedSeeds(text);
    if (hit) return parseSeedDocument(hit.value, file, defaultAccount);
  }
  const parseYaml = json ? null : (await (yaml ??= import('./yaml-parse'))).parseYaml;
  let value: unknown;
  try {
    value = json ? JSON.parse(text) : parseYaml!(text);
  } catch (e) {
    throw new SeedError(`${file}: not valid ${json ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
  }
  return parseSeedDocument(value, file, defaultAccount);
}

/** Expands and parses every source in order; throws SeedError naming the file, entry and problem. */
export async function loadSeedSources(sources: SeedSource[], defaultAccount = DEFAULT_ACCOUNT_ID): Promise<SeedDocument[]> {
  const docs: SeedDocument[] = [];
  for (const [i, given] of sources.entries()) {
    if (typeof given !== 'string') {
      docs.push(parseSeedDocument(given, `seed[${i}]`, defaultAccount));
      continue;
    }
    const src = resolveSeedPath(given);
    let st;
    try {
      st = statSync(src);
    } catch {
      throw new SeedError(`${src}: seed file or directory not found`);
    }
    if (st.isDirectory()) {
      const files = readdirSync(src)
        .filter((f) => SEED_EXTENSIONS.has(extname(f).toLowerCase()))
        .sort();
      for (const f of files) docs.push(await readSeedFile(join(src, f), defaultAccount));
    } else {
      docs.push(await readSeedFile(src, defaultAccount));
    }
  }
  return docs;
}

export interface SeedApplyContext {
  ids: IdSource;
  now: Date;
  config: Pick<Config, 'defaultAccountId' | 'defaultRegion'>;
}

/** Placeholder while a cluster's key is being generated (each entry its own copy; replaced before the transaction). */
const PENDING_KEY: ClusterKey = { privateJwk: {}, publicJwk: {}, kid: '' };

/** Applies the documents in order inside one transaction. */
export async function applySeedDocuments(store: Store, docs: SeedDocument[], ctx: SeedApplyContext): Promise<void> {
  // Signing keys of EKS clusters not yet in the store are made before the (synchronous) transaction.
  // New keys are generated all at once (each on the thread pool), not one after the other.
  const keys = new Map<string, ClusterKey>();
  const pending: Promise<void>[] = [];
  for (const doc of docs) {
    for (const [i, c] of doc.eksClusters.entries()) {
      const existing = store.eksClusters.get(c.account, c.region, c.name);
      if (existing) continue;
      const ref = `${c.account}/${c.region}/${c.name}`;
      // A cluster created before (and reset since) keeps its key unless the seed names its own.
      const vaulted = c.privateKeyPem ? null : vaultedClusterKey(store, c.account, c.region, c.name, c.id ?? undefined);
      if (vaulted) keys.set(ref, vaulted.key);
      else if (c.privateKeyPem) {
        try {
          keys.set(ref, clusterKeyFromPem(c.privateKeyPem));
        } catch (e) {
          throw new SeedError(`${doc.source}: eksClusters[${i}] (${c.name}): privateKeyPem: ${(e as Error).message}`);
        }
      } else {
        // The last entry naming the cluster decides its key, as when they were made one by one.
        const token = { ...PENDING_KEY };
        keys.set(ref, token);
        pending.push(
          generateClusterKey().then(
            (k) => void (keys.get(ref) === token && keys.set(ref, k)),
            (e: Error) => {
              throw new SeedError(`${doc.source}: eksClusters[${i}] (${c.name}): signing key: ${e.message}`);
            },
          ),
        );
      }
    }
  }
  await Promise.all(pending);
  store.transaction(() => {
    for (const doc of docs) applySeedDocument(store, doc, { ...ctx, clusterKeys: keys });
  });
}
