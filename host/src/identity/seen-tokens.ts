import type { Knex } from 'knex';

const SWEEP_INTERVAL_MS = 60_000;
/** Beyond the token's `exp`: the verifier's leeway plus clock differences between replicas. */
const EXPIRY_MARGIN_MS = 120_000;

/**
 * Ids of exchanged workload tokens, shared by every replica through PostgreSQL: a token is
 * accepted once, and remembered until it could no longer be accepted anyway. Only tokens that
 * passed every check are written, so garbage costs no row here.
 */
export class SeenWorkloadTokens {
  readonly #knex: Knex;
  #lastSweep = 0;

  constructor(knex: Knex) {
    this.#knex = knex;
  }

  /** True the first time (issuer, tokenId) is recorded; false for a replay. */
  async firstUse(issuer: string, tokenId: string, expiresAt: Date): Promise<boolean> {
    const result = await this.#knex.raw<{ rowCount: number | null }>('INSERT INTO seen_workload_tokens (issuer, token_id, expires_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING', [
      issuer,
      tokenId,
      new Date(expiresAt.getTime() + EXPIRY_MARGIN_MS),
    ]);
    return result.rowCount === 1;
  }

  /** Undoes {@link firstUse} when the exchange failed after it, so the workload may retry. */
  async forget(issuer: string, tokenId: string): Promise<void> {
    await this.#knex('seen_workload_tokens').where({ issuer, token_id: tokenId }).delete();
  }

  async seen(issuer: string, tokenId: string): Promise<boolean> {
    const row = await this.#knex('seen_workload_tokens').where({ issuer, token_id: tokenId }).where('expires_at', '>', this.#knex.fn.now()).first('token_id');
    return row !== undefined;
  }

  /** Deletes expired rows, at most once a minute per process. */
  async sweep(): Promise<void> {
    const now = Date.now();
    if (now - this.#lastSweep < SWEEP_INTERVAL_MS) return;
    this.#lastSweep = now;
    await this.#knex('seen_workload_tokens').where('expires_at', '<', this.#knex.fn.now()).delete();
  }
}
