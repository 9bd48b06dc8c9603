import { describe, expect, it } from 'vitest';
import { parseByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['0', 0],
    ['100', 100],
    ['100b', 100],
    ['512kb', 512 * 1024],
    ['512 KB', 512 * 1024],
    ['1mb', 1024 ** 2],
    ['1.5mb', 1.5 * 1024 ** 2],
    ['2gb', 2 * 1024 ** 3],
    [4096, 4096],
  ])('reads %j as %i bytes', (size, bytes) => {
    expect(parseByteSize(size)).toBe(bytes);
  });

  it.each(['', 'mb', '1tb', '1 m b', '-1kb'])('refuses %j', (size) => {
    expect(() => parseByteSize(size)).toThrow(RangeError);
  });

  it('refuses negative and fractional byte counts', () => {
    expect(() => parseByteSize(-1)).toThrow(RangeError);
    expect(() => parseByteSize(1.5)).toThrow(RangeError);
  });
});
