import { defineProviderType, definePlugin, type ProviderFactoryContext } from '@keygate/core';
import type { SessionTuning } from './client.js';
import { capabilities, configSchema, resolveConfig, type AwsParameterStoreConfig } from './config.js';
import { AwsParameterStoreSession } from './session.js';

export { AwsParameterStoreSession } from './session.js';
export type { SessionTuning } from './client.js';
export {
  DEFAULT_PATH_TEMPLATE,
  MAX_VALUE_BYTES,
  configSchema,
  type AwsParameterStoreConfig,
  type AwsCredentialsConfig,
  type ParameterTier,
} from './config.js';
export { PAGE_SIZE } from './operations/read.js';
export { EMPTY_VALUE_MARKER } from './values.js';

/**
 * Opens a session: validates the configuration and builds the SDK client. Makes no network call;
 * `check()` does. This is the `create` of {@link awsParameterStoreProviderType}, exported typed
 * for direct use (`tuning` is for tests).
 */
export function createAwsParameterStoreProvider(
  { config }: Pick<ProviderFactoryContext<AwsParameterStoreConfig>, 'config'> & Partial<ProviderFactoryContext<AwsParameterStoreConfig>>,
  tuning?: SessionTuning,
): Promise<AwsParameterStoreSession> {
  try {
    return Promise.resolve(new AwsParameterStoreSession(resolveConfig(config), tuning));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/** The stateless factory: schema, capabilities, sessions. */
export const awsParameterStoreProviderType = defineProviderType<AwsParameterStoreConfig>({
  kind: 'provider',
  type: 'AwsParameterStore',
  displayName: 'AWS Systems Manager Parameter Store',
  description:
    'Keeps each Keygate secret as one SecureString parameter at "{path}/{key}" (path from a template), through the official AWS SDK. Versions and tags (labels); no atomic compare-and-set.',
  configSchema,
  capabilities: () => capabilities,
  create: (context) => createAwsParameterStoreProvider(context),
});

export default definePlugin({
  name: '@keygate/provider-aws-parameter-store',
  version: '0.1.0',
  description: 'Keygate provider for AWS Systems Manager Parameter Store (official AWS SDK v3).',
  provides: [awsParameterStoreProviderType],
});
