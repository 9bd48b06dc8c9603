import type { Knex } from 'knex';
import pg from 'pg';
import type { Clock, Keyring, Logger, PluginServices, RotationStrategy, RotationStrategyType } from '@keygate/core';
import type { AuditLog } from '../audit/audit-log.js';
import type { KeygateConfig } from '../config/types.js';
import type { EventBus } from '../events/event-bus.js';
import type { ProviderRegistry } from '../providers/provider-registry.js';
import { RotationPoliciesService } from './policies-service.js';
import { RotationEngine } from './rotation-engine.js';
import { RotationScheduler } from './scheduler.js';

/** What the host holds of the rotation domain. */
export interface RotationModule {
  engine: RotationEngine;
  policies: RotationPoliciesService;
  events: EventBus;
  clock: Clock;
  /** Absent until started; absent for good in processes that only build the module (tests). */
  scheduler?: RotationScheduler;
  /** Closes the engine's lock connections (after the scheduler has stopped). */
  close(): Promise<void>;
}

export interface RotationModuleDeps {
  knex: Knex;
  pool: pg.Pool;
  databaseUrl: string;
  registry: ProviderRegistry;
  strategyTypes: ReadonlyMap<string, RotationStrategyType>;
  pluginServices: PluginServices;
  keyring: Keyring;
  audit: AuditLog;
  events: EventBus;
  clock: Clock;
  logger: Logger;
  config: Pick<KeygateConfig, 'rotation' | 'outbound'>;
}

/** Builds the engine and the policies service; the strategies are created once from their plugins. */
export async function createRotationModule(deps: RotationModuleDeps): Promise<RotationModule> {
  const strategies = new Map<string, RotationStrategy>();
  for (const [name, type] of deps.strategyTypes) strategies.set(name, await type.create(deps.pluginServices));
  const { rotation, outbound } = deps.config;
  const lockPool = new pg.Pool({ connectionString: deps.databaseUrl, max: rotation.concurrency, idleTimeoutMillis: 30_000 });
  // A dropped idle connection must not crash the process; the pool replaces it.
  lockPool.on('error', () => undefined);
  const engine = new RotationEngine({
    knex: deps.knex,
    sql: deps.pluginServices.sql,
    lockPool,
    registry: deps.registry,
    strategies,
    keyring: deps.keyring,
    audit: deps.audit,
    events: deps.events,
    clock: deps.clock,
    logger: deps.logger.child({ component: 'rotation' }),
    retry: { maxAttempts: rotation.maxAttempts, baseDelayMs: rotation.retryBaseDelayMs },
    concurrency: rotation.concurrency,
  });
  const policies = new RotationPoliciesService({
    knex: deps.knex,
    pool: deps.pool,
    keyring: deps.keyring,
    audit: deps.audit,
    clock: deps.clock,
    engine,
    endpointRules: { allowLoopback: outbound.allowLoopback, allowPrivate: outbound.allowPrivate },
    signingSecretGraceHours: rotation.signingSecretGraceHours,
  });
  return { engine, policies, events: deps.events, clock: deps.clock, close: () => lockPool.end() };
}

export async function startRotationScheduler(module: RotationModule, deps: { pool: pg.Pool; logger: Logger; config: Pick<KeygateConfig, 'rotation'> }): Promise<RotationScheduler> {
  const { rotation } = deps.config;
  module.scheduler = await RotationScheduler.start({
    pool: deps.pool,
    engine: module.engine,
    logger: deps.logger,
    clock: module.clock,
    runJobs: rotation.scheduler,
    processEveryMs: rotation.processEveryMs,
    concurrency: rotation.concurrency,
    sweepIntervalMinutes: rotation.sweepIntervalMinutes,
  });
  return module.scheduler;
}
