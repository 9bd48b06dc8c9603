import { ProviderAuthError, type Clock, type Logger } from '@keygate/core';
import type { VaultAppRoleAuth } from '../config.js';
import { toKeygateError, vaultStatus } from '../errors.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import type { NodeVaultClient } from '../vault-client.js';
import type { VaultAuth } from './auth.js';

/** Log in again once this share of the token's lease has passed. */
const REFRESH_AT = 2 / 3;

interface LoginResponse {
  auth?: { client_token?: unknown; lease_duration?: unknown };
}

/**
 * AppRole: logs in with role_id + secret_id when the session opens, and again before the token's
 * lease runs out (checked before each request, so an idle session holds no timers), or once after
 * Vault refuses the token (revoked, or expired earlier than announced). Concurrent requests share
 * one login.
 */
export async function appRoleAuth(client: NodeVaultClient, config: VaultAppRoleAuth, clock: Clock, logger: Logger, retry: RetryPolicy): Promise<VaultAuth> {
  let refreshAt = Number.POSITIVE_INFINITY;
  let pending: Promise<void> | undefined;
  let closed = false;

  const login = async (): Promise<void> => {
    client.token = '';
    let response: LoginResponse;
    try {
      response = (await withRetry(retry, () =>
        client.approleLogin({ role_id: config.roleId, secret_id: config.secretId, mount_point: config.mountPath ?? 'approle' }),
      )) as LoginResponse;
    } catch (error) {
      const status = vaultStatus(error);
      if (status === 400 || status === 401 || status === 403) {
        throw new ProviderAuthError(`Vault refused the AppRole login (HTTP ${status})`, { detail: 'Check auth.roleId, auth.secretId and auth.mountPath.' });
      }
      throw toKeygateError(error, 'logging in with AppRole');
    }
    const token = response.auth?.client_token;
    if (typeof token !== 'string' || token === '') throw new ProviderAuthError('Vault answered the AppRole login without a token');
    if (closed) return;
    client.token = token;
    const lease = typeof response.auth?.lease_duration === 'number' ? response.auth.lease_duration : 0;
    refreshAt = lease > 0 ? clock.now().getTime() + lease * 1000 * REFRESH_AT : Number.POSITIVE_INFINITY;
    logger.debug('vault approle login', { leaseSeconds: lease });
  };

  const shared = (): Promise<void> => {
    pending ??= login().finally(() => {
      pending = undefined;
    });
    return pending;
  };

  await shared();
  return {
    method: 'approle',
    ensureFresh: () => (pending ?? (clock.now().getTime() >= refreshAt ? shared() : Promise.resolve())),
    async reloginAfterDenied() {
      await shared();
      return true;
    },
    close() {
      closed = true;
      client.token = '';
    },
  };
}
