import { rootCertificates } from 'node:tls';
import { retryWithBackoff, type RetryPolicy } from '@keygate/core';
import type { TokenCredential } from '@azure/core-auth';
import { SecretClient } from '@azure/keyvault-secrets';
import type { AzureAuthConfig, ResolvedConfig } from './config.js';
import { classify, retryAfterMs, toKeygateError } from './failures.js';

/** Tuning that is not configuration: tests shorten the backoff and inject a credential. */
export interface SessionTuning {
  /** First backoff step in ms (doubles per attempt, full jitter, capped at 20× this). Default 200. */
  retryBaseDelayMs?: number;
  /** Upper bound on how long a Retry-After header makes us wait, in ms. Default 30,000. */
  maxRetryAfterMs?: number;
  /** Poll interval of the delete / recover long-running operations, in ms. Default 1,000. */
  pollIntervalMs?: number;
  /** Builds the credential from the auth config; tests pass a stub so no cloud endpoint is called. */
  credentialFactory?: (auth: AzureAuthConfig, caCertificate?: string) => TokenCredential | Promise<TokenCredential>;
}

/** One attempt: the client and the attempt's deadline, to pass as `abortSignal`. */
export type Send<Output> = (client: SecretClient, options: { abortSignal: AbortSignal }) => Promise<Output>;

/** TLS trust: the public CAs plus the configured certificate (a `ca` option alone would replace them). */
export function tlsOptions(caCertificate: string | undefined): { tlsOptions?: { ca: string[] } } {
  return caCertificate === undefined ? {} : { tlsOptions: { ca: [...rootCertificates, caCertificate] } };
}

/** The real credentials, loaded only when a session needs one. */
export async function defaultCredential(auth: AzureAuthConfig, caCertificate?: string): Promise<TokenCredential> {
  const identity = await import('@azure/identity');
  if (auth.method === 'clientSecret') {
    return new identity.ClientSecretCredential(auth.tenantId, auth.clientId, auth.clientSecret, {
      ...tlsOptions(caCertificate),
      // A private authority is not in Microsoft's instance-discovery list.
      ...(auth.authorityHost === undefined ? {} : { authorityHost: auth.authorityHost, disableInstanceDiscovery: true }),
    });
  }
  return new identity.ManagedIdentityCredential(auth.clientId === undefined ? {} : { clientId: auth.clientId });
}

/**
 * The SDK client plus Keygate's retry policy. The SDK's retries are off (`maxRetries: 0`) so one
 * policy applies: 429, 5xx, 409 (name being deleted) and network errors are retried with
 * exponential backoff and full jitter, at least as long as Retry-After asks; a deadline per attempt
 * raises TIMEOUT.
 */
export class AzureCaller {
  readonly client: SecretClient;
  readonly pollIntervalMs: number;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;
  readonly #maxRetryAfterMs: number;

  constructor(config: ResolvedConfig, credential: TokenCredential, tuning: SessionTuning = {}) {
    this.client = new SecretClient(config.vaultUrl, credential, {
      allowInsecureConnection: config.allowInsecureConnection,
      // An emulator on 127.0.0.1 is not under vault.azure.net; a real vault keeps the check.
      disableChallengeResourceVerification: config.allowInsecureConnection,
      retryOptions: { maxRetries: 0 },
      ...tlsOptions(config.caCertificate),
    });
    this.#timeoutMs = config.timeoutMs;
    this.#retry = { maxAttempts: config.maxAttempts, baseDelayMs: tuning.retryBaseDelayMs ?? 200 };
    this.#maxRetryAfterMs = tuning.maxRetryAfterMs ?? 30_000;
    this.pollIntervalMs = tuning.pollIntervalMs ?? 1_000;
  }

  async call<Output>(operation: string, target: string, send: Send<Output>): Promise<Output> {
    let timedOut = false;
    const attempt = async () => {
      const deadline = AbortSignal.timeout(this.#timeoutMs);
      try {
        return await send(this.client, { abortSignal: deadline });
      } catch (error) {
        timedOut = deadline.aborted;
        throw error;
      }
    };
    const decide = (error: unknown) =>
      !timedOut && classify(error) === 'retryable' ? { minDelayMs: Math.min(retryAfterMs(error) ?? 0, this.#maxRetryAfterMs) } : false;
    try {
      return await retryWithBackoff(this.#retry, attempt, decide);
    } catch (error) {
      throw toKeygateError(error, { operation, target, timedOut });
    }
  }

}
