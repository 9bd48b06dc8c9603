import { setTimeout as sleep } from 'node:timers/promises';

export interface RetryPolicy {
  /** Total attempts, the first included. */
  maxAttempts: number;
  /** First backoff step in ms; it doubles per attempt up to 20× this, with full jitter. */
  baseDelayMs: number;
}

/** What to do after a failed attempt: give up, or try again after at least `minDelayMs` (e.g. Retry-After). */
export type RetryDecision = false | { minDelayMs?: number };

/** Full-jitter exponential backoff before attempt `attempt + 1` (attempts count from 1). */
export function backoffDelay(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.baseDelayMs * 20, policy.baseDelayMs * 2 ** (attempt - 1));
}

/**
 * Runs `run` until it succeeds, `decide` declines to retry, or the attempts are used up; then
 * rethrows the last error unchanged, so the caller maps it once. Providers use it with their
 * client's own retries turned off, so one policy applies and its limits are the provider's.
 */
export async function retryWithBackoff<T>(policy: RetryPolicy, run: () => Promise<T>, decide: (error: unknown) => RetryDecision): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      const decision = attempt < policy.maxAttempts ? decide(error) : false;
      if (decision === false) throw error;
      await sleep(Math.max(decision.minDelayMs ?? 0, backoffDelay(policy, attempt)));
    }
  }
}
