/** One result per item, in order; anything (nothing) for calls without a result. */
type Write<In, Out> = (items: In[]) => Promise<[Out] extends [undefined] ? unknown : readonly Out[]>;

/**
 * Group commit: calls that come together share one database statement. The first call of an idle
 * group waits for the end of this turn of the event loop, so the calls made in the same turn (the
 * requests read from the sockets together) join it; calls made while a statement is in flight
 * form the next batch. Under load a call costs a fraction of a round trip; when idle it waits for
 * nothing measurable.
 *
 * `write` gets the batch and returns one result per item, in order (nothing, for calls without a
 * result). If it throws, every call of that batch fails with its error; the next batch goes on.
 */
export class GroupCommit<In, Out = undefined> {
  readonly #write: Write<In, Out>;
  readonly #maxBatch: number;
  #queue: Array<{ item: In; resolve(out: Out): void; reject(error: unknown): void }> = [];
  #draining: Promise<void> | undefined;

  constructor(write: Write<In, Out>, maxBatch = 500) {
    this.#write = write;
    this.#maxBatch = maxBatch;
  }

  add(item: In): Promise<Out> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ item, resolve, reject });
      this.#draining ??= this.#drain();
    });
  }

  /** Resolves once everything added so far has been written (or has failed). */
  async flush(): Promise<void> {
    while (this.#draining) await this.#draining;
  }

  async #drain(): Promise<void> {
    await new Promise((resolve) => setImmediate(resolve));
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          const results = (await this.#write(batch.map((p) => p.item))) as readonly Out[] | undefined;
          batch.forEach((p, i) => p.resolve(results?.[i] as Out));
        } catch (error) {
          for (const p of batch) p.reject(error);
        }
      }
    } finally {
      this.#draining = undefined;
    }
  }
}

