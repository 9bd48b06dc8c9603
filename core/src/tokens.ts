import type { InjectionToken } from 'tsyringe';
import type { SecretProviderType } from './contracts/provider.js';
import type { RotationStrategyType } from './contracts/rotation.js';
import type { IdentityProviderType } from './contracts/identity.js';
import type { NotifierType } from './contracts/notifier.js';
import type { Clock, HttpClient, Logger, SqlClient } from './contracts/services.js';
import type { Keyring } from './crypto/keyring.js';

/**
 * DI tokens. `Symbol.for` makes them global, so a plugin that bundles another copy of core still
 * registers under the same token.
 */
export const TOKENS = {
  providerType: Symbol.for('keygate.provider') as InjectionToken<SecretProviderType<never>>,
  rotationStrategyType: Symbol.for('keygate.rotation') as InjectionToken<RotationStrategyType>,
  identityProviderType: Symbol.for('keygate.identity') as InjectionToken<IdentityProviderType>,
  notifierType: Symbol.for('keygate.notifier') as InjectionToken<NotifierType<never>>,
  logger: Symbol.for('keygate.logger') as InjectionToken<Logger>,
  clock: Symbol.for('keygate.clock') as InjectionToken<Clock>,
  keyring: Symbol.for('keygate.keyring') as InjectionToken<Keyring>,
  sql: Symbol.for('keygate.sql') as InjectionToken<SqlClient>,
  http: Symbol.for('keygate.http') as InjectionToken<HttpClient>,
} as const;
