import { describe, expect, it } from 'vitest';
import { apiKeyPrefix, formatApiKey, generateApiKey, isKeyId, parseApiKey } from './api-key.js';

const KEY_ID = '0123456789abcdef0123456789abcdef';
const SECRET = 'fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210';
const API_KEY = `bax-${KEY_ID}-${SECRET}`;

describe('API keys', () => {
  it('parses a well-formed key', () => {
    expect(parseApiKey(API_KEY)).toEqual({ keyId: KEY_ID, secret: SECRET });
  });

  it('formats back to the same key', () => {
    expect(formatApiKey({ keyId: KEY_ID, secret: SECRET })).toBe(API_KEY);
  });

  it.each([
    ['uppercase key id', `bax-${KEY_ID.toUpperCase()}-${SECRET}`],
    ['uppercase secret', `bax-${KEY_ID}-${SECRET.toUpperCase()}`],
    ['uppercase prefix', `BAX-${KEY_ID}-${SECRET}`],
    ['extra dash in the secret', `bax-${KEY_ID}-${SECRET.slice(0, 32)}-${SECRET.slice(32)}`],
    ['extra dash at the end', `${API_KEY}-`],
    ['extra dash after the prefix', `bax--${KEY_ID}-${SECRET}`],
    ['short key id', `bax-${KEY_ID.slice(1)}-${SECRET}`],
    ['long key id', `bax-${KEY_ID}0-${SECRET}`],
    ['short secret', `bax-${KEY_ID}-${SECRET.slice(1)}`],
    ['long secret', `bax-${KEY_ID}-${SECRET}0`],
    ['missing prefix', `${KEY_ID}-${SECRET}`],
    ['other prefix', `bay-${KEY_ID}-${SECRET}`],
    ['non-hex character', `bax-${KEY_ID.slice(0, 31)}g-${SECRET}`],
    ['surrounding whitespace', ` ${API_KEY}`],
    ['trailing newline', `${API_KEY}\n`],
    ['bearer scheme left on', `Bearer ${API_KEY}`],
    ['empty', ''],
  ])('rejects a key with %s', (_name, key) => {
    expect(parseApiKey(key)).toBeUndefined();
  });

  it.each([
    ['uppercase', { keyId: KEY_ID.toUpperCase(), secret: SECRET }],
    ['short key id', { keyId: KEY_ID.slice(2), secret: SECRET }],
    ['short secret', { keyId: KEY_ID, secret: SECRET.slice(2) }],
    ['a dash smuggled into the key id', { keyId: `${KEY_ID.slice(0, 16)}-${KEY_ID.slice(17)}`, secret: SECRET }],
  ])('refuses to format a %s part', (_name, parts) => {
    expect(() => formatApiKey(parts)).toThrow(TypeError);
  });

  it('generates well-formed, distinct keys', () => {
    const a = generateApiKey();
    const b = generateApiKey();
    expect(a.apiKey).toMatch(/^bax-[0-9a-f]{32}-[0-9a-f]{64}$/);
    expect(parseApiKey(a.apiKey)).toEqual({ keyId: a.keyId, secret: a.secret });
    expect(a.keyId).not.toBe(b.keyId);
    expect(a.secret).not.toBe(b.secret);
  });

  it('recognises key ids and builds the displayable prefix', () => {
    expect(isKeyId(KEY_ID)).toBe(true);
    expect(isKeyId(KEY_ID.toUpperCase())).toBe(false);
    expect(isKeyId(KEY_ID.slice(1))).toBe(false);
    expect(apiKeyPrefix(KEY_ID)).toBe(`bax-${KEY_ID}`);
    expect(apiKeyPrefix(KEY_ID)).not.toContain(SECRET);
  });
});
