import { KeygateError, NotFoundError, ProviderAuthError, ProviderUnavailableError, TimeoutError, isKeygateError } from '@keygate/core';

/**
 * Errors of this provider name the operation and the upstream's HTTP status, never the value, the
 * credentials or the upstream's body (an upstream's error text may quote what it was sent). The
 * host prefixes the provider's slug. The original error is not attached as `cause`, because an
 * HTTP client error can carry the request.
 */
const PREFIX = 'HttpRest';

function extensions(status?: number): Record<string, number> {
  return status === undefined ? {} : { upstreamStatus: status };
}

/** An upstream answer that is not what was hoped for; `retryable` marks "try again" answers. */
export function statusError(status: number, doing: string): KeygateError {
  if (status === 404) return new NotFoundError(`${PREFIX}: not found (HTTP 404) while ${doing}`, extensions(status));
  if (status === 401 || status === 403) {
    return new ProviderAuthError(`${PREFIX}: the endpoint refused the credentials or signature (HTTP ${status}) while ${doing}`, {
      extensions: extensions(status),
      detail: 'Check the signing secret or credentials configured for this provider.',
    });
  }
  if (status === 408 || status === 429 || status >= 500) {
    return new ProviderUnavailableError(`${PREFIX}: the endpoint is unavailable (HTTP ${status}) while ${doing}`, { extensions: extensions(status) });
  }
  if (status === 409) return new KeygateError('CONFLICT', `${PREFIX}: the endpoint reported a conflict (HTTP 409) while ${doing}`, { extensions: extensions(status) });
  return new KeygateError('PROVIDER_REJECTED', `${PREFIX}: the endpoint rejected the request (HTTP ${status}) while ${doing}`, { extensions: extensions(status) });
}

/** A 2xx answer whose body is not what the contract or mapping promises. */
export function badAnswer(status: number, doing: string, what: string): KeygateError {
  return new KeygateError('PROVIDER_REJECTED', `${PREFIX}: the endpoint answered HTTP ${status} with ${what} while ${doing}`, { extensions: extensions(status) });
}

/**
 * What the outbound HTTP client threw. Unreachable and timed-out calls keep their (retryable)
 * codes; anything else the client refuses — an address its policy forbids, an oversized body, a
 * URL it cannot use — is the upstream's or the configuration's fault, not the API caller's, and
 * repeating it will not help: PROVIDER_REJECTED.
 */
export function transportError(error: unknown, doing: string): KeygateError {
  if (isKeygateError(error)) {
    if (error.code === 'TIMEOUT') return new TimeoutError(`${PREFIX}: ${error.message} while ${doing}`);
    if (error.code === 'PROVIDER_UNAVAILABLE') return new ProviderUnavailableError(`${PREFIX}: ${error.message} while ${doing}`);
    return new KeygateError('PROVIDER_REJECTED', `${PREFIX}: the outbound call was refused (${error.code}: ${error.message}) while ${doing}`, { retryable: false });
  }
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return new TimeoutError(`${PREFIX}: the endpoint did not answer in time while ${doing}`);
  }
  return new ProviderUnavailableError(`${PREFIX}: the request failed while ${doing}`);
}

/** True when an operation that is safe to repeat should be tried again after this error. */
export function isTransient(error: unknown): boolean {
  return isKeygateError(error) && (error.code === 'PROVIDER_UNAVAILABLE' || error.code === 'TIMEOUT');
}
