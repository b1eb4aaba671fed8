// Owns the `iamlocal` command (started by src/cli.ts): parse flags/env (src/config.ts), start the server, print the listening
// URL once ready, and stop gracefully on SIGTERM/SIGINT.
// The client subcommands are loaded only when named (`await import()`: chunks of their own in dist/), so
// starting the server does not read or compile them.
import { ADMIN_COMMANDS } from './cli-args';
import { ConfigError, createLogger, resolveConfig, USAGE } from './config';
import { applyRuntimeV8Flags } from './heap-flags';
import { startServer } from './server';
import { DataDirError } from './store/data-dir';
import { SeedError } from './store/seed-schema';
import { startupLines } from './summary';

async function main(): Promise<void> {
  // `iamlocal mint-token …`: a service-account token from a running server (src/cli-mint-token.ts).
  if (process.argv[2] === 'mint-token') process.exit(await (await import('./cli-mint-token')).runMintToken(process.argv.slice(3)));
  // `iamlocal health`: the container HEALTHCHECK (and any orchestrator's probe) asks the server it runs beside.
  if (process.argv[2] === 'health') process.exit(await (await import('./cli-health')).runHealth(process.argv.slice(3)));
  // `iamlocal mint-saml …`: a signed SAML response from a running server's mock IdP (src/cli-mint-saml.ts).
  if (process.argv[2] === 'mint-saml') process.exit(await (await import('./cli-mint-saml')).runMintSaml(process.argv.slice(3)));
  // `iamlocal kind …`: kind cluster config, key pair and manifests from a running server (src/cli-kind.ts).
  if (process.argv[2] === 'kind') process.exit(await (await import('./cli-kind')).runKind(process.argv.slice(3)));
  // `iamlocal decisions|reset|clock|snapshot …`: admin calls against a running server (src/cli-admin.ts).
  if ((ADMIN_COMMANDS as readonly string[]).includes(process.argv[2] ?? '')) process.exit(await (await import('./cli-admin')).runAdminCommand(process.argv[2]!, process.argv.slice(3)));
  // `iamlocal proxy --upstream s3=URL …`: the server with its authorizing proxies (`--upstream` is `--proxy-upstream`).
  const argv = process.argv[2] === 'proxy' ? proxyArgs(process.argv.slice(3)) : process.argv.slice(2);
  let config;
  try {
    config = resolveConfig(argv);
  } catch (e) {
    if (e instanceof ConfigError) {
      process.stderr.write(`iamlocal: ${e.message}\n`);
      process.exit(2);
    }
    throw e;
  }
  if (config.help) {
    process.stdout.write(USAGE + '\n');
    return;
  }
  const logger = createLogger(config.logLevel);
  let server;
  try {
    server = await startServer({ config, logger });
  } catch (e) {
    if (e instanceof SeedError) {
      process.stderr.write(`iamlocal: bad seed: ${e.message}\n`);
      process.exit(1);
    }
    if (e instanceof DataDirError) {
      process.stderr.write(`iamlocal: ${e.message}\n`);
      process.exit(1);
    }
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`iamlocal: ${config.host}:${(e as { port?: number }).port ?? config.port} is already in use\n`);
      process.exit(1);
    }
    throw e;
  }
  // Heap tuning that would cost start-up time on node's command line (src/heap-flags.ts).
  applyRuntimeV8Flags();
  for (const line of startupLines(server.url, server.summary(), config)) process.stdout.write(line + '\n');
  if (server.webhook) process.stdout.write(`pod identity webhook on ${server.webhook.url} (CA: GET /_iamlocal/webhook)\n`);
  if (server.imdsUrl) process.stdout.write(`iamlocal instance metadata service on ${server.imdsUrl}\n`);
  for (const p of server.proxies) process.stdout.write(`iamlocal ${p.service} authorizing proxy on ${p.url} -> ${p.upstream}\n`);
  if (server.ecsUrl) process.stdout.write(`iamlocal ECS task credentials on ${server.ecsUrl}/v2/credentials/<id>\n`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    server!.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
    // Do not hang forever on a stuck connection.
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

function proxyArgs(argv: string[]): string[] {
  return argv.map((a) => (a === '--upstream' ? '--proxy-upstream' : a.startsWith('--upstream=') ? `--proxy-upstream=${a.slice('--upstream='.length)}` : a));
}

main().catch((e) => {
  process.stderr.write(`iamlocal: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
