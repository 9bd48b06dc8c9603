import { describe, expect, it } from 'vitest';
import { ByteBudgetCache } from './byte-budget-cache.js';

describe('ByteBudgetCache', () => {
  it('keeps the most recently used entries within its byte budget', () => {
    const cache = new ByteBudgetCache<object, string>(100);
    const [a, b, c] = [{}, {}, {}];
    cache.set(a, 'a', 40);
    cache.set(b, 'b', 40);
    expect(cache.get(a)).toBe('a'); // a is now the most recently used
    cache.set(c, 'c', 40);
    expect(cache.get(b)).toBeUndefined();
    expect([cache.get(a), cache.get(c)]).toEqual(['a', 'c']);
    expect(cache.bytes).toBe(80);
  });

  it('replaces an entry, refuses one larger than the budget, and keeps nothing with a budget of 0', () => {
    const cache = new ByteBudgetCache<object, string>(100);
    const key = {};
    cache.set(key, 'first', 60);
    cache.set(key, 'second', 30);
    expect(cache.get(key)).toBe('second');
    expect(cache.bytes).toBe(30);
    expect(cache.set({}, 'huge', 101)).toBe(false);
    expect(cache.bytes).toBe(30);
    const off = new ByteBudgetCache<object, string>(0);
    off.set(key, 'x', 1);
    expect(off.get(key)).toBeUndefined();
  });
});
