import 'reflect-metadata';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import pg from 'pg';
import { container, TOKENS, type Clock, type Logger, type PluginServices } from '@keygate/core';
import type { KeygateConfig } from './config/types.js';
import { createLogger } from './logging/logger.js';
import { loadKeyring } from './security/master-key.js';
import { loadPlugins } from './plugins/loader.js';
import { startEmbeddedPostgres, type RunningPostgres } from './db/embedded-postgres.js';
import { connectDatabase, type Database } from './db/connect.js';
import { migrateToLatest } from './db/migrate.js';
import { createSqlClient } from './db/sql-client.js';
import { ChangeFeed } from './db/change-feed.js';
import { createHttpClient } from './outbound/http-client.js';
import { AuditLog } from './audit/audit-log.js';
import { ApiKeyStore } from './auth/api-keys.js';
import { ReplayGuard } from './auth/replay-guard.js';
import { AccessTokens } from './auth/access-tokens.js';
import { UserStore } from './users/users-store.js';
import { MembershipStore } from './members/memberships-store.js';
import { FailureLimiter } from './auth/failure-limiter.js';
import { ProviderRegistry } from './providers/provider-registry.js';
import { ProvidersService } from './providers/providers-service.js';
import { ProjectsService } from './projects/projects-service.js';
import { EnvironmentsService } from './environments/environments-service.js';
import { SecretsService } from './secrets/secrets-service.js';
import { WorkloadIdentity } from './identity/workload-identity.js';
import { bootstrap, loadAuditHmacKey, type BootstrapResult } from './tenants/bootstrap.js';
import { createApp } from './http/app.js';
import { IN_THREAD_E2EE, WorkerE2eeEncryptor } from './http/e2ee-encryptor.js';
import { EventBus } from './events/event-bus.js';
import { createRotationModule, startRotationScheduler } from './rotation/rotation-module.js';
import type { HostServices } from './host-services.js';

export interface KeygateHost {
  /** Base URL the server listens on, e.g. `http://127.0.0.1:8080`. */
  url: string;
  services: HostServices;
  bootstrap: BootstrapResult;
  /** Stops accepting, finishes in-flight requests, flushes the audit, closes the database. */
  close(): Promise<void>;
}

export interface StartOptions {
  logger?: Logger;
  /** The host's clock (rotation schedules, plugins); the system clock unless a test controls time. */
  clock?: Clock;
}

const EMBEDDED_DATABASE = 'keygate';

/** Starts a Keygate host from a loaded configuration. */
export async function startKeygate(config: KeygateConfig, options: StartOptions = {}): Promise<KeygateHost> {
  const logger = options.logger ?? createLogger(config.logging);
  const cleanups: Array<() => Promise<void>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch((error: unknown) => logger.warn('shutdown step failed', { error: String(error) }));
  };
  try {
    const databaseUrl = await resolveDatabase(config, logger, cleanups);
    const db: Database = connectDatabase(databaseUrl, config.database.poolMax);
    cleanups.push(() => db.close());
    await migrateToLatest(db.knex);

    const keyring = await loadKeyring(config);
    const sql = createSqlClient(db.pool);
    const http = createHttpClient({ ...config.outbound, logger: logger.child({ component: 'outbound' }) });
    cleanups.push(async () => http.close());
    const pluginServices: PluginServices = {
      logger,
      clock: options.clock ?? { now: () => new Date() },
      keyring,
      sql,
      http,
    };
    const scope = container.createChildContainer();
    scope.register(TOKENS.logger, { useValue: pluginServices.logger });
    scope.register(TOKENS.clock, { useValue: pluginServices.clock });
    scope.register(TOKENS.keyring, { useValue: keyring });
    scope.register(TOKENS.sql, { useValue: sql });
    scope.register(TOKENS.http, { useValue: pluginServices.http });
    const plugins = await loadPlugins(config.plugins, scope);
    for (const plugin of plugins.plugins) logger.info('plugin loaded', { plugin: plugin.name, version: plugin.version, provides: plugin.provides });

    const registry = new ProviderRegistry(plugins.providerTypes, pluginServices, config.providerTimeoutMs);
    cleanups.push(() => registry.closeAll());
    const audit = new AuditLog(db.pool, await loadAuditHmacKey(db.knex, keyring));
    cleanups.push(() => audit.flush());
    const feed = await ChangeFeed.start(databaseUrl, logger);
    cleanups.push(() => feed.close());
    const keys = new ApiKeyStore(db.knex, keyring, feed);
    const providers = new ProvidersService(db.knex, registry);
    const projects = new ProjectsService(db.knex, providers);
    const environments = new EnvironmentsService(db.knex, providers, projects);
    const secrets = new SecretsService({ knex: db.knex, pool: db.pool, registry, audit, maxValueBytes: config.secrets.maxValueBytes, responseCacheBytes: config.secrets.responseCacheBytes, feed });
    const events = new EventBus(logger.child({ component: 'events' }));
    const rotation = await createRotationModule({
      knex: db.knex,
      pool: db.pool,
      databaseUrl,
      registry,
      strategyTypes: plugins.rotationStrategyTypes,
      pluginServices,
      keyring,
      audit,
      events,
      clock: pluginServices.clock,
      logger,
      config,
    });
    cleanups.push(() => rotation.close());
    const pluginOf = new Map(plugins.plugins.flatMap((p) => p.provides.map((id) => [id, { name: p.name, version: p.version }] as const)));
    const services: HostServices = {
      knex: db.knex,
      pool: db.pool,
      logger,
      http,
      feed,
      audit,
      keys,
      replay: new ReplayGuard(sql),
      users: new UserStore(db.knex, feed),
      memberships: new MembershipStore(db.knex, feed),
      authFailures: {
        limiter: new FailureLimiter(db.knex, 'api-key'),
        rule: { windowMs: config.security.authFailures.windowSeconds * 1000, perIpSubject: config.security.authFailures.maxPerIp },
      },
      tokens: await AccessTokens.load(db.knex, keyring),
      registry,
      providers,
      projects,
      environments,
      secrets,
      identity: new WorkloadIdentity({ knex: db.knex, keys, audit, logger, types: plugins.identityProviderTypes, pluginServices }),
      events,
      rotation,
      plugins: {
        providerCatalog: () =>
          [...plugins.providerTypes.values()].map((type) => ({ type, plugin: pluginOf.get(`provider:${type.type}`) ?? { name: 'unknown', version: '0.0.0' } })),
      },
    };

    const boot = await bootstrap(db.knex, keys, providers, {
      tenant: config.tenant,
      dataDir: config.dataDir,
      staticProviders: config.providers,
      ...(config.security.bootstrapApiKey === undefined ? {} : { bootstrapApiKey: config.security.bootstrapApiKey }),
    }, logger);

    const scheduler = await startRotationScheduler(rotation, { pool: db.pool, logger, config });
    cleanups.push(() => scheduler.stop(config.server.shutdownTimeoutMs));

    const e2ee = config.server.e2eeWorker ? new WorkerE2eeEncryptor() : IN_THREAD_E2EE;
    cleanups.push(() => e2ee.close());
    const app = createApp(services, { bodyLimitBytes: config.server.bodyLimitBytes, responseValidation: config.server.responseValidation, trustProxy: config.server.trustProxy, e2ee });
    const server = await listen(app, config.server.port, config.server.host);
    server.requestTimeout = config.server.requestTimeoutMs;
    // Registered last so it runs first: stop accepting before anything else is torn down.
    cleanups.push(() => closeServer(server, config.server.shutdownTimeoutMs));
    const address = server.address() as AddressInfo;
    const host = address.address === '0.0.0.0' || address.address === '::' ? '127.0.0.1' : address.address;
    return { url: `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`, services, bootstrap: boot, close: cleanup };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

async function resolveDatabase(config: KeygateConfig, logger: Logger, cleanups: Array<() => Promise<void>>): Promise<string> {
  if (config.database.url) return config.database.url;
  const started = Date.now();
  const postgres: RunningPostgres = await startEmbeddedPostgres({
    dataDir: join(config.dataDir, 'postgres'),
    ...(config.database.embedded.port === undefined ? {} : { port: config.database.embedded.port }),
    onLog: (line) => logger.debug('postgres', { line: line.trim() }),
  });
  cleanups.push(() => postgres.stop());
  const admin = new pg.Client({ connectionString: postgres.url });
  await admin.connect();
  try {
    const exists = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [EMBEDDED_DATABASE]);
    if (exists.rowCount === 0) await admin.query(`CREATE DATABASE ${EMBEDDED_DATABASE}`);
  } finally {
    await admin.end();
  }
  logger.info('embedded PostgreSQL ready', { port: postgres.port, ms: Date.now() - started });
  const url = new URL(postgres.url);
  url.pathname = `/${EMBEDDED_DATABASE}`;
  return url.toString();
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

/** Stops accepting; in-flight requests get `timeoutMs` to finish before their sockets are closed. */
function closeServer(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    // Keep-alive connections become idle as their last response goes out: close them then, rather
    // than waiting for the keep-alive timeout.
    const sweeper = setInterval(() => server.closeIdleConnections(), 50);
    server.close(() => {
      clearTimeout(deadline);
      clearInterval(sweeper);
      resolve();
    });
    server.closeIdleConnections();
  });
}
