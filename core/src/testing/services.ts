import { KeygateError } from '../errors.js';
import { Keyring } from '../crypto/keyring.js';
import type { HttpClient, Logger, PluginServices, SqlClient } from '../contracts/services.js';

/** A logger that drops everything, for tests that do not look at logs. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
  child: () => silentLogger,
};

function missing(service: string): never {
  throw new KeygateError('INTERNAL', `the plugin used services.${service}, which this test did not provide to createTestPluginServices`);
}

const missingSql: SqlClient = {
  query: () => missing('sql'),
  transaction: () => missing('sql'),
};

const missingHttp: HttpClient = {
  request: () => missing('http'),
};

/**
 * The services a plugin factory receives from the host, for tests. Whatever is not given is a
 * silent logger, the system clock, a keyring with one fresh random key, or (sql, http) a stand-in
 * that fails loudly when used, so a plugin's hidden dependency shows up as a clear error.
 */
export function createTestPluginServices(services: Partial<PluginServices> = {}): PluginServices {
  return {
    logger: services.logger ?? silentLogger,
    clock: services.clock ?? { now: () => new Date() },
    keyring: services.keyring ?? new Keyring({ activeKeyId: 'test', keys: { test: Keyring.generateKey() } }),
    sql: services.sql ?? missingSql,
    http: services.http ?? missingHttp,
  };
}
