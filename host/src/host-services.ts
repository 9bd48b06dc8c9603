import type { Knex } from 'knex';
import type pg from 'pg';
import type { HttpClient, Logger, SecretProviderType } from '@keygate/core';
import type { AuditLog } from './audit/audit-log.js';
import type { ChangeFeed } from './db/change-feed.js';
import type { ApiKeyStore } from './auth/api-keys.js';
import type { ReplayGuard } from './auth/replay-guard.js';
import type { AccessTokens } from './auth/access-tokens.js';
import type { UserStore } from './users/users-store.js';
import type { MembershipStore } from './members/memberships-store.js';
import type { FailureLimiter, FailureRule } from './auth/failure-limiter.js';
import type { ProviderRegistry } from './providers/provider-registry.js';
import type { ProvidersService } from './providers/providers-service.js';
import type { ProjectsService } from './projects/projects-service.js';
import type { EnvironmentsService } from './environments/environments-service.js';
import type { SecretsService } from './secrets/secrets-service.js';
import type { WorkloadIdentity } from './identity/workload-identity.js';
import type { EventBus } from './events/event-bus.js';
import type { RotationModule } from './rotation/rotation-module.js';

export interface PluginCatalog {
  providerCatalog(): Array<{ type: SecretProviderType<never>; plugin: { name: string; version: string } }>;
}

/** The host's services, built once at start and handed to route handlers. */
export interface HostServices {
  knex: Knex;
  pool: pg.Pool;
  logger: Logger;
  /** The outbound HTTP client plugins receive too (address policy, timeouts, size limit). */
  http: HttpClient;
  feed: ChangeFeed;
  audit: AuditLog;
  keys: ApiKeyStore;
  replay: ReplayGuard;
  /** Local users, their refresh tokens and failed logins. */
  users: UserStore;
  /** Project memberships and environment member lists. */
  memberships: MembershipStore;
  /** Failed API-key authentications per client address (brute force of key ids). */
  authFailures: { limiter: FailureLimiter; rule: FailureRule };
  /** Signs and verifies users' access tokens (JWT). */
  tokens: AccessTokens;
  registry: ProviderRegistry;
  plugins: PluginCatalog;
  providers: ProvidersService;
  projects: ProjectsService;
  environments: EnvironmentsService;
  secrets: SecretsService;
  /** Trust domains and the keyless exchange of workload OIDC tokens. */
  identity: WorkloadIdentity;
  /** In-process domain events (rotation.*, revocation.*) for notifiers and other subscribers. */
  events: EventBus;
  rotation: RotationModule;
}
