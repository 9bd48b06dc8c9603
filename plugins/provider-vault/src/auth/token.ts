import type { VaultTokenAuth } from '../config.js';
import type { NodeVaultClient } from '../vault-client.js';
import type { VaultAuth } from './auth.js';

/** A static token: set once, never renewed (renewing is the token owner's job). */
export function tokenAuth(client: NodeVaultClient, config: VaultTokenAuth): VaultAuth {
  client.token = config.token;
  return {
    method: 'token',
    ensureFresh: () => Promise.resolve(),
    reloginAfterDenied: () => Promise.resolve(false),
    close: () => {
      client.token = '';
    },
  };
}
