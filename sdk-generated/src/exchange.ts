import createClient from 'openapi-fetch';
import type { paths } from './generated/openapi.js';
import { KeygateApiError, KeygateProtocolError } from './errors.js';
import { DEFAULT_USER_AGENT } from './version.js';

export interface ExchangeOidcTokenOptions {
  /** Where Keygate listens, e.g. `https://keygate.example.com`. */
  url: string;
  /** The workload's OIDC token (GitHub Actions ID token, Kubernetes service-account token, …). */
  oidcToken: string;
  /**
   * The identity provider type (`GitHub`, `Kubernetes`, `OIDC`): only its trust domains are tried.
   * Without it, every trust domain for the token's issuer is.
   */
  provider?: string;
  tenantSlug?: string;
  /** Needed only when the token satisfies trust domains of several environments. */
  projectSlug?: string;
  environmentSlug?: string;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  userAgent?: string;
}

export interface ExchangedKey {
  /** `bax-…`: pass it as `apiKey` to `createKeygateClient`. */
  apiKey: string;
  expiresAt: string;
  /** Where the key reads (given when `provider` was named). */
  projectSlug?: string;
  environmentSlug?: string;
}

/**
 * Keyless authentication: exchanges a workload's OIDC token for a short-lived environment key.
 * The request carries no Keygate credential; a refusal is a {@link KeygateApiError} (401) whose
 * detail names the reason code.
 */
export async function exchangeOidcToken(options: ExchangeOidcTokenOptions): Promise<ExchangedKey> {
  const client = createClient<paths>({ baseUrl: options.url, fetch: options.fetch, headers: { 'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT }, redirect: 'error' });
  const scope = {
    ...(options.tenantSlug === undefined ? {} : { tenantSlug: options.tenantSlug }),
    ...(options.projectSlug === undefined ? {} : { projectSlug: options.projectSlug }),
    ...(options.environmentSlug === undefined ? {} : { environmentSlug: options.environmentSlug }),
  };
  if (options.provider !== undefined) {
    const { data, error, response } = await client.POST('/api/v1/trust/exchange', { body: { provider: options.provider, token: options.oidcToken, ...scope }, signal: options.signal });
    if (!response.ok) throw KeygateApiError.fromResponse(response, error);
    if (!data) throw new KeygateProtocolError(`the server sent no body (HTTP ${response.status})`);
    return data;
  }
  const { data, error, response } = await client.POST('/api/v1/token', { body: { oidcToken: options.oidcToken, ...scope }, signal: options.signal });
  if (!response.ok) throw KeygateApiError.fromResponse(response, error);
  if (!data) throw new KeygateProtocolError(`the server sent no body (HTTP ${response.status})`);
  return { apiKey: data.token, expiresAt: data.expiresAt };
}
