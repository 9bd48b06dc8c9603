import type { Knex } from 'knex';

export interface FailureRule {
  windowMs: number;
  /** Failures allowed per (client address, subject) within the window. */
  perIpSubject: number;
  /** Failures allowed per subject from all addresses within the window; unlimited if absent. */
  perSubject?: number;
}

/**
 * Counts authentication failures in the database, so that every replica sees the same counts: at
 * most so many failures per (client address, subject) and per subject within a sliding window.
 * Logins count per email; API-key authentications count per client address (subject `*`).
 */
export class FailureLimiter {
  readonly #knex: Knex;
  readonly #kind: string;

  constructor(knex: Knex, kind: string) {
    this.#knex = knex;
    this.#kind = kind;
  }

  /** Seconds until another attempt is allowed, or 0. */
  async retryAfter(subject: string, ip: string, rule: FailureRule): Promise<number> {
    const since = new Date(Date.now() - rule.windowMs);
    const limit = Math.max(rule.perSubject ?? 0, rule.perIpSubject);
    const query = this.#knex('auth_failures').where({ kind: this.#kind, subject }).where('created_at', '>', since);
    // Without a per-subject cap only this address's failures matter (and the index on ip serves).
    if (rule.perSubject === undefined) void query.where({ ip });
    const rows = await query.orderBy('created_at', 'desc').limit(limit).select<Array<{ ip: string; created_at: Date }>>('ip', 'created_at');
    const fromIp = rows.filter((r) => r.ip === ip);
    const blocking =
      rule.perSubject !== undefined && rows.length >= rule.perSubject ? rows[rule.perSubject - 1] : fromIp.length >= rule.perIpSubject ? fromIp[rule.perIpSubject - 1] : undefined;
    if (!blocking) return 0;
    return Math.max(1, Math.ceil((new Date(blocking.created_at).getTime() + rule.windowMs - Date.now()) / 1000));
  }

  async record(subject: string, ip: string, windowMs: number): Promise<void> {
    await this.#knex('auth_failures').insert({ kind: this.#kind, subject, ip });
    await this.#knex('auth_failures').where({ kind: this.#kind, subject }).where('created_at', '<', new Date(Date.now() - windowMs)).delete();
  }

  async clear(subject: string, ip: string): Promise<void> {
    await this.#knex('auth_failures').where({ kind: this.#kind, subject, ip }).delete();
  }
}
