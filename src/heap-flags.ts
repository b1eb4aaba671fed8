// Owns the V8 heap flags the `iamlocal` command sets once it is listening, rather than on node's command line.
//
// `--heap-growing-percent=50` grows the old generation by 1.5× per full GC instead of V8's up to 4×, so
// garbage does not sit in RSS under load (bench/README.md, "Memory, denials and a whole-harness run": peak
// RSS at 30k sessions 164-183 -> 138-140 MB). V8 reads it at every full GC, so setting it at run time has the
// same effect as passing it to node (100k sessions: 123.8 MB on the command line, 124.2 MB set here).
//
// It is not given on the command line because any V8 flag there changes V8's flag hash, and V8 then
// rejects every code cache made under the default flags: the one Node ships for its built-in modules, and
// the module compile cache the image fills at build time (src/cli.ts). In the image (Node 24) that made a
// seeded start 353 ms instead of 310 ms (median of 9, wall). Set after start-up, only what is compiled later
// (the lazily imported service tables, built-ins first needed by a request) misses the caches.
// `--max-semi-space-size` stays on the command line: it is read only when the heap is made, and Node 24
// leaves it out of the flag hash (Node 20 does not: there it costs the same as any flag, and keeps ~26 MB of
// young generation out of RSS).
// https://nodejs.org/api/v8.html#v8setflagsfromstringflags
import { setFlagsFromString } from 'node:v8';

/** Flags applied once the server is listening (each one V8 reads while running, not only at start-up). */
export const RUNTIME_V8_FLAGS: readonly string[] = ['--heap-growing-percent=50'];

/** Applies RUNTIME_V8_FLAGS (the setter is injected for tests). */
export function applyRuntimeV8Flags(set: (flags: string) => void = setFlagsFromString): void {
  for (const f of RUNTIME_V8_FLAGS) set(f);
}
