import { SIGNATURE_SKEW_SECONDS } from '@keygate/core/wire';
import { GroupCommit, type SqlClient } from '@keygate/core';

/** Extra lifetime of a seen signature beyond its window, for clock differences between replicas. */
const CLOCK_MARGIN_MS = 60_000;
const SWEEP_INTERVAL_MS = 60_000;

interface Check {
  keyId: string;
  signature: string;
  expiresAt: Date;
}

/**
 * Refuses a request signature the second time it is presented. A signature stays replayable for as
 * long as its timestamp is inside the ±300 s window, so it is remembered (in PostgreSQL, shared by
 * every replica) until then; expired rows are swept at most once a minute per process.
 *
 * Concurrent checks share one statement (group commit), so under load a signed request costs a
 * fraction of a database round trip.
 */
export class ReplayGuard {
  readonly #sql: SqlClient;
  readonly #now: () => number;
  readonly #checks: GroupCommit<Check, boolean>;
  #lastSweep = 0;

  /** `sql` prepares each statement once per connection: the insert runs on every signed request. */
  constructor(sql: SqlClient, now: () => number = Date.now) {
    this.#sql = sql;
    this.#now = now;
    this.#checks = new GroupCommit((checks) => this.#insert(checks));
  }

  /** True the first time (keyId, signature) is seen; false for a replay. */
  firstUse(keyId: string, signature: string, signedAtMs: number): Promise<boolean> {
    this.#sweepNowAndThen();
    return this.#checks.add({ keyId, signature, expiresAt: new Date(signedAtMs + SIGNATURE_SKEW_SECONDS * 1000 + CLOCK_MARGIN_MS) });
  }

  /** Whether each check is the first use; the same signature twice in one batch: the first is. */
  async #insert(checks: Check[]): Promise<boolean[]> {
    const firsts = new Map<string, Check>();
    for (const c of checks) if (!firsts.has(c.signature)) firsts.set(c.signature, c);
    const rows = [...firsts.values()];
    // Keyed by the signature's bytes (migration 0013); the signatures arrive as checked lowercase hex.
    const result = await this.#sql.query<{ signature: string }>(
      `INSERT INTO seen_signatures (key_id, signature, expires_at)
       SELECT k, decode(s, 'hex'), e FROM unnest($1::varchar[], $2::text[], $3::timestamptz[]) AS u(k, s, e)
       ON CONFLICT DO NOTHING RETURNING encode(signature, 'hex') AS signature`,
      [rows.map((c) => c.keyId), rows.map((c) => c.signature), rows.map((c) => c.expiresAt.toISOString())],
    );
    const inserted = new Set(result.rows.map((r) => r.signature));
    return checks.map((c) => inserted.has(c.signature) && firsts.get(c.signature) === c);
  }

  #sweepNowAndThen(): void {
    const now = this.#now();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    // A failed sweep is retried a minute later; the rows only take space meanwhile.
    this.#sql.query('DELETE FROM seen_signatures WHERE expires_at < now()', []).catch(() => undefined);
  }
}
