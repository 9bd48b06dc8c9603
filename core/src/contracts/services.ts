import type { Keyring } from '../crypto/keyring.js';

/**
 * Services the host hands to plugins. Plugins never read environment variables or the host's
 * configuration: whatever they need arrives through these.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export interface Clock {
  now(): Date;
}

export interface SqlResult<Row> {
  rows: Row[];
  rowCount: number;
}

/** Parameterised SQL against the host's PostgreSQL (`$1`, `$2`, … placeholders). */
export interface SqlClient {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<SqlResult<Row>>;
  /** Runs `work` in one transaction; it commits when the promise resolves and rolls back when it rejects. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
}

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Overrides the client's default total timeout. */
  timeoutMs?: number;
  /**
   * Follow redirects: `true` for up to 3, or a number of hops (at most 5). Off by default: a 3xx
   * is returned as it is. Every hop is checked like the first (https, address policy); headers
   * other than accept/user-agent/content-type are dropped when the origin changes.
   */
  followRedirects?: boolean | number;
  /** Lowers the client's response size limit for this request (it cannot raise it). */
  maxResponseBytes?: number;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
  text(): string;
  json(): unknown;
}

/**
 * The one outbound HTTP client (timeouts, size limits, no redirects unless asked, address policy).
 * Its failures are KeygateErrors whose `extensions.outbound` says why: `policy` (the URL or the
 * address it resolves to is not allowed; not retryable), `timeout`, `unreachable`, `too-large`,
 * `invalid-response` or `invalid-request`.
 */
export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

/** Everything a plugin factory may ask for. */
export interface PluginServices {
  logger: Logger;
  clock: Clock;
  keyring: Keyring;
  sql: SqlClient;
  http: HttpClient;
}

export type PluginServiceName = keyof PluginServices;
