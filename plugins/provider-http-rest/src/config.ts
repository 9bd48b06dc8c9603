import type { JsonSchema, ProviderCapabilities } from '@keygate/core';
import { DEFAULT_PATH_TEMPLATE } from './scope-path.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Contract mode: one POST endpoint speaking the Keygate/Bella custom-provider contract. */
export interface ContractModeConfig {
  mode?: 'contract';
  /** The endpoint every call is POSTed to. */
  url: string;
  /** Key of the `X-Bella-Signature` HMAC. */
  signingSecret: string;
  /** Extra headers on every call (e.g. an API key the endpoint also wants). Values are credentials. */
  headers?: Record<string, string>;
  /** The `path` sent for a scope; default `{project}/{environment}`. */
  pathTemplate?: string;
  /** Timeout of one attempt, in ms; default 5000. */
  requestTimeoutMs?: number;
}

export type MappedAuth =
  | { type: 'none' }
  | { type: 'bearer'; token: string }
  | { type: 'basic'; username: string; password: string }
  | { type: 'apiKey'; header: string; value: string };

export interface MappedOperation {
  method: HttpMethod;
  /** URL template with `{path}` and (for get/set/delete) `{key}`. */
  url: string;
  /** Extra static headers for this operation. */
  headers?: Record<string, string>;
  /** JSON body template; `{path}`, `{key}`, `{value}` are filled in string values and property names. */
  body?: unknown;
  /** Content type of the body; default `application/json`. */
  contentType?: string;
}

export interface MappedListResponse {
  /** Where the listing is in the response (JSON Pointer); default the whole document. */
  pointer?: string;
  /** `map`: an object `{KEY: "value"}`; `entries`: an array of objects. Default `map`. */
  shape?: 'map' | 'entries';
  /** For `entries`: pointer to the key inside one entry; default `/key`. */
  keyPointer?: string;
  /** For `entries`: pointer to the value inside one entry; default `/value`. */
  valuePointer?: string;
}

export interface MappedListOperation extends MappedOperation {
  response?: MappedListResponse;
  /** Statuses meaning "nothing stored under this path yet" (an empty listing); default `[404]`. */
  emptyStatuses?: number[];
}

export interface MappedGetOperation extends MappedOperation {
  /** Pointer to the value in the response; may contain a `{key}` token. Default `/value`. */
  valuePointer?: string;
  /** Statuses meaning "no such key"; default `[404]`. A pointer that does not resolve also means "no such key". */
  notFoundStatuses?: number[];
}

export interface MappedDeleteOperation extends MappedOperation {
  /** Statuses meaning "no such key"; default `[404]`. */
  notFoundStatuses?: number[];
  /** Read the key first and raise NOT_FOUND when it is absent, for APIs that answer 2xx to deleting nothing. */
  confirmExists?: boolean;
}

export interface MappedModeConfig {
  mode: 'mapped';
  pathTemplate?: string;
  auth?: MappedAuth;
  /** Static headers on every call; encrypted and masked like credentials. */
  headers?: Record<string, string>;
  operations: {
    list: MappedListOperation;
    /** Optional: without it, a read lists the path and picks the key. */
    get?: MappedGetOperation;
    set: MappedOperation;
    delete: MappedDeleteOperation;
  };
  requestTimeoutMs?: number;
}

export type HttpRestProviderConfig = ContractModeConfig | MappedModeConfig;

export const DEFAULT_REQUEST_TIMEOUT_MS = 5000;
export const MIN_REQUEST_TIMEOUT_MS = 100;
export const MAX_REQUEST_TIMEOUT_MS = 60_000;

/** Headers this provider sets itself; configuration may not override them. */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set(['host', 'content-length', 'content-type', 'x-bella-signature', 'transfer-encoding', 'connection', 'x-request-id']);

const HEADER_NAME = '^[!#$%&\'*+.^_`|~0-9A-Za-z-]+$';
const HEADER_VALUE = '^[\\t\\x20-\\x7e\\x80-\\xff]*$';
const URL_PATTERN = '^https?://';

const pathTemplate: JsonSchema = {
  type: 'string',
  minLength: 1,
  default: DEFAULT_PATH_TEMPLATE,
  description:
    'How a scope becomes the `path` (contract mode) or `{path}` (mapped mode). Placeholders {tenant} (optional), {project} and {environment} (required, each at most once); literal text of letters, digits, "_", ".", "-" and "/". Default {project}/{environment}, e.g. "shop/production".',
  examples: ['{project}/{environment}', 'keygate/{tenant}/{project}/{environment}'],
};

const requestTimeoutMs: JsonSchema = {
  type: 'integer',
  minimum: MIN_REQUEST_TIMEOUT_MS,
  maximum: MAX_REQUEST_TIMEOUT_MS,
  default: DEFAULT_REQUEST_TIMEOUT_MS,
  description: 'Timeout of one attempt (connect, headers and body), in milliseconds. Reads are retried on timeouts, writes are not.',
};

function headerMap(description: string, secret: boolean): JsonSchema {
  return {
    type: 'object',
    description,
    additionalProperties: { type: 'string', pattern: HEADER_VALUE, maxLength: 8192, ...(secret ? { 'x-keygate-secret': true } : {}) },
  };
}

const statusList = (description: string): JsonSchema => ({
  type: 'array',
  description,
  items: { type: 'integer', minimum: 200, maximum: 599 },
  maxItems: 20,
});

function operationSchema(what: string, extra: Record<string, JsonSchema>): JsonSchema {
  return {
    type: 'object',
    description: what,
    properties: {
      method: { enum: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'], description: 'HTTP method.' },
      url: {
        type: 'string',
        pattern: URL_PATTERN,
        description:
          'URL template. {path} and {key} are percent-encoded and must each be a whole path segment ("/v1/{path}/{key}") or a whole query value ("?name={key}"); the scheme and host take no placeholders.',
      },
      headers: headerMap('Static headers for this operation only.', false),
      body: { description: 'JSON body template: "{path}", "{key}" and "{value}" are filled inside string values and property names, then the result is serialised as JSON (never text concatenation).' },
      contentType: { type: 'string', pattern: '^[a-z]+/[a-z0-9.+-]+$', default: 'application/json', description: 'Content-Type of the body, e.g. application/merge-patch+json.' },
      ...extra,
    },
    required: ['method', 'url'],
    additionalProperties: false,
  };
}

const authSchema: JsonSchema = {
  description: 'How calls authenticate. The credential fields are encrypted at rest and shown as ***ENCRYPTED***.',
  oneOf: [
    { type: 'object', title: 'None', properties: { type: { const: 'none' } }, required: ['type'], additionalProperties: false },
    {
      type: 'object',
      title: 'Bearer token',
      properties: { type: { const: 'bearer' }, token: { type: 'string', minLength: 1, pattern: HEADER_VALUE, 'x-keygate-secret': true, description: 'Sent as Authorization: Bearer <token>.' } },
      required: ['type', 'token'],
      additionalProperties: false,
    },
    {
      type: 'object',
      title: 'HTTP Basic',
      properties: {
        type: { const: 'basic' },
        username: { type: 'string', minLength: 1, pattern: '^[^:]*$', description: 'User name (no ":").' },
        password: { type: 'string', minLength: 1, 'x-keygate-secret': true, description: 'Password.' },
      },
      required: ['type', 'username', 'password'],
      additionalProperties: false,
    },
    {
      type: 'object',
      title: 'API key header',
      properties: {
        type: { const: 'apiKey' },
        header: { type: 'string', pattern: HEADER_NAME, description: 'Header name, e.g. X-Api-Key.' },
        value: { type: 'string', minLength: 1, pattern: HEADER_VALUE, 'x-keygate-secret': true, description: 'The API key.' },
      },
      required: ['type', 'header', 'value'],
      additionalProperties: false,
    },
  ],
};

const operationsSchema: JsonSchema = {
  type: 'object',
  description: 'Mapped mode: one call per operation (list, set and delete required; get optional).',
  properties: {
    list: operationSchema('Lists the secrets (keys and values) of one path.', {
      response: {
        type: 'object',
        description: 'Where the listing is in the response.',
        properties: {
          pointer: { type: 'string', default: '', description: 'JSON Pointer to the listing; empty = the whole document.' },
          shape: { enum: ['map', 'entries'], default: 'map', description: 'map: {"KEY": "value", …}; entries: [{…}, …] read with keyPointer and valuePointer.' },
          keyPointer: { type: 'string', default: '/key', description: 'For entries: JSON Pointer to the key inside one entry.' },
          valuePointer: { type: 'string', default: '/value', description: 'For entries: JSON Pointer to the value inside one entry.' },
        },
        additionalProperties: false,
      },
      emptyStatuses: statusList('Statuses meaning "nothing under this path yet" (an empty listing). Default [404].'),
    }),
    get: operationSchema('Reads one secret. Optional: without it a read lists the path and picks the key.', {
      valuePointer: { type: 'string', default: '/value', description: 'JSON Pointer to the value; a "{key}" token is replaced by the key, e.g. /values/{key}. Not resolving = not found.' },
      notFoundStatuses: statusList('Statuses meaning "no such key". Default [404].'),
    }),
    set: operationSchema('Creates or replaces one secret; its body template must contain "{value}".', {}),
    delete: operationSchema('Deletes one secret.', {
      notFoundStatuses: statusList('Statuses meaning "no such key". Default [404].'),
      confirmExists: { type: 'boolean', default: false, description: 'Read the key first and report NOT_FOUND when absent (for APIs that answer 2xx to deleting nothing).' },
    }),
  },
  required: ['list', 'set', 'delete'],
  additionalProperties: false,
};

/**
 * One object for both modes (so the host's validator names the offending field, and credential
 * marks sit in plain `properties`); `mode` decides which fields are required. Fields of the other
 * mode are refused when the session opens.
 */
export const configSchema: JsonSchema = {
  type: 'object',
  title: 'Any HTTP secret API',
  description:
    'Contract mode (default): one POST endpoint receiving {action: "list"|"get"|"set"|"delete", path, key?, value?, requestId}, signed with X-Bella-Signature, wire-compatible with custom providers written for Bella Baxter (see templates/http-provider-express). Mapped mode: an existing REST API described per operation.',
  properties: {
    mode: { enum: ['contract', 'mapped'], default: 'contract', description: 'contract (default): a signed endpoint you write; mapped: an existing REST API.' },
    url: { type: 'string', pattern: URL_PATTERN, format: 'uri', description: 'Contract mode: the endpoint every call is POSTed to, e.g. https://secrets.internal/keygate.' },
    signingSecret: {
      type: 'string',
      minLength: 16,
      'x-keygate-secret': true,
      description: 'Contract mode: shared secret for the X-Bella-Signature HMAC (t={unix seconds},v1={hex HMAC-SHA256}); the endpoint verifies it. At least 16 characters.',
    },
    headers: headerMap('Extra headers on every call, e.g. {"X-Api-Key": "…"}. Treated as credentials in both modes: encrypted at rest and masked.', true),
    pathTemplate,
    auth: authSchema,
    operations: operationsSchema,
    requestTimeoutMs,
  },
  additionalProperties: false,
  if: { properties: { mode: { const: 'mapped' } }, required: ['mode'] },
  then: { required: ['operations'] },
  else: { required: ['url', 'signingSecret'] },
};

/** Neither mode keeps versions, compare-and-set or labels; every listing carries values (batch read). */
export const capabilities: ProviderCapabilities = Object.freeze({
  versions: false,
  compareAndSet: false,
  labels: false,
  binary: false,
  batchRead: true,
});

export const HEADER_NAME_PATTERN = new RegExp(HEADER_NAME);
export const HEADER_VALUE_PATTERN = new RegExp(HEADER_VALUE);
