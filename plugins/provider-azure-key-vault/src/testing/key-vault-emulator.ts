import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/**
 * An Azure Key Vault secrets protocol emulator (node:http on 127.0.0.1:0) for tests driving the
 * real @azure/keyvault-secrets client. It speaks the REST shapes of the service:
 *
 * - the challenge flow: a request without a token gets 401 + `WWW-Authenticate: Bearer
 *   authorization="https://login.microsoftonline.com/{tenant}", resource="https://vault.azure.net"`;
 *   afterwards `Authorization: Bearer {token}` must carry the accepted token;
 * - `api-version` is required on every request;
 * - `PUT /secrets/{name}`, `GET /secrets/{name}[/{version}]`, `GET /secrets` and
 *   `GET /secrets/{name}/versions` (paged with `nextLink`), `PATCH /secrets/{name}/{version}`,
 *   `DELETE /secrets/{name}` (soft delete), `GET|DELETE /deletedsecrets/{name}` (get / purge),
 *   `POST /deletedsecrets/{name}/recover`;
 * - names are case-insensitive (the stored spelling is returned), as in Azure;
 * - errors are `{error: {code, message}}`; a name held by a deleted secret answers 409 `Conflict`.
 *
 * It also answers the managed-identity token endpoint of the Azure Instance Metadata Service
 * (`GET /metadata/identity/oauth2/token`, header `Metadata: true`), handing out the accepted token
 * for the identities in `managedIdentities`, so the real `ManagedIdentityCredential` can be used:
 * point `AZURE_POD_IDENTITY_AUTHORITY_HOST` (read by @azure/identity) at {@link vaultUrl}.
 *
 * Fault injection: {@link throttle} (429 + Retry-After), {@link failNext} (any status), purge
 * protection, and a number of 404 polls before a deleted secret becomes visible. {@link calls}
 * counts requests by `METHOD route`.
 */
export interface EmulatorOptions {
  /** The token the emulator accepts. Default `emulator-token`. */
  token?: string;
  /** The tenant named in the challenge. Default `tenant`. */
  tenant?: string;
  /** Items per listing page. Default 5, so tests page. */
  pageSize?: number;
  /**
   * Client ids of user-assigned identities the metadata endpoint issues tokens for; `system` stands
   * for the system-assigned identity (no client_id). Default `['system']`.
   */
  managedIdentities?: readonly string[];
}

interface Version {
  version: string;
  value: string;
  tags: Record<string, string> | undefined;
  contentType: string | undefined;
  enabled: boolean;
  created: number;
  updated: number;
}

interface Entry {
  name: string;
  versions: Version[];
  deletedDate?: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

const NAME = /^[0-9A-Za-z-]{1,127}$/;
const MAX_VALUE_BYTES = 25_600;

export class KeyVaultEmulator {
  readonly #server: Server;
  readonly #secrets = new Map<string, Entry>();
  readonly #deleted = new Map<string, Entry>();
  readonly #deletedPollsLeft = new Map<string, number>();
  readonly #token: string;
  readonly #tenant: string;
  readonly #managedIdentities: ReadonlySet<string>;
  readonly pageSize: number;
  /** Tokens handed out by the managed-identity endpoint. */
  identityTokensIssued = 0;
  /** Requests by `METHOD route`, e.g. `PUT /secrets/{name}`, including refused ones. */
  readonly calls = new Map<string, number>();
  /** `api-version` values seen. */
  readonly apiVersions = new Set<string>();
  /** Requests answered 401 because no token came (the challenge) or a wrong one did. */
  challenges = 0;
  rejectedTokens = 0;
  /** Purge answers 403, as with purge protection on. */
  purgeProtection = false;
  /** How many GET /deletedsecrets/{name} polls answer 404 after a delete, as while Azure is still deleting. */
  deletedSecretLag = 0;
  /** Delay before answering each authenticated request, in ms. */
  latencyMs = 0;
  /** TCP connections accepted so far: far fewer than requests when the client reuses connections. */
  connections = 0;
  /** Most authenticated requests in flight at once since the last {@link resetCounts}. */
  maxInFlight = 0;
  #inFlight = 0;
  #throttleLeft = 0;
  #retryAfterSeconds = 0;
  #failures: number[] = [];
  #clock = Math.floor(Date.now() / 1000);

  private constructor(options: EmulatorOptions) {
    this.#token = options.token ?? 'emulator-token';
    this.#tenant = options.tenant ?? 'tenant';
    this.pageSize = options.pageSize ?? 5;
    this.#managedIdentities = new Set(options.managedIdentities ?? ['system']);
    this.#server = createServer((req, res) => void this.#handle(req, res));
    this.#server.on('connection', () => {
      this.connections++;
    });
  }

  static async start(options: EmulatorOptions = {}): Promise<KeyVaultEmulator> {
    const emulator = new KeyVaultEmulator(options);
    await new Promise<void>((resolve) => emulator.#server.listen(0, '127.0.0.1', resolve));
    return emulator;
  }

  get vaultUrl(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  get token(): string {
    return this.#token;
  }

  /** The next `count` authenticated requests answer 429 with `Retry-After: {seconds}`. */
  throttle(count: number, retryAfterSeconds = 0): void {
    this.#throttleLeft = count;
    this.#retryAfterSeconds = retryAfterSeconds;
  }

  /** The next authenticated requests answer these statuses, one each. */
  failNext(...statuses: number[]): void {
    this.#failures.push(...statuses);
  }

  count(route: string): number {
    return this.calls.get(route) ?? 0;
  }

  resetCounts(): void {
    this.calls.clear();
    this.challenges = 0;
    this.rejectedTokens = 0;
    this.maxInFlight = 0;
  }

  /** Names of live secrets (stored spelling), for assertions. */
  names(): string[] {
    return [...this.#secrets.values()].map((entry) => entry.name);
  }

  deletedNames(): string[] {
    return [...this.#deleted.values()].map((entry) => entry.name);
  }

  close(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve, reject) => this.#server.close((error) => (error ? reject(error) : resolve())));
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', this.vaultUrl);
    if (/^\/metadata\/identity\/oauth2\/token\/?$/.test(url.pathname)) return this.#identityToken(req, res, url);
    const segments = url.pathname.split('/').filter((segment) => segment !== '').map(decodeURIComponent);
    const method = req.method ?? 'GET';
    const route = routeOf(method, segments);
    this.calls.set(route, (this.calls.get(route) ?? 0) + 1);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    try {
      const auth = req.headers.authorization;
      if (auth === undefined || auth !== `Bearer ${this.#token}`) {
        if (auth === undefined) this.challenges++;
        else this.rejectedTokens++;
        res.setHeader('WWW-Authenticate', `Bearer authorization="https://login.microsoftonline.com/${this.#tenant}", resource="https://vault.azure.net"`);
        throw new HttpError(401, 'Unauthorized', auth === undefined ? 'AKV10000: Request is missing a Bearer or PoP token.' : 'AKV10032: Invalid token.');
      }
      const apiVersion = url.searchParams.get('api-version');
      if (apiVersion === null || apiVersion === '') throw new HttpError(400, 'BadParameter', 'The api-version query parameter is required.');
      this.apiVersions.add(apiVersion);
      this.#inFlight++;
      this.maxInFlight = Math.max(this.maxInFlight, this.#inFlight);
      try {
        if (this.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      } finally {
        this.#inFlight--;
      }
      if (this.#throttleLeft > 0) {
        this.#throttleLeft--;
        res.setHeader('Retry-After', String(this.#retryAfterSeconds));
        throw new HttpError(429, 'Throttled', 'Request was not processed because too many requests were received.');
      }
      const failure = this.#failures.shift();
      if (failure !== undefined) throw new HttpError(failure, failure >= 500 ? 'InternalServerError' : 'Failure', 'Injected failure.');
      const body = chunks.length === 0 ? undefined : (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
      const [status, payload] = this.#route(method, segments, url, body);
      send(res, status, payload);
    } catch (error) {
      if (error instanceof HttpError) send(res, error.status, { error: { code: error.code, message: error.message } });
      else send(res, 500, { error: { code: 'InternalServerError', message: 'emulator error' } });
    }
  }

  /** IMDS: `Metadata: true` is required; an unknown identity is refused with 400 as the real endpoint does. */
  #identityToken(req: IncomingMessage, res: ServerResponse, url: URL): void {
    if (req.headers.metadata !== 'true') return send(res, 400, { error: 'invalid_request', error_description: 'Required metadata header not specified' });
    const resource = url.searchParams.get('resource');
    if (resource !== 'https://vault.azure.net') return send(res, 400, { error: 'invalid_resource', error_description: 'AADSTS500011: The resource principal was not found.' });
    const clientId = url.searchParams.get('client_id') ?? 'system';
    if (!this.#managedIdentities.has(clientId)) return send(res, 400, { error: 'invalid_request', error_description: 'Identity not found' });
    this.identityTokensIssued++;
    const now = Math.floor(Date.now() / 1000);
    send(res, 200, {
      access_token: this.#token,
      client_id: clientId === 'system' ? randomBytes(16).toString('hex') : clientId,
      expires_in: '3600',
      expires_on: String(now + 3600),
      ext_expires_in: '3600',
      not_before: String(now),
      resource,
      token_type: 'Bearer',
    });
  }

  #route(method: string, [collection, name, third, fourth]: string[], url: URL, body: Record<string, unknown> | undefined): [number, unknown] {
    if (collection === 'secrets' && name === undefined && method === 'GET') return [200, this.#list(url)];
    if (collection === 'secrets' && name !== undefined) {
      if (method === 'PUT' && third === undefined) return [200, this.#set(name, body ?? {})];
      if (method === 'GET' && third === 'versions' && fourth === undefined) return [200, this.#listVersions(name, url)];
      if (method === 'GET') return [200, this.#bundle(this.#live(name), this.#version(name, third), true)];
      if (method === 'PATCH' && third !== undefined) return [200, this.#patch(name, third, body ?? {})];
      if (method === 'DELETE' && third === undefined) return [200, this.#delete(name)];
    }
    if (collection === 'deletedsecrets' && name !== undefined) {
      if (method === 'GET' && third === undefined) return [200, this.#deletedBundle(this.#deletedEntry(name))];
      if (method === 'DELETE' && third === undefined) {
        this.#purge(name);
        return [204, undefined];
      }
      if (method === 'POST' && third === 'recover') return [200, this.#recover(name)];
    }
    throw new HttpError(400, 'BadParameter', `unsupported operation ${method} ${url.pathname}`);
  }

  #now(): number {
    this.#clock = Math.max(this.#clock, Math.floor(Date.now() / 1000));
    return this.#clock;
  }

  #live(name: string): Entry {
    const entry = this.#secrets.get(name.toLowerCase());
    if (!entry) throw new HttpError(404, 'SecretNotFound', `A secret with (name/id) ${name} was not found in this key vault.`);
    return entry;
  }

  #version(name: string, version: string | undefined): Version {
    const entry = this.#live(name);
    const found = version === undefined || version === '' ? entry.versions.at(-1) : entry.versions.find((candidate) => candidate.version === version);
    if (!found) throw new HttpError(404, 'SecretNotFound', `A secret with (name/id) ${name}/${version ?? ''} was not found in this key vault.`);
    if (!found.enabled) throw new HttpError(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.');
    return found;
  }

  #set(name: string, body: Record<string, unknown>): unknown {
    if (!NAME.test(name)) throw new HttpError(400, 'BadParameter', 'The request URI contains an invalid name.');
    const key = name.toLowerCase();
    if (this.#deleted.has(key)) throw new HttpError(409, 'Conflict', `Secret ${name} is currently in a deleted but recoverable state, and its name cannot be reused.`);
    if (typeof body.value !== 'string') throw new HttpError(400, 'BadParameter', 'Property value is required.');
    if (Buffer.byteLength(body.value, 'utf8') > MAX_VALUE_BYTES) throw new HttpError(400, 'BadParameter', 'The secret value is too large.');
    const entry = this.#secrets.get(key) ?? { name, versions: [] };
    const now = this.#now();
    const attributes = (body.attributes ?? {}) as { enabled?: boolean };
    const version: Version = {
      version: randomBytes(16).toString('hex'),
      value: body.value,
      tags: body.tags as Record<string, string> | undefined,
      contentType: body.contentType as string | undefined,
      enabled: attributes.enabled ?? true,
      created: now,
      updated: now,
    };
    entry.versions.push(version);
    this.#secrets.set(key, entry);
    return this.#bundle(entry, version, true);
  }

  #patch(name: string, versionId: string, body: Record<string, unknown>): unknown {
    const entry = this.#live(name);
    const version = entry.versions.find((candidate) => candidate.version === versionId);
    if (!version) throw new HttpError(404, 'SecretNotFound', `A secret with (name/id) ${name}/${versionId} was not found in this key vault.`);
    if (body.tags !== undefined) version.tags = body.tags as Record<string, string>;
    if (body.contentType !== undefined) version.contentType = body.contentType as string;
    const attributes = body.attributes as { enabled?: boolean } | undefined;
    if (attributes?.enabled !== undefined) version.enabled = attributes.enabled;
    version.updated = this.#now();
    return this.#bundle(entry, version, false);
  }

  #delete(name: string): unknown {
    const entry = this.#live(name);
    this.#secrets.delete(name.toLowerCase());
    entry.deletedDate = this.#now();
    this.#deleted.set(name.toLowerCase(), entry);
    if (this.deletedSecretLag > 0) this.#deletedPollsLeft.set(name.toLowerCase(), this.deletedSecretLag);
    return this.#deletedBundle(entry);
  }

  #deletedEntry(name: string): Entry {
    const key = name.toLowerCase();
    const entry = this.#deleted.get(key);
    const lag = this.#deletedPollsLeft.get(key) ?? 0;
    if (entry && lag > 0) this.#deletedPollsLeft.set(key, lag - 1);
    if (!entry || lag > 0) throw new HttpError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
    return entry;
  }

  #purge(name: string): void {
    if (this.purgeProtection) throw new HttpError(403, 'Forbidden', 'Operation "purge" is not allowed because purge protection is enabled for this vault.');
    const key = name.toLowerCase();
    if (!this.#deleted.delete(key)) throw new HttpError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
    this.#deletedPollsLeft.delete(key);
  }

  #recover(name: string): unknown {
    const key = name.toLowerCase();
    const entry = this.#deleted.get(key);
    if (!entry) throw new HttpError(404, 'SecretNotFound', `Deleted Secret not found: ${name}`);
    this.#deleted.delete(key);
    delete entry.deletedDate;
    this.#secrets.set(key, entry);
    return this.#bundle(entry, entry.versions.at(-1)!, false);
  }

  #bundle(entry: Entry, version: Version, withValue: boolean): Record<string, unknown> {
    return {
      ...(withValue ? { value: version.value } : {}),
      id: `${this.vaultUrl}/secrets/${entry.name}/${version.version}`,
      attributes: { enabled: version.enabled, created: version.created, updated: version.updated, recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 },
      ...(version.tags === undefined ? {} : { tags: version.tags }),
      ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
    };
  }

  #deletedBundle(entry: Entry): unknown {
    const latest = entry.versions.at(-1)!;
    const deletedDate = entry.deletedDate ?? this.#now();
    return {
      ...this.#bundle(entry, latest, false),
      recoveryId: `${this.vaultUrl}/deletedsecrets/${entry.name}`,
      deletedDate,
      scheduledPurgeDate: deletedDate + 90 * 86_400,
    };
  }

  #page(items: unknown[], url: URL): { value: unknown[]; nextLink: string | null } {
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const size = Math.min(Number(url.searchParams.get('maxresults') ?? this.pageSize) || this.pageSize, this.pageSize);
    const value = items.slice(skip, skip + size);
    let nextLink: string | null = null;
    if (skip + size < items.length) {
      const next = new URL(url.pathname, this.vaultUrl);
      next.searchParams.set('api-version', url.searchParams.get('api-version') ?? '');
      next.searchParams.set('$skiptoken', String(skip + size));
      next.searchParams.set('maxresults', String(size));
      nextLink = next.toString();
    }
    return { value, nextLink };
  }

  #item(entry: Entry, version: Version, withVersion: boolean): unknown {
    return {
      id: `${this.vaultUrl}/secrets/${entry.name}${withVersion ? `/${version.version}` : ''}`,
      attributes: { enabled: version.enabled, created: version.created, updated: version.updated, recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 },
      ...(version.tags === undefined ? {} : { tags: version.tags }),
      ...(version.contentType === undefined ? {} : { contentType: version.contentType }),
    };
  }

  #list(url: URL): unknown {
    const entries = [...this.#secrets.values()].sort((a, b) => a.name.localeCompare(b.name));
    return this.#page(entries.map((entry) => this.#item(entry, entry.versions.at(-1)!, false)), url);
  }

  #listVersions(name: string, url: URL): unknown {
    const entry = this.#live(name);
    return this.#page(entry.versions.map((version) => this.#item(entry, version, true)), url);
  }
}

function routeOf(method: string, [collection, name, third]: string[]): string {
  if (collection === undefined) return `${method} /`;
  if (name === undefined) return `${method} /${collection}`;
  if (third === undefined) return `${method} /${collection}/{name}`;
  if (third === 'versions' || third === 'recover') return `${method} /${collection}/{name}/${third}`;
  return `${method} /${collection}/{name}/{version}`;
}

function send(res: ServerResponse, status: number, payload: unknown): void {
  if (payload === undefined) {
    res.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(payload);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'x-ms-keyvault-service-version': '1.9.0', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}
