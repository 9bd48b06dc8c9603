/**
 * A Google Cloud Secret Manager REST emulator for tests: a real `node:http` server on 127.0.0.1
 * serving the v1 routes the official client's REST transport (google-gax fallback) calls, with
 * Google's JSON shapes and error format `{error: {code, message, status}}`.
 *
 * State is in memory. Every request needs `Authorization: Bearer <token>` (the accepted tokens can
 * be restricted). With `serviceAccounts`, a token may also be the self-signed JWT the official
 * client makes from a service-account key (RS256, `iss` = the account's email): it is verified
 * against the account's public key and its `exp`, as Google's front end does. Fault injection: {@link SecretManagerEmulator.failNext}, {@link SecretManagerEmulator.latencyMs}; call counts:
 * {@link SecretManagerEmulator.calls}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createPublicKey, verify, type KeyObject } from 'node:crypto';

const SECRET_ID = /^[A-Za-z0-9_-]{1,255}$/;
const MAX_PAYLOAD = 65_536;
const STATES = { ENABLED: 1, DISABLED: 2, DESTROYED: 3 } as const;
type State = keyof typeof STATES;
type Json = Record<string, unknown>;

interface StoredVersion {
  number: number;
  data: Buffer;
  state: State;
  createTime: string;
}

interface StoredSecret {
  project: string;
  id: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  createTime: string;
  versions: StoredVersion[];
  etag: number;
}

const HTTP_STATUS: Record<string, number> = {
  INVALID_ARGUMENT: 400,
  FAILED_PRECONDITION: 400,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  RESOURCE_EXHAUSTED: 429,
  INTERNAL: 500,
  UNIMPLEMENTED: 501,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
};

export class GoogleApiError extends Error {
  constructor(
    readonly status: string,
    message: string,
  ) {
    super(message);
  }
}

export interface Fault {
  /** Google status name, e.g. `UNAVAILABLE`, `PERMISSION_DENIED`. */
  status: string;
  /** Only requests whose route name (e.g. `AccessSecretVersion`) matches; default every route. */
  route?: string;
}

export interface EmulatorOptions {
  /** Bearer tokens accepted; default any non-empty token. */
  tokens?: readonly string[];
  /** Largest page ListSecrets returns whatever pageSize asks. */
  maxPageSize?: number;
  /** Service accounts (client_email → PEM public key) whose self-signed JWTs are accepted. */
  serviceAccounts?: Readonly<Record<string, string>>;
}

export class SecretManagerEmulator {
  readonly #secrets = new Map<string, StoredSecret>();
  readonly #calls = new Map<string, number>();
  readonly #tokens: ReadonlySet<string> | undefined;
  readonly #maxPageSize: number;
  readonly #serviceAccounts: ReadonlyMap<string, KeyObject>;
  #faults: Fault[] = [];
  #server: Server | undefined;
  #port = 0;
  /** Authorization headers seen, most recent last (for tests that check what the client sent). */
  readonly authorizations: string[] = [];
  /** Delay before every answer, in ms (benchmarks inject round-trip latency with it). */
  latencyMs = 0;
  /** TCP connections accepted so far: far fewer than requests when the client reuses connections. */
  connections = 0;
  /** Most requests in their latency delay at once since the last {@link resetCalls}. */
  maxInFlight = 0;
  #inFlight = 0;

  constructor(options: EmulatorOptions = {}) {
    this.#tokens = options.tokens === undefined ? undefined : new Set(options.tokens);
    this.#maxPageSize = options.maxPageSize ?? 25_000;
    this.#serviceAccounts = new Map(Object.entries(options.serviceAccounts ?? {}).map(([email, pem]) => [email, createPublicKey(pem)]));
  }

  static async start(options: EmulatorOptions = {}): Promise<SecretManagerEmulator> {
    const emulator = new SecretManagerEmulator(options);
    await emulator.#listen();
    return emulator;
  }

  get host(): string {
    return '127.0.0.1';
  }

  get port(): number {
    return this.#port;
  }

  /** The next `times` matching requests fail with this Google status. */
  failNext(fault: Fault, times = 1): void {
    for (let i = 0; i < times; i++) this.#faults.push(fault);
  }

  /** Requests served per route name (`CreateSecret`, `AddSecretVersion`, …); a missing route counts 0. */
  calls(route: string): number {
    return this.#calls.get(route) ?? 0;
  }

  /** Requests served per route name since the last reset. */
  callCounts(): Record<string, number> {
    return Object.fromEntries(this.#calls);
  }

  resetCalls(): void {
    this.#calls.clear();
    this.maxInFlight = 0;
    this.authorizations.length = 0;
  }

  secretIds(project: string): string[] {
    return [...this.#secrets.values()].filter((secret) => secret.project === project).map((secret) => secret.id);
  }

  /** Test view of a secret: labels, annotations and version states. */
  inspect(project: string, id: string): { labels: Record<string, string>; annotations: Record<string, string>; versions: { number: number; state: State }[] } | undefined {
    const secret = this.#secrets.get(`${project}/${id}`);
    return secret && { labels: { ...secret.labels }, annotations: { ...secret.annotations }, versions: secret.versions.map(({ number, state }) => ({ number, state })) };
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => {
      if (!this.#server) return resolve();
      this.#server.closeAllConnections();
      this.#server.close((error) => (error ? reject(error) : resolve()));
    });
  }

  async #listen(): Promise<void> {
    const server = createServer((request, response) => {
      this.#handle(request, response).catch((error: unknown) => this.#send(response, 500, { error: { code: 500, message: String(error), status: 'INTERNAL' } }));
    });
    server.on('connection', () => {
      this.connections++;
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    this.#server = server;
    this.#port = (server.address() as AddressInfo).port;
  }

  #validJwt(token: string): boolean {
    const [header, payload, signature] = token.split('.') as [string, string, string];
    try {
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { iss?: unknown; exp?: unknown };
      const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
      const key = typeof claims.iss === 'string' ? this.#serviceAccounts.get(claims.iss) : undefined;
      if (alg !== 'RS256' || key === undefined || typeof claims.exp !== 'number' || claims.exp * 1000 < Date.now()) return false;
      return verify('sha256', Buffer.from(`${header}.${payload}`), key, Buffer.from(signature, 'base64url'));
    } catch {
      return false;
    }
  }

  #send(response: ServerResponse, status: number, body: unknown): void {
    const text = JSON.stringify(body);
    response.writeHead(status, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (this.latencyMs > 0) {
      this.maxInFlight = Math.max(this.maxInFlight, ++this.#inFlight);
      try {
        await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
      } finally {
        this.#inFlight--;
      }
    }
    const url = new URL(request.url ?? '/', 'http://127.0.0.1');
    const numericEnums = (url.searchParams.get('$alt') ?? '').includes('enum-encoding=int');
    let route = 'Unknown';
    try {
      const path = decodeURIComponent(url.pathname);
      const method = request.method ?? 'GET';
      const match = this.#route(method, path);
      route = match.route;
      this.#calls.set(route, (this.#calls.get(route) ?? 0) + 1);

      const authorization = request.headers.authorization ?? '';
      this.authorizations.push(authorization);
      const token = /^Bearer (\S+)$/.exec(authorization)?.[1];
      if (token === undefined) throw new GoogleApiError('UNAUTHENTICATED', 'Request is missing required authentication credential. Expected OAuth 2 access token.');
      const accepted = this.#serviceAccounts.size > 0 && token.split('.').length === 3 ? this.#validJwt(token) : this.#tokens === undefined || this.#tokens.has(token);
      if (!accepted) throw new GoogleApiError('UNAUTHENTICATED', 'Request had invalid authentication credentials.');

      const fault = this.#faults.findIndex((candidate) => candidate.route === undefined || candidate.route === route);
      if (fault >= 0) {
        const [{ status }] = this.#faults.splice(fault, 1) as [Fault];
        throw new GoogleApiError(status, `injected ${status}`);
      }

      let body: Json = {};
      if (chunks.length > 0) {
        const text = Buffer.concat(chunks).toString('utf8');
        if (text !== '') {
          try {
            body = JSON.parse(text) as Json;
          } catch {
            throw new GoogleApiError('INVALID_ARGUMENT', 'Invalid JSON payload received.');
          }
        }
      }
      const result = match.run(body, url.searchParams, numericEnums);
      this.#send(response, 200, result);
    } catch (error) {
      if (error instanceof GoogleApiError) {
        const code = HTTP_STATUS[error.status] ?? 500;
        this.#send(response, code, { error: { code, message: error.message, status: error.status } });
        return;
      }
      throw error;
    }
  }

  #route(method: string, path: string): { route: string; run: (body: Json, query: URLSearchParams, numericEnums: boolean) => unknown } {
    let m: RegExpExecArray | null;
    if ((m = /^\/v1\/projects\/([^/]+)\/secrets$/.exec(path))) {
      const project = m[1]!;
      if (method === 'POST') return { route: 'CreateSecret', run: (body, query) => this.#createSecret(project, query.get('secretId') ?? '', body) };
      if (method === 'GET') return { route: 'ListSecrets', run: (_, query) => this.#listSecrets(project, query) };
    }
    if ((m = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)$/.exec(path))) {
      const [, project, id] = m as unknown as [string, string, string];
      if (method === 'GET') return { route: 'GetSecret', run: () => this.#secretJson(this.#secret(project, id)) };
      if (method === 'PATCH') return { route: 'UpdateSecret', run: (body, query) => this.#updateSecret(project, id, body, query) };
      if (method === 'DELETE')
        return {
          route: 'DeleteSecret',
          run: () => {
            this.#secret(project, id);
            this.#secrets.delete(`${project}/${id}`);
            return {};
          },
        };
    }
    if ((m = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+):addVersion$/.exec(path)) && method === 'POST') {
      const [, project, id] = m as unknown as [string, string, string];
      return { route: 'AddSecretVersion', run: (body, _, numeric) => this.#addVersion(project, id, body, numeric) };
    }
    if ((m = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)\/versions$/.exec(path)) && method === 'GET') {
      const [, project, id] = m as unknown as [string, string, string];
      return {
        route: 'ListSecretVersions',
        run: (_, __, numeric) => {
          const secret = this.#secret(project, id);
          const versions = [...secret.versions].reverse().map((version) => this.#versionJson(secret, version, numeric));
          return versions.length === 0 ? {} : { versions, totalSize: versions.length };
        },
      };
    }
    if ((m = /^\/v1\/projects\/([^/]+)\/secrets\/([^/:]+)\/versions\/([^/:]+)(:access|:disable|:enable)?$/.exec(path))) {
      const [, project, id, which, action] = m as unknown as [string, string, string, string, string | undefined];
      if (action === ':access' && method === 'GET') {
        return {
          route: 'AccessSecretVersion',
          run: () => {
            const secret = this.#secret(project, id);
            const version = this.#version(secret, which);
            if (version.state !== 'ENABLED') throw new GoogleApiError('FAILED_PRECONDITION', `${this.#versionName(secret, version)} is in ${version.state} state.`);
            return { name: this.#versionName(secret, version), payload: { data: version.data.toString('base64'), dataCrc32c: String(crc32c(version.data)) } };
          },
        };
      }
      if ((action === ':disable' || action === ':enable') && method === 'POST') {
        return {
          route: action === ':disable' ? 'DisableSecretVersion' : 'EnableSecretVersion',
          run: (_, __, numeric) => {
            const secret = this.#secret(project, id);
            const version = this.#version(secret, which);
            if (version.state === 'DESTROYED') throw new GoogleApiError('FAILED_PRECONDITION', 'version is destroyed');
            version.state = action === ':disable' ? 'DISABLED' : 'ENABLED';
            return this.#versionJson(secret, version, numeric);
          },
        };
      }
      if (action === undefined && method === 'GET') {
        return {
          route: 'GetSecretVersion',
          run: (_, __, numeric) => {
            const secret = this.#secret(project, id);
            return this.#versionJson(secret, this.#version(secret, which), numeric);
          },
        };
      }
    }
    return {
      route: 'Unknown',
      run: () => {
        throw new GoogleApiError('NOT_FOUND', `${method} ${path} is not a route of this emulator`);
      },
    };
  }

  #secret(project: string, id: string): StoredSecret {
    const secret = this.#secrets.get(`${project}/${id}`);
    if (!secret) throw new GoogleApiError('NOT_FOUND', `Secret [projects/${project}/secrets/${id}] not found.`);
    return secret;
  }

  #version(secret: StoredSecret, which: string): StoredVersion {
    const version = which === 'latest' ? secret.versions.at(-1) : /^\d+$/.test(which) ? secret.versions.find((candidate) => candidate.number === Number(which)) : undefined;
    if (!version) throw new GoogleApiError('NOT_FOUND', `Secret Version [projects/${secret.project}/secrets/${secret.id}/versions/${which}] not found.`);
    return version;
  }

  #versionName(secret: StoredSecret, version: StoredVersion): string {
    return `projects/${secret.project}/secrets/${secret.id}/versions/${version.number}`;
  }

  #secretJson(secret: StoredSecret): Json {
    return {
      name: `projects/${secret.project}/secrets/${secret.id}`,
      replication: { automatic: {} },
      createTime: secret.createTime,
      ...(Object.keys(secret.labels).length === 0 ? {} : { labels: secret.labels }),
      ...(Object.keys(secret.annotations).length === 0 ? {} : { annotations: secret.annotations }),
      etag: `"${secret.etag}"`,
    };
  }

  #versionJson(secret: StoredSecret, version: StoredVersion, numericEnums: boolean): Json {
    return {
      name: this.#versionName(secret, version),
      createTime: version.createTime,
      state: numericEnums ? STATES[version.state] : version.state,
      replicationStatus: { automatic: {} },
      etag: `"${secret.etag}-${version.number}"`,
    };
  }

  #checkLabels(labels: unknown): Record<string, string> {
    if (labels === undefined) return {};
    if (typeof labels !== 'object' || labels === null) throw new GoogleApiError('INVALID_ARGUMENT', 'labels must be a map');
    const entries = Object.entries(labels as Record<string, unknown>);
    for (const [key, value] of entries) {
      if (!/^\p{Ll}[\p{Ll}\p{Lo}\p{N}_-]{0,62}$/u.test(key) || typeof value !== 'string' || !/^[\p{Ll}\p{Lo}\p{N}_-]{0,63}$/u.test(value)) {
        throw new GoogleApiError('INVALID_ARGUMENT', `Invalid label: ${key}`);
      }
    }
    if (entries.length > 64) throw new GoogleApiError('INVALID_ARGUMENT', 'too many labels');
    return Object.fromEntries(entries) as Record<string, string>;
  }

  #createSecret(project: string, id: string, body: Json): Json {
    if (!SECRET_ID.test(id)) throw new GoogleApiError('INVALID_ARGUMENT', 'Invalid secret id.');
    const replication = body.replication as Json | undefined;
    if (!replication || (replication.automatic === undefined && replication.userManaged === undefined)) throw new GoogleApiError('INVALID_ARGUMENT', 'Secret.replication is required.');
    if (this.#secrets.has(`${project}/${id}`)) throw new GoogleApiError('ALREADY_EXISTS', `Secret [projects/${project}/secrets/${id}] already exists.`);
    const secret: StoredSecret = {
      project,
      id,
      labels: this.#checkLabels(body.labels),
      annotations: { ...((body.annotations as Record<string, string> | undefined) ?? {}) },
      createTime: new Date().toISOString(),
      versions: [],
      etag: 1,
    };
    this.#secrets.set(`${project}/${id}`, secret);
    return this.#secretJson(secret);
  }

  #updateSecret(project: string, id: string, body: Json, query: URLSearchParams): Json {
    const secret = this.#secret(project, id);
    const mask = (query.get('updateMask') ?? '').split(',').filter((path) => path !== '');
    if (mask.length === 0) throw new GoogleApiError('INVALID_ARGUMENT', 'update_mask is required.');
    for (const path of mask) {
      if (path === 'labels') secret.labels = this.#checkLabels(body.labels);
      else if (path === 'annotations') secret.annotations = { ...((body.annotations as Record<string, string> | undefined) ?? {}) };
      else throw new GoogleApiError('INVALID_ARGUMENT', `update_mask path ${path} is not supported`);
    }
    secret.etag++;
    return this.#secretJson(secret);
  }

  #addVersion(project: string, id: string, body: Json, numericEnums: boolean): Json {
    const secret = this.#secret(project, id);
    const payload = body.payload as { data?: unknown; dataCrc32c?: unknown } | undefined;
    const data = typeof payload?.data === 'string' ? Buffer.from(payload.data, 'base64') : Buffer.alloc(0);
    if (data.length > MAX_PAYLOAD) throw new GoogleApiError('INVALID_ARGUMENT', 'Secret payload data too large.');
    if (payload?.dataCrc32c !== undefined && String(payload.dataCrc32c) !== String(crc32c(data))) throw new GoogleApiError('INVALID_ARGUMENT', 'Checksum mismatch.');
    const version: StoredVersion = { number: (secret.versions.at(-1)?.number ?? 0) + 1, data, state: 'ENABLED', createTime: new Date().toISOString() };
    secret.versions.push(version);
    return this.#versionJson(secret, version, numericEnums);
  }

  #listSecrets(project: string, query: URLSearchParams): Json {
    const filter = parseFilter(query.get('filter') ?? '');
    const all = [...this.#secrets.values()].filter((secret) => secret.project === project && filter(secret)).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const size = Math.min(Number(query.get('pageSize') ?? '') || this.#maxPageSize, this.#maxPageSize);
    const start = Number(query.get('pageToken') || '0');
    if (!Number.isInteger(start) || start < 0) throw new GoogleApiError('INVALID_ARGUMENT', 'Invalid page token.');
    const page = all.slice(start, start + size);
    const next = start + size < all.length ? String(start + size) : undefined;
    return { ...(page.length === 0 ? {} : { secrets: page.map((secret) => this.#secretJson(secret)) }), ...(next === undefined ? {} : { nextPageToken: next }), totalSize: all.length };
  }
}

/** The filter subset used here: space-separated terms, all must hold: `name:text`, `labels.key=value`, `labels.key:value`, `labels.key:*`. */
function parseFilter(filter: string): (secret: StoredSecret) => boolean {
  const terms = filter.split(/\s+/).filter((term) => term !== '' && term.toUpperCase() !== 'AND');
  const tests = terms.map((term): ((secret: StoredSecret) => boolean) => {
    let m: RegExpExecArray | null;
    if ((m = /^name:(.+)$/.exec(term))) {
      const text = m[1]!;
      return (secret) => secret.id.includes(text);
    }
    if ((m = /^labels\.([^:=]+)([:=])(.+)$/.exec(term))) {
      const [, key, op, value] = m as unknown as [string, string, string, string];
      return (secret) => key in secret.labels && (op === ':' && value === '*' ? true : op === ':' ? secret.labels[key]!.includes(value) : secret.labels[key] === value);
    }
    throw new GoogleApiError('INVALID_ARGUMENT', `Invalid filter: ${term}`);
  });
  return (secret) => tests.every((test) => test(secret));
}

const CRC32C_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

/** CRC32C (Castagnoli), as Secret Manager's dataCrc32c. */
export function crc32c(data: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC32C_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
