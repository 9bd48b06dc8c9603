import { setTimeout as sleep } from 'node:timers/promises';
import {
  KeygateApiError,
  KeygateProtocolError,
  type EnvironmentSecrets,
  type KeygateClient,
  type SecretMetadata,
  type SecretType,
  type SecretWithValue,
} from '@keygate/sdk';
import type { operations } from '@keygate/sdk';
import { CliError } from './errors.js';

export type AccessLogQuery = NonNullable<operations['listAccessLogs']['parameters']['query']>;
export type AccessLogPage = operations['listAccessLogs']['responses'][200]['content']['application/json'];
export type AuditVerification = operations['verifyAccessLogs']['responses'][200]['content']['application/json'];

export interface Target {
  project: string;
  environment: string;
}

/** What `GET /api/v1/keys/me` says the key is scoped to. */
export interface KeyScope {
  projectId: string | null;
  projectSlug: string | null;
  environmentSlug: string | null;
}

export interface GatewayOptions {
  timeoutMs: number;
}

/** The client, once the credential is known (a keyless exchange or a token refresh may come first). */
export interface Connection {
  client: KeygateClient;
  /** Whether requests are HMAC-signed (see {@link Gateway.call} for why that matters on a 401). */
  signed: boolean;
}

/**
 * The calls the commands make, each with its own timeout. Commands never touch the SDK client
 * directly, so timeouts and the retry below apply everywhere.
 */
export class Gateway {
  #connection: Promise<Connection> | undefined;

  constructor(
    private readonly connect: () => Promise<Connection>,
    private readonly options: GatewayOptions,
  ) {}

  /** The SDK client, for callers such as `run --watch` that hand it on (to createConfig). */
  async client(): Promise<KeygateClient> {
    return (await this.connection()).client;
  }

  private connection(): Promise<Connection> {
    this.#connection ??= this.connect();
    return this.#connection;
  }

  environmentSecrets(target: Target): Promise<EnvironmentSecrets> {
    return this.call((client, signal) => client.getEnvironmentSecrets(target.project, target.environment, { signal }));
  }

  /** The environment's id, which the key, token and trust-domain paths take. */
  async environmentId(target: Target): Promise<string> {
    const environment = await this.send((client, signal) =>
      client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}', { params: { path: { projectRef: target.project, envSlug: target.environment } }, signal }),
    );
    return environment.id;
  }

  /** Slugs of the environment's providers in priority order (the first is where writes go). */
  async providers(target: Target): Promise<string[]> {
    const { items } = await this.call(async (client, signal) =>
      expectData(
        await client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/providers', {
          params: { path: { projectRef: target.project, envSlug: target.environment } },
          signal,
        }),
      ),
    );
    return items.map((provider) => provider.slug);
  }

  async defaultProvider(target: Target): Promise<string> {
    const [first] = await this.providers(target);
    if (first === undefined) {
      throw new CliError(`${target.project}/${target.environment} has no providers`, 'assign one to the environment, or pass --provider');
    }
    return first;
  }

  async listSecrets(target: Target, provider: string): Promise<SecretMetadata[]> {
    const { items } = await this.call(async (client, signal) =>
      expectData(
        await client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets', {
          params: { path: { projectRef: target.project, envSlug: target.environment, providerRef: provider } },
          signal,
        }),
      ),
    );
    return items;
  }

  getSecret(target: Target, provider: string, key: string): Promise<SecretWithValue> {
    return this.call((client, signal) => client.getSecret(target.project, target.environment, provider, key, { signal }));
  }

  setSecret(target: Target, provider: string, key: string, value: string, metadata: { description?: string; type?: SecretType }): Promise<SecretMetadata> {
    return this.call((client, signal) => client.setSecret(target.project, target.environment, provider, key, value, { ...metadata, signal }));
  }

  deleteSecret(target: Target, provider: string, key: string): Promise<void> {
    return this.call((client, signal) => client.deleteSecret(target.project, target.environment, provider, key, { signal }));
  }

  /** Any operation of the API, with the timeout and retry of every call; the body must be present. */
  send<T>(request: (client: KeygateClient, signal: AbortSignal) => Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
    return this.call(async (client, signal) => expectData(await request(client, signal)));
  }

  /** Like {@link send}, for operations that answer 204. */
  sendNoContent(request: (client: KeygateClient, signal: AbortSignal) => Promise<{ error?: unknown; response: Response }>): Promise<void> {
    return this.call(async (client, signal) => {
      const { error, response } = await request(client, signal);
      if (!response.ok) throw KeygateApiError.fromResponse(response, error);
    });
  }

  /** One page of the tenant's audit trail, newest first. */
  accessLogs(query: AccessLogQuery): Promise<AccessLogPage> {
    return this.call(async (client, signal) => expectData(await client.GET('/api/v1/access-logs', { params: { query }, signal })));
  }

  /** Recomputes the audit trail's hash chain on the gateway. */
  verifyAccessLogs(): Promise<AuditVerification> {
    return this.call(async (client, signal) => expectData(await client.POST('/api/v1/access-logs/verify', { signal })));
  }

  /** The calling key's scope; undefined from a gateway that predates `GET /api/v1/keys/me`. */
  async keyScope(): Promise<KeyScope | undefined> {
    return this.call(async (client, signal) => {
      const { data, error, response } = await client.GET('/api/v1/keys/me', { signal });
      if (response.status === 404) return undefined;
      return expectData({ data, error, response });
    });
  }

  /**
   * One call with a fresh timeout. A signed request is unique only to the second (the wire
   * contract has no nonce) and the gateway refuses a signature it has already seen, so an
   * identical request made within the same second, by this process or by another one using the
   * same key (replicas starting together), is answered 401. Retrying once, freshly signed in a
   * later second, tells that apart from a key that is really refused; the whole-second jitter
   * keeps several refused callers from colliding again.
   */
  private async call<T>(request: (client: KeygateClient, signal: AbortSignal) => Promise<T>): Promise<T> {
    const { client, signed } = await this.connection();
    try {
      return await request(client, AbortSignal.timeout(this.options.timeoutMs));
    } catch (error) {
      if (!(signed && error instanceof KeygateApiError && error.status === 401)) throw error;
      const jitterSeconds = Math.floor(Math.random() * 2);
      await sleep(1000 - (Date.now() % 1000) + jitterSeconds * 1000 + 20);
      return request(client, AbortSignal.timeout(this.options.timeoutMs));
    }
  }
}

/** openapi-fetch returns errors instead of throwing; this turns them into the SDK's error type. */
function expectData<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { data, error, response } = result;
  if (!response.ok) throw KeygateApiError.fromResponse(response, error);
  if (data === undefined) throw new KeygateProtocolError(`the server sent no body (HTTP ${response.status})`);
  return data;
}
