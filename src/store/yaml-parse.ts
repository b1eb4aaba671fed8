// Owns the YAML parser seeds are read with, as a module of its own: seed-load.ts imports it with
// `await import()` (a chunk of its own in dist/), so a server started without YAML seeds never loads it.
export { parse as parseYaml } from 'yaml';
