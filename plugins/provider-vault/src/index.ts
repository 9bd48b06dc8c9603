import { defineProviderType, definePlugin, type ProviderFactoryContext } from '@keygate/core';
import { VaultApi } from './api.js';
import { appRoleAuth } from './auth/approle.js';
import type { VaultAuth } from './auth/auth.js';
import { SERVICE_ACCOUNT_TOKEN_ROOT, checkTokenPath, kubernetesAuth } from './auth/kubernetes.js';
import type { LeaseContext } from './auth/lease.js';
import { tokenAuth } from './auth/token.js';
import { capabilities, configSchema, resolveConfig, type VaultProviderConfig } from './config.js';
import { VaultLayout } from './path-template.js';
import { DEFAULT_RETRY, type RetryPolicy } from './retry.js';
import { DEFAULT_READ_CONCURRENCY, VaultSecretProvider } from './session.js';
import { createNodeVaultClient } from './vault-client.js';

export { VaultSecretProvider, DEFAULT_READ_CONCURRENCY } from './session.js';
export {
  DEFAULT_MOUNT,
  DEFAULT_PATH_TEMPLATE,
  DEFAULT_REQUEST_TIMEOUT_MS,
  DEFAULT_SERVICE_ACCOUNT_TOKEN_PATH,
  type VaultProviderConfig,
  type VaultAuthConfig,
  type VaultKubernetesAuth,
} from './config.js';
export { DEFAULT_RETRY, type RetryPolicy } from './retry.js';

/** Tuning that is not part of the operator's configuration (tests shorten the backoff). */
export interface VaultSessionTuning {
  retry?: Partial<RetryPolicy>;
  readConcurrency?: number;
  /** Folder service-account token files must be in; default `/var/run/secrets/`. */
  serviceAccountTokenRoot?: string;
}

/**
 * Opens an authenticated Vault session (the `create` of {@link vaultProviderType}). With AppRole
 * or Kubernetes this logs in, so bad credentials or an unreachable server fail here with a typed
 * error; with a static token it looks the token's TTL up, best effort.
 */
export async function createVaultProvider(
  { config, providerId, services }: ProviderFactoryContext<VaultProviderConfig>,
  tuning: VaultSessionTuning = {},
): Promise<VaultSecretProvider> {
  const resolved = resolveConfig(config);
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...tuning.retry };
  const client = createNodeVaultClient(resolved);
  const logger = services.logger.child({ plugin: '@keygate/provider-vault', providerId });
  const context: LeaseContext = { client, clock: services.clock, logger, retry };
  let auth: VaultAuth;
  if (resolved.auth.method === 'token') auth = await tokenAuth(context, resolved.auth);
  else if (resolved.auth.method === 'approle') auth = await appRoleAuth(context, resolved.auth);
  else {
    checkTokenPath(resolved.auth, tuning.serviceAccountTokenRoot ?? SERVICE_ACCOUNT_TOKEN_ROOT);
    auth = await kubernetesAuth(context, resolved.auth);
  }
  const api = new VaultApi(client, auth, retry, { provider: providerId });
  return new VaultSecretProvider(api, auth, new VaultLayout(resolved.mount, resolved.pathTemplate), tuning.readConcurrency ?? DEFAULT_READ_CONCURRENCY);
}

/** The `Vault` provider type: HashiCorp Vault or OpenBao, KV version 2. */
export const vaultProviderType = defineProviderType<VaultProviderConfig>({
  kind: 'provider',
  type: 'Vault',
  displayName: 'HashiCorp Vault / OpenBao (KV v2)',
  description:
    'Reads and writes secrets in a KV version 2 engine of HashiCorp Vault or OpenBao: one KV secret per key (field "value") under a path made from tenant, project and environment. Versioned, with check-and-set and custom-metadata labels. Token, AppRole or Kubernetes auth, with token renewal.',
  configSchema,
  capabilities: () => capabilities,
  create: (context) => createVaultProvider(context),
});

export default definePlugin({
  name: '@keygate/provider-vault',
  version: '0.1.0',
  description: 'Keygate provider for HashiCorp Vault and OpenBao (KV v2), on the official node-vault client.',
  provides: [vaultProviderType],
});
