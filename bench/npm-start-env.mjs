// Owns the environment `npm start` gives node (package.json's start script): NODE_EXTRA_CA_CERTS moves to
// IAMLOCAL_EXTRA_CA_CERTS (unless that is set), so node does not parse the CA bundle at start and iamlocal
// reads it on its first outbound HTTPS connection (src/http/outbound-tls.ts). Plain JavaScript so that the
// .mjs tools (cold-ab, cold-callgrind) and the TypeScript harness (node-flags.ts) share the one rule;
// test/node-flags.test.ts checks it against the start script run by sh.
/** @param {NodeJS.ProcessEnv} env */
export function npmStartEnv(env) {
  return { ...env, IAMLOCAL_EXTRA_CA_CERTS: env.IAMLOCAL_EXTRA_CA_CERTS || env.NODE_EXTRA_CA_CERTS || '', NODE_EXTRA_CA_CERTS: '' };
}
