/**
 * A map that refuses changes once built. The Local provider hands the same decrypted environment
 * to every reader until it changes (so the host can reuse what it built from it); a caller that
 * tried to change it would change every other reader's copy, so it gets a TypeError instead.
 */
export class SealedMap<K, V> extends Map<K, V> {
  readonly #sealed: boolean;

  constructor(entries: Iterable<readonly [K, V]>) {
    super();
    for (const [key, value] of entries) super.set(key, value);
    this.#sealed = true;
  }

  override set(key: K, value: V): this {
    if (this.#sealed) throw new TypeError('this map of secrets is read-only');
    return super.set(key, value);
  }

  override delete(): boolean {
    throw new TypeError('this map of secrets is read-only');
  }

  override clear(): void {
    throw new TypeError('this map of secrets is read-only');
  }
}
