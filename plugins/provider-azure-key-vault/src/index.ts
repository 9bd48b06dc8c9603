import { defineProviderType, definePlugin, type Logger, type ProviderFactoryContext } from '@keygate/core';
import { AzureCaller, defaultCredential, type SessionTuning } from './client.js';
import { capabilities, configSchema, resolveConfig, type AzureKeyVaultConfig } from './config.js';
import { AzureKeyVaultSession } from './session.js';

export { AzureKeyVaultSession } from './session.js';
export type { SessionTuning } from './client.js';
export { configSchema, type AzureKeyVaultConfig, type AzureAuthConfig, type ClientSecretAuthConfig, type ManagedIdentityAuthConfig } from './config.js';
export { DEFAULT_NAME_TEMPLATE, MAX_NAME_LENGTH, encodePart, decodePart } from './names.js';
export { MAX_VALUE_BYTES } from './operations/write.js';
export { READ_CONCURRENCY } from './operations/shared.js';

const quietLogger: Logger = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined, child: () => quietLogger };

/**
 * Opens a session: validates the configuration, builds the credential and the SDK client. Makes
 * no network call; `check()` does. This is the `create` of {@link azureKeyVaultProviderType},
 * exported typed for direct use (`tuning` is for tests: backoff, poll interval, stub credential).
 */
export async function createAzureKeyVaultProvider(
  { config, services }: Pick<ProviderFactoryContext<AzureKeyVaultConfig>, 'config'> & Partial<ProviderFactoryContext<AzureKeyVaultConfig>>,
  tuning: SessionTuning = {},
): Promise<AzureKeyVaultSession> {
  const resolved = resolveConfig(config);
  const credential = await (tuning.credentialFactory ?? defaultCredential)(resolved.auth, resolved.caCertificate);
  const caller = new AzureCaller(resolved, credential, tuning);
  const logger = services?.logger.child({ provider: 'AzureKeyVault' }) ?? quietLogger;
  return new AzureKeyVaultSession({ caller, template: resolved.template, purgeOnDelete: resolved.purgeOnDelete }, logger);
}

/** The stateless factory: schema, capabilities, sessions. */
export const azureKeyVaultProviderType = defineProviderType<AzureKeyVaultConfig>({
  kind: 'provider',
  type: 'AzureKeyVault',
  displayName: 'Azure Key Vault',
  description:
    'Keeps each Keygate secret as one Azure Key Vault secret (named by a template, with a reversible escape of characters Azure names refuse), through the official Azure SDK. Versions and tags (labels); no compare-and-set.',
  configSchema,
  capabilities: () => capabilities,
  create: (context) => createAzureKeyVaultProvider(context),
});

export default definePlugin({
  name: '@keygate/provider-azure-key-vault',
  version: '0.1.0',
  description: 'Keygate provider for Azure Key Vault (official @azure/keyvault-secrets SDK).',
  provides: [azureKeyVaultProviderType],
});
