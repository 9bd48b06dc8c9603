import nodeVault from 'node-vault';
import type { ResolvedVaultConfig } from './config.js';

/** The node-vault client, the official SDK this plugin drives. */
export type NodeVaultClient = nodeVault.client;

/**
 * Makes a node-vault client from the resolved config alone. node-vault falls back to
 * `VAULT_ADDR`, `VAULT_TOKEN`, `VAULT_NAMESPACE`, `VAULT_PREFIX` and `VAULT_SKIP_VERIFY` from the
 * environment; plugins must not read the environment, so every one of those is pinned here.
 * Its debug output (which would include written values) is switched off.
 */
export function createNodeVaultClient(config: ResolvedVaultConfig): NodeVaultClient {
  const options: nodeVault.VaultOptions & { rpDefaults: { strictSSL: boolean } } = {
    endpoint: config.address,
    apiVersion: 'v1',
    noCustomHTTPVerbs: true,
    requestOptions: { timeout: config.requestTimeoutMs, maxRedirects: 0 },
    rpDefaults: { strictSSL: true },
    debug: () => undefined,
  };
  const client = nodeVault(options);
  const pinned = client as NodeVaultClient & { namespace: string; pathPrefix: string };
  pinned.token = '';
  pinned.namespace = config.namespace ?? '';
  pinned.pathPrefix = '';
  return client;
}
