#!/usr/bin/env -S node --max-semi-space-size=4
// Owns the `iamlocal` command: parse flags/env (src/config.ts), start the server, print the listening
// URL once ready, and stop gracefully on SIGTERM/SIGINT.
import { ADMIN_COMMANDS, runAdminCommand } from './cli-admin';
import { runMintToken } from './cli-mint-token';
import { ConfigError, createLogger, resolveConfig, USAGE } from './config';
import { startServer } from './server';
import { SeedError } from './store/seed-schema';

async function main(): Promise<void> {
  // `iamlocal mint-token …`: a service-account token from a running server (src/cli-mint-token.ts).
  if (process.argv[2] === 'mint-token') process.exit(await runMintToken(process.argv.slice(3)));
  // `iamlocal decisions|reset|clock|snapshot …`: admin calls against a running server (src/cli-admin.ts).
  if ((ADMIN_COMMANDS as readonly string[]).includes(process.argv[2] ?? '')) process.exit(await runAdminCommand(process.argv[2]!, process.argv.slice(3)));
  let config;
  try {
    config = resolveConfig(process.argv.slice(2));
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
    if ((e as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      process.stderr.write(`iamlocal: ${config.host}:${(e as { port?: number }).port ?? config.port} is already in use\n`);
      process.exit(1);
    }
    throw e;
  }
  process.stdout.write(`iamlocal listening on ${server.url} (account ${config.defaultAccountId}, ${config.inMemory ? 'in-memory' : `data ${config.dataDir}`}, ${config.enforce === 'audit' ? 'AUDIT mode: denials are logged as would-deny and let through' : 'enforce mode'})\n`);
  if (server.imdsUrl) process.stdout.write(`iamlocal instance metadata service on ${server.imdsUrl}\n`);
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

main().catch((e) => {
  process.stderr.write(`iamlocal: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
