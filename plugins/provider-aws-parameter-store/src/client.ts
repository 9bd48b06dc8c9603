import { setTimeout as sleep } from 'node:timers/promises';
import type { SSMClient } from '@aws-sdk/client-ssm';
import { sdk } from './sdk.js';
import type { ResolvedConfig } from './config.js';
import { classify, toKeygateError } from './failures.js';

/** Tuning that is not configuration: tests shorten the backoff. */
export interface SessionTuning {
  /** First backoff step in ms (doubles per attempt, full jitter, capped at 20× this). Default 100. */
  retryBaseDelayMs?: number;
}

/** What one attempt gets: the client and the attempt's deadline, to pass to `client.send`. */
export type Send<Output> = (client: SSMClient, options: { abortSignal: AbortSignal }) => Promise<Output>;

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
  readonly client: SSMClient;
  readonly #maxAttempts: number;
  readonly #timeoutMs: number;
  readonly #baseDelayMs: number;

  constructor(config: ResolvedConfig, tuning: SessionTuning = {}) {
    this.client = new sdk.SSMClient({
      region: config.region,
      ...(config.endpoint === undefined ? {} : { endpoint: config.endpoint }),
      ...(config.credentials === undefined ? {} : { credentials: { ...config.credentials } }),
      maxAttempts: 1,
      requestHandler: { connectionTimeout: Math.min(config.timeoutMs, 5_000), requestTimeout: config.timeoutMs },
    });
    this.#maxAttempts = config.maxAttempts;
    this.#timeoutMs = config.timeoutMs;
    this.#baseDelayMs = tuning.retryBaseDelayMs ?? 100;
  }

  async call<Output>(operation: string, target: string, send: Send<Output>): Promise<Output> {
    for (let attempt = 1; ; attempt++) {
      const deadline = AbortSignal.timeout(this.#timeoutMs);
      try {
        return await send(this.client, { abortSignal: deadline });
      } catch (error) {
        const timedOut = deadline.aborted;
        if (!timedOut && classify(error) === 'retryable' && attempt < this.#maxAttempts) {
          const cap = Math.min(this.#baseDelayMs * 20, this.#baseDelayMs * 2 ** (attempt - 1));
          await sleep(Math.random() * cap);
          continue;
        }
        throw toKeygateError(error, { operation, target, timedOut });
      }
    }
  }

  close(): void {
    this.client.destroy();
  }
}
