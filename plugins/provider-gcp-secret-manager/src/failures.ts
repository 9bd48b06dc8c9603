import { KeygateError, ProviderAuthError, ProviderUnavailableError, TimeoutError, isKeygateError } from '@keygate/core';

/** gRPC status codes, as google-gax reports them in `error.code` on both transports. */
export const Status = {
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

const NAMES = new Map<number, string>(Object.entries(Status).map(([name, code]) => [code, name]));
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNABORTED', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT']);

/** Google's documented HTTP mapping of each status, for errors that carry only the HTTP status. */
const FROM_HTTP = new Map<number, number>([
  [400, Status.INVALID_ARGUMENT],
  [401, Status.UNAUTHENTICATED],
  [403, Status.PERMISSION_DENIED],
  [404, Status.NOT_FOUND],
  [409, Status.ALREADY_EXISTS],
  [429, Status.RESOURCE_EXHAUSTED],
  [499, Status.CANCELLED],
  [500, Status.INTERNAL],
  [501, Status.UNIMPLEMENTED],
  [503, Status.UNAVAILABLE],
  [504, Status.DEADLINE_EXCEEDED],
]);

/**
 * The `error.status` name of a Google error body (`{"error": {"code", "message", "status"}}`),
 * which gaxios keeps as the text of its error's cause. Only the status name is taken.
 */
function bodyStatus(error: object): number | undefined {
  const text = (error as { cause?: { message?: unknown } }).cause?.message;
  if (typeof text !== 'string' || !text.startsWith('{')) return undefined;
  try {
    const name = (JSON.parse(text) as { error?: { status?: unknown } }).error?.status;
    return typeof name === 'string' && name in Status ? Status[name as keyof typeof Status] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The gRPC status of a client error, or undefined for a transport failure. google-gax errors carry
 * it as `code`; with a google-auth-library client (service-account keys, ambient credentials) the
 * REST call goes through gaxios, whose errors carry the HTTP `status` and the Google error body
 * instead. Never reads a free-text message, which may echo input.
 */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'number' && NAMES.has(code)) return code;
  const http = (error as { status?: unknown }).status;
  if (typeof http !== 'number' || http < 400) return undefined;
  return bodyStatus(error) ?? FROM_HTTP.get(http) ?? (http >= 500 ? Status.UNAVAILABLE : Status.INVALID_ARGUMENT);
}

export function isStatus(error: unknown, status: number): boolean {
  if (isKeygateError(error)) return statusOf((error as { cause?: unknown }).cause) === status;
  return statusOf(error) === status;
}

function networkCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; typeof current === 'object' && current !== null && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

export type FailureKind = 'not-found' | 'auth' | 'retryable' | 'timeout' | 'rejected';

export function classify(error: unknown): FailureKind {
  const status = statusOf(error);
  switch (status) {
    case Status.NOT_FOUND:
      return 'not-found';
    case Status.PERMISSION_DENIED:
    case Status.UNAUTHENTICATED:
      return 'auth';
    case Status.DEADLINE_EXCEEDED:
      return 'timeout';
    case Status.UNAVAILABLE:
    case Status.RESOURCE_EXHAUSTED:
    case Status.INTERNAL:
    case Status.UNKNOWN:
    case Status.ABORTED:
      return 'retryable';
    case undefined:
      // No status: the request never got a Google error back (connection refused or reset, a
      // response that was not JSON, as a 502 from a proxy). Transient as far as we can tell.
      return 'retryable';
    default:
      return 'rejected';
  }
}

export interface FailureContext {
  /** The RPC, e.g. `AccessSecretVersion`. */
  operation: string;
  /** The Keygate key (or scope) concerned; never a value. */
  target: string;
  timedOut?: boolean;
}

/** Turns a client failure into a Keygate error. Messages carry the RPC, target and status name only. */
export function toKeygateError(error: unknown, { operation, target, timedOut }: FailureContext): unknown {
  if (isKeygateError(error)) return error;
  const status = statusOf(error);
  const name = status === undefined ? (networkCode(error) ?? 'transport error') : NAMES.get(status)!;
  const where = `Google Secret Manager ${operation} for ${target}`;
  if (timedOut) return new TimeoutError(`${where} timed out`, { cause: error });
  switch (classify(error)) {
    case 'not-found':
      // With the Google error as cause, so callers can tell a missing secret from a missing version.
      return new KeygateError('NOT_FOUND', `${target} does not exist in Google Secret Manager`, { cause: error });
    case 'auth':
      return new ProviderAuthError(`${where} was refused: ${name} (check the credentials and IAM roles)`, { cause: error });
    case 'timeout':
      return new TimeoutError(`${where} timed out`, { cause: error });
    case 'retryable':
      return new ProviderUnavailableError(`${where} failed: ${name}`, { cause: error });
    case 'rejected':
      return new KeygateError('PROVIDER_REJECTED', `${where} was rejected: ${name}`, { cause: error });
  }
}
