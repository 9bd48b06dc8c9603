import { generateEphemeralE2eeKey, type EphemeralE2eeKey } from '@keygate/core/wire';

/**
 * Server key pairs for E2EE responses, generated ahead of time: a response takes one that is ready
 * instead of generating it on its own path, and the pool is topped up afterwards, between requests.
 *
 * Every key is handed out once and forgotten at once (DESIGN §5 wants a fresh server key per
 * response); when the pool is empty the caller gets a key generated on the spot, so a burst of
 * encrypted reads never waits and never shares a key.
 */
export class E2eeKeyPool {
  readonly #size: number;
  readonly #generate: () => EphemeralE2eeKey;
  readonly #ready: EphemeralE2eeKey[] = [];
  #refillScheduled = false;

  constructor(size = 32, generate: () => EphemeralE2eeKey = generateEphemeralE2eeKey) {
    this.#size = size;
    this.#generate = generate;
  }

  /** How many keys are ready now. */
  get available(): number {
    return this.#ready.length;
  }

  /** A key no one else has had or will have. */
  take(): EphemeralE2eeKey {
    const key = this.#ready.pop() ?? this.#generate();
    this.#scheduleRefill();
    return key;
  }

  #scheduleRefill(): void {
    if (this.#refillScheduled || this.#ready.length >= this.#size) return;
    this.#refillScheduled = true;
    // After the I/O callbacks that are waiting: requests come before the pool.
    setImmediate(() => {
      this.#refillScheduled = false;
      // A few per turn, so a refill never holds the event loop for long.
      for (let i = 0; i < 4 && this.#ready.length < this.#size; i++) this.#ready.push(this.#generate());
      if (this.#ready.length < this.#size) this.#scheduleRefill();
    }).unref();
  }
}
