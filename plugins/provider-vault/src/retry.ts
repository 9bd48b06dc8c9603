import { retryWithBackoff, type RetryPolicy } from '@keygate/core';
import { isRetryableStatus } from './errors.js';

export type { RetryPolicy };

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 100 };

/** Runs a read, retrying answers that say "try again" (429, 5xx). Never used for writes. */
export function withRetry<T>(policy: RetryPolicy, work: () => Promise<T>): Promise<T> {
  return retryWithBackoff(policy, work, (error) => (isRetryableStatus(error) ? {} : false));
}
