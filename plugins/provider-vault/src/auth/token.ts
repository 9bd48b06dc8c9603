import type { VaultTokenAuth } from '../config.js';
import { TokenLease, type LeaseContext } from './lease.js';

/** A static token: sent as given; renewed in place while Vault allows it, never replaced. */
export function tokenAuth(context: LeaseContext, config: VaultTokenAuth): Promise<TokenLease> {
  return TokenLease.staticToken(config.token, context);
}
