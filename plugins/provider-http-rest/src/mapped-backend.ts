import type { HttpRequest, HttpResponse } from '@keygate/core';
import { isRecord, jsonBody } from './answers.js';
import type { Backend } from './backend.js';
import { describeKey, describePath } from './backend.js';
import type { BodyTemplate } from './body-template.js';
import { badAnswer } from './errors.js';
import { exchange, type ExchangeContext } from './exchange.js';
import type { JsonPointer } from './json-pointer.js';
import { CHECK_PATH } from './scope-path.js';
import type { UrlTemplate } from './url-template.js';

export interface ResolvedOperation {
  method: string;
  url: UrlTemplate;
  headers: Record<string, string>;
  body: BodyTemplate | undefined;
  contentType: string;
}

export interface ResolvedListOperation extends ResolvedOperation {
  pointer: JsonPointer;
  shape: 'map' | 'entries';
  keyPointer: JsonPointer;
  valuePointer: JsonPointer;
  emptyStatuses: ReadonlySet<number>;
}

export interface ResolvedGetOperation extends ResolvedOperation {
  valuePointer: JsonPointer;
  notFoundStatuses: ReadonlySet<number>;
}

export interface ResolvedDeleteOperation extends ResolvedOperation {
  notFoundStatuses: ReadonlySet<number>;
  confirmExists: boolean;
}

export interface MappedOperations {
  list: ResolvedListOperation;
  get: ResolvedGetOperation | undefined;
  set: ResolvedOperation;
  delete: ResolvedDeleteOperation;
}

interface Values {
  path: string;
  key?: string;
  value?: string;
}

/**
 * Mapped mode: each operation is the configured call of an existing REST API. Values only ever
 * enter a request through the JSON body template (structurally) and keys through percent-encoded
 * URL slots or pointer tokens.
 *
 * Retries as in contract mode: list, get and delete on transient failures; set once (see README).
 */
export class MappedBackend implements Backend {
  constructor(
    private readonly context: ExchangeContext,
    private readonly operations: MappedOperations,
    private readonly headers: Record<string, string>,
  ) {}

  private build(operation: ResolvedOperation, values: Values): HttpRequest {
    const body = operation.body?.render(values);
    return {
      method: operation.method,
      url: operation.url.render(values),
      headers: {
        accept: 'application/json',
        ...this.headers,
        ...operation.headers,
        ...(body === undefined ? {} : { 'content-type': operation.contentType }),
      },
      ...(body === undefined ? {} : { body }),
    };
  }

  private async send(operation: ResolvedOperation, values: Values, doing: string, idempotent: boolean, accepted: ReadonlySet<number>): Promise<{ response: HttpResponse; attempts: number }> {
    const request = this.build(operation, values);
    return exchange(this.context, (attempt) => ({ ...request, headers: { ...request.headers, 'x-request-id': attempt.requestId } }), {
      idempotent,
      doing,
      accept: (status) => accepted.has(status),
    });
  }

  async list(path: string): Promise<Map<string, string>> {
    const doing = `listing ${describePath(path)}`;
    const operation = this.operations.list;
    const { response } = await this.send(operation, { path }, doing, true, operation.emptyStatuses);
    if (operation.emptyStatuses.has(response.status)) return new Map();
    return this.readListing(response, jsonBody(response, doing), doing);
  }

  private readListing(response: HttpResponse, document: unknown, doing: string): Map<string, string> {
    const operation = this.operations.list;
    const found = operation.pointer.resolve(document);
    if (!found.found) throw badAnswer(response.status, doing, `nothing at the list pointer "${operation.pointer.source}"`);
    const map = new Map<string, string>();
    if (operation.shape === 'map') {
      if (!isRecord(found.value)) throw badAnswer(response.status, doing, 'a listing that is not an object');
      for (const [key, value] of Object.entries(found.value)) {
        if (typeof value !== 'string') throw badAnswer(response.status, doing, `a non-string value for key "${key}"`);
        map.set(key, value);
      }
      return map;
    }
    if (!Array.isArray(found.value)) throw badAnswer(response.status, doing, 'a listing that is not an array');
    for (const [index, entry] of found.value.entries()) {
      const key = operation.keyPointer.resolve(entry);
      const value = operation.valuePointer.resolve(entry);
      if (!key.found || typeof key.value !== 'string') throw badAnswer(response.status, doing, `entry ${index} without a string key`);
      if (!value.found || typeof value.value !== 'string') throw badAnswer(response.status, doing, `a non-string value for key "${key.value}"`);
      map.set(key.value, value.value);
    }
    return map;
  }

  async get(path: string, key: string): Promise<string | undefined> {
    const operation = this.operations.get;
    if (!operation) return (await this.list(path)).get(key);
    const doing = `reading ${describeKey(path, key)}`;
    const { response } = await this.send(operation, { path, key }, doing, true, operation.notFoundStatuses);
    if (operation.notFoundStatuses.has(response.status)) return undefined;
    const found = operation.valuePointer.resolve(jsonBody(response, doing), key);
    if (!found.found || found.value === null) return undefined;
    if (typeof found.value !== 'string') throw badAnswer(response.status, doing, `a non-string value at "${operation.valuePointer.source}"`);
    return found.value;
  }

  async set(path: string, key: string, value: string): Promise<void> {
    await this.send(this.operations.set, { path, key, value }, `writing ${describeKey(path, key)}`, false, new Set());
  }

  async delete(path: string, key: string): Promise<boolean> {
    const operation = this.operations.delete;
    // Check-then-delete is not atomic; it only serves APIs that answer 2xx to deleting nothing.
    if (operation.confirmExists && (await this.get(path, key)) === undefined) return false;
    const doing = `deleting ${describeKey(path, key)}`;
    const { response, attempts } = await this.send(operation, { path, key }, doing, true, operation.notFoundStatuses);
    // After a failed attempt, "not found" most likely means that attempt did delete the key.
    if (operation.notFoundStatuses.has(response.status)) return attempts > 1;
    return true;
  }

  async check(): Promise<void> {
    const doing = 'checking connectivity';
    const operation = this.operations.list;
    const { response } = await this.send(operation, { path: CHECK_PATH }, doing, true, new Set([...operation.emptyStatuses, 404]));
    if (response.status < 300) jsonBody(response, doing);
  }
}
