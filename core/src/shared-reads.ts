import type { SecretScope } from './contracts/provider.js';

interface Waiter<T> {
  resolve(value: T): void;
  reject(error: unknown): void;
}

/** The calls waiting for one read that has not started yet. */
interface Batch<T> {
  read: () => Promise<T>;
  waiters: Array<Waiter<T>>;
}

interface KeyState<T> {
  inFlight: number;
  next: Batch<T> | undefined;
  scheduled: boolean;
}

export interface SharedReadsOptions {
  /**
   * Reads of one key that may run at once (default 2). With one, a call arriving while a read is in
   * flight waits for it to end before its own read starts; with two, it starts at once unless two
   * are already running, which keeps the latency of a moderately loaded key at one read.
   */
  maxInFlight?: number;
}

/**
 * Reads of one key made together share one read of the backend: under load an environment read
 * costs the backend, and the gateway, a fraction of a read. A call is never answered by a read
 * that began before it did (a write that finished before the call must show): a call joins only a
 * read that has not started yet, the one that starts at the end of this turn of the event loop or
 * when a running read of the key ends. Nothing is kept between reads.
 *
 * Every caller gets the same result object, so it must be treated as read-only (a provider's
 * `getAll` answer is a `ReadonlyMap`). Not built on `GroupCommit`: that runs one batch at a
 * time, which writes that must keep their order need, while reads of one key may overlap.
 */
export class SharedReads<T> {
  readonly #keys = new Map<string, KeyState<T>>();
  readonly #maxInFlight: number;

  constructor(options: SharedReadsOptions = {}) {
    const maxInFlight = options.maxInFlight ?? 2;
    if (!Number.isInteger(maxInFlight) || maxInFlight < 1) throw new RangeError(`SharedReads maxInFlight must be a positive integer, not ${String(maxInFlight)}`);
    this.#maxInFlight = maxInFlight;
  }

  /** `read` is what this call would do alone; a batch runs the read of its first call. */
  get(key: string, read: () => Promise<T>): Promise<T> {
    let state = this.#keys.get(key);
    if (state === undefined) {
      state = { inFlight: 0, next: undefined, scheduled: false };
      this.#keys.set(key, state);
    }
    const keyState = state;
    return new Promise<T>((resolve, reject) => {
      if (keyState.next) keyState.next.waiters.push({ resolve, reject });
      else keyState.next = { read, waiters: [{ resolve, reject }] };
      this.#schedule(key, keyState);
    });
  }

  #schedule(key: string, state: KeyState<T>): void {
    if (state.scheduled || state.inFlight >= this.#maxInFlight) return;
    state.scheduled = true;
    // The calls made in this turn of the event loop join the read before it starts.
    setImmediate(() => {
      state.scheduled = false;
      this.#start(key, state);
    });
  }

  #start(key: string, state: KeyState<T>): void {
    const batch = state.next;
    if (batch === undefined || state.inFlight >= this.#maxInFlight) return;
    state.next = undefined;
    state.inFlight += 1;
    new Promise<T>((resolve) => resolve(batch.read()))
      .then(
        (value) => batch.waiters.forEach((w) => w.resolve(value)),
        (error: unknown) => batch.waiters.forEach((w) => w.reject(error)),
      )
      .finally(() => {
        state.inFlight -= 1;
        if (state.next) this.#schedule(key, state);
        else if (state.inFlight === 0 && !state.scheduled) this.#keys.delete(key);
      });
  }
}

/** A key naming one scope (tenant, project, environment) for {@link SharedReads}. */
export function scopeKey(scope: SecretScope): string {
  return JSON.stringify([scope.tenant, scope.project, scope.environment]);
}
