import { KeygateError } from '@keygate/core';
import { parseBodyTemplate, type BodyTemplate } from './body-template.js';
import {
  DEFAULT_REQUEST_TIMEOUT_MS,
  HEADER_NAME_PATTERN,
  HEADER_VALUE_PATTERN,
  MAX_REQUEST_TIMEOUT_MS,
  MIN_REQUEST_TIMEOUT_MS,
  RESERVED_HEADERS,
  type ContractModeConfig,
  type HttpRestProviderConfig,
  type MappedAuth,
  type MappedModeConfig,
  type MappedOperation,
} from './config.js';
import { parseJsonPointer, type JsonPointer } from './json-pointer.js';
import type { MappedOperations, ResolvedOperation } from './mapped-backend.js';
import { DEFAULT_PATH_TEMPLATE, parseScopePath, type ScopePath } from './scope-path.js';
import { parseUrlTemplate } from './url-template.js';

export interface ResolvedContractConfig {
  mode: 'contract';
  url: string;
  signingSecret: string;
  headers: Record<string, string>;
  path: ScopePath;
  requestTimeoutMs: number;
}

export interface ResolvedMappedConfig {
  mode: 'mapped';
  path: ScopePath;
  /** Static headers plus the authentication header. */
  headers: Record<string, string>;
  operations: MappedOperations;
  requestTimeoutMs: number;
}

export type ResolvedConfig = ResolvedContractConfig | ResolvedMappedConfig;

const METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

function invalid(message: string): KeygateError {
  return new KeygateError('INVALID_CONFIGURATION', `HttpRest provider: ${message}`);
}

function attempt<T>(what: string, work: () => T): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof KeygateError) throw error;
    throw invalid(`${what} ${(error as Error).message}`);
  }
}

function httpUrl(value: unknown, name: string): string {
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${name} must be an http(s) URL`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.username !== '' || url.password !== '' || url.hash !== '') {
    throw invalid(`${name} must be an http(s) URL without credentials or fragment`);
  }
  return url.href;
}

/** Header maps: valid names and values, none of the headers the provider sets itself. */
function headers(value: unknown, name: string): Record<string, string> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid(`${name} must be an object of header names to values`);
  const result: Record<string, string> = {};
  for (const [header, content] of Object.entries(value)) {
    if (!HEADER_NAME_PATTERN.test(header)) throw invalid(`${name}: "${header}" is not a valid header name`);
    if (RESERVED_HEADERS.has(header.toLowerCase())) throw invalid(`${name}: "${header}" is set by the provider and cannot be configured`);
    // The value itself is not named: it may be a credential.
    if (typeof content !== 'string' || !HEADER_VALUE_PATTERN.test(content)) throw invalid(`${name}.${header} must be a string without control characters`);
    result[header.toLowerCase()] = content;
  }
  return result;
}

function timeout(value: unknown): number {
  const ms = value ?? DEFAULT_REQUEST_TIMEOUT_MS;
  if (typeof ms !== 'number' || !Number.isInteger(ms) || ms < MIN_REQUEST_TIMEOUT_MS || ms > MAX_REQUEST_TIMEOUT_MS) {
    throw invalid(`requestTimeoutMs must be an integer from ${MIN_REQUEST_TIMEOUT_MS} to ${MAX_REQUEST_TIMEOUT_MS}`);
  }
  return ms;
}

function scopePath(value: unknown): ScopePath {
  return attempt('pathTemplate', () => parseScopePath((value ?? DEFAULT_PATH_TEMPLATE) as string));
}

function knownKeys(config: object, allowed: readonly string[], where: string): void {
  for (const name of Object.keys(config)) if (!allowed.includes(name)) throw invalid(`unknown property "${where}${name}"`);
}

/** The host validates against the JSON Schema first; this guards direct callers and checks what a schema cannot. */
export function resolveConfig(config: HttpRestProviderConfig | undefined): ResolvedConfig {
  if (typeof config !== 'object' || config === null) throw invalid('configuration must be an object');
  if (config.mode === undefined || config.mode === 'contract') return resolveContract(config as ContractModeConfig);
  if (config.mode === 'mapped') return resolveMapped(config);
  throw invalid('mode must be "contract" or "mapped"');
}

function resolveContract(config: ContractModeConfig): ResolvedContractConfig {
  knownKeys(config, ['mode', 'url', 'signingSecret', 'headers', 'pathTemplate', 'requestTimeoutMs'], '');
  if (typeof config.signingSecret !== 'string' || config.signingSecret.length < 16) throw invalid('signingSecret must be a string of at least 16 characters');
  return {
    mode: 'contract',
    url: httpUrl(config.url, 'url'),
    signingSecret: config.signingSecret,
    headers: headers(config.headers, 'headers'),
    path: scopePath(config.pathTemplate),
    requestTimeoutMs: timeout(config.requestTimeoutMs),
  };
}

function authHeaders(auth: MappedAuth | undefined): Record<string, string> {
  if (auth === undefined || auth.type === 'none') return {};
  const check = (value: unknown, name: string): string => {
    if (typeof value !== 'string' || value === '' || !HEADER_VALUE_PATTERN.test(value)) throw invalid(`auth.${name} must be a non-empty string without control characters`);
    return value;
  };
  switch (auth.type) {
    case 'bearer':
      return { authorization: `Bearer ${check(auth.token, 'token')}` };
    case 'basic': {
      const username = check(auth.username, 'username');
      if (username.includes(':')) throw invalid('auth.username may not contain ":"');
      const password = check(auth.password, 'password');
      return { authorization: `Basic ${Buffer.from(`${username}:${password}`, 'utf8').toString('base64')}` };
    }
    case 'apiKey': {
      if (typeof auth.header !== 'string' || !HEADER_NAME_PATTERN.test(auth.header) || RESERVED_HEADERS.has(auth.header.toLowerCase())) {
        throw invalid('auth.header must be a header name the provider does not set itself');
      }
      return { [auth.header.toLowerCase()]: check(auth.value, 'value') };
    }
    default:
      throw invalid('auth.type must be "none", "bearer", "basic" or "apiKey"');
  }
}

function operation(config: MappedOperation | undefined, name: string, extra: readonly string[]): ResolvedOperation {
  if (typeof config !== 'object' || config === null) throw invalid(`operations.${name} must be an object`);
  knownKeys(config, ['method', 'url', 'headers', 'body', 'contentType', ...extra], `operations.${name}.`);
  if (typeof config.method !== 'string' || !METHODS.has(config.method)) throw invalid(`operations.${name}.method must be one of ${[...METHODS].join(', ')}`);
  const url = attempt(`operations.${name}.url`, () => parseUrlTemplate(config.url));
  const body: BodyTemplate | undefined = config.body === undefined ? undefined : attempt(`operations.${name}.body`, () => parseBodyTemplate(config.body));
  const contentType = config.contentType ?? 'application/json';
  if (typeof contentType !== 'string' || !/^[a-z]+\/[a-z0-9.+-]+$/.test(contentType)) throw invalid(`operations.${name}.contentType must be a media type such as application/json`);
  return { method: config.method, url, headers: headers(config.headers, `operations.${name}.headers`), body, contentType };
}

function pointer(value: unknown, fallback: string, name: string): JsonPointer {
  return attempt(name, () => parseJsonPointer((value ?? fallback) as string));
}

function statuses(value: unknown, name: string): ReadonlySet<number> {
  if (value === undefined) return new Set([404]);
  if (!Array.isArray(value) || value.some((status) => !Number.isInteger(status) || status < 200 || status > 599)) throw invalid(`${name} must be a list of HTTP statuses`);
  return new Set(value as number[]);
}

/** Placeholders a request of `op` carries, in its URL or body (and, for get, its value pointer). */
function uses(op: ResolvedOperation, name: 'path' | 'key' | 'value'): boolean {
  return (name !== 'value' && op.url.placeholders.has(name)) || (op.body?.placeholders.has(name) ?? false);
}

function resolveMapped(config: MappedModeConfig): ResolvedMappedConfig {
  knownKeys(config, ['mode', 'pathTemplate', 'auth', 'headers', 'operations', 'requestTimeoutMs'], '');
  const ops = config.operations;
  if (typeof ops !== 'object' || ops === null) throw invalid('operations must be an object with list, set and delete (get optional)');
  knownKeys(ops, ['list', 'get', 'set', 'delete'], 'operations.');

  const listBase = operation(ops.list, 'list', ['response', 'emptyStatuses']);
  const response = ops.list.response ?? {};
  if (typeof response !== 'object' || response === null) throw invalid('operations.list.response must be an object');
  knownKeys(response, ['pointer', 'shape', 'keyPointer', 'valuePointer'], 'operations.list.response.');
  const shape = response.shape ?? 'map';
  if (shape !== 'map' && shape !== 'entries') throw invalid('operations.list.response.shape must be "map" or "entries"');
  const list = {
    ...listBase,
    pointer: pointer(response.pointer, '', 'operations.list.response.pointer'),
    shape,
    keyPointer: pointer(response.keyPointer, '/key', 'operations.list.response.keyPointer'),
    valuePointer: pointer(response.valuePointer, '/value', 'operations.list.response.valuePointer'),
    emptyStatuses: statuses(ops.list.emptyStatuses, 'operations.list.emptyStatuses'),
  };
  if (uses(list, 'key')) throw invalid('operations.list may not use {key}: it lists a whole path');
  if (list.pointer.usesKey || list.keyPointer.usesKey || list.valuePointer.usesKey) throw invalid('operations.list.response pointers may not use {key}');

  let get: MappedOperations['get'];
  if (ops.get !== undefined) {
    const base = operation(ops.get, 'get', ['valuePointer', 'notFoundStatuses']);
    const valuePointer = pointer(ops.get.valuePointer, '/value', 'operations.get.valuePointer');
    if (!uses(base, 'key') && !valuePointer.usesKey) throw invalid('operations.get must use {key} in its url, body or valuePointer, or every key would read the same value');
    get = { ...base, valuePointer, notFoundStatuses: statuses(ops.get.notFoundStatuses, 'operations.get.notFoundStatuses') };
  }

  const set = operation(ops.set, 'set', []);
  if (!set.body?.placeholders.has('value')) throw invalid('operations.set.body must be a JSON template containing "{value}"');
  if (!uses(set, 'key')) throw invalid('operations.set must use {key} in its url or body');

  const del = operation(ops.delete, 'delete', ['notFoundStatuses', 'confirmExists']);
  if (!uses(del, 'key')) throw invalid('operations.delete must use {key} in its url or body');
  if (ops.delete.confirmExists !== undefined && typeof ops.delete.confirmExists !== 'boolean') throw invalid('operations.delete.confirmExists must be a boolean');

  for (const [name, op] of [['list', list], ['get', get], ['set', set], ['delete', del]] as const) {
    if (op && !uses(op, 'path')) throw invalid(`operations.${name} must use {path} in its url or body, or every environment would share one store`);
    if (op && name !== 'set' && op.body?.placeholders.has('value')) throw invalid(`operations.${name}.body may not use {value}`);
  }

  return {
    mode: 'mapped',
    path: scopePath(config.pathTemplate),
    headers: { ...headers(config.headers, 'headers'), ...authHeaders(config.auth) },
    operations: {
      list,
      get,
      set,
      delete: { ...del, notFoundStatuses: statuses(ops.delete.notFoundStatuses, 'operations.delete.notFoundStatuses'), confirmExists: ops.delete.confirmExists ?? false },
    },
    requestTimeoutMs: timeout(config.requestTimeoutMs),
  };
}
