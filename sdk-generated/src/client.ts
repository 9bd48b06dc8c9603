import createClient, { defaultPathSerializer, type Client, type Middleware } from 'openapi-fetch';
import type { paths } from './generated/openapi.js';
import { bearerAuthMiddleware, requireApiKey, signedRequestMiddleware } from './auth.js';
import { e2eeMiddleware } from './e2ee.js';
import { isE2eeEnvelope, type E2eeEnvelope } from '@keygate/core/wire';
import { KeygateApiError, KeygateProtocolError } from './errors.js';
import type { EnvironmentSecrets, EnvironmentSecretsVersion, SecretMetadata, SecretUpdate, SecretWithValue } from './types.js';
import { DEFAULT_USER_AGENT } from './version.js';

export type KeygateAuthMode = 'bearer' | 'signed';

export interface KeygateClientOptions {
  /** Where Keygate listens, e.g. `https://keygate.example.com` or `https://gw.example.com/keygate`. */
  baseUrl: string;
  /** `bax-{keyId}-{secret}`. Without it the client is anonymous (only `/healthz` and `/readyz` answer). */
  apiKey?: string;
  /**
   * A user access token (the JWT from `POST /api/v1/auth/login`), sent as `Authorization: Bearer`;
   * instead of `apiKey`. It expires after minutes: pass a function to supply a fresh one to each
   * request (refreshing it is the caller's job).
   */
  accessToken?: string | (() => string | Promise<string>);
  /** How the key authenticates; `signed` (the default) never sends the secret half of the key. */
  auth?: KeygateAuthMode;
  /** Ask the server to encrypt secret-bearing responses to a key pair made for this client. */
  e2ee?: boolean;
  fetch?: typeof fetch;
  userAgent?: string;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

export interface GetSecretOptions extends RequestOptions {
  /** An earlier version, for providers that keep versions. */
  version?: string;
}

export type SetSecretOptions = Omit<SecretUpdate, 'value'> & RequestOptions;

/** The typed openapi-fetch client for every operation of openapi.yaml, plus helpers for the common ones. */
export interface KeygateClient extends Client<paths> {
  /** All secrets of an environment, merged across its providers by priority. */
  getEnvironmentSecrets(projectRef: string, envSlug: string, options?: RequestOptions): Promise<EnvironmentSecrets>;
  /** Cheap change check: `version` changes on every write. */
  getSecretsVersion(projectRef: string, envSlug: string, options?: RequestOptions): Promise<EnvironmentSecretsVersion>;
  /** Creates or replaces a secret in one provider; resolves to its metadata (never the value). */
  setSecret(
    projectRef: string,
    envSlug: string,
    providerRef: string,
    key: string,
    value: string,
    options?: SetSecretOptions,
  ): Promise<SecretMetadata>;
  getSecret(projectRef: string, envSlug: string, providerRef: string, key: string, options?: GetSecretOptions): Promise<SecretWithValue>;
  deleteSecret(projectRef: string, envSlug: string, providerRef: string, key: string, options?: RequestOptions): Promise<void>;
}

export function createKeygateClient(options: KeygateClientOptions): KeygateClient {
  const baseUrl = checkBaseUrl(options.baseUrl);
  const middleware = authMiddleware(options);
  const client = createClient<paths>({
    baseUrl,
    fetch: options.fetch,
    pathSerializer: safePathSerializer,
    headers: { 'User-Agent': options.userAgent ?? DEFAULT_USER_AGENT },
    // A redirect would carry the key (or a replayable signature) and the E2EE key to wherever it
    // points; Keygate's API never redirects, so one means a misconfigured URL or proxy.
    redirect: 'error',
  });
  if (options.e2ee === true) client.use(e2eeMiddleware());
  // Registered last so that it signs the request as the other middleware left it.
  if (middleware) client.use(middleware);

  return {
    ...client,

    async getEnvironmentSecrets(projectRef, envSlug, requestOptions) {
      return decrypted(
        expectBody(
          await client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/secrets', {
            params: { path: { projectRef, envSlug } },
            signal: requestOptions?.signal,
          }),
        ),
      );
    },

    async getSecretsVersion(projectRef, envSlug, requestOptions) {
      return expectBody(
        await client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/secrets/version', {
          params: { path: { projectRef, envSlug } },
          signal: requestOptions?.signal,
        }),
      );
    },

    async setSecret(projectRef, envSlug, providerRef, key, value, setOptions) {
      // `signal` is ours; everything else is the body, which the server checks strictly.
      const { signal, ...metadata } = setOptions ?? {};
      return expectBody(
        await client.PUT('/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}', {
          params: { path: { projectRef, envSlug, providerRef, key } },
          body: { ...metadata, value },
          signal,
        }),
      );
    },

    async getSecret(projectRef, envSlug, providerRef, key, getOptions) {
      return decrypted(
        expectBody(
          await client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}', {
            params: {
              path: { projectRef, envSlug, providerRef, key },
              query: getOptions?.version === undefined ? undefined : { version: getOptions.version },
            },
            signal: getOptions?.signal,
          }),
        ),
      );
    },

    async deleteSecret(projectRef, envSlug, providerRef, key, requestOptions) {
      const { error, response } = await client.DELETE(
        '/api/v1/projects/{projectRef}/environments/{envSlug}/providers/{providerRef}/secrets/{key}',
        { params: { path: { projectRef, envSlug, providerRef, key } }, signal: requestOptions?.signal },
      );
      if (!response.ok) throw KeygateApiError.fromResponse(response, error);
    },
  };
}

function authMiddleware(options: KeygateClientOptions): Middleware | undefined {
  const { apiKey, auth, accessToken } = options;
  if (auth !== undefined && auth !== 'bearer' && auth !== 'signed') {
    throw new TypeError(`auth must be 'bearer' or 'signed'`);
  }
  if (accessToken !== undefined) {
    if (apiKey !== undefined) throw new TypeError('pass either apiKey or accessToken, not both');
    const token = typeof accessToken === 'function' ? accessToken : () => accessToken;
    if (typeof accessToken !== 'function') requireJwt(accessToken);
    return {
      async onRequest({ request }) {
        request.headers.set('Authorization', `Bearer ${requireJwt(await token())}`);
        return request;
      },
    };
  }
  if (apiKey === undefined) {
    if (auth !== undefined) throw new TypeError(`auth '${auth}' needs an apiKey`);
    return undefined;
  }
  // Validate before building anything, so a bad key fails at construction, not on first use.
  requireApiKey(apiKey);
  return auth === 'bearer' ? bearerAuthMiddleware(apiKey) : signedRequestMiddleware(apiKey);
}

function requireJwt(token: unknown): string {
  if (typeof token !== 'string' || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(token)) throw new TypeError('accessToken must be a JWT');
  return token;
}

function checkBaseUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new TypeError('baseUrl must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError('baseUrl must be an absolute http(s) URL');
  // Paths are appended to baseUrl as text; a query or fragment would end up in front of them.
  if (url.href.includes('?') || url.href.includes('#')) throw new TypeError('baseUrl must not contain a query or fragment');
  return url.href;
}

/**
 * Path parameters are percent-encoded, but `.` and `..` survive encoding and URL normalisation
 * would turn them into a different endpoint (`…/secrets/..` is the provider itself, and DELETE
 * there unassigns it). An empty value would silently address another route too.
 */
function safePathSerializer(pathname: string, pathParams: Record<string, unknown>): string {
  for (const [name, value] of Object.entries(pathParams)) {
    if (value === '' || value === '.' || value === '..') {
      throw new TypeError(`path parameter ${name} must not be empty, "." or ".."`);
    }
  }
  return defaultPathSerializer(pathname, pathParams);
}

function expectBody<T>(result: { data?: T; error?: unknown; response: Response }): T {
  const { data, error, response } = result;
  if (!response.ok) throw KeygateApiError.fromResponse(response, error);
  if (data === undefined) throw new KeygateProtocolError(`the server sent no body (HTTP ${response.status})`);
  return data;
}

/**
 * The e2ee middleware decrypts envelopes before openapi-fetch parses them; an envelope reaching here
 * means the client did not ask for E2EE (so cannot decrypt it) and something else sent the header.
 */
function decrypted<T>(body: T | E2eeEnvelope): T {
  if (isE2eeEnvelope(body)) throw new KeygateProtocolError('received an E2EE envelope the client cannot decrypt (create the client with e2ee: true)');
  return body;
}
