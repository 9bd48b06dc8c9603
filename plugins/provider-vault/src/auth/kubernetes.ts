import { open } from 'node:fs/promises';
import { KeygateError, ProviderAuthError } from '@keygate/core';
import type { VaultKubernetesAuth } from '../config.js';
import { toKeygateError, vaultStatus } from '../errors.js';
import { withRetry } from '../retry.js';
import { TokenLease, issuedToken, type LeaseContext } from './lease.js';

/**
 * Token files are read only below this folder (where Kubernetes mounts service-account tokens,
 * projected ones included). The file's content is sent to the configured Vault, and whoever may
 * configure a provider chooses that Vault: any other path would let them read the host's files.
 */
export const SERVICE_ACCOUNT_TOKEN_ROOT = '/var/run/secrets/';
const MAX_TOKEN_BYTES = 64 * 1024;
const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Refuses a token path outside `root` at session creation. */
export function checkTokenPath(config: VaultKubernetesAuth, root: string): void {
  if (config.tokenPath !== undefined && !config.tokenPath.startsWith(root.endsWith('/') ? root : `${root}/`)) {
    throw new KeygateError('INVALID_CONFIGURATION', `Vault provider: auth.tokenPath must be a file under ${root}`);
  }
}

/** The service-account JWT: read at each login, as the kubelet rotates projected tokens. Only a JWT-shaped content is ever sent. */
async function serviceAccountJwt(config: VaultKubernetesAuth): Promise<string> {
  if (config.jwt !== undefined) return config.jwt;
  const path = config.tokenPath!;
  let text: string;
  try {
    const file = await open(path, 'r');
    try {
      const buffer = Buffer.alloc(MAX_TOKEN_BYTES + 1);
      const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
      if (bytesRead > MAX_TOKEN_BYTES) throw new ProviderAuthError(`Vault Kubernetes auth: ${path} is larger than a service-account token`);
      text = buffer.subarray(0, bytesRead).toString('utf8').trim();
    } finally {
      await file.close();
    }
  } catch (error) {
    if (error instanceof KeygateError) throw error;
    const code = (error as { code?: unknown }).code;
    throw new ProviderAuthError(`Vault Kubernetes auth: cannot read the service-account token ${path}${typeof code === 'string' ? ` (${code})` : ''}`, {
      detail: 'Mount the service-account token into the pod, or set auth.tokenPath or auth.jwt.',
    });
  }
  if (!JWT_SHAPE.test(text)) throw new ProviderAuthError(`Vault Kubernetes auth: ${path} does not hold a JWT`);
  return text;
}

/** Kubernetes: `POST auth/{mountPath}/login` with the role and the service-account JWT; the lease renews or logs in again. */
export function kubernetesAuth(context: LeaseContext, config: VaultKubernetesAuth): Promise<TokenLease> {
  return TokenLease.loggedIn('kubernetes', context, async () => {
    const jwt = await serviceAccountJwt(config);
    let response: unknown;
    try {
      response = await withRetry(context.retry, () => context.client.kubernetesLogin({ role: config.role, jwt, mount_point: config.mountPath ?? 'kubernetes' }));
    } catch (error) {
      const status = vaultStatus(error);
      if (status === 400 || status === 401 || status === 403) {
        throw new ProviderAuthError(`Vault refused the Kubernetes login (HTTP ${status})`, {
          detail: "Check auth.role, the role's bound service accounts and namespaces, and auth.mountPath.",
        });
      }
      throw toKeygateError(error, 'logging in with Kubernetes');
    }
    return issuedToken(response, 'Kubernetes login');
  });
}
