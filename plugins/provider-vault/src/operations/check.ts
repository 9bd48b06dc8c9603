import type { VaultApi } from '../api.js';

/** Connectivity and credentials: `GET auth/token/lookup-self` (allowed by Vault's default policy). */
export async function checkConnection(api: VaultApi): Promise<void> {
  await api.lookupSelf('checking the connection (token lookup-self)');
}
