/**
 * Remembers the answer given to each `requestId`, so that a retried call gets the same credential
 * back instead of minting a second one. Keygate keeps `requestId` stable across the retries of one
 * rotation run: it is the idempotency key.
 *
 * (Identical in every Keygate rotation template: each template is copied on its own, so this file is
 * duplicated rather than shared.)
 */

/** What is remembered for one call. `answer` of a rotate holds the new credential: store it as a secret. */
export interface IdempotencyRecord {
  /** Identifies the call's content; a reused `requestId` with different content is refused. */
  fingerprint: string;
  answer: RotateAnswer | RevokeAnswer;
}

export interface RotateAnswer {
  newValue: string;
  newHandle?: string;
}

export interface RevokeAnswer {
  success: true;
}

export interface IdempotencyStore {
  /** The record stored under `key`, if any (and not expired). */
  get(key: string): Promise<IdempotencyRecord | undefined>;
  /**
   * Writes `record` under `key` unless one is already there. Resolves to the record that was already
   * there (writing nothing), or to `undefined` once `record` is written. Must be atomic across
   * instances: a conditional write (DynamoDB `attribute_not_exists`, Firestore `create`, Azure Table
   * `createEntity`), so that two instances serving two retries at once agree on one answer.
   */
  putIfAbsent(key: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined>;
}

/**
 * DEFAULT, FOR ONE INSTANCE ONLY. Records live in this process's memory: they are lost on a cold
 * start and not seen by other instances, so a retry that lands on another instance rotates again.
 * Fine for trying the template and for functions pinned to one instance; otherwise give
 * `createRotationHandler` a store backed by a database (see the README).
 */
export class InMemoryIdempotencyStore implements IdempotencyStore {
  readonly #records = new Map<string, { record: IdempotencyRecord; expiresAt: number }>();
  readonly #ttlMs: number;
  readonly #now: () => number;

  /** `ttlMs` should outlast Keygate's retries of one run; a day by default. */
  constructor(options: { ttlMs?: number; now?: () => number } = {}) {
    this.#ttlMs = options.ttlMs ?? 24 * 60 * 60 * 1000;
    this.#now = options.now ?? Date.now;
  }

  async get(key: string): Promise<IdempotencyRecord | undefined> {
    this.#evictExpired();
    return this.#records.get(key)?.record;
  }

  async putIfAbsent(key: string, record: IdempotencyRecord): Promise<IdempotencyRecord | undefined> {
    // No await between the check and the write: that is what makes it atomic here.
    this.#evictExpired();
    const existing = this.#records.get(key);
    if (existing !== undefined) return existing.record;
    this.#records.set(key, { record, expiresAt: this.#now() + this.#ttlMs });
    return undefined;
  }

  // Entries are kept in insertion order with one TTL, so the expired ones are all at the front.
  #evictExpired(): void {
    const now = this.#now();
    for (const [key, entry] of this.#records) {
      if (entry.expiresAt > now) break;
      this.#records.delete(key);
    }
  }
}
