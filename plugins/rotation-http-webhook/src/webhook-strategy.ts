import { KeygateError, Secret, isKeygateError, type Clock, type HttpClient, type HttpResponse, type Logger, type RevocationContext, type RotationContext, type RotationResult, type RotationStrategy } from '@keygate/core';
import { signOutboundMulti } from '@keygate/core/wire';
import { readSettings, type HttpWebhookSettings } from './settings.js';

/** Longest piece of a receiver's `{error}` text kept in our errors (it ends up in run status and audit). */
const MAX_ERROR_TEXT = 300;

/**
 * One call per `rotate`/`revoke`: the host's engine owns retries (with backoff), and each retry
 * comes back here, so every attempt is signed afresh with the current `t` while the requestId
 * stays the run's. Values and credentials are never logged or put in errors.
 */
export class HttpWebhookStrategy implements RotationStrategy {
  readonly #http: HttpClient;
  readonly #clock: Clock;
  readonly #logger: Logger;

  constructor(deps: { http: HttpClient; clock: Clock; logger: Logger }) {
    this.#http = deps.http;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
  }

  async rotate(context: RotationContext): Promise<RotationResult> {
    const settings = readSettings(context.settings);
    const answer = await this.#call(settings, {
      action: 'rotate',
      secretKey: context.secretKey,
      projectSlug: context.projectSlug,
      environmentSlug: context.environmentSlug,
      requestId: context.requestId,
    });
    const { newValue, newHandle } = answer as { newValue?: unknown; newHandle?: unknown };
    if (typeof newValue !== 'string' || newValue === '') throw malformed('"newValue" is missing or not a non-empty string');
    if (newHandle !== undefined && newHandle !== null && (typeof newHandle !== 'string' || newHandle === '' || newHandle.length > 1024)) {
      throw malformed('"newHandle" is not a string of 1 to 1024 characters');
    }
    return { newValue: new Secret(newValue), ...(typeof newHandle === 'string' ? { newHandle } : {}) };
  }

  async revoke(context: RevocationContext): Promise<void> {
    const settings = readSettings(context.settings);
    const answer = await this.#call(settings, {
      action: 'revoke',
      secretKey: context.secretKey,
      projectSlug: context.projectSlug,
      environmentSlug: context.environmentSlug,
      oldHandle: context.oldHandle,
      requestId: context.requestId,
    });
    if ((answer as { success?: unknown }).success !== true) throw malformed('"success" is not true');
  }

  async #call(settings: HttpWebhookSettings, payload: Record<string, string>): Promise<object> {
    const body = JSON.stringify(payload);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      accept: 'application/json',
      'x-bella-signature': signOutboundMulti(settings.signingSecrets, body, this.#clock.now().getTime()),
      'x-keygate-request-id': payload.requestId!,
    };
    if (settings.apiKeyHeader !== undefined && settings.apiKey !== undefined) headers[settings.apiKeyHeader.toLowerCase()] = settings.apiKey;
    let response: HttpResponse;
    try {
      response = await this.#http.request({ method: 'POST', url: settings.endpoint, headers, body, ...(settings.timeoutMs === undefined ? {} : { timeoutMs: settings.timeoutMs }) });
    } catch (error) {
      if (isKeygateError(error)) throw error;
      throw new KeygateError('PROVIDER_UNAVAILABLE', 'the rotation function could not be reached', { retryable: true });
    }
    this.#logger.debug('rotation function answered', { action: payload.action, requestId: payload.requestId, status: response.status });
    if (response.status < 200 || response.status > 299) throw refusal(response);
    let parsed: unknown;
    try {
      parsed = response.json();
    } catch {
      throw malformed('the body is not JSON');
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw malformed('the body is not a JSON object');
    return parsed;
  }
}

function malformed(what: string): KeygateError {
  // Retryable: a proxy's error page or a half-deployed function is usually transient, and the
  // receiver is idempotent by requestId, so asking again cannot mint a second credential.
  return new KeygateError('PROVIDER_REJECTED', `the rotation function gave a malformed answer: ${what}`, { retryable: true });
}

function refusal(response: HttpResponse): KeygateError {
  let text = '';
  try {
    const error = (response.json() as { error?: unknown }).error;
    if (typeof error === 'string') text = error.replace(/[\r\n\t]+/g, ' ').slice(0, MAX_ERROR_TEXT);
  } catch {
    // No JSON body: the status alone says enough.
  }
  const status = response.status;
  const retryable = status >= 500 || status === 408 || status === 429;
  const code = status === 429 ? 'RATE_LIMITED' : status === 401 || status === 403 ? 'PROVIDER_AUTH_FAILED' : retryable ? 'PROVIDER_UNAVAILABLE' : 'PROVIDER_REJECTED';
  return new KeygateError(code, `the rotation function answered ${status}${text === '' ? '' : `: ${text}`}`, { retryable, extensions: { status } });
}
