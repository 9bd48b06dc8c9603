/**
 * A Vault protocol emulator for tests: a real node:http server speaking the subset of Vault's HTTP
 * API this plugin uses, with Vault's JSON shapes and error texts, so tests drive the real node-vault
 * client over the wire. Not a security boundary; test use only.
 *
 * Implemented: `X-Vault-Token` auth (403 `permission denied` on a missing/unknown/expired token),
 * `X-Vault-Namespace` (each namespace a separate store), KV v2 under the configured mounts —
 * `POST|PUT {mount}/data/{path}` (`options.cas` enforced, max 10 versions kept),
 * `GET {mount}/data/{path}?version=`, `LIST` / `GET ?list=true` on `{mount}/metadata/{path}`,
 * `GET|POST|PUT|DELETE {mount}/metadata/{path}` — plus `POST auth/approle/login`,
 * `POST auth/kubernetes/login` (the service-account JWT verified against the configured public
 * keys, as Vault's `pem_keys` does, then the role's bound service accounts and namespaces),
 * `GET auth/token/lookup-self` and `POST auth/token/renew-self`. Issued tokens have a TTL, a max
 * TTL and a renewable flag, measured on the emulator's clock (`now`, which tests can drive).
 * Faults: {@link VaultEmulator.failNext}, {@link VaultEmulator.latencyMs}.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createPublicKey, randomBytes, randomUUID, verify, type KeyObject } from 'node:crypto';
import type { AddressInfo } from 'node:net';

/** How the tokens a login issues behave. */
export interface EmulatorTokenPolicy {
  /** lease_duration of issued tokens, in seconds; default 3600. */
  ttlSeconds?: number;
  /** Renewals never extend a token past this many seconds after its issue; default 32 days (Vault's default max TTL). */
  maxTtlSeconds?: number;
  /** Default true, as for AppRole and Kubernetes tokens. */
  renewable?: boolean;
}

export interface EmulatorAppRole extends EmulatorTokenPolicy {
  roleId: string;
  secretId: string;
}

export interface EmulatorKubernetesRole extends EmulatorTokenPolicy {
  name: string;
  boundServiceAccountNames: string[];
  boundServiceAccountNamespaces: string[];
}

export interface EmulatorKubernetesAuth {
  /** PEM public keys that service-account JWTs must be signed with (RS256). */
  publicKeys: string[];
  roles: EmulatorKubernetesRole[];
}

export interface VaultEmulatorOptions {
  /** Tokens accepted everywhere (like root tokens). Default `['root-token']`. */
  tokens?: string[];
  appRoles?: EmulatorAppRole[];
  /** The Kubernetes auth method, mounted at `auth/kubernetes`. */
  kubernetes?: EmulatorKubernetesAuth;
  /** The emulator's clock in epoch milliseconds (token expiry and renewal); default `Date.now`. */
  now?: () => number;
  /** KV v2 mounts; default `['secret']`. */
  mounts?: string[];
  /** Versions kept per key, like Vault's default `max_versions` of 10. */
  maxVersions?: number;
}

interface IssuedToken {
  ttlSeconds: number;
  expiresAt: number;
  maxExpiresAt: number;
  renewable: boolean;
  issuedAt: number;
}

interface Version {
  data: Record<string, unknown>;
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

interface Entry {
  versions: Map<number, Version>;
  current: number;
  oldest: number;
  customMetadata: Record<string, string> | null;
  created_time: string;
  updated_time: string;
  casRequired: boolean;
}

/** Counts of the requests the emulator answered, by `METHOD kind` (e.g. `GET data`, `LIST metadata`). */
export interface EmulatorStats {
  requests: Record<string, number>;
  /** Most data reads (`GET data`) in flight at once. */
  maxConcurrentDataReads: number;
  logins: number;
  /** Successful `renew-self` calls. */
  renewals: number;
  /** Requests answered with an injected failure (not counted in `requests`). */
  faultsServed: number;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly errors: string[],
  ) {
    super(errors.join('; '));
  }
}

const CAS_MISMATCH = 'check-and-set parameter did not match the current version';
const MAX_BODY_BYTES = 32 * 1024 * 1024;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const now = (): string => new Date().toISOString();
const DEFAULT_MAX_TTL_SECONDS = 32 * 24 * 3600;

export class VaultEmulator {
  /** Delay before every answer, in milliseconds. */
  latencyMs = 0;
  /** TCP connections accepted so far: far fewer than requests when the client reuses connections. */
  connections = 0;
  stats: EmulatorStats = { requests: {}, maxConcurrentDataReads: 0, logins: 0, renewals: 0, faultsServed: 0 };
  readonly #server: Server;
  readonly #tokens: Set<string>;
  readonly #issued = new Map<string, IssuedToken>();
  readonly #appRoles: EmulatorAppRole[];
  readonly #kubernetesRoles: EmulatorKubernetesRole[];
  readonly #kubernetesKeys: KeyObject[];
  readonly #now: () => number;
  readonly #mounts: string[];
  readonly #maxVersions: number;
  // namespace → mount → path → entry
  readonly #stores = new Map<string, Map<string, Map<string, Entry>>>();
  #faults: Array<{ status: number }> = [];
  #dataReadsInFlight = 0;

  private constructor(options: VaultEmulatorOptions) {
    this.#tokens = new Set(options.tokens ?? ['root-token']);
    this.#appRoles = options.appRoles ?? [];
    this.#kubernetesRoles = options.kubernetes?.roles ?? [];
    this.#kubernetesKeys = (options.kubernetes?.publicKeys ?? []).map((pem) => createPublicKey(pem));
    this.#now = options.now ?? Date.now;
    this.#mounts = [...(options.mounts ?? ['secret'])].sort((a, b) => b.length - a.length);
    this.#maxVersions = options.maxVersions ?? 10;
    this.#server = createServer((request, response) => {
      void this.#handle(request, response);
    });
    this.#server.on('connection', () => {
      this.connections++;
    });
  }

  /** Starts an emulator on 127.0.0.1 and a free port. */
  static async start(options: VaultEmulatorOptions = {}): Promise<VaultEmulator> {
    const emulator = new VaultEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.#server.once('error', reject);
      emulator.#server.listen(0, '127.0.0.1', () => resolve());
    });
    return emulator;
  }

  get address(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The next `count` requests (any route) are answered with `status` and a Vault-style error. */
  failNext(status: number, count = 1): void {
    for (let i = 0; i < count; i++) this.#faults.push({ status });
  }

  /** Drops injected failures not served yet. */
  clearFaults(): void {
    this.#faults = [];
  }

  resetStats(): void {
    this.stats = { requests: {}, maxConcurrentDataReads: 0, logins: 0, renewals: 0, faultsServed: 0 };
  }

  /** Revokes every token issued by logins or {@link issueToken} (static tokens stay valid). */
  revokeIssuedTokens(): void {
    this.#issued.clear();
  }

  /** Issues a token as `vault token create` would, e.g. a renewable one with a TTL to hand to the plugin. */
  issueToken(policy: EmulatorTokenPolicy = {}): string {
    return this.#issue(policy).token;
  }

  /** Seconds a token has left (0 when unknown, revoked or expired). */
  tokenTtl(token: string): number {
    const issued = this.#issued.get(token);
    return issued ? Math.max(0, Math.floor((issued.expiresAt - this.#now()) / 1000)) : 0;
  }

  /** The current data of a secret, for assertions on the storage layout; undefined when absent. */
  peek(path: string, options: { mount?: string; namespace?: string } = {}): Record<string, unknown> | undefined {
    const entry = this.#store(options.namespace ?? '', options.mount ?? 'secret').get(path);
    return entry && entry.current > 0 ? entry.versions.get(entry.current)?.data : undefined;
  }

  /** Every path holding a secret in a mount of a namespace. */
  paths(options: { mount?: string; namespace?: string } = {}): string[] {
    return [...this.#store(options.namespace ?? '', options.mount ?? 'secret').keys()].sort();
  }

  async close(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #store(namespace: string, mount: string): Map<string, Entry> {
    let mounts = this.#stores.get(namespace);
    if (!mounts) this.#stores.set(namespace, (mounts = new Map()));
    let store = mounts.get(mount);
    if (!store) mounts.set(mount, (store = new Map()));
    return store;
  }

  #count(kind: string): void {
    this.stats.requests[kind] = (this.stats.requests[kind] ?? 0) + 1;
  }

  async #handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let dataRead = false;
    try {
      const body = await readBody(request);
      if (this.latencyMs > 0) await sleep(this.latencyMs);
      const url = new URL(request.url ?? '/', 'http://emulator');
      if (!url.pathname.startsWith('/v1/')) throw new HttpError(404, []);
      const path = url.pathname
        .slice('/v1/'.length)
        .split('/')
        .map((segment) => decodeURIComponent(segment))
        .join('/');
      const fault = this.#faults.shift();
      if (fault) this.stats.faultsServed++;
      if (fault) throw new HttpError(fault.status, [fault.status === 503 ? 'Vault is sealed' : fault.status === 429 ? 'rate limit quota exceeded' : 'internal error']);

      const method = (request.method ?? 'GET').toUpperCase();
      if (path === 'auth/approle/login' && (method === 'POST' || method === 'PUT')) {
        this.#count('POST login');
        return send(response, 200, this.#login(parseJson(body)));
      }
      if (path === 'auth/kubernetes/login' && (method === 'POST' || method === 'PUT')) {
        this.#count('POST kubernetes login');
        return send(response, 200, this.#kubernetesLogin(parseJson(body)));
      }
      const token = headerValue(request.headers['x-vault-token']);
      this.#authenticate(token);
      if (path === 'auth/token/lookup-self' && method === 'GET') {
        this.#count('GET lookup-self');
        return send(response, 200, envelope(this.#lookup(token)));
      }
      if (path === 'auth/token/renew-self' && (method === 'POST' || method === 'PUT')) {
        this.#count('POST renew-self');
        return send(response, 200, this.#renew(token, parseJson(body)));
      }

      const namespace = headerValue(request.headers['x-vault-namespace']).replace(/^\/+|\/+$/g, '');
      const mount = this.#mounts.find((candidate) => path.startsWith(`${candidate}/`));
      if (mount === undefined) throw new HttpError(404, [`no handler for route "${path}". route entry not found.`]);
      const rest = path.slice(mount.length + 1);
      const store = this.#store(namespace, mount);
      const isList = method === 'LIST' || (method === 'GET' && ['true', '1'].includes(url.searchParams.get('list') ?? ''));

      if (rest.startsWith('data/')) {
        const key = rest.slice('data/'.length);
        if (method === 'GET') {
          this.#count('GET data');
          dataRead = true;
          this.#dataReadsInFlight++;
          this.stats.maxConcurrentDataReads = Math.max(this.stats.maxConcurrentDataReads, this.#dataReadsInFlight);
          // Let concurrent reads overlap, as they would against a real server.
          await sleep(1);
          return send(response, 200, readData(store, key, url.searchParams.get('version')));
        }
        if (method === 'POST' || method === 'PUT') {
          this.#count('POST data');
          return send(response, 200, this.#writeData(store, key, parseJson(body)));
        }
      } else if (rest === 'metadata' || rest.startsWith('metadata/')) {
        const key = rest.slice('metadata/'.length);
        if (isList) {
          this.#count('LIST metadata');
          return send(response, 200, list(store, key));
        }
        if (method === 'GET') {
          this.#count('GET metadata');
          return send(response, 200, readMetadata(store, key));
        }
        if (method === 'POST' || method === 'PUT') {
          this.#count('POST metadata');
          writeMetadata(store, key, parseJson(body));
          return send(response, 204);
        }
        if (method === 'DELETE') {
          this.#count('DELETE metadata');
          store.delete(key);
          return send(response, 204);
        }
      }
      throw new HttpError(405, ['unsupported operation']);
    } catch (error) {
      if (error instanceof HttpError) return send(response, error.status, { errors: error.errors });
      return send(response, 500, { errors: ['internal error'] });
    } finally {
      if (dataRead) this.#dataReadsInFlight--;
    }
  }

  #authenticate(token: string): void {
    const issued = this.#issued.get(token);
    if (this.#tokens.has(token) || (issued !== undefined && issued.expiresAt > this.#now())) return;
    throw new HttpError(403, ['permission denied']);
  }

  #issue(policy: EmulatorTokenPolicy): { token: string; issued: IssuedToken } {
    const token = `hvs.${randomBytes(18).toString('base64url')}`;
    const ttlSeconds = policy.ttlSeconds ?? 3600;
    const issuedAt = this.#now();
    const maxExpiresAt = issuedAt + (policy.maxTtlSeconds ?? DEFAULT_MAX_TTL_SECONDS) * 1000;
    const issued: IssuedToken = { ttlSeconds, issuedAt, maxExpiresAt, expiresAt: Math.min(issuedAt + ttlSeconds * 1000, maxExpiresAt), renewable: policy.renewable ?? true };
    this.#issued.set(token, issued);
    return { token, issued };
  }

  #authResponse(token: string, issued: IssuedToken, metadata: Record<string, string>, warnings: string[] | null = null): unknown {
    return {
      request_id: randomUUID(),
      lease_id: '',
      renewable: false,
      lease_duration: 0,
      data: null,
      wrap_info: null,
      warnings,
      auth: {
        client_token: token,
        accessor: randomBytes(12).toString('base64url'),
        policies: ['default'],
        token_policies: ['default'],
        metadata,
        lease_duration: Math.round((issued.expiresAt - this.#now()) / 1000),
        renewable: issued.renewable,
        entity_id: randomUUID(),
        token_type: 'service',
        orphan: true,
      },
    };
  }

  #login(body: Record<string, unknown>): unknown {
    this.stats.logins++;
    const role = this.#appRoles.find((candidate) => candidate.roleId === body.role_id && candidate.secretId === body.secret_id);
    if (!role) throw new HttpError(400, ['invalid role or secret ID']);
    const { token, issued } = this.#issue(role);
    return this.#authResponse(token, issued, { role_name: 'keygate' });
  }

  #kubernetesLogin(body: Record<string, unknown>): unknown {
    this.stats.logins++;
    if (typeof body.role !== 'string' || body.role === '') throw new HttpError(400, ['missing role']);
    if (typeof body.jwt !== 'string' || body.jwt === '') throw new HttpError(400, ['missing jwt']);
    const role = this.#kubernetesRoles.find((candidate) => candidate.name === body.role);
    if (!role) throw new HttpError(400, [`invalid role name "${body.role}"`]);
    const claims = this.#verifyServiceAccountJwt(body.jwt);
    if (!claims) throw new HttpError(403, ['permission denied']);
    if (!role.boundServiceAccountNames.includes('*') && !role.boundServiceAccountNames.includes(claims.name)) {
      throw new HttpError(403, ['service account name not authorized']);
    }
    if (!role.boundServiceAccountNamespaces.includes('*') && !role.boundServiceAccountNamespaces.includes(claims.namespace)) {
      throw new HttpError(403, ['namespace not authorized']);
    }
    const { token, issued } = this.#issue(role);
    return this.#authResponse(token, issued, { role: role.name, service_account_name: claims.name, service_account_namespace: claims.namespace });
  }

  /** RS256 signature by one of the configured keys, not expired; the service account from legacy or projected claims. */
  #verifyServiceAccountJwt(jwt: string): { name: string; namespace: string } | undefined {
    const parts = jwt.split('.');
    if (parts.length !== 3) return undefined;
    const [header, payload, signature] = parts as [string, string, string];
    try {
      const { alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { alg?: unknown };
      if (alg !== 'RS256') return undefined;
      const signed = Buffer.from(`${header}.${payload}`);
      if (!this.#kubernetesKeys.some((key) => verify('sha256', signed, key, Buffer.from(signature, 'base64url')))) return undefined;
      const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
      if (typeof claims.exp === 'number' && claims.exp * 1000 <= this.#now()) return undefined;
      const projected = claims['kubernetes.io'] as { namespace?: unknown; serviceaccount?: { name?: unknown } } | undefined;
      const name = projected?.serviceaccount?.name ?? claims['kubernetes.io/serviceaccount/service-account.name'];
      const namespace = projected?.namespace ?? claims['kubernetes.io/serviceaccount/namespace'];
      return typeof name === 'string' && typeof namespace === 'string' ? { name, namespace } : undefined;
    } catch {
      return undefined;
    }
  }

  #lookup(token: string): Record<string, unknown> {
    const issued = this.#issued.get(token);
    if (!issued) return { policies: ['root'], ttl: 0, creation_ttl: 0, renewable: false, expire_time: null, type: 'service' };
    return {
      policies: ['default'],
      ttl: Math.max(0, Math.floor((issued.expiresAt - this.#now()) / 1000)),
      creation_ttl: issued.ttlSeconds,
      renewable: issued.renewable,
      expire_time: new Date(issued.expiresAt).toISOString(),
      issue_time: new Date(issued.issuedAt).toISOString(),
      type: 'service',
    };
  }

  /** Extends the token by `increment` (default its TTL), capped at its max TTL, as Vault does. */
  #renew(token: string, body: Record<string, unknown>): unknown {
    const issued = this.#issued.get(token);
    if (!issued) throw new HttpError(400, ['lease is not renewable']);
    if (!issued.renewable) throw new HttpError(400, ['lease is not renewable']);
    const increment = body.increment === undefined ? issued.ttlSeconds : Number(body.increment);
    if (!Number.isFinite(increment) || increment < 0) throw new HttpError(400, ['invalid increment']);
    const wanted = this.#now() + increment * 1000;
    issued.expiresAt = Math.min(wanted, issued.maxExpiresAt);
    this.stats.renewals++;
    const warnings = wanted > issued.maxExpiresAt ? [`TTL of "${increment}s" exceeded the effective max_ttl; TTL value is capped accordingly`] : null;
    return this.#authResponse(token, issued, {}, warnings);
  }

  #writeData(store: Map<string, Entry>, key: string, body: Record<string, unknown>): unknown {
    const data = body.data;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new HttpError(400, ['no data provided']);
    const options = (typeof body.options === 'object' && body.options !== null ? body.options : {}) as Record<string, unknown>;
    const entry = store.get(key);
    const current = entry?.current ?? 0;
    if ('cas' in options) {
      if (typeof options.cas !== 'number' || options.cas !== current) throw new HttpError(400, [CAS_MISMATCH]);
    } else if (entry?.casRequired) {
      throw new HttpError(400, ['check-and-set parameter required for this call']);
    }
    const time = now();
    const target: Entry = entry ?? { versions: new Map(), current: 0, oldest: 0, customMetadata: null, created_time: time, updated_time: time, casRequired: false };
    target.current += 1;
    target.versions.set(target.current, { data: data as Record<string, unknown>, created_time: time, deletion_time: '', destroyed: false });
    if (target.oldest === 0) target.oldest = target.current;
    while (target.versions.size > this.#maxVersions) {
      target.versions.delete(target.oldest);
      target.oldest += 1;
    }
    target.updated_time = time;
    store.set(key, target);
    return envelope(versionMetadata(target, target.current));
  }
}

function versionMetadata(entry: Entry, version: number): Record<string, unknown> {
  const stored = entry.versions.get(version)!;
  return { created_time: stored.created_time, custom_metadata: entry.customMetadata, deletion_time: stored.deletion_time, destroyed: stored.destroyed, version };
}

function readData(store: Map<string, Entry>, key: string, versionParam: string | null): unknown {
  const entry = store.get(key);
  const requested = versionParam === null || versionParam === '' ? 0 : Number(versionParam);
  if (!Number.isInteger(requested) || requested < 0) throw new HttpError(400, ['invalid version']);
  const version = requested === 0 ? (entry?.current ?? 0) : requested;
  const stored = entry?.versions.get(version);
  if (!entry || !stored || stored.destroyed || stored.deletion_time !== '') throw new HttpError(404, []);
  return envelope({ data: stored.data, metadata: versionMetadata(entry, version) });
}

function list(store: Map<string, Entry>, folder: string): unknown {
  const prefix = folder === '' || folder.endsWith('/') ? folder : `${folder}/`;
  const keys = new Set<string>();
  for (const path of store.keys()) {
    if (!path.startsWith(prefix)) continue;
    const rest = path.slice(prefix.length);
    const slash = rest.indexOf('/');
    keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
  }
  if (keys.size === 0) throw new HttpError(404, []);
  return envelope({ keys: [...keys].sort() });
}

function readMetadata(store: Map<string, Entry>, key: string): unknown {
  const entry = store.get(key);
  if (!entry) throw new HttpError(404, []);
  const versions = Object.fromEntries(
    [...entry.versions].map(([version, stored]) => [String(version), { created_time: stored.created_time, deletion_time: stored.deletion_time, destroyed: stored.destroyed }]),
  );
  return envelope({
    cas_required: entry.casRequired,
    created_time: entry.created_time,
    current_version: entry.current,
    custom_metadata: entry.customMetadata,
    delete_version_after: '0s',
    max_versions: 0,
    oldest_version: entry.oldest,
    updated_time: entry.updated_time,
    versions,
  });
}

function writeMetadata(store: Map<string, Entry>, key: string, body: Record<string, unknown>): void {
  const time = now();
  const entry = store.get(key) ?? { versions: new Map(), current: 0, oldest: 0, customMetadata: null, created_time: time, updated_time: time, casRequired: false };
  if ('custom_metadata' in body) {
    const custom = body.custom_metadata;
    if (typeof custom !== 'object' || custom === null || Array.isArray(custom) || Object.values(custom).some((value) => typeof value !== 'string')) {
      throw new HttpError(400, ['custom_metadata must be a map of strings']);
    }
    entry.customMetadata = { ...(custom as Record<string, string>) };
  }
  if (typeof body.cas_required === 'boolean') entry.casRequired = body.cas_required;
  entry.updated_time = time;
  store.set(key, entry);
}

function envelope(data: unknown): Record<string, unknown> {
  return { request_id: randomUUID(), lease_id: '', renewable: false, lease_duration: 0, data, wrap_info: null, warnings: null, auth: null, mount_type: 'kv' };
}

function headerValue(header: string | string[] | undefined): string {
  return (Array.isArray(header) ? header[0] : header) ?? '';
}

function parseJson(body: string): Record<string, unknown> {
  if (body === '') return {};
  try {
    const parsed: unknown = JSON.parse(body);
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new HttpError(400, ['failed to parse JSON input']);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, ['http: request body too large']);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function send(response: ServerResponse, status: number, body?: unknown): void {
  if (response.headersSent) return;
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  const text = JSON.stringify(body);
  response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) }).end(text);
}
