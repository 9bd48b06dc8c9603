/**
 * Typed errors shared by the host and every plugin.
 *
 * The host maps errors to HTTP by their `code`, never by `instanceof`: a third-party plugin may
 * bundle its own copy of @keygate/core, and its classes would not be ours.
 */
export type ErrorCode =
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'VERSION_CONFLICT'
  | 'UNSUPPORTED'
  | 'INVALID_INPUT'
  | 'INVALID_CONFIGURATION'
  | 'PROVIDER_UNAVAILABLE'
  | 'PROVIDER_AUTH_FAILED'
  | 'PROVIDER_REJECTED'
  | 'TIMEOUT'
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RATE_LIMITED'
  | 'PAYLOAD_TOO_LARGE'
  | 'INTERNAL';

export interface ErrorOptions {
  /** Safe to show to API callers; must never contain secret values or credentials. */
  detail?: string;
  retryable?: boolean;
  cause?: unknown;
  /** Extra machine-readable members for the problem document (e.g. `{provider: 'vault-prod'}`). */
  extensions?: Record<string, string | number | boolean>;
}

const RETRYABLE_BY_DEFAULT: ReadonlySet<ErrorCode> = new Set(['PROVIDER_UNAVAILABLE', 'TIMEOUT', 'RATE_LIMITED']);

export class KeygateError extends Error {
  /** Marker checked by {@link isKeygateError}, so copies of core from other packages still match. */
  readonly keygateError = true as const;
  readonly code: ErrorCode;
  readonly retryable: boolean;
  /** Safe to show to API callers (see {@link ErrorOptions.detail}). */
  readonly detail: string | undefined;
  readonly extensions: Record<string, string | number | boolean>;

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KeygateError';
    this.code = code;
    this.retryable = options.retryable ?? RETRYABLE_BY_DEFAULT.has(code);
    this.detail = options.detail;
    this.extensions = options.extensions ?? {};
  }
}

export interface KeygateErrorLike {
  keygateError: true;
  code: ErrorCode;
  message: string;
  retryable: boolean;
  detail?: string;
  extensions?: Record<string, string | number | boolean>;
}

export function isKeygateError(error: unknown): error is KeygateErrorLike {
  return (
    typeof error === 'object' &&
    error !== null &&
    (error as { keygateError?: unknown }).keygateError === true &&
    typeof (error as { code?: unknown }).code === 'string'
  );
}

type Extensions = ErrorOptions['extensions'];

export class NotFoundError extends KeygateError {
  constructor(message: string, extensions?: Extensions) {
    super('NOT_FOUND', message, { extensions });
  }
}
export class ConflictError extends KeygateError {
  constructor(message: string, extensions?: Extensions) {
    super('CONFLICT', message, { extensions });
  }
}
/** A compare-and-set write lost: the stored version is not the one the caller expected. */
export class VersionConflictError extends KeygateError {
  constructor(message: string, extensions?: Extensions) {
    super('VERSION_CONFLICT', message, { extensions });
  }
}
/** The backend cannot do what was asked (declared in its capabilities); never a silent no-op. */
export class UnsupportedError extends KeygateError {
  constructor(message: string, extensions?: Extensions) {
    super('UNSUPPORTED', message, { extensions });
  }
}
export class InvalidInputError extends KeygateError {
  constructor(message: string, extensions?: Extensions) {
    super('INVALID_INPUT', message, { extensions });
  }
}
export class ProviderUnavailableError extends KeygateError {
  constructor(message: string, options: Omit<ErrorOptions, 'retryable'> = {}) {
    super('PROVIDER_UNAVAILABLE', message, { ...options, retryable: true });
  }
}
export class ProviderAuthError extends KeygateError {
  constructor(message: string, options: Omit<ErrorOptions, 'retryable'> = {}) {
    super('PROVIDER_AUTH_FAILED', message, { ...options, retryable: false });
  }
}
export class TimeoutError extends KeygateError {
  constructor(message: string, options: Omit<ErrorOptions, 'retryable'> = {}) {
    super('TIMEOUT', message, { ...options, retryable: true });
  }
}
