import type { Knex } from 'knex';
import { SIGNATURE_SKEW_SECONDS } from '@keygate/core/wire';

/** Extra lifetime of a seen signature beyond its window, for clock differences between replicas. */
const CLOCK_MARGIN_MS = 60_000;
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Refuses a request signature the second time it is presented. A signature stays replayable for as
 * long as its timestamp is inside the ±300 s window, so it is remembered (in PostgreSQL, shared by
 * every replica) until then; expired rows are swept at most once a minute per process.
 */
export class ReplayGuard {
  readonly #knex: Knex;
  readonly #now: () => number;
  #lastSweep = 0;

  constructor(knex: Knex, now: () => number = Date.now) {
    this.#knex = knex;
    this.#now = now;
  }

  /** True the first time (keyId, signature) is seen; false for a replay. */
  async firstUse(keyId: string, signature: string, signedAtMs: number): Promise<boolean> {
    const expiresAt = new Date(signedAtMs + SIGNATURE_SKEW_SECONDS * 1000 + CLOCK_MARGIN_MS);
    const result = await this.#knex.raw<{ rowCount: number | null }>('INSERT INTO seen_signatures (key_id, signature, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
      keyId,
      signature,
      expiresAt,
    ]);
    await this.#sweep();
    return result.rowCount === 1;
  }

  async #sweep(): Promise<void> {
    const now = this.#now();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    await this.#knex('seen_signatures').where('expires_at', '<', this.#knex.fn.now()).delete();
  }
}
