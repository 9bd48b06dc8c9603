import { describe, expect, it } from 'vitest';
import { backoffDelay, retryWithBackoff } from './retry.js';

describe('retryWithBackoff', () => {
  it('retries what decide allows, up to maxAttempts, then rethrows the last error as it is', async () => {
    let calls = 0;
    const failure = new Error('busy');
    await expect(retryWithBackoff({ maxAttempts: 3, baseDelayMs: 1 }, async () => { calls++; throw failure; }, () => ({}))).rejects.toBe(failure);
    expect(calls).toBe(3);
  });

  it('stops at once when decide declines, and returns the first success', async () => {
    let calls = 0;
    await expect(retryWithBackoff({ maxAttempts: 5, baseDelayMs: 1 }, async () => { calls++; throw new Error('bad request'); }, () => false)).rejects.toThrow('bad request');
    expect(calls).toBe(1);
    let n = 0;
    expect(await retryWithBackoff({ maxAttempts: 5, baseDelayMs: 1 }, async () => (++n < 3 ? Promise.reject(new Error('x')) : n), () => ({}))).toBe(3);
  });

  it('waits at least the delay the decision asks for', async () => {
    let n = 0;
    const started = Date.now();
    await retryWithBackoff({ maxAttempts: 2, baseDelayMs: 1 }, async () => (++n < 2 ? Promise.reject(new Error('x')) : n), () => ({ minDelayMs: 60 }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(55);
  });

  it('backs off exponentially with full jitter, capped at 20 × the base', () => {
    for (let i = 0; i < 100; i++) {
      expect(backoffDelay({ maxAttempts: 9, baseDelayMs: 100 }, 1)).toBeLessThan(100);
      expect(backoffDelay({ maxAttempts: 9, baseDelayMs: 100 }, 3)).toBeLessThan(400);
      expect(backoffDelay({ maxAttempts: 9, baseDelayMs: 100 }, 10)).toBeLessThan(2000);
    }
  });
});
