import {
  KeygateError,
  NotFoundError,
  ProviderAuthError,
  ProviderUnavailableError,
  TimeoutError,
  VersionConflictError,
  isKeygateError,
} from '@keygate/core';

/** The part of node-vault's `ApiResponseError` (and axios errors) this plugin looks at. */
interface RawVaultError {
  response?: { statusCode?: unknown; body?: unknown };
  code?: unknown;
  message?: unknown;
}

const CAS_MISMATCH = 'check-and-set parameter did not match';
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ERR_SOCKET_CONNECTION_TIMEOUT']);

/** The HTTP status of a failed Vault call, when Vault answered at all. */
export function vaultStatus(error: unknown): number | undefined {
  const status = (error as RawVaultError | null)?.response?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

function vaultErrors(error: unknown): string[] {
  const body = (error as RawVaultError | null)?.response?.body as { errors?: unknown } | undefined;
  return Array.isArray(body?.errors) ? body.errors.filter((entry): entry is string => typeof entry === 'string') : [];
}

/** Transient answers worth retrying (reads only): 429 and 5xx. */
export function isRetryableStatus(error: unknown): boolean {
  const status = vaultStatus(error);
  return status !== undefined && (status === 429 || status >= 500);
}

/**
 * Turns whatever node-vault (or axios under it) threw into a typed Keygate error. The original
 * error is deliberately not attached as `cause`: axios errors carry the request's headers (the
 * Vault token) and body (the secret value). Messages name the operation and the HTTP status only,
 * never values, tokens or Vault's free-text error messages.
 */
export function toKeygateError(error: unknown, doing: string, extensions: Record<string, string> = {}): KeygateError | unknown {
  if (isKeygateError(error)) return error;
  const status = vaultStatus(error);
  if (status !== undefined) {
    if (status === 404) return new NotFoundError(`Vault: not found while ${doing}`, extensions);
    if (status === 400 && vaultErrors(error).some((message) => message.includes(CAS_MISMATCH))) {
      return new VersionConflictError(`Vault: check-and-set version did not match while ${doing}`, extensions);
    }
    if (status === 401 || status === 403) {
      return new ProviderAuthError(`Vault refused the credentials (HTTP ${status}) while ${doing}`, { extensions, detail: 'Check the token or AppRole and its policies.' });
    }
    if (status === 429 || status >= 500) return new ProviderUnavailableError(`Vault unavailable (HTTP ${status}) while ${doing}`, { extensions });
    return new KeygateError('PROVIDER_REJECTED', `Vault rejected the request (HTTP ${status}) while ${doing}`, { extensions });
  }
  const code = (error as RawVaultError | null)?.code;
  const message = (error as RawVaultError | null)?.message;
  if ((typeof code === 'string' && TIMEOUT_CODES.has(code)) || (typeof message === 'string' && /timeout/i.test(message))) {
    return new TimeoutError(`Vault did not answer in time while ${doing}`, { extensions });
  }
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) {
    return new ProviderUnavailableError(`Vault unreachable (${code}) while ${doing}`, { extensions });
  }
  if (typeof code === 'string' && code.startsWith('ERR_')) {
    return new ProviderUnavailableError(`Vault request failed (${code}) while ${doing}`, { extensions });
  }
  return new KeygateError('INTERNAL', `Vault client failed while ${doing}`, { extensions });
}
