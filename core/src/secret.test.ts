import { describe, expect, it } from 'vitest';
import { inspect } from 'node:util';
import { Secret } from './secret.js';

describe('Secret', () => {
  it('never prints its value', () => {
    const s = new Secret('hunter2');
    expect(String(s)).toBe('[redacted]');
    expect(`${s}`).toBe('[redacted]');
    expect(JSON.stringify({ s })).toBe('{"s":"[redacted]"}');
    expect(inspect(s)).toBe('[redacted]');
    expect(inspect({ nested: { s } })).not.toContain('hunter2');
    expect(s.reveal()).toBe('hunter2');
  });
});
