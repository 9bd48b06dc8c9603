import { InvalidInputError, defineProviderType, definePlugin, type ProviderFactoryContext } from '@keygate/core';
import { capabilities, configSchema, resolveConfig, type LocalProviderConfig } from './config.js';
import { guarded } from './failures.js';
import { LocalSecretProvider } from './provider.js';
import { ensureSchema } from './schema.js';

export { LocalSecretProvider, type LocalProviderOptions } from './provider.js';
export { DEFAULT_MAX_VERSIONS, type LocalProviderConfig } from './config.js';
export { MAX_VALUE_BYTES } from './validation.js';
export { SCHEMA } from './schema.js';

/**
 * Opens a Local provider session, creating the `keygate_local` tables on first use. This is the
 * `create` of {@link localProviderType}, exported with its config type for direct use.
 */
export async function createLocalProvider({ config, providerId, services }: ProviderFactoryContext<LocalProviderConfig>): Promise<LocalSecretProvider> {
  const resolved = resolveConfig(config);
  if (typeof providerId !== 'string' || providerId === '') throw new InvalidInputError('Local provider: providerId must be a non-empty string');
  await guarded('creating its tables', () => ensureSchema(services.sql));
  return new LocalSecretProvider({ sql: services.sql, keyring: services.keyring, providerId, maxVersions: resolved.maxVersions, cacheMaxBytes: resolved.cacheMaxBytes });
}

/** The `Local` provider type: Keygate's embedded store, the `system` provider of every tenant. */
export const localProviderType = defineProviderType<LocalProviderConfig>({
  kind: 'provider',
  type: 'Local',
  displayName: 'Local (embedded)',
  description:
    'Keeps secret values in Keygate’s own PostgreSQL (schema keygate_local), encrypted with the host keyring and bound to the row they belong to. Versioned, with compare-and-set and labels. No configuration needed.',
  configSchema,
  capabilities: () => capabilities,
  create: createLocalProvider,
});

export default definePlugin({
  name: '@keygate/provider-local',
  version: '0.1.0',
  description: 'Keygate’s embedded system provider: values encrypted with the host keyring in PostgreSQL.',
  provides: [localProviderType],
});
