import { defineProviderType, definePlugin, type ProviderFactoryContext } from '@keygate/core';
import type { SessionTuning } from './client.js';
import { capabilities, configSchema, resolveConfig, type AwsSecretsManagerConfig } from './config.js';
import { AwsSecretsManagerSession } from './session.js';

export { AwsSecretsManagerSession } from './session.js';
export type { SessionTuning } from './client.js';
export { DEFAULT_NAME_TEMPLATE, configSchema, type AwsSecretsManagerConfig, type AwsCredentialsConfig } from './config.js';
export { BATCH_SIZE } from './operations/read.js';
export { MAX_VALUE_BYTES } from './operations/write.js';

/**
 * Opens a session: validates the configuration and builds the SDK client. Makes no network call;
 * `check()` does. This is the `create` of {@link awsSecretsManagerProviderType}, exported typed
 * for direct use (`tuning` is for tests).
 */
export function createAwsSecretsManagerProvider(
  { config }: Pick<ProviderFactoryContext<AwsSecretsManagerConfig>, 'config'> & Partial<ProviderFactoryContext<AwsSecretsManagerConfig>>,
  tuning?: SessionTuning,
): Promise<AwsSecretsManagerSession> {
  try {
    return Promise.resolve(new AwsSecretsManagerSession(resolveConfig(config), tuning));
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

/** The stateless factory: schema, capabilities, sessions. */
export const awsSecretsManagerProviderType = defineProviderType<AwsSecretsManagerConfig>({
  kind: 'provider',
  type: 'AwsSecretsManager',
  displayName: 'AWS Secrets Manager',
  description:
    'Keeps each Keygate secret as one AWS Secrets Manager secret (named by a template), through the official AWS SDK. Versions and tags (labels); no atomic compare-and-set.',
  configSchema,
  capabilities: () => capabilities,
  create: (context) => createAwsSecretsManagerProvider(context),
});

export default definePlugin({
  name: '@keygate/provider-aws-secrets-manager',
  version: '0.1.0',
  description: 'Keygate provider for AWS Secrets Manager (official AWS SDK v3).',
  provides: [awsSecretsManagerProviderType],
});
