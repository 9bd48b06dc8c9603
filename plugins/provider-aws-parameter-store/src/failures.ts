import { KeygateError, NotFoundError, ProviderAuthError, ProviderUnavailableError, TimeoutError, isKeygateError } from '@keygate/core';

const AUTH_ERRORS = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'IncompleteSignature',
  'InvalidClientTokenId',
  'MissingAuthenticationToken',
  'MissingAuthenticationTokenException',
  'ExpiredToken',
  'ExpiredTokenException',
  'CredentialsProviderError',
]);

const NOT_FOUND_ERRORS = new Set(['ParameterNotFound', 'ParameterVersionNotFound', 'InvalidResourceId']);

/** Throttling, plus SSM's TooManyUpdates (concurrent writes to one parameter): retried. */
const THROTTLING_ERRORS = new Set(['ThrottlingException', 'Throttling', 'TooManyRequestsException', 'RequestLimitExceeded', 'RequestThrottled', 'SlowDown', 'TooManyUpdates']);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET']);

/** The parts of an SDK (or socket) error this plugin looks at; never its message, which may echo input. */
interface ErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

export function awsErrorName(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const name = (error as ErrorShape).name;
  return typeof name === 'string' ? name : undefined;
}

function statusOf(error: ErrorShape): number | undefined {
  const status = error.$metadata?.httpStatusCode;
  return typeof status === 'number' ? status : undefined;
}

export type FailureKind = 'not-found' | 'auth' | 'retryable' | 'timeout' | 'rejected';

export function classify(error: unknown): FailureKind {
  const shape: ErrorShape = typeof error === 'object' && error !== null ? (error as ErrorShape) : {};
  const name = awsErrorName(error) ?? '';
  const status = statusOf(shape);
  if (NOT_FOUND_ERRORS.has(name)) return 'not-found';
  if (AUTH_ERRORS.has(name)) return 'auth';
  if (name === 'TimeoutError' || name === 'RequestTimeout' || name === 'RequestTimeoutException') return 'timeout';
  if (THROTTLING_ERRORS.has(name)) return 'retryable';
  if (name === 'InternalServerError' || name === 'ServiceUnavailable' || name === 'ServiceUnavailableException') return 'retryable';
  if (shape.$fault === 'server' || (status !== undefined && status >= 500)) return 'retryable';
  if (status === 401 || status === 403) return 'auth';
  const code = typeof shape.code === 'string' ? shape.code : '';
  if (NETWORK_CODES.has(code) || status === undefined) return 'retryable';
  return 'rejected';
}

export interface FailureContext {
  /** The AWS operation, e.g. `GetParameter`. */
  operation: string;
  /** The Keygate key (or scope) concerned, for the message; never a value. */
  target: string;
  /** Our own deadline fired. */
  timedOut?: boolean;
}

/** Turns an SDK failure into a Keygate error. Messages carry the operation, target and AWS error name only. */
export function toKeygateError(error: unknown, { operation, target, timedOut }: FailureContext): KeygateError | unknown {
  if (isKeygateError(error)) return error;
  const name = awsErrorName(error) ?? 'Error';
  const where = `AWS SSM ${operation} for ${target}`;
  if (timedOut) return new TimeoutError(`${where} timed out`, { cause: error });
  switch (classify(error)) {
    case 'not-found':
      return new NotFoundError(name === 'ParameterVersionNotFound' ? `${target} has no such version in AWS Parameter Store` : `${target} does not exist in AWS Parameter Store`);
    case 'auth':
      return new ProviderAuthError(`${where} was refused: ${name} (check the credentials and IAM permissions)`, { cause: error });
    case 'timeout':
      return new TimeoutError(`${where} timed out`, { cause: error });
    case 'retryable':
      return new ProviderUnavailableError(`${where} failed: ${name}`, { cause: error });
    case 'rejected':
      return new KeygateError('PROVIDER_REJECTED', `${where} was rejected: ${name}`, { cause: error });
  }
}
