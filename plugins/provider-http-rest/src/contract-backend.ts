import { signOutbound } from '@keygate/core/wire';
import type { HttpRequest } from '@keygate/core';
import { isRecord, jsonBody } from './answers.js';
import type { Backend } from './backend.js';
import { describeKey, describePath } from './backend.js';
import { badAnswer } from './errors.js';
import { exchange, type Attempt, type ExchangeContext } from './exchange.js';
import { CHECK_PATH } from './scope-path.js';

export type ContractAction = 'list' | 'get' | 'set' | 'delete';

export interface ContractBackendOptions {
  url: string;
  signingSecret: string;
  headers: Record<string, string>;
}

/**
 * Contract mode: every call is `POST url` with `{action, path, key?, value?, requestId}`, signed
 * with `X-Bella-Signature` (DESIGN §5). The body is serialised once per operation, so every retry
 * sends the same bytes and `requestId`, and is signed again with a fresh `t`.
 *
 * Retries (on 5xx, 408, 429, timeouts, unreachable): `list`, `get` and `delete`. `set` is sent once:
 * after an ambiguous failure, a second attempt could land after another writer's newer value and
 * put the older one back; the caller sees the error and decides. Receivers can still use
 * `requestId` to recognise a repeated call.
 */
export class ContractBackend implements Backend {
  constructor(
    private readonly context: ExchangeContext,
    private readonly options: ContractBackendOptions,
  ) {}

  private request(body: string): (attempt: Attempt) => HttpRequest {
    return (attempt) => ({
      method: 'POST',
      url: this.options.url,
      headers: {
        ...this.options.headers,
        'content-type': 'application/json',
        accept: 'application/json',
        'x-request-id': attempt.requestId,
        'x-bella-signature': signOutbound(this.options.signingSecret, body, attempt.nowMs),
      },
      body,
    });
  }

  private call(action: ContractAction, fields: { path: string; key?: string; value?: string }, doing: string, idempotent: boolean, accept?: (status: number) => boolean) {
    // requestId is fixed by exchange() before the first attempt; the body is built from it once.
    let body: string | undefined;
    return exchange(
      this.context,
      (attempt) => {
        body ??= JSON.stringify({ action, ...fields, requestId: attempt.requestId });
        return this.request(body)(attempt);
      },
      { idempotent, doing, ...(accept ? { accept } : {}) },
    );
  }

  async list(path: string): Promise<Map<string, string>> {
    const doing = `listing ${describePath(path)}`;
    const { response } = await this.call('list', { path }, doing, true, (status) => status === 404);
    if (response.status === 404) return new Map();
    const document = jsonBody(response, doing);
    const secrets = isRecord(document) ? document.secrets : undefined;
    if (!isRecord(secrets)) throw badAnswer(response.status, doing, 'no "secrets" object');
    const map = new Map<string, string>();
    for (const [key, value] of Object.entries(secrets)) {
      if (typeof value !== 'string') throw badAnswer(response.status, doing, `a non-string value for key "${key}"`);
      map.set(key, value);
    }
    return map;
  }

  async get(path: string, key: string): Promise<string | undefined> {
    const doing = `reading ${describeKey(path, key)}`;
    const { response } = await this.call('get', { path, key }, doing, true, (status) => status === 404);
    if (response.status === 404) return undefined;
    const document = jsonBody(response, doing);
    const value = isRecord(document) ? document.value : undefined;
    if (typeof value !== 'string') throw badAnswer(response.status, doing, 'no string "value"');
    return value;
  }

  async set(path: string, key: string, value: string): Promise<void> {
    const doing = `writing ${describeKey(path, key)}`;
    const { response } = await this.call('set', { path, key, value }, doing, false);
    this.expectSuccess(response.status, response.body.length === 0 ? undefined : jsonBody(response, doing), doing);
  }

  async delete(path: string, key: string): Promise<boolean> {
    const doing = `deleting ${describeKey(path, key)}`;
    const { response, attempts } = await this.call('delete', { path, key }, doing, true, (status) => status === 404);
    // After a failed attempt, a 404 most likely means that attempt did delete the key.
    if (response.status === 404) return attempts > 1;
    this.expectSuccess(response.status, response.body.length === 0 ? undefined : jsonBody(response, doing), doing);
    return true;
  }

  async check(): Promise<void> {
    const doing = 'checking connectivity';
    // A signed read of a path no scope renders to: proves reachability and the signing secret.
    const { response } = await this.call('list', { path: CHECK_PATH }, doing, true, (status) => status === 404);
    if (response.status !== 404) jsonBody(response, doing);
  }

  /** `{success: true}`; an empty 2xx body (e.g. 204) is accepted too. */
  private expectSuccess(status: number, document: unknown, doing: string): void {
    if (document === undefined) return;
    if (!isRecord(document) || document.success !== true) throw badAnswer(status, doing, 'no "success": true');
  }
}
