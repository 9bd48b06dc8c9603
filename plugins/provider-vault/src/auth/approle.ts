import { ProviderAuthError } from '@keygate/core';
import type { VaultAppRoleAuth } from '../config.js';
import { toKeygateError, vaultStatus } from '../errors.js';
import { withRetry } from '../retry.js';
import { TokenLease, issuedToken, type LeaseContext } from './lease.js';

/** AppRole: `POST auth/{mountPath}/login` with role_id + secret_id; the lease renews or logs in again. */
export function appRoleAuth(context: LeaseContext, config: VaultAppRoleAuth): Promise<TokenLease> {
  return TokenLease.loggedIn('approle', context, async () => {
    let response: unknown;
    try {
      response = await withRetry(context.retry, () =>
        context.client.approleLogin({ role_id: config.roleId, secret_id: config.secretId, mount_point: config.mountPath ?? 'approle' }),
      );
    } catch (error) {
      const status = vaultStatus(error);
      if (status === 400 || status === 401 || status === 403) {
        throw new ProviderAuthError(`Vault refused the AppRole login (HTTP ${status})`, { detail: 'Check auth.roleId, auth.secretId and auth.mountPath.' });
      }
      throw toKeygateError(error, 'logging in with AppRole');
    }
    return issuedToken(response, 'AppRole login');
  });
}
