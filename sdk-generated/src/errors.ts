import type { ProblemFieldError } from './types.js';

/**
 * The server answered with an error status. Fields come from the `application/problem+json` body
 * (RFC 9457). The message is built from those fields only: never from the request, so neither the
 * API key nor signature headers can end up in logs that print errors.
 */
export class KeygateApiError extends Error {
  override readonly name = 'KeygateApiError';
  readonly status: number;
  /** Stable, machine-readable (e.g. `NOT_FOUND`, `VERSION_CONFLICT`); match on this, not on text. */
  readonly code: string | undefined;
  readonly title: string;
  readonly detail: string | undefined;
  readonly type: string | undefined;
  readonly instance: string | undefined;
  readonly retryable: boolean | undefined;
  /** Slug of the provider involved, for provider errors. */
  readonly provider: string | undefined;
  /** One entry per offending field, for validation errors. */
  readonly errors: readonly ProblemFieldError[];

  constructor(problem: {
    status: number;
    title: string;
    code?: string | undefined;
    detail?: string | undefined;
    type?: string | undefined;
    instance?: string | undefined;
    retryable?: boolean | undefined;
    provider?: string | undefined;
    errors?: readonly ProblemFieldError[] | undefined;
  }) {
    const code = problem.code === undefined ? '' : ` ${problem.code}`;
    const detail = problem.detail === undefined ? '' : `: ${problem.detail}`;
    super(`${problem.title} (HTTP ${problem.status}${code})${detail}`);
    this.status = problem.status;
    this.code = problem.code;
    this.title = problem.title;
    this.detail = problem.detail;
    this.type = problem.type;
    this.instance = problem.instance;
    this.retryable = problem.retryable;
    this.provider = problem.provider;
    this.errors = problem.errors ?? [];
  }

  /**
   * Builds the error from what openapi-fetch parsed. Bodies that are not problem+json (a proxy's
   * HTML page, say) are not echoed: they can be large and say nothing a caller can act on.
   */
  static fromResponse(response: Response, body: unknown): KeygateApiError {
    const problem = isRecord(body) ? body : {};
    const title = stringField(problem, 'title') ?? (response.statusText || `HTTP ${response.status}`);
    return new KeygateApiError({
      status: response.status,
      title,
      code: stringField(problem, 'code'),
      detail: stringField(problem, 'detail'),
      type: stringField(problem, 'type'),
      instance: stringField(problem, 'instance'),
      retryable: typeof problem.retryable === 'boolean' ? problem.retryable : undefined,
      provider: stringField(problem, 'provider'),
      errors: Array.isArray(problem.errors) ? problem.errors.filter(isFieldError) : [],
    });
  }
}

/**
 * The server's answer breaks the wire contract in a way that must not be papered over: a plaintext
 * answer to an end-to-end-encrypted secret read, an envelope that does not decrypt, a missing body.
 */
export class KeygateProtocolError extends Error {
  override readonly name = 'KeygateProtocolError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, name: string): string | undefined {
  const value = record[name];
  return typeof value === 'string' ? value : undefined;
}

function isFieldError(value: unknown): value is ProblemFieldError {
  return isRecord(value) && typeof value.path === 'string' && typeof value.message === 'string';
}
