import { KeygateError } from '@keygate/core';

/**
 * How an outbound call failed, in `error.extensions.outbound`, so callers can tell a refusal by
 * the address policy (fix the configuration) from a timeout or an unreachable upstream (retry).
 */
export type OutboundFailure = 'policy' | 'timeout' | 'unreachable' | 'too-large' | 'invalid-response' | 'invalid-request';

/**
 * Every message names the target by `host[:port]` only: never the path or query string (they can
 * carry tokens), userinfo or headers.
 */
export function policyRefused(host: string, rule: string, reason: string): KeygateError {
  return new KeygateError('INVALID_CONFIGURATION', `outbound call to ${host} refused by the address policy: ${reason}`, {
    retryable: false,
    extensions: { outbound: 'policy', rule },
  });
}

export function schemeRefused(host: string, reason: string): KeygateError {
  return new KeygateError('INVALID_CONFIGURATION', `outbound call to ${host} refused: ${reason}`, {
    retryable: false,
    extensions: { outbound: 'policy', rule: 'https-only' },
  });
}

export function invalidRequest(message: string): KeygateError {
  return new KeygateError('INVALID_CONFIGURATION', message, { retryable: false, extensions: { outbound: 'invalid-request' } });
}

export function timedOut(host: string, what: 'connect' | 'total', ms: number): KeygateError {
  const message = what === 'connect' ? `could not connect to ${host} within ${ms} ms` : `${host} did not send a complete response within ${ms} ms`;
  return new KeygateError('TIMEOUT', message, { retryable: true, extensions: { outbound: 'timeout', phase: what } });
}

export function unreachable(host: string, why: string, cause?: unknown): KeygateError {
  return new KeygateError('PROVIDER_UNAVAILABLE', `could not reach ${host}: ${why}`, { retryable: true, cause, extensions: { outbound: 'unreachable' } });
}

export function tooLarge(host: string, limit: number): KeygateError {
  return new KeygateError('PROVIDER_REJECTED', `response from ${host} is larger than the ${limit}-byte limit (outbound.maxResponseBytes)`, {
    retryable: false,
    extensions: { outbound: 'too-large' },
  });
}

export function invalidResponse(host: string, why: string): KeygateError {
  return new KeygateError('PROVIDER_REJECTED', `${host} sent an invalid HTTP response: ${why}`, { retryable: false, extensions: { outbound: 'invalid-response' } });
}

/** Node's socket error codes, turned into words that do not depend on Node. */
export function describeNetworkError(error: unknown): string {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
      return 'the host name does not resolve';
    case 'EAI_AGAIN':
      return 'name resolution failed temporarily';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'no route to the host';
    case 'ETIMEDOUT':
      return 'the connection timed out';
    case 'EPIPE':
      return 'the connection was closed while sending';
    default:
      if (typeof code !== 'string') return 'network error';
      if (/CERT|SELF_SIGNED|UNABLE_TO_(VERIFY|GET_ISSUER)/.test(code)) return 'the TLS certificate was not accepted';
      return code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL') ? 'the TLS handshake failed' : 'network error';
  }
}

export function tooManyRedirects(host: string, budget: number): KeygateError {
  return new KeygateError('PROVIDER_REJECTED', `${host} redirected more than ${budget} times`, { retryable: false, extensions: { outbound: 'invalid-response' } });
}
