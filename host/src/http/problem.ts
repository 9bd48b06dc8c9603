import { isKeygateError, type ErrorCode } from '@keygate/core';

export interface FieldError {
  path: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  code?: string;
  provider?: string;
  retryable?: boolean;
  errors?: FieldError[];
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  NOT_FOUND: 404,
  CONFLICT: 409,
  VERSION_CONFLICT: 409,
  UNSUPPORTED: 422,
  INVALID_INPUT: 400,
  INVALID_CONFIGURATION: 400,
  PROVIDER_UNAVAILABLE: 503,
  PROVIDER_AUTH_FAILED: 502,
  PROVIDER_REJECTED: 502,
  TIMEOUT: 504,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  RATE_LIMITED: 429,
  PAYLOAD_TOO_LARGE: 413,
  INTERNAL: 500,
};

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

export function problem(status: number, detail: string, extra: Partial<Problem> = {}): Problem {
  return {
    type: extra.code ? `https://keygate.dev/problems/${extra.code.toLowerCase().replaceAll('_', '-')}` : 'about:blank',
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...extra,
  };
}

interface ValidatorError {
  status: number;
  message?: string;
  errors?: Array<{ path?: string; message?: string; errorCode?: string }>;
}

function isValidatorError(error: unknown): error is ValidatorError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { status?: unknown }).status === 'number' &&
    Array.isArray((error as { errors?: unknown }).errors)
  );
}

/** `/body/configuration/url` → `body.configuration.url`; `.query.limit` → `query.limit`. */
function fieldPath(raw: string | undefined): string {
  if (!raw) return '';
  return raw.replace(/^[./]+/, '').replaceAll('/', '.').replace(/\.(\d+)(?=\.|$)/g, '[$1]');
}

function validatorProblem(error: ValidatorError): Problem {
  const errors = (error.errors ?? []).map((e) => {
    let message = e.message ?? 'is invalid';
    // Make "must NOT have additional properties" say which property.
    const extra = /must NOT have additional properties/.test(message) ? e.path : undefined;
    if (extra && e.errorCode === 'additionalProperties.openapi.validation') message = 'unknown field';
    return { path: fieldPath(e.path), message };
  });
  const status = error.status;
  if (status === 404) return problem(404, 'no such route', { code: 'NOT_FOUND' });
  if (status === 405) return problem(405, 'method not allowed on this route', { code: 'METHOD_NOT_ALLOWED' });
  if (status === 415) return problem(415, 'request body must be application/json', { code: 'UNSUPPORTED_MEDIA_TYPE' });
  if (status >= 500) return problem(500, 'the server produced a response outside its contract', { code: 'INTERNAL' });
  const summary = errors.map((e) => (e.path ? `${e.path}: ${e.message}` : e.message)).join('; ');
  return problem(status, summary || 'invalid request', { code: 'INVALID_INPUT', errors });
}

interface BodyParserError {
  type: string;
  status: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && typeof (error as { type?: unknown }).type === 'string' && typeof (error as { status?: unknown }).status === 'number';
}

/**
 * Turns any thrown value into a problem document. Only typed errors carry their message through;
 * anything else becomes a generic 500 so that internals (and possibly values) never leak.
 */
export function toProblem(error: unknown): Problem {
  if (isKeygateError(error)) {
    const status = STATUS_BY_CODE[error.code] ?? 500;
    const extensions = error.extensions ?? {};
    const provider = typeof extensions.provider === 'string' ? extensions.provider : undefined;
    return problem(status, status === 500 ? 'internal error' : error.message, {
      code: error.code,
      retryable: error.retryable,
      ...(provider === undefined ? {} : { provider }),
    });
  }
  if (isValidatorError(error)) return validatorProblem(error);
  if (isBodyParserError(error)) {
    if (error.type === 'entity.too.large') return problem(413, 'request body is larger than the server accepts', { code: 'PAYLOAD_TOO_LARGE' });
    if (error.type === 'entity.parse.failed') return problem(400, 'request body is not valid JSON', { code: 'INVALID_INPUT' });
    if (error.type === 'encoding.unsupported' || error.type === 'charset.unsupported') return problem(415, 'unsupported body encoding', { code: 'UNSUPPORTED_MEDIA_TYPE' });
    if (error.status >= 400 && error.status < 500) return problem(error.status, 'malformed request body', { code: 'INVALID_INPUT' });
  }
  return problem(500, 'internal error', { code: 'INTERNAL' });
}
