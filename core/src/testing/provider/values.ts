import { expect, it } from 'vitest';
import { expectSecret, revealAll } from './assertions.js';
import type { ConformanceContext } from './harness.js';

/** Values a backend must store byte for byte: no trimming, no Unicode normalisation, no escaping. */
export const AWKWARD_VALUES: Readonly<Record<string, string>> = {
  EMOJI: '🔑🎉 👩‍💻 🇫🇷 🏳️‍🌈',
  CJK: '秘密の鍵 비밀 열쇠 密钥',
  COMBINING: 'e\u0301 vs \u00e9, n\u0303, a\u0308\u0304, Z\u0351\u0346\u035b',
  RTL: 'مفتاح سري \u202Eabc',
  MULTILINE: 'line one\nline two\r\nline three\n\n\ttabbed\n',
  WHITESPACE: '  leading and trailing  ',
  QUOTES: `"double" 'single' \`back\` \\backslash\\ \\n not a newline`,
  SHELL: '$HOME ${PATH} $(whoami) `id` ; rm -rf / # not a command',
  JSON_TEXT: '{"nested":{"json":[1,2,3]},"unicode":"\\u00e9"}',
  PERCENT: '%s %d %% %00 %2F',
  PEM: '-----BEGIN PRIVATE KEY-----\nMIIBVgIBADANBgkqhkiG9w0BAQEFAASCAUAwggE8AgEAAkEA\n-----END PRIVATE KEY-----\n',
  ASTRAL: '𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𐐷 𠜎',
};

/** Keys made only of what Keygate's key pattern allows: letters, digits, `_`, `.`, `-`. */
export const ODD_KEYS: readonly string[] = [
  'a.b-c_D9',
  '_leading_underscore',
  'trailing.dot.',
  '-leading-dash',
  '9STARTS_WITH_DIGIT',
  'x',
  'dots.and.more.dots',
  'MiXeD_cAsE-key.v2',
  // 200 characters, cycling through every kind of allowed character.
  Array.from({ length: 200 }, (_, i) => 'aZ9_.-'[i % 6]).join(''),
];

/** An ASCII value of exactly `bytes` UTF-8 bytes that does not compress to nothing. */
function largeValue(bytes: number): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  let state = 0x2545f491;
  let value = '';
  for (let i = 0; i < bytes; i++) {
    // xorshift32: cheap, deterministic noise so a failure is reproducible.
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    value += alphabet[(state >>> 0) % alphabet.length];
  }
  return value;
}

export function registerValueCases(ctx: ConformanceContext): void {
  it('keeps Unicode, whitespace and special characters exactly', async () => {
    for (const [key, value] of Object.entries(AWKWARD_VALUES)) await ctx.put(ctx.ref(key), value);
    for (const [key, value] of Object.entries(AWKWARD_VALUES)) expectSecret((await ctx.provider.get(ctx.ref(key))).value, value, `get ${key}`);
    const all = await ctx.provider.getAll(ctx.scope);
    for (const [key, value] of Object.entries(AWKWARD_VALUES)) expectSecret(all.get(key), value, `getAll ${key}`);
    expect(all.size).toBe(Object.keys(AWKWARD_VALUES).length);
  });

  it('stores an empty string as a value, distinct from a missing key', async () => {
    await ctx.put(ctx.ref('EMPTY'), '');
    expectSecret((await ctx.provider.get(ctx.ref('EMPTY'))).value, '', 'get of an empty value');
    const all = await ctx.provider.getAll(ctx.scope);
    expect(all.has('EMPTY')).toBe(true);
    expectSecret(all.get('EMPTY'), '', 'getAll of an empty value');
  });

  it('stores a large value', async () => {
    const value = largeValue(ctx.options.maxValueBytes);
    expect(Buffer.byteLength(value, 'utf8')).toBe(ctx.options.maxValueBytes);
    await ctx.put(ctx.ref('LARGE'), value);
    expectSecret((await ctx.provider.get(ctx.ref('LARGE'))).value, value, 'get of a large value');
    expectSecret((await ctx.provider.getAll(ctx.scope)).get('LARGE'), value, 'getAll of a large value');
  });

  it('accepts every key shape Keygate allows', async () => {
    for (const [i, key] of ODD_KEYS.entries()) await ctx.put(ctx.ref(key), `value-${i}`);
    for (const [i, key] of ODD_KEYS.entries()) {
      const read = await ctx.provider.get(ctx.ref(key));
      expect(read.key).toBe(key);
      expectSecret(read.value, `value-${i}`, `get ${key}`);
    }
    expect(revealAll(await ctx.provider.getAll(ctx.scope))).toEqual(Object.fromEntries(ODD_KEYS.map((key, i) => [key, `value-${i}`])));
    expect((await ctx.provider.listMetadata(ctx.scope)).map((entry) => entry.key).sort()).toEqual([...ODD_KEYS].sort());
  });

  it('round-trips a binary value (base64 of bytes), natively where capabilities.binary says so', async () => {
    const bytes = Buffer.from([0, 1, 2, 127, 128, 200, 254, 255, 0x0a, 0x0d, 0x22, 0x5c]);
    const encoded = bytes.toString('base64');
    await ctx.put(ctx.ref('BLOB'), encoded, { binary: true });
    const read = await ctx.provider.get(ctx.ref('BLOB'));
    expectSecret(read.value, encoded, 'get BLOB');
    // Only a backend that stores bytes natively may call them binary.
    expect(read.binary === true).toBe(ctx.provider.capabilities.binary);
    expectSecret((await ctx.provider.getAll(ctx.scope)).get('BLOB'), encoded, 'getAll BLOB');
  });
}
