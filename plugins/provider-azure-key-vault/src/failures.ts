import { KeygateError, NotFoundError, ProviderAuthError, ProviderUnavailableError, TimeoutError, isKeygateError } from '@keygate/core';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET', 'REQUEST_SEND_ERROR']);
const CREDENTIAL_ERRORS = new Set(['CredentialUnavailableError', 'AuthenticationError', 'AuthenticationRequiredError', 'AggregateAuthenticationError']);

/** The parts of an SDK (RestError) or credential error this plugin looks at; never its message, which may echo input. */
interface ErrorShape {
  name?: unknown;
  code?: unknown;
  statusCode?: unknown;
  response?: { headers?: { get?(name: string): string | undefined } };
}

function shapeOf(error: unknown): ErrorShape {
  return typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
}

export function statusOf(error: unknown): number | undefined {
  const status = shapeOf(error).statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The Key Vault error code (`SecretNotFound`, `Conflict`, …) or the error's name. */
export function errorCodeOf(error: unknown): string {
  const { code, name } = shapeOf(error);
  if (typeof code === 'string' && /^[A-Za-z_]{1,64}$/.test(code)) return code;
  return typeof name === 'string' ? name : 'Error';
}

/** Retry-After in milliseconds, when the service sent one. */
export function retryAfterMs(error: unknown): number | undefined {
  const header = shapeOf(error).response?.headers?.get?.('retry-after');
  if (header === undefined) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export type FailureKind = 'not-found' | 'auth' | 'retryable' | 'rejected';

export function classify(error: unknown): FailureKind {
  if (isKeygateError(error)) return error.retryable ? 'retryable' : 'rejected';
  const status = statusOf(error);
  const { name, code } = shapeOf(error);
  if (typeof name === 'string' && CREDENTIAL_ERRORS.has(name)) return 'auth';
  if (status === 404) return 'not-found';
  if (status === 401 || status === 403) return 'auth';
  // 409: the name is being deleted, purged or recovered; it settles shortly.
  if (status === 408 || status === 409 || status === 429 || (status !== undefined && status >= 500)) return 'retryable';
  if (status === undefined && (typeof code !== 'string' || NETWORK_CODES.has(code))) return 'retryable';
  return 'rejected';
}

export interface FailureContext {
  /** The Key Vault operation, e.g. `GetSecret`. */
  operation: string;
  /** The Keygate key (or scope) concerned; never a value. */
  target: string;
  timedOut?: boolean;
}

/** Turns an SDK failure into a Keygate error. Messages carry the operation, target, HTTP status and Azure error code only. */
export function toKeygateError(error: unknown, { operation, target, timedOut }: FailureContext): unknown {
  if (isKeygateError(error)) return error;
  const status = statusOf(error);
  const code = errorCodeOf(error);
  const where = `Azure Key Vault ${operation} for ${target}`;
  const why = status === undefined ? code : `${status} ${code}`;
  if (timedOut) return new TimeoutError(`${where} timed out`, { cause: error });
  switch (classify(error)) {
    case 'not-found':
      return new NotFoundError(`${target} does not exist in Azure Key Vault`);
    case 'auth':
      return new ProviderAuthError(`${where} was refused: ${why} (check the credential and the vault's RBAC roles or access policies)`, { cause: error });
    case 'retryable':
      return new ProviderUnavailableError(`${where} failed: ${why}`, { cause: error });
    case 'rejected':
      return new KeygateError('PROVIDER_REJECTED', `${where} was rejected: ${why}`, { cause: error });
  }
}
