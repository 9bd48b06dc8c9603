/** A size such as `512kb`, `1mb`, `1.5mb` or a plain number of bytes (units are powers of 1024). */
export const BYTE_SIZE_PATTERN = '^[0-9]+(\\.[0-9]+)? *([bB]|[kKmMgG][bB])?$';

const UNIT_BYTES: Record<string, number> = { '': 1, b: 1, kb: 1024, mb: 1024 ** 2, gb: 1024 ** 3 };

export function parseByteSize(size: string | number): number {
  if (typeof size === 'number') {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`byte size must be a whole number, got ${size}`);
    return size;
  }
  const match = /^([0-9]+(?:\.[0-9]+)?) *([a-zA-Z]*)$/.exec(size.trim());
  const unit = UNIT_BYTES[match?.[2]?.toLowerCase() ?? 'invalid'];
  if (!match || unit === undefined) throw new RangeError(`"${size}" is not a size such as 512kb or 1mb`);
  return Math.floor(Number(match[1]) * unit);
}
