#!/usr/bin/env node
import { loadConfig } from './config/load-config.js';
import { ConfigError } from './config/config-error.js';
import { createLogger } from './logging/logger.js';
import { startKeygate } from './server.js';

/** `npm start`: run the gateway until SIGINT/SIGTERM. */
async function main(): Promise<void> {
  let config;
  try {
    config = await loadConfig({});
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw error;
  }
  const logger = createLogger(config.logging);
  const host = await startKeygate(config, { logger });
  logger.info('keygate listening', { url: host.url, configFile: config.configFile ?? null, dataDir: config.dataDir });
  if (host.bootstrap.generatedApiKey) {
    // Shown once, on the terminal only; the file keeps it for unattended first runs.
    process.stderr.write(
      `\n  Admin API key (shown once; also saved to ${host.bootstrap.generatedApiKeyFile}):\n\n    ${host.bootstrap.generatedApiKey}\n\n` +
        `  Try:  curl -H "Authorization: Bearer $(cat ${host.bootstrap.generatedApiKeyFile})" ${host.url}/api/v1/projects\n\n`,
    );
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('shutting down', { signal });
    host.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error('shutdown failed', { error: String(error) });
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

main().catch((error: unknown) => {
  process.stderr.write(`keygate failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
