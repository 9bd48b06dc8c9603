import { defineProviderType, definePlugin, type ProviderFactoryContext } from '@keygate/core';
import type { SessionTuning } from './client.js';
import { capabilitiesFor, configSchema, resolveConfig, type GcpSecretManagerConfig } from './config.js';
import { GcpSecretManagerSession } from './session.js';

export { GcpSecretManagerSession } from './session.js';
export { BearerTokenAuthClient } from './auth.js';
export type { SessionTuning } from './client.js';
export { DEFAULT_SECRET_ID_TEMPLATE, capabilitiesFor, configSchema, type GcpSecretManagerConfig, type GcpCredentialsConfig } from './config.js';
export { encodeKey, decodeKey, parseSecretIdTemplate } from './names.js';
export { MAX_VALUE_BYTES, READ_CONCURRENCY, KEY_ANNOTATION } from './operations.js';

/**
 * Opens a session: validates the configuration and builds the client. Makes no network call;
 * `check()` does. `tuning` is for tests (backoff, an auth client).
 */
export function createGcpSecretManagerProvider(
  { config }: Pick<ProviderFactoryContext<GcpSecretManagerConfig>, 'config'> & Partial<ProviderFactoryContext<GcpSecretManagerConfig>>,
  tuning?: SessionTuning,
): Promise<GcpSecretManagerSession> {
  try {
    return Promise.resolve(new GcpSecretManagerSession(resolveConfig(config), tuning));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/** The stateless factory: schema, capabilities, sessions. */
export const gcpSecretManagerProviderType = defineProviderType<GcpSecretManagerConfig>({
  kind: 'provider',
  type: 'GoogleSecretManager',
  displayName: 'Google Cloud Secret Manager',
  description:
    'Keeps each Keygate secret as one Google Cloud Secret Manager secret (id made by a template), each write a new version, through the official client. Labels; versions unless old versions are disabled; no atomic compare-and-set.',
  configSchema,
  capabilities: (config) => capabilitiesFor(config),
  create: (context) => createGcpSecretManagerProvider(context),
});

export default definePlugin({
  name: '@keygate/provider-gcp-secret-manager',
  version: '0.1.0',
  description: 'Keygate provider for Google Cloud Secret Manager (official @google-cloud/secret-manager client, REST transport).',
  provides: [gcpSecretManagerProviderType],
});
