import { describe, expect, it } from 'vitest';
import {
  ConflictError,
  InvalidInputError,
  KeygateError,
  NotFoundError,
  ProviderAuthError,
  ProviderUnavailableError,
  TimeoutError,
  UnsupportedError,
  VersionConflictError,
  isKeygateError,
  type ErrorCode,
} from './errors.js';

describe('typed errors', () => {
  it('recognises our own errors by marker and code', () => {
    const error = new NotFoundError('secret DB_URL not found', { key: 'DB_URL' });
    expect(isKeygateError(error)).toBe(true);
    expect(error.code).toBe('NOT_FOUND');
    expect(error.keygateError).toBe(true);
    expect(error.extensions).toEqual({ key: 'DB_URL' });
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('KeygateError');
  });

  it('recognises an error thrown by another copy of core, which is not our class', () => {
    class ForeignKeygateError extends Error {
      readonly keygateError = true;
      readonly code = 'VERSION_CONFLICT';
      readonly retryable = false;
    }
    const foreign = new ForeignKeygateError('stale');
    expect(foreign).not.toBeInstanceOf(KeygateError);
    expect(isKeygateError(foreign)).toBe(true);
    expect(isKeygateError(foreign) && foreign.code).toBe('VERSION_CONFLICT');
  });

  it('recognises a plain object carrying the marker (e.g. after structured cloning)', () => {
    const plain: unknown = { keygateError: true, code: 'UNSUPPORTED', message: 'no labels', retryable: false };
    expect(isKeygateError(plain)).toBe(true);
    expect(isKeygateError(structuredClone(plain))).toBe(true);
  });

  it.each([
    ['a plain Error', new Error('boom')],
    ['an error with only a code', Object.assign(new Error('ECONNRESET'), { code: 'ECONNRESET' })],
    ['a marker that is not exactly true', { keygateError: 'true', code: 'NOT_FOUND' }],
    ['a marker without a code', { keygateError: true }],
    ['a non-string code', { keygateError: true, code: 404 }],
    ['null', null],
    ['undefined', undefined],
    ['a string', 'NOT_FOUND'],
  ])('does not mistake %s for a Keygate error', (_name, value) => {
    expect(isKeygateError(value)).toBe(false);
  });

  it('makes only unavailability, timeouts and rate limits retryable by default', () => {
    const retryable: ErrorCode[] = ['PROVIDER_UNAVAILABLE', 'TIMEOUT', 'RATE_LIMITED'];
    const notRetryable: ErrorCode[] = [
      'NOT_FOUND',
      'CONFLICT',
      'VERSION_CONFLICT',
      'UNSUPPORTED',
      'INVALID_INPUT',
      'INVALID_CONFIGURATION',
      'PROVIDER_AUTH_FAILED',
      'PROVIDER_REJECTED',
      'UNAUTHENTICATED',
      'FORBIDDEN',
      'PAYLOAD_TOO_LARGE',
      'INTERNAL',
    ];
    for (const code of retryable) expect(new KeygateError(code, code).retryable, code).toBe(true);
    for (const code of notRetryable) expect(new KeygateError(code, code).retryable, code).toBe(false);
  });

  it('lets the thrower override retryable', () => {
    expect(new KeygateError('PROVIDER_REJECTED', 'throttled', { retryable: true }).retryable).toBe(true);
    expect(new KeygateError('RATE_LIMITED', 'quota exhausted for the day', { retryable: false }).retryable).toBe(false);
  });

  it('gives each subclass its code and fixed retryability', () => {
    expect(new NotFoundError('x')).toMatchObject({ code: 'NOT_FOUND', retryable: false });
    expect(new ConflictError('x')).toMatchObject({ code: 'CONFLICT', retryable: false });
    expect(new VersionConflictError('x')).toMatchObject({ code: 'VERSION_CONFLICT', retryable: false });
    expect(new UnsupportedError('x')).toMatchObject({ code: 'UNSUPPORTED', retryable: false });
    expect(new InvalidInputError('x')).toMatchObject({ code: 'INVALID_INPUT', retryable: false });
    expect(new ProviderUnavailableError('x')).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    expect(new ProviderAuthError('x')).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', retryable: false });
    expect(new TimeoutError('x')).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('keeps the cause for logs and defaults extensions to an empty object', () => {
    const cause = new Error('ECONNREFUSED');
    const error = new ProviderUnavailableError('vault is down', { cause, extensions: { provider: 'vault-prod' } });
    expect(error.cause).toBe(cause);
    expect(error.extensions).toEqual({ provider: 'vault-prod' });
    expect(new KeygateError('INTERNAL', 'x').extensions).toEqual({});
    expect(new KeygateError('INTERNAL', 'x').cause).toBeUndefined();
    expect(new KeygateError('INTERNAL', 'x', { detail: 'safe detail' })).toMatchObject({ message: 'x', detail: 'safe detail' });
    expect(new KeygateError('INTERNAL', 'x').detail).toBeUndefined();
  });
});
