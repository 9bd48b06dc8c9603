import type { Secret } from '@keygate/core';

interface Entry {
  generation: string;
  values: ReadonlyMap<string, Secret>;
  bytes: number;
}

/**
 * Decrypted environments of one session, each tagged with the environment's write generation and
 * evicted least-recently-used beyond a byte budget. A hit saves one query of every row and a
 * decryption per value; staleness is impossible because every read compares generations first.
 */
export class EnvironmentCache {
  readonly #maxBytes: number;
  readonly #entries = new Map<string, Entry>();
  #bytes = 0;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
  }

  get enabled(): boolean {
    return this.#maxBytes > 0;
  }

  get(scope: string, generation: string): ReadonlyMap<string, Secret> | undefined {
    const entry = this.#entries.get(scope);
    if (!entry) return undefined;
    this.#entries.delete(scope);
    if (entry.generation !== generation) {
      this.#bytes -= entry.bytes;
      return undefined;
    }
    this.#entries.set(scope, entry); // most recently used last
    return entry.values;
  }

  set(scope: string, generation: string, values: ReadonlyMap<string, Secret>): void {
    const previous = this.#entries.get(scope);
    if (previous) {
      this.#entries.delete(scope);
      this.#bytes -= previous.bytes;
    }
    let bytes = 0;
    for (const [key, value] of values) bytes += key.length + value.byteLength;
    if (bytes > this.#maxBytes) return;
    this.#entries.set(scope, { generation, values, bytes });
    this.#bytes += bytes;
    for (const [oldest, entry] of this.#entries) {
      if (this.#bytes <= this.#maxBytes) break;
      this.#entries.delete(oldest);
      this.#bytes -= entry.bytes;
    }
  }
}
