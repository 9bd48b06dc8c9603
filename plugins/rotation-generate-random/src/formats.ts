import { randomBytes, randomUUID } from 'node:crypto';

export const RANDOM_FORMATS = ['uuid', 'hex32', 'base64-32', 'alphanumeric-32'] as const;
export type RandomFormat = (typeof RANDOM_FORMATS)[number];

export const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Source of uniformly random bytes; the CSPRNG in production, a scripted one in tests. */
export type ByteSource = (size: number) => Uint8Array;

export const cryptoBytes: ByteSource = (size) => randomBytes(size);

/**
 * `length` symbols drawn uniformly from `alphabet` by rejection sampling: a byte is used only when
 * it falls below the largest multiple of the alphabet size that fits in a byte, so every symbol
 * has exactly the same number of byte values mapping to it (`byte % n` alone would favour the
 * first `256 % n` symbols).
 */
export function sampleAlphabet(alphabet: string, length: number, source: ByteSource = cryptoBytes): string {
  const n = alphabet.length;
  if (n < 2 || n > 256) throw new RangeError('alphabet must have between 2 and 256 symbols');
  const limit = 256 - (256 % n);
  let out = '';
  while (out.length < length) {
    // Ask for a little more than needed so one call usually suffices despite rejections.
    const chunk = source(Math.ceil((length - out.length) * 1.25) + 4);
    for (const byte of chunk) {
      if (byte >= limit) continue;
      out += alphabet[byte % n];
      if (out.length === length) break;
    }
  }
  return out;
}

/** A fresh value in `format`; see the README for the exact shape of each. */
export function generate(format: RandomFormat, source: ByteSource = cryptoBytes): string {
  switch (format) {
    case 'uuid':
      return source === cryptoBytes ? randomUUID() : uuidFrom(source(16));
    case 'hex32':
      return Buffer.from(source(16)).toString('hex');
    case 'base64-32':
      return Buffer.from(source(32)).toString('base64');
    case 'alphanumeric-32':
      return sampleAlphabet(ALPHANUMERIC, 32, source);
  }
}

/** RFC 9562 version 4 layout over 16 random bytes. */
function uuidFrom(bytes: Uint8Array): string {
  const b = Buffer.from(bytes);
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
