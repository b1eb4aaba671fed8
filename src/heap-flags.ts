// Owns the V8 heap flags the `iamlocal` command sets once it is listening, rather than on node's command line.
//
// `--heap-growing-percent=50` grows the old generation by 1.5× per full GC instead of V8's up to 4×, so
// garbage does not sit in RSS under load (bench/README.md, "Memory, denials and a whole-harness run": peak
// RSS at 30k sessions 164-183 -> 138-140 MB). V8 reads it at every full GC, so setting it at run time has the
// same effect as passing it to node (100k sessions: 123.8 MB on the command line, 124.2 MB set here).
//
// `--semi-space-growth-factor=1` stops the young generation growing from the size start-up left it at
// (4 MB per semi-space on Node 20 after a seeded start), where V8 would double it under load up to 16 MB
// (Node 20; 64 MB on Node 24). V8 reads the factor each time it grows the new space. For `npm start` and
// the bin it replaces `--max-semi-space-size=4`, which V8 reads only when it makes the heap (set while
// running, the young generation still grew to 16 MB). Node 24's new space still grows somewhat past it
// (test/node-flags.test.ts), so the image (Node 24, which leaves that flag out of its flag hash) keeps
// `--max-semi-space-size=4` on its ENTRYPOINT as well. 100k sessions on Node 20 without either: 150.4 MB
// peak RSS; with the cap on the command line 124.1 MB; with the growth factor set here 116.9-117.4 MB
// (bench/README.md, "Issue 18, tenth pass").
//
// Neither is given on `npm start`'s command line because any V8 flag there changes V8's flag hash, and V8 then
// rejects every code cache made under the default flags: the one Node ships for its built-in modules, and
// the module compile cache the image fills at build time (src/cli.ts). On Node 20 `--max-semi-space-size=4`
// made a seeded start ~25 ms slower (median of 9, wall); in the image (Node 24) the growth flag made it
// 353 ms instead of 310 ms. Set after start-up, only what is compiled later (the lazily imported service
// tables, built-ins first needed by a request) misses the caches.
// https://nodejs.org/api/v8.html#v8setflagsfromstringflags
import { setFlagsFromString } from 'node:v8';

/** Flags applied once the server is listening (each one V8 reads while running, not only at start-up). */
export const RUNTIME_V8_FLAGS: readonly string[] = ['--heap-growing-percent=50', '--semi-space-growth-factor=1'];

/** Applies RUNTIME_V8_FLAGS (the setter is injected for tests). */
export function applyRuntimeV8Flags(set: (flags: string) => void = setFlagsFromString): void {
  for (const f of RUNTIME_V8_FLAGS) set(f);
}
