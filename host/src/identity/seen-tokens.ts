import type { Knex } from 'knex';

const SWEEP_INTERVAL_MS = 60_000;

/**
 * Ids of exchanged workload tokens, shared by every replica through PostgreSQL: a token is
 * accepted once, and remembered until it could no longer be accepted anyway (rows written by
 * `ExchangeKeyIssuer` in the statement that issues the key). Only tokens that
 * passed every check are written, so garbage costs no row here.
 */
export class SeenWorkloadTokens {
  readonly #knex: Knex;
  #lastSweep = 0;

  constructor(knex: Knex) {
    this.#knex = knex;
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
