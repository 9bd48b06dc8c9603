import type { SqlClient } from '@keygate/core';
import { SIGNATURE_SKEW_SECONDS } from '@keygate/core/wire';

/** Extra lifetime of a seen signature beyond its window, for clock differences between replicas. */
const CLOCK_MARGIN_MS = 60_000;
const SWEEP_INTERVAL_MS = 60_000;
const MAX_BATCH = 500;

interface Pending {
  keyId: string;
  signature: string;
  expiresAt: Date;
  resolve(first: boolean): void;
  reject(error: unknown): void;
}

/**
 * Refuses a request signature the second time it is presented. A signature stays replayable for as
 * long as its timestamp is inside the ±300 s window, so it is remembered (in PostgreSQL, shared by
 * every replica) until then; expired rows are swept at most once a minute per process.
 *
 * Concurrent checks share one statement (group commit): while one INSERT is in flight the next
 * signatures queue up and go together, so under load a signed request costs a fraction of a
 * database round trip, and an idle server still answers the first one at once.
 */
export class ReplayGuard {
  readonly #sql: SqlClient;
  readonly #now: () => number;
  #lastSweep = 0;
  #queue: Pending[] = [];
  #draining = false;

  /** `sql` prepares each statement once per connection: the insert runs on every signed request. */
  constructor(sql: SqlClient, now: () => number = Date.now) {
    this.#sql = sql;
    this.#now = now;
  }

  /** True the first time (keyId, signature) is seen; false for a replay. */
  firstUse(keyId: string, signature: string, signedAtMs: number): Promise<boolean> {
    const expiresAt = new Date(signedAtMs + SIGNATURE_SKEW_SECONDS * 1000 + CLOCK_MARGIN_MS);
    return new Promise((resolve, reject) => {
      this.#queue.push({ keyId, signature, expiresAt, resolve, reject });
      this.#scheduleDrain();
    });
  }

  /**
   * The first check of an idle guard waits for the end of this turn of the event loop: the signed
   * requests read from the sockets in the same turn then share its statement. Under load that makes
   * batches several times larger (fewer statements for PostgreSQL to run and commit); when idle it
   * costs the request nothing measurable.
   */
  #scheduleDrain(): void {
    if (this.#draining) return;
    this.#draining = true;
    setImmediate(() => void this.#drain());
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#queue.length > 0) await this.#insert(this.#queue.splice(0, MAX_BATCH));
      await this.#sweep();
    } catch {
      // Only the sweep gets here (batch errors go to their requests); the next one retries.
    } finally {
      this.#draining = false;
      // A check queued while the sweep ran must not wait for the next request.
      if (this.#queue.length > 0) this.#scheduleDrain();
    }
  }

  async #insert(batch: Pending[]): Promise<void> {
    // The same signature twice in one batch: the first is the use, the rest are replays.
    const first = new Map<string, Pending>();
    const replays: Pending[] = [];
    for (const p of batch) {
      const id = `${p.keyId}\n${p.signature}`;
      if (first.has(id)) replays.push(p);
      else first.set(id, p);
    }
    const rows = [...first.values()];
    try {
      // Keyed by the signature's bytes (migration 0013); the signatures arrive as checked lowercase hex.
      const result = await this.#sql.query<{ key_id: string; signature: string }>(
        `INSERT INTO seen_signatures (key_id, signature, expires_at)
         SELECT k, decode(s, 'hex'), e FROM unnest($1::varchar[], $2::text[], $3::timestamptz[]) AS u(k, s, e)
         ON CONFLICT DO NOTHING RETURNING key_id, encode(signature, 'hex') AS signature`,
        [rows.map((p) => p.keyId), rows.map((p) => p.signature), rows.map((p) => p.expiresAt.toISOString())],
      );
      const inserted = new Set(result.rows.map((r) => `${r.key_id}\n${r.signature}`));
      for (const [id, p] of first) p.resolve(inserted.has(id));
      for (const p of replays) p.resolve(false);
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }

  async #sweep(): Promise<void> {
    const now = this.#now();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    await this.#sql.query('DELETE FROM seen_signatures WHERE expires_at < now()', []);
  }
}
