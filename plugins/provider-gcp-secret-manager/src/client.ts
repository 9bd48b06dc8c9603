import { retryWithBackoff, type RetryPolicy } from '@keygate/core';
import { sdk, type CallOptions, type SecretManagerClient, type SecretManagerClientOptions } from './sdk.js';
import { BearerTokenAuthClient } from './auth.js';
import type { ResolvedConfig } from './config.js';
import { classify, toKeygateError } from './failures.js';

/** Tuning that is not configuration: tests shorten the backoff and bring their own auth client. */
export interface SessionTuning {
  /** First backoff step in ms (doubles per attempt, full jitter, capped at 20× this). Default 100. */
  retryBaseDelayMs?: number;
  /**
   * The auth client google-gax uses (an object with `getRequestHeaders()` and `fetch(url, init)`,
   * e.g. a google-auth-library client). Overrides `credentials` and the emulator token.
   */
  authClient?: object;
}

export type Send<Output> = (client: SecretManagerClient, options: CallOptions) => Promise<Output>;

export interface Caller {
  readonly projectId: string;
  call<Output>(operation: string, target: string, send: Send<Output>): Promise<Output>;
}

/**
 * The official client on its REST transport plus Keygate's retry policy. The client's own retries
 * are off (`retry: null`) so one policy applies: UNAVAILABLE, RESOURCE_EXHAUSTED, 5xx and network
 * errors are retried with exponential backoff and full jitter; a deadline per attempt raises TIMEOUT.
 */
export class GcpCaller implements Caller {
  readonly client: SecretManagerClient;
  readonly projectId: string;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;

  constructor(config: ResolvedConfig, tuning: SessionTuning = {}) {
    const options: SecretManagerClientOptions = {
      // REST (HTTP/1.1 + JSON) everywhere: what the emulator tests is what runs in production.
      fallback: true,
      projectId: config.projectId,
      ...(config.apiEndpoint === undefined ? {} : { apiEndpoint: config.apiEndpoint }),
      ...(config.port === undefined ? {} : { port: config.port }),
      ...(config.protocol === 'http' ? { protocol: 'http' } : {}),
    };
    if (tuning.authClient !== undefined) {
      options.authClient = tuning.authClient as SecretManagerClientOptions['authClient'];
    } else if (config.credentials !== undefined) {
      options.credentials = { ...config.credentials };
    } else if (config.protocol === 'http') {
      // An emulator: never look for ambient credentials (that would probe the metadata server).
      options.authClient = new BearerTokenAuthClient(BearerTokenAuthClient.EMULATOR_TOKEN) as unknown as SecretManagerClientOptions['authClient'];
    }
    this.client = new sdk.SecretManagerServiceClient(options);
    this.projectId = config.projectId;
    this.#timeoutMs = config.timeoutMs;
    this.#retry = { maxAttempts: config.maxAttempts, baseDelayMs: tuning.retryBaseDelayMs ?? 100 };
  }

  async call<Output>(operation: string, target: string, send: Send<Output>): Promise<Output> {
    let timedOut = false;
    const attempt = async () => {
      const started = Date.now();
      try {
        return await send(this.client, { retry: null, timeout: this.#timeoutMs });
      } catch (error) {
        timedOut = classify(error) === 'timeout' || Date.now() - started >= this.#timeoutMs;
        throw error;
      }
    };
    try {
      return await retryWithBackoff(this.#retry, attempt, (error) => (!timedOut && classify(error) === 'retryable' ? {} : false));
    } catch (error) {
      throw toKeygateError(error, { operation, target, timedOut });
    }
  }

  close(): Promise<void> {
    return this.client.close();
  }
}
