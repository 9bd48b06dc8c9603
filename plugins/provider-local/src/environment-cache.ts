import { ByteBudgetCache, type Secret } from '@keygate/core';

interface Entry {
  generation: string;
  values: ReadonlyMap<string, Secret>;
}

/**
 * Decrypted environments of one session, each tagged with the environment's write generation and
 * evicted least-recently-used beyond a byte budget. A hit saves one query of every row and a
 * decryption per value; staleness is impossible because every read compares generations first.
 */
export class EnvironmentCache {
  readonly #maxBytes: number;
  readonly #entries: ByteBudgetCache<string, Entry>;

  constructor(maxBytes: number) {
    this.#maxBytes = maxBytes;
    this.#entries = new ByteBudgetCache(maxBytes);
  }

  get enabled(): boolean {
    return this.#maxBytes > 0;
  }

  get(scope: string, generation: string): ReadonlyMap<string, Secret> | undefined {
    const entry = this.#entries.get(scope);
    if (entry === undefined) return undefined;
    if (entry.generation !== generation) {
      this.#entries.delete(scope);
      return undefined;
    }
    return entry.values;
  }

  set(scope: string, generation: string, values: ReadonlyMap<string, Secret>): void {
    let bytes = 0;
    for (const [key, value] of values) bytes += key.length + value.byteLength;
    this.#entries.set(scope, { generation, values }, bytes);
  }
}
