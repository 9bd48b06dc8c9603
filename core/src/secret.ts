import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A secret value that refuses to be printed. Logging, string interpolation, JSON serialisation and
 * `util.inspect` all show `[redacted]`; only {@link Secret.reveal} returns the value, which makes
 * every place that handles a raw value easy to find in review.
 */
export class Secret {
  readonly #value: string;

  constructor(value: string) {
    if (typeof value !== 'string') throw new TypeError('Secret value must be a string');
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  /** Byte length of the UTF-8 encoding, for size limits without revealing the value. */
  get byteLength(): number {
    return Buffer.byteLength(this.#value, 'utf8');
  }

  equals(other: Secret): boolean {
    return other.#value === this.#value;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  [inspect.custom](): string {
    return REDACTED;
  }
}
