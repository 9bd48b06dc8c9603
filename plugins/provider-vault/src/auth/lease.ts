import { ProviderAuthError, isKeygateError, type Clock, type Logger } from '@keygate/core';
import { vaultStatus } from '../errors.js';
import { withRetry, type RetryPolicy } from '../retry.js';
import type { NodeVaultClient } from '../vault-client.js';
import type { VaultAuth } from './auth.js';

/** Renew the token (or log in again) once this share of its lease has passed. */
export const REFRESH_AT = 2 / 3;
/** After a lookup or renewal of a static token failed for a transient reason, try again this much later. */
export const RETRY_LATER_MS = 30_000;

/** A token as a login or a renewal hands it out. */
export interface IssuedToken {
  token: string;
  /** Seconds; 0 = does not expire. */
  leaseSeconds: number;
  renewable: boolean;
}

/** A login method: obtains a fresh token (and throws typed errors when it cannot). */
export type Login = () => Promise<IssuedToken>;

export interface LeaseContext {
  client: NodeVaultClient;
  clock: Clock;
  logger: Logger;
  retry: RetryPolicy;
}

/** The `auth` block of a login or renew-self answer. */
export function issuedToken(response: unknown, what: string): IssuedToken {
  const auth = (response as { auth?: { client_token?: unknown; lease_duration?: unknown; renewable?: unknown } } | null)?.auth;
  const token = auth?.client_token;
  if (typeof token !== 'string' || token === '') throw new ProviderAuthError(`Vault answered the ${what} without a token`);
  const lease = auth?.lease_duration;
  return { token, leaseSeconds: typeof lease === 'number' && lease > 0 ? lease : 0, renewable: auth?.renewable === true };
}

type Renewal = 'renewed' | 'refused' | 'failed';

/**
 * Keeps the client's token valid, checked before each request (an idle session holds no timers):
 * once two thirds of the lease have passed, a renewable token is renewed in place
 * (`auth/token/renew-self`, asking for its original lease again); a token that cannot be renewed —
 * not renewable, refused, or capped by its max TTL — is replaced by a new login for AppRole and
 * Kubernetes, and left to run out for a static token (which is its owner's to manage). A static
 * token's TTL is learnt with `lookup-self`. Concurrent requests share one renewal or login.
 */
export class TokenLease implements VaultAuth {
  #refreshAt = Number.POSITIVE_INFINITY;
  /** When the current token runs out (by its last known lease). */
  #expiresAt = Number.POSITIVE_INFINITY;
  #renewable = false;
  /** Seconds asked for on renewal: the lease the token was issued with. */
  #increment = 0;
  #lookedUp = false;
  #pending: Promise<void> | undefined;
  #closed = false;

  private constructor(
    readonly method: VaultAuth['method'],
    private readonly context: LeaseContext,
    private readonly login: Login | undefined,
  ) {}

  /** A login method: logs in now, so bad credentials fail the session's creation. */
  static async loggedIn(method: 'approle' | 'kubernetes', context: LeaseContext, login: Login): Promise<TokenLease> {
    const lease = new TokenLease(method, context, login);
    await lease.#shared(() => lease.#login());
    return lease;
  }

  /** A static token; its TTL is looked up now, best effort (a failure never fails the session). */
  static async staticToken(token: string, context: LeaseContext): Promise<TokenLease> {
    const lease = new TokenLease('token', context, undefined);
    context.client.token = token;
    await lease.#shared(() => lease.#lookup());
    return lease;
  }

  ensureFresh(): Promise<void> {
    if (this.#pending) return this.#pending;
    if (this.#now() < this.#refreshAt) return Promise.resolve();
    return this.#shared(() => this.#refresh());
  }

  async reloginAfterDenied(): Promise<boolean> {
    if (!this.login) return false;
    await this.#shared(() => this.#login());
    return true;
  }

  close(): void {
    this.#closed = true;
    this.context.client.token = '';
  }

  #now(): number {
    return this.context.clock.now().getTime();
  }

  #shared(work: () => Promise<void>): Promise<void> {
    this.#pending ??= work().finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  #schedule(leaseSeconds: number): void {
    const now = this.#now();
    this.#refreshAt = leaseSeconds > 0 ? now + leaseSeconds * 1000 * REFRESH_AT : Number.POSITIVE_INFINITY;
    this.#expiresAt = leaseSeconds > 0 ? now + leaseSeconds * 1000 : Number.POSITIVE_INFINITY;
  }

  /** A transient failure while the token is still valid: keep using it and try again a little later. */
  #retryLater(): boolean {
    const left = this.#expiresAt - this.#now();
    if (left <= 0) return false;
    this.#refreshAt = this.#now() + Math.min(RETRY_LATER_MS, left / 2);
    return true;
  }

  async #refresh(): Promise<void> {
    if (!this.#lookedUp) return this.#lookup();
    if (this.#renewable) {
      const renewal = await this.#renew();
      if (renewal === 'renewed') return;
      if (renewal === 'failed' && this.#retryLater()) return;
    }
    if (this.login) {
      try {
        return await this.#login();
      } catch (error) {
        if (isKeygateError(error) && error.retryable && this.#retryLater()) {
          this.context.logger.warn('vault login failed; the current token is still valid', { method: this.method, code: error.code });
          return;
        }
        throw error;
      }
    }
    // A static token that cannot be renewed runs out; requests then fail with PROVIDER_AUTH_FAILED.
    this.#refreshAt = Number.POSITIVE_INFINITY;
  }

  async #login(): Promise<void> {
    const { client, logger } = this.context;
    // Logins go without the old token (Vault refuses a request carrying an invalid one); it is put
    // back if the login fails, as it may still be valid.
    const previous = client.token;
    client.token = '';
    let issued: IssuedToken;
    try {
      issued = await this.login!();
    } catch (error) {
      if (!this.#closed) client.token = previous;
      throw error;
    }
    if (this.#closed) {
      client.token = '';
      return;
    }
    client.token = issued.token;
    this.#lookedUp = true;
    this.#renewable = issued.renewable && issued.leaseSeconds > 0;
    this.#increment = issued.leaseSeconds;
    this.#schedule(issued.leaseSeconds);
    logger.debug('vault login', { method: this.method, leaseSeconds: issued.leaseSeconds, renewable: issued.renewable });
  }

  async #renew(): Promise<Renewal> {
    const { client, logger, retry } = this.context;
    let issued: IssuedToken;
    try {
      issued = issuedToken(await withRetry(retry, () => client.tokenRenewSelf(this.#increment > 0 ? { increment: this.#increment } : {})), 'token renewal');
    } catch (error) {
      const status = vaultStatus(error);
      logger.warn('vault token renewal failed', { method: this.method, ...(status === undefined ? {} : { status }) });
      if (status !== undefined && status < 500 && status !== 429) {
        this.#renewable = false;
        return 'refused';
      }
      return 'failed';
    }
    if (this.#closed) return 'renewed';
    // Vault caps a renewal at the token's max TTL: a shorter lease than asked means the token
    // cannot be extended again, so the next refresh logs in (or, for a static token, lets it run out).
    this.#renewable = issued.renewable && issued.leaseSeconds >= this.#increment;
    this.#schedule(issued.leaseSeconds);
    logger.debug('vault token renewed', { method: this.method, leaseSeconds: issued.leaseSeconds, capped: issued.leaseSeconds < this.#increment });
    return 'renewed';
  }

  /** Static token: `lookup-self` for its remaining TTL, whether it is renewable, and its original TTL. */
  async #lookup(): Promise<void> {
    const { client, logger } = this.context;
    let data: { ttl?: unknown; renewable?: unknown; creation_ttl?: unknown } | undefined;
    try {
      data = ((await client.tokenLookupSelf()) as { data?: typeof data } | null)?.data;
    } catch (error) {
      // Best effort: the request that follows reports a bad token or an unreachable Vault itself.
      const status = vaultStatus(error);
      logger.debug('vault token lookup failed', { ...(status === undefined ? {} : { status }) });
      this.#refreshAt = this.#now() + RETRY_LATER_MS;
      return;
    }
    this.#lookedUp = true;
    const ttl = typeof data?.ttl === 'number' && data.ttl > 0 ? data.ttl : 0;
    const creation = typeof data?.creation_ttl === 'number' && data.creation_ttl > 0 ? data.creation_ttl : ttl;
    this.#renewable = ttl > 0 && data?.renewable === true;
    this.#increment = creation;
    this.#schedule(ttl);
    logger.debug('vault token looked up', { ttlSeconds: ttl, renewable: this.#renewable });
  }
}
