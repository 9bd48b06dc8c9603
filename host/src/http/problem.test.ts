import { describe, expect, it } from 'vitest';
import { KeygateError } from '@keygate/core';
import { toProblem } from './problem.js';

describe('problem mapping', () => {
  it('maps typed errors by code and keeps the provider', () => {
    const p = toProblem(new KeygateError('PROVIDER_UNAVAILABLE', 'provider "vault" is down', { extensions: { provider: 'vault' } }));
    expect(p).toMatchObject({ status: 503, code: 'PROVIDER_UNAVAILABLE', provider: 'vault', retryable: true, detail: 'provider "vault" is down' });
  });

  it('matches errors from another copy of core by their marker', () => {
    const foreign = { keygateError: true, code: 'VERSION_CONFLICT', message: 'stale', retryable: false };
    expect(toProblem(foreign)).toMatchObject({ status: 409, code: 'VERSION_CONFLICT' });
  });

  it('never passes through the message of an untyped error', () => {
    const p = toProblem(new Error('connection string postgres://user:hunter2@db'));
    expect(p.status).toBe(500);
    expect(JSON.stringify(p)).not.toContain('hunter2');
  });

  it('names fields of validation errors', () => {
    const p = toProblem({ status: 400, errors: [{ path: '/body/slug', message: 'must match pattern', errorCode: 'pattern.openapi.validation' }] });
    expect(p).toMatchObject({ status: 400, code: 'INVALID_INPUT', errors: [{ path: 'body.slug', message: 'must match pattern' }] });
    expect(p.detail).toBe('body.slug: must match pattern');
  });

  it('maps body parser failures', () => {
    expect(toProblem({ type: 'entity.too.large', status: 413 }).status).toBe(413);
    expect(toProblem({ type: 'entity.parse.failed', status: 400 })).toMatchObject({ status: 400, detail: 'request body is not valid JSON' });
  });
});
