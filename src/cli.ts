#!/usr/bin/env node
// Owns the `iamlocal` executable's first step: turn on Node's module compile cache (Node >= 22.1:
// module.enableCompileCache(), https://nodejs.org/api/module.html#moduleenablecompilecachecachedir), then
// load the command itself (src/cli-main.ts). The cache keeps V8's compiled code of dist/ between runs, so
// a later start skips most of compiling the bundle; it is enabled before anything else is imported, as
// only modules loaded after it benefit. Its directory is NODE_COMPILE_CACHE or Node's default under the
// temporary directory; Node skips it silently when it cannot be used. Node 20 has no compile cache: nothing changes.
import * as nodeModule from 'node:module';

const enable = (nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache;
if (typeof enable === 'function') {
  try {
    enable();
  } catch {
    // A cache that cannot be set up only costs the speed-up.
  }
}
await import('./cli-main');
