import { retryWithBackoff, type RetryPolicy } from '@keygate/core';
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { sdk } from './sdk.js';
import type { ResolvedConfig } from './config.js';
import { classify, toKeygateError } from './failures.js';
import { assumeRole, type AssumedRole } from './assume-role.js';

/** Tuning that is not configuration: tests shorten the backoff. */
export interface SessionTuning {
  /** First backoff step in ms (doubles per attempt, full jitter, capped at 20× this). Default 100. */
  retryBaseDelayMs?: number;
}

/** What one attempt gets: the client and the attempt's deadline, to pass to `client.send`. */
export type Send<Output> = (client: SecretsManagerClient, options: { abortSignal: AbortSignal }) => Promise<Output>;

/** The narrow interface operations use: one method that runs one AWS operation under the retry policy. */
export interface Caller {
  call<Output>(operation: string, target: string, send: Send<Output>): Promise<Output>;
}

/**
 * The authenticated SDK client plus Keygate's retry policy. The SDK's own retries are off
 * (`maxAttempts: 1`) so that one policy applies: throttling, 5xx and network errors are retried with
 * exponential backoff and full jitter; a deadline per attempt raises TIMEOUT.
 */
export class AwsCaller implements Caller {
  readonly client: SecretsManagerClient;
  readonly #role: AssumedRole | undefined;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;

  constructor(config: ResolvedConfig, tuning: SessionTuning = {}) {
    const { assumeRole: role } = config;
    this.#role = role === undefined ? undefined : assumeRole({ ...config, assumeRole: role }, config.credentials);
    const credentials = this.#role?.credentials ?? (config.credentials === undefined ? undefined : { ...config.credentials });
    this.client = new sdk.SecretsManagerClient({
      region: config.region,
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(credentials === undefined ? {} : { credentials }),
      maxAttempts: 1,
      requestHandler: { connectionTimeout: Math.min(config.timeoutMs, 5_000), requestTimeout: config.timeoutMs },
    });
    this.#timeoutMs = config.timeoutMs;
    this.#retry = { maxAttempts: config.maxAttempts, baseDelayMs: tuning.retryBaseDelayMs ?? 100 };
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
    try {
      return await retryWithBackoff(this.#retry, attempt, (error) => (!timedOut && classify(error) === 'retryable' ? {} : false));
    } catch (error) {
      throw toKeygateError(error, { operation, target, timedOut });
    }
  }

  close(): void {
    this.client.destroy();
    this.#role?.close();
  }
}
