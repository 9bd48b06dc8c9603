import { describe, expect, it } from 'vitest';
import { createHash, createHmac } from 'node:crypto';
import {
  SIGNATURE_SKEW_SECONDS,
  canonicalQuery,
  canonicalRequest,
  signRequest,
  signingTimestamp,
  verifyRequestSignature,
  type SignableRequest,
} from './request-signing.js';

const SECRET = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';
const TIMESTAMP = '2026-01-02T03:04:05Z';
const AT = Date.parse(TIMESTAMP);

const vector: SignableRequest = {
  method: 'POST',
  path: '/api/v1/projects/my%20proj/environments/prod/secrets',
  query: 'c=x%2Fy&b=2&a=1',
  timestamp: TIMESTAMP,
  body: '{"key":"DB_URL","value":"postgres://db/app"}',
};
// Computed once from the DESIGN §5 rules (and by the independent implementation below).
const VECTOR_SIGNATURE = '88b2e4a64aacad0b7c013b96f60769abdb11f7ce3bff78bf8450a58f72468433';
const EMPTY_GET_SIGNATURE = '736b2e392368c85169e9c578688417ec20104b5bc9b10740e91160be8f8e8e38';

/** DESIGN §5 written out again without the module under test, so a shared mistake cannot hide. */
function referenceSignature(secretHex: string, r: { method: string; path: string; query: string; timestamp: string; body: string }): string {
  const pairs = r.query === '' ? [] : r.query.split('&');
  pairs.sort();
  const bodyHash = createHash('sha256').update(Buffer.from(r.body, 'utf8')).digest('hex');
  const message = `${r.method}\n${r.path}\n${pairs.join('&')}\n${r.timestamp}\n${bodyHash}`;
  return createHmac('sha256', Buffer.from(secretHex, 'hex')).update(Buffer.from(message, 'utf8')).digest('hex');
}

describe('request signing', () => {
  it('matches the fixed test vector', () => {
    expect(referenceSignature(SECRET, { ...vector, body: String(vector.body) })).toBe(VECTOR_SIGNATURE);
    expect(signRequest(SECRET, vector)).toBe(VECTOR_SIGNATURE);
    expect(verifyRequestSignature(SECRET, vector, VECTOR_SIGNATURE, AT)).toEqual({ ok: true });
  });

  it('signs a request with no query and an empty body', () => {
    const request = { method: 'GET', path: '/api/v1/keys/me', query: '', timestamp: TIMESTAMP, body: '' };
    expect(referenceSignature(SECRET, request)).toBe(EMPTY_GET_SIGNATURE);
    expect(signRequest(SECRET, request)).toBe(EMPTY_GET_SIGNATURE);
    expect(signRequest(SECRET, { ...request, body: new Uint8Array() })).toBe(EMPTY_GET_SIGNATURE);
  });

  it('hashes a byte body exactly like the same UTF-8 string', () => {
    expect(signRequest(SECRET, { ...vector, body: Buffer.from(String(vector.body), 'utf8') })).toBe(VECTOR_SIGNATURE);
  });

  it('builds the canonical request from the §5 parts', () => {
    expect(canonicalRequest(vector).split('\n')).toEqual([
      'POST',
      '/api/v1/projects/my%20proj/environments/prod/secrets',
      'a=1&b=2&c=x%2Fy',
      TIMESTAMP,
      createHash('sha256').update(String(vector.body)).digest('hex'),
    ]);
  });

  it('sorts query pairs and keeps them encoded as sent', () => {
    expect(canonicalQuery('')).toBe('');
    expect(canonicalQuery('b=2&a=1')).toBe('a=1&b=2');
    expect(canonicalQuery('a=2&a=1')).toBe('a=1&a=2');
    expect(canonicalQuery('q=a%26b&p=%20')).toBe('p=%20&q=a%26b');
    expect(canonicalQuery('a=1&&b=2&')).toBe('a=1&b=2');
  });

  it('does not depend on the order of the query pairs', () => {
    expect(verifyRequestSignature(SECRET, { ...vector, query: 'a=1&b=2&c=x%2Fy' }, VECTOR_SIGNATURE, AT)).toEqual({ ok: true });
  });

  it.each<[string, Partial<SignableRequest>]>([
    ['method', { method: 'PUT' }],
    ['path', { path: '/api/v1/projects/my%20proj/environments/dev/secrets' }],
    ['path encoding', { path: '/api/v1/projects/my proj/environments/prod/secrets' }],
    ['query value', { query: 'a=1&b=3&c=x%2Fy' }],
    ['query pair added', { query: 'a=1&b=2&c=x%2Fy&d=4' }],
    ['query removed', { query: '' }],
    ['body', { body: '{"key":"DB_URL","value":"postgres://evil/app"}' }],
    ['timestamp', { timestamp: '2026-01-02T03:04:06Z' }],
  ])('rejects a tampered %s', (_part, change) => {
    expect(verifyRequestSignature(SECRET, { ...vector, ...change }, VECTOR_SIGNATURE, AT)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('rejects a signature made with another secret', () => {
    const other = 'ff'.repeat(32);
    expect(verifyRequestSignature(other, vector, VECTOR_SIGNATURE, AT)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it('treats the method case-insensitively, as HTTP does', () => {
    expect(signRequest(SECRET, { ...vector, method: 'post' })).toBe(VECTOR_SIGNATURE);
  });

  it('accepts a timestamp up to 300 s away in either direction, and nothing further', () => {
    expect(SIGNATURE_SKEW_SECONDS).toBe(300);
    for (const offset of [-300_000, -299_000, 0, 299_000, 300_000]) {
      expect(verifyRequestSignature(SECRET, vector, VECTOR_SIGNATURE, AT + offset)).toEqual({ ok: true });
    }
    for (const offset of [-301_000, -300_001, 300_001, 301_000, 86_400_000]) {
      expect(verifyRequestSignature(SECRET, vector, VECTOR_SIGNATURE, AT + offset)).toEqual({ ok: false, reason: 'timestamp-out-of-window' });
    }
  });

  it('honours a custom skew window', () => {
    expect(verifyRequestSignature(SECRET, vector, VECTOR_SIGNATURE, AT + 61_000, 60).ok).toBe(false);
    expect(verifyRequestSignature(SECRET, vector, VECTOR_SIGNATURE, AT + 60_000, 60).ok).toBe(true);
  });

  it.each([
    '2026-01-02T03:04:05.000Z',
    '2026-01-02T03:04:05',
    '2026-01-02T03:04:05+00:00',
    '2026-01-02 03:04:05Z',
    '1767323045',
    '',
    '2026-13-02T03:04:05Z',
    '2026-02-30T03:04:05Z',
    '2026-02-29T03:04:05Z',
    '2100-02-29T03:04:05Z',
    '2026-04-31T03:04:05Z',
    '2026-00-10T03:04:05Z',
    '2026-01-00T03:04:05Z',
    '2026-01-02T24:00:00Z',
    '2026-01-02T03:60:05Z',
    '2026-01-02T03:04:60Z',
    'x2026-01-02T03:04:05Z',
  ])('rejects the malformed timestamp %j', (timestamp) => {
    const request = { ...vector, timestamp };
    expect(verifyRequestSignature(SECRET, request, signRequest(SECRET, request), AT)).toEqual({ ok: false, reason: 'malformed-timestamp' });
  });

  it.each(['2028-02-29T03:04:05Z', '2000-02-29T03:04:05Z', '2026-12-31T23:59:59Z', '2026-01-01T00:00:00Z'])('reads the well-formed timestamp %j (then judges its window)', (timestamp) => {
    const request = { ...vector, timestamp };
    const at = Date.parse(timestamp);
    expect(verifyRequestSignature(SECRET, request, signRequest(SECRET, request), at)).toEqual({ ok: true });
    expect(verifyRequestSignature(SECRET, request, signRequest(SECRET, request), at + 301_000)).toEqual({ ok: false, reason: 'timestamp-out-of-window' });
  });

  it.each([
    ['uppercase hex', VECTOR_SIGNATURE.toUpperCase()],
    ['too short', VECTOR_SIGNATURE.slice(0, 63)],
    ['too long', `${VECTOR_SIGNATURE}0`],
    ['non-hex', `${VECTOR_SIGNATURE.slice(0, 63)}g`],
    ['empty', ''],
    ['base64', Buffer.from(VECTOR_SIGNATURE, 'hex').toString('base64')],
    ['surrounding spaces', ` ${VECTOR_SIGNATURE} `],
  ])('rejects a malformed signature (%s)', (_name, signature) => {
    expect(verifyRequestSignature(SECRET, vector, signature, AT)).toEqual({ ok: false, reason: 'malformed-signature' });
  });

  it.each([
    ['empty', ''],
    ['too short', SECRET.slice(0, 62)],
    ['a whole API key', `bax-${'a'.repeat(32)}-${SECRET}`],
    ['non-hex', `${SECRET.slice(0, 63)}x`],
  ])('refuses to sign with a secret that is not 64 hex characters (%s)', (_name, secret) => {
    expect(() => signRequest(secret, vector)).toThrow(TypeError);
  });

  it('formats signing timestamps with whole seconds and Z', () => {
    expect(signingTimestamp(new Date('2026-01-02T03:04:05.987Z'))).toBe(TIMESTAMP);
    expect(signingTimestamp()).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
  });
});
