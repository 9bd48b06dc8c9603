import { isRetryableStatus } from './errors.js';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  /** Injected in tests; defaults to setTimeout. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 100, maxDelayMs: 2_000 };

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Delay before attempt `attempt + 1`: exponential, capped, "equal jitter" (half fixed, half random). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  return ceiling / 2 + (policy.random ?? Math.random)() * (ceiling / 2);
}

/** Runs a read, retrying answers that say "try again" (429, 5xx). Never used for writes. */
export async function withRetry<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt + 1 >= policy.attempts || !isRetryableStatus(error)) throw error;
      await (policy.sleep ?? sleep)(backoffDelay(policy, attempt));
    }
  }
}
