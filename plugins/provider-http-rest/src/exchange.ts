import { randomUUID } from 'node:crypto';
import { retryWithBackoff, type Clock, type HttpClient, type HttpRequest, type HttpResponse, type RetryPolicy } from '@keygate/core';
import { isTransient, statusError, transportError } from './errors.js';

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 100 };

export interface ExchangeContext {
  http: HttpClient;
  clock: Clock;
  retry: RetryPolicy;
  timeoutMs: number;
}

export interface Attempt {
  /** The idempotency key of the logical operation: the same on every attempt. */
  requestId: string;
  /** 1 for the first attempt. */
  number: number;
  /** The clock's time for this attempt, so a signature made from it is fresh on each retry. */
  nowMs: number;
}

export interface ExchangeOptions {
  /** Operations that can be repeated without changing the outcome are retried on 5xx/429/timeouts. */
  idempotent: boolean;
  doing: string;
  /** Statuses the caller interprets itself (e.g. 404 = not found), returned instead of thrown. */
  accept?: (status: number) => boolean;
}

export interface ExchangeResult {
  response: HttpResponse;
  /** Attempts made; more than 1 means an earlier attempt may have reached the endpoint. */
  attempts: number;
}

/**
 * One logical upstream operation: builds the request afresh for every attempt (new signature
 * timestamp, same requestId), retries transient failures with core's backoff when the operation is
 * idempotent, and turns failures into typed errors. 2xx answers and accepted statuses come back.
 */
export async function exchange(context: ExchangeContext, build: (attempt: Attempt) => HttpRequest, options: ExchangeOptions): Promise<ExchangeResult> {
  const requestId = randomUUID();
  let number = 0;
  const response = await retryWithBackoff(
    options.idempotent ? context.retry : { ...context.retry, maxAttempts: 1 },
    async () => {
      number += 1;
      const request = build({ requestId, number, nowMs: context.clock.now().getTime() });
      let answer: HttpResponse;
      try {
        answer = await context.http.request({ timeoutMs: context.timeoutMs, ...request });
      } catch (error) {
        throw transportError(error, options.doing);
      }
      if ((answer.status >= 200 && answer.status < 300) || options.accept?.(answer.status)) return answer;
      throw statusError(answer.status, options.doing);
    },
    (error) => (isTransient(error) ? {} : false),
  );
  return { response, attempts: number };
}
