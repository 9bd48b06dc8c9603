import { createLocalJWKSet, type JSONWebKeySet, type JWTVerifyGetKey } from 'jose';
import type { Clock, HttpClient, Logger } from '../contracts/services.js';
import { IdentityRejectedError } from './rejection.js';

export interface JwksCacheOptions {
  http: HttpClient;
  clock?: Clock;
  logger?: Logger;
  /** Keys older than this are fetched again before use (default 10 minutes). */
  maxAgeMs?: number;
  /**
   * The least time between two fetches forced by a token naming a key the cache does not know
   * (default 30 s): a flood of tokens with made-up `kid`s costs at most one fetch per interval.
   */
  refreshCooldownMs?: number;
  /** When a refresh fails, keys up to this old are still used (default 1 hour). */
  maxStaleMs?: number;
}

interface IssuerKeys {
  keySet: JWTVerifyGetKey;
  kids: ReadonlySet<string>;
  fetchedAt: number;
}

interface IssuerState {
  keys?: IssuerKeys;
  /** When a fetch was last forced by an unknown key id. */
  forcedAt: number;
  inflight?: Promise<IssuerKeys>;
}

const MAX_KEYS = 100;

/**
 * The signing keys of OIDC issuers, found through each issuer's discovery document and fetched
 * only through the host's outbound client. One fetch at a time per issuer; concurrent verifiers
 * wait for it.
 */
export class JwksCache {
  readonly #http: HttpClient;
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  readonly #maxAgeMs: number;
  readonly #cooldownMs: number;
  readonly #maxStaleMs: number;
  readonly #issuers = new Map<string, IssuerState>();

  constructor(options: JwksCacheOptions) {
    this.#http = options.http;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#logger = options.logger;
    this.#maxAgeMs = options.maxAgeMs ?? 600_000;
    this.#cooldownMs = options.refreshCooldownMs ?? 30_000;
    this.#maxStaleMs = options.maxStaleMs ?? 3_600_000;
  }

  /**
   * The key set for `issuer`, which knows `kid` if the issuer publishes it. An unknown `kid` forces
   * a fetch unless one was forced within the cooldown.
   */
  async keysFor(issuer: string, kid: string | undefined): Promise<JWTVerifyGetKey> {
    const state = this.#state(issuer);
    const now = this.#clock.now().getTime();
    let keys = state.keys;
    let fresh = false;
    if (!keys || now - keys.fetchedAt >= this.#maxAgeMs) {
      keys = await this.#refresh(issuer, state);
      fresh = true;
    }
    if (kid !== undefined && !keys.kids.has(kid) && !fresh && now - state.forcedAt >= this.#cooldownMs) {
      state.forcedAt = now;
      keys = await this.#refresh(issuer, state);
    }
    return keys.keySet;
  }

  #state(issuer: string): IssuerState {
    let state = this.#issuers.get(issuer);
    if (!state) {
      state = { forcedAt: Number.NEGATIVE_INFINITY };
      this.#issuers.set(issuer, state);
    }
    return state;
  }

  async #refresh(issuer: string, state: IssuerState): Promise<IssuerKeys> {
    state.inflight ??= this.#fetch(issuer).finally(() => {
      state.inflight = undefined;
    });
    try {
      state.keys = await state.inflight;
      return state.keys;
    } catch (error) {
      const stale = state.keys;
      if (stale && this.#clock.now().getTime() - stale.fetchedAt < this.#maxStaleMs) {
        this.#logger?.warn('OIDC key refresh failed; using the keys fetched before', { issuer, error: describe(error) });
        return stale;
      }
      throw new IdentityRejectedError('issuer-unavailable', `the signing keys of ${issuer} could not be fetched: ${describe(error)}`);
    }
  }

  async #fetch(issuer: string): Promise<IssuerKeys> {
    const discoveryUrl = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
    const discovery = await this.#getJson(discoveryUrl, 'discovery document');
    // OpenID Connect Discovery §4.3: the document must name exactly the issuer it was fetched for.
    if (discovery.issuer !== issuer) throw new Error(`the discovery document names issuer ${JSON.stringify(discovery.issuer)}, not ${JSON.stringify(issuer)}`);
    if (typeof discovery.jwks_uri !== 'string') throw new Error('the discovery document has no jwks_uri');
    const jwks = await this.#getJson(discovery.jwks_uri, 'JWKS');
    if (!Array.isArray(jwks.keys)) throw new Error('the JWKS has no "keys" list');
    const usable = (jwks.keys as unknown[]).filter(isSigningKey).slice(0, MAX_KEYS);
    const set: JSONWebKeySet = { keys: usable };
    const kids = new Set(usable.map((key) => key.kid).filter((kid): kid is string => typeof kid === 'string'));
    this.#logger?.debug('OIDC signing keys fetched', { issuer, keys: usable.length });
    return { keySet: createLocalJWKSet(set), kids, fetchedAt: this.#clock.now().getTime() };
  }

  async #getJson(url: string, what: string): Promise<Record<string, unknown>> {
    const response = await this.#http.request({ method: 'GET', url, headers: { accept: 'application/json' } });
    if (response.status !== 200) throw new Error(`the ${what} answered HTTP ${response.status}`);
    let body: unknown;
    try {
      body = response.json();
    } catch {
      throw new Error(`the ${what} is not JSON`);
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new Error(`the ${what} is not a JSON object`);
    return body as Record<string, unknown>;
  }
}

type Jwk = JSONWebKeySet['keys'][number];

/** Public signature keys only: a symmetric (`oct`) key in a JWKS is never used. */
function isSigningKey(key: unknown): key is Jwk {
  if (typeof key !== 'object' || key === null) return false;
  const jwk = key as Record<string, unknown>;
  if (jwk.kty !== 'RSA' && jwk.kty !== 'EC' && jwk.kty !== 'OKP') return false;
  if (jwk.use !== undefined && jwk.use !== 'sig') return false;
  return jwk.d === undefined;
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
