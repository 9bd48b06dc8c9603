import { describe, expect, it } from 'vitest';
import { createTestPluginServices } from '@keygate/core/testing';
import plugin, { ALPHANUMERIC, generate, generateRandomStrategyType, sampleAlphabet, type ByteSource } from './index.js';

const context = (settings: Record<string, unknown>) => ({ secretKey: 'K', projectSlug: 'p', environmentSlug: 'e', requestId: 'r', settings });

/** Hands out the given bytes in order, then fails: a test that needs more than it scripted is wrong. */
function scripted(bytes: number[]): ByteSource {
  let at = 0;
  return (size) => {
    if (at >= bytes.length) throw new Error('scripted byte source exhausted');
    const chunk = Uint8Array.from(bytes.slice(at, at + size));
    at += size;
    return chunk;
  };
}

describe('GenerateRandom formats', () => {
  it('makes values of each documented shape', async () => {
    const strategy = await generateRandomStrategyType.create(createTestPluginServices());
    const shapes: Record<string, RegExp> = {
      uuid: /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      hex32: /^[0-9a-f]{32}$/,
      'base64-32': /^[A-Za-z0-9+/]{43}=$/,
      'alphanumeric-32': /^[A-Za-z0-9]{32}$/,
    };
    for (const [format, shape] of Object.entries(shapes)) {
      const a = (await strategy.rotate(context({ randomFormat: format }))).newValue.reveal();
      const b = (await strategy.rotate(context({ randomFormat: format }))).newValue.reveal();
      expect(a, format).toMatch(shape);
      expect(a, format).not.toBe(b);
    }
    expect(Buffer.from((await strategy.rotate(context({ randomFormat: 'base64-32' }))).newValue.reveal(), 'base64')).toHaveLength(32);
  });

  it('defaults to alphanumeric-32 and refuses an unknown format without echoing settings', async () => {
    const strategy = await generateRandomStrategyType.create(createTestPluginServices());
    expect((await strategy.rotate(context({}))).newValue.reveal()).toMatch(/^[A-Za-z0-9]{32}$/);
    await expect(strategy.rotate(context({ randomFormat: 'hex64' }))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
  });

  it('never returns a printable value', async () => {
    const strategy = await generateRandomStrategyType.create(createTestPluginServices());
    const { newValue } = await strategy.rotate(context({ randomFormat: 'hex32' }));
    expect(JSON.stringify({ newValue })).toBe('{"newValue":"[redacted]"}');
    expect(`${String(newValue)}`).toBe('[redacted]');
  });

  it('is a manifest the host can load', () => {
    expect(plugin.provides.map((p) => `${p.kind}:${p.type}`)).toEqual(['rotation:GenerateRandom']);
  });
});

describe('rejection sampling', () => {
  it('maps every accepted byte value to the same number of symbols and skips the biased tail', () => {
    // 256 % 62 = 8: bytes 248..255 would favour the first 8 symbols under a plain modulo.
    const accepted = Array.from({ length: 248 }, (_, i) => i);
    const value = sampleAlphabet(ALPHANUMERIC, 248, scripted([255, 248, ...accepted, ...new Array<number>(400).fill(0)]));
    const counts = new Map<string, number>();
    for (const symbol of value) counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
    expect(counts.size).toBe(62);
    expect(new Set(counts.values())).toEqual(new Set([4]));
  });

  it('keeps drawing when a whole chunk is rejected', () => {
    const rejectAll = sampleAlphabet(ALPHANUMERIC, 2, scripted([...new Array<number>(7).fill(250), ...new Array<number>(7).fill(61)]));
    expect(rejectAll).toBe('99');
  });

  it('is uniform over the alphabet from the real CSPRNG (chi-square, p < 1e-6 to fail)', () => {
    const counts = new Array<number>(62).fill(0);
    for (let i = 0; i < 2000; i++) for (const symbol of generate('alphanumeric-32')) counts[ALPHANUMERIC.indexOf(symbol)]!++;
    const expected = (2000 * 32) / 62;
    const chiSquare = counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
    // 61 degrees of freedom: the 1e-6 upper quantile is about 128. A modulo-biased sampler
    // (8 symbols at 5/4.03 of the others' odds) lands near 1,000 at this sample size.
    expect(chiSquare).toBeLessThan(128);
  });

  it('builds the uuid layout from raw bytes', () => {
    expect(generate('uuid', scripted(new Array<number>(16).fill(0xff)))).toBe('ffffffff-ffff-4fff-bfff-ffffffffffff');
  });
});
