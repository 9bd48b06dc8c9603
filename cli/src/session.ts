import { createKeygateClient, DEFAULT_USER_AGENT, exchangeOidcToken, KeygateApiError, requireApiKey, type KeygateAuthMode, type KeygateClient } from '@keygate/sdk';
import { access } from 'node:fs/promises';
import type { Flags } from './args.js';
import { resolveContext, type KeygateContext, type Sourced } from './context.js';
import { credentialsPath, readLogin, saveLogin, sameUrl, type StoredLogin } from './credentials.js';
import { CliError, UsageError, type ErrorScene } from './errors.js';
import { Gateway, type Target } from './gateway.js';
import type { Io } from './io.js';
import { ambientToken, KUBERNETES_TOKEN_FILE } from './keyless.js';
import { CLI_VERSION } from './version.js';

const DEFAULT_TIMEOUT_SECONDS = 30;
/** Refresh a stored user token this long before it expires, so it cannot lapse mid-command. */
const REFRESH_MARGIN_MS = 60_000;
type UserLogin = Extract<StoredLogin, { kind: 'user' }>;
const USER_AGENT = `keygate-cli/${CLI_VERSION} ${DEFAULT_USER_AGENT}`;

/** What authenticates the requests: an API key (given, stored or exchanged keylessly) or a user's token. */
export type Credential =
  | { kind: 'api-key'; apiKey: string; source: string; expiresAt?: string; keyless?: boolean }
  | { kind: 'user'; accessToken: string; email: string; source: string };

/**
 * The resolved context plus what commands need to act on it. Created lazily by each command, so
 * `--help` and bad flags never touch the filesystem or the network.
 *
 * The credential is the first of: `--api-key`, `KEYGATE_API_KEY`/`BELLA_BAXTER_API_KEY`, the login
 * stored by `keygate login` (only for the URL it was made for), and the workload's own identity
 * token exchanged for a short-lived key (GitHub Actions, Kubernetes) — keyless.
 */
export class Session {
  #gateway: Gateway | undefined;
  #credential: Promise<Credential> | undefined;
  /** The user login as last refreshed; long runs (`run --watch`) outlive an access token. */
  #user: UserLogin | undefined;
  #refreshing: Promise<UserLogin> | undefined;

  private constructor(
    readonly context: KeygateContext,
    /** The stored login that applies to this URL, if any. */
    readonly login: StoredLogin | undefined,
    private readonly flags: Flags,
    private readonly io: Io,
    private readonly scene: ErrorScene,
  ) {}

  /** `scene` is filled in as the context resolves, so errors raised later can name the right knobs. */
  static async open(flags: Flags, io: Io, scene: ErrorScene): Promise<Session> {
    let context = await resolveContext(
      { url: flags.string('url'), apiKey: flags.string('api-key'), project: flags.string('project'), environment: flags.string('env') ?? flags.string('environment') },
      io.env,
      io.cwd,
    );
    const stored = await readLogin(io.env);
    // The stored login names its gateway; it stands in for the default URL, never for a given one.
    if (stored !== undefined && context.url.source === 'default') context = { ...context, url: { value: stored.url, source: credentialsPath(io.env) } };
    const login = stored !== undefined && sameUrl(stored.url, context.url.value) ? stored : undefined;
    scene.url = displayUrl(context.url.value);
    scene.apiKeySource = context.apiKey?.source ?? (login === undefined ? undefined : 'the stored login');
    scene.project = context.project?.value;
    scene.environment = context.environment?.value;
    scene.timeoutSeconds = timeoutSeconds(flags);
    return new Session(context, login, flags, io, scene);
  }

  get url(): string {
    return this.scene.url ?? this.context.url.value;
  }

  get timeoutMs(): number {
    return timeoutSeconds(this.flags) * 1000;
  }

  /**
   * The project and environment, or a usage error saying every way to give them. What the flags,
   * variables and context file leave open is taken from the API key itself when it is scoped to an
   * environment (`GET /api/v1/keys/me`), so such a key alone is enough, as with Bella Baxter.
   */
  async target(): Promise<Target> {
    let { project, environment } = this.context;
    if ((project === undefined || environment === undefined) && (this.context.apiKey !== undefined || this.login !== undefined || (await this.mayBeKeyless()))) {
      const credential = await this.credential();
      const scope = credential.kind === 'api-key' ? await this.gateway().keyScope() : undefined;
      const source = `the API key's scope (${credential.source})`;
      // The key's environment belongs to the key's project: never pair it with another project.
      const sameProject = project === undefined || project.value === scope?.projectSlug || project.value === scope?.projectId;
      if (project === undefined && scope?.projectSlug) project = { value: scope.projectSlug, source };
      if (environment === undefined && sameProject && scope?.environmentSlug) environment = { value: scope.environmentSlug, source };
    }
    const fileNote = this.context.file === undefined ? 'or add a .keygate file' : `or edit ${this.context.file}`;
    if (project === undefined) {
      throw new UsageError('no project given', `pass -p/--project, set KEYGATE_PROJECT, ${fileNote} with "project = …"`);
    }
    if (environment === undefined) {
      throw new UsageError('no environment given', `pass -e/--env, set KEYGATE_ENV, ${fileNote} with "environment = …"`);
    }
    this.scene.project = project.value;
    this.scene.environment = environment.value;
    return { project: project.value, environment: environment.value };
  }

  /** Resolved once per session, on first use, so that --help and usage errors never need a key. */
  credential(): Promise<Credential> {
    this.#credential ??= this.#resolveCredential();
    return this.#credential;
  }

  /** An API key (for `exec`, which hands it to a program); a user login is refused. */
  async apiKey(): Promise<Sourced> {
    const credential = await this.credential();
    if (credential.kind !== 'api-key') {
      throw new UsageError('this needs an API key, and you are logged in as a user', 'create one (keygate api-keys create) and set KEYGATE_API_KEY');
    }
    return { value: credential.apiKey, source: credential.source };
  }

  /** Built once per session; the credential is resolved on its first request. */
  gateway(): Gateway {
    this.#gateway ??= new Gateway(async () => this.#connect(await this.credential()), { timeoutMs: this.timeoutMs });
    return this.#gateway;
  }

  /**
   * The client for a long run's polling (`run --watch`). A keyless key is short-lived: when it is
   * refused (expired, or revoked), a fresh workload token is exchanged for a new key and the call
   * is made once more, so the run outlives the key.
   */
  async pollingClient(): Promise<KeygateClient> {
    const credential = await this.credential();
    const base = await this.gateway().client();
    if (credential.kind !== 'api-key' || credential.keyless !== true) return base;
    let current = base;
    let renewing: Promise<void> | undefined;
    const renew = (): Promise<void> => {
      renewing ??= this.#exchangeAmbientToken()
        .then((fresh) => {
          current = this.#connect(fresh).client;
        })
        .finally(() => {
          renewing = undefined;
        });
      return renewing;
    };
    const retried =
      <A extends unknown[], R>(call: (client: KeygateClient, ...args: A) => Promise<R>) =>
      async (...args: A): Promise<R> => {
        try {
          return await call(current, ...args);
        } catch (error) {
          if (!(error instanceof KeygateApiError && error.status === 401)) throw error;
          await renew();
          return call(current, ...args);
        }
      };
    return {
      ...base,
      getEnvironmentSecrets: retried((client, project: string, environment: string, options?: { signal?: AbortSignal }) => client.getEnvironmentSecrets(project, environment, options)),
      getSecretsVersion: retried((client, project: string, environment: string, options?: { signal?: AbortSignal }) => client.getSecretsVersion(project, environment, options)),
    };
  }

  /** A client with no credential, for the calls that need none (login, refresh, token exchange). */
  anonymousClient(): KeygateClient {
    return this.client({});
  }

  async #resolveCredential(): Promise<Credential> {
    const given = this.context.apiKey;
    if (given !== undefined) return { kind: 'api-key', apiKey: checkedKey(given), source: given.source };
    const login = this.login;
    if (login?.kind === 'api-key') return { kind: 'api-key', apiKey: checkedKey({ value: login.apiKey, source: 'the stored login' }), source: 'the stored login' };
    if (login?.kind === 'user') {
      this.#user = await this.freshUserTokens(login);
      return { kind: 'user', accessToken: this.#user.accessToken, email: login.email, source: `the login of ${login.email}` };
    }

    return this.#exchangeAmbientToken();
  }

  /** Keyless: the workload's OIDC token, exchanged for a short-lived environment key. */
  async #exchangeAmbientToken(): Promise<Credential> {
    const audience = this.io.env.KEYGATE_OIDC_AUDIENCE?.trim() || displayUrl(this.context.url.value);
    const ambient = await ambientToken(this.io.env, audience, this.timeoutMs);
    if (ambient === undefined) {
      throw new UsageError('no API key given', 'set KEYGATE_API_KEY, or run "keygate login" (--api-key works too, but other users can see it in the process list)');
    }
    this.scene.apiKeySource = `the key exchanged for ${ambient.source}`;
    const slug = (value: Sourced | undefined): string | undefined => (value !== undefined && /^[a-z0-9][a-z0-9-]*$/.test(value.value) ? value.value : undefined);
    const project = slug(this.context.project);
    const environment = slug(this.context.environment);
    const org = slug(this.context.org);
    try {
      const exchanged = await exchangeOidcToken({
        url: this.context.url.value,
        oidcToken: ambient.token,
        userAgent: USER_AGENT,
        signal: AbortSignal.timeout(this.timeoutMs),
        ...(project === undefined ? {} : { projectSlug: project }),
        ...(environment === undefined ? {} : { environmentSlug: environment }),
        ...(org === undefined ? {} : { tenantSlug: org }),
      });
      return { kind: 'api-key', apiKey: exchanged.apiKey, source: this.scene.apiKeySource, expiresAt: exchanged.expiresAt, keyless: true };
    } catch (error) {
      if (error instanceof KeygateApiError && error.status === 401) {
        throw new CliError(
          `the gateway did not accept ${ambient.source} (${error.detail ?? 'HTTP 401'})`,
          `is there a trust domain for this workload, with audience "${audience}" (KEYGATE_OIDC_AUDIENCE)? or set KEYGATE_API_KEY`,
        );
      }
      throw error;
    }
  }

  /** The stored access token, refreshed (and the new pair stored) when it is about to expire. */
  async freshUserTokens(login: UserLogin): Promise<UserLogin> {
    if (Date.parse(login.expiresAt) - REFRESH_MARGIN_MS > Date.now()) return login;
    const { data, error, response } = await this.anonymousClient().POST('/api/v1/auth/refresh', {
      body: { refreshToken: login.refreshToken },
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    if (response.status === 401) {
      throw new CliError(`the login of ${login.email} at ${this.url} has expired or was revoked`, `run "keygate login --email ${login.email}" again`);
    }
    if (!response.ok || data === undefined) throw KeygateApiError.fromResponse(response, error);
    const fresh = { ...login, accessToken: data.accessToken, refreshToken: data.refreshToken, expiresAt: data.expiresAt, savedAt: new Date().toISOString() };
    await saveLogin(this.io.env, fresh);
    return fresh;
  }

  /** The access token for the next request, refreshed once at a time when it is about to expire. */
  async #currentAccessToken(fallback: string): Promise<string> {
    const user = this.#user;
    if (user === undefined) return fallback;
    if (Date.parse(user.expiresAt) - REFRESH_MARGIN_MS > Date.now()) return user.accessToken;
    this.#refreshing ??= this.freshUserTokens(user).finally(() => {
      this.#refreshing = undefined;
    });
    this.#user = await this.#refreshing;
    return this.#user.accessToken;
  }

  /** Whether a keyless exchange could apply (cheap: only looks at the environment variables and the token file). */
  async mayBeKeyless(): Promise<boolean> {
    const env = this.io.env;
    if (env.ACTIONS_ID_TOKEN_REQUEST_URL?.trim() && env.ACTIONS_ID_TOKEN_REQUEST_TOKEN?.trim()) return true;
    if (env.KEYGATE_OIDC_TOKEN_FILE?.trim()) return true;
    try {
      await access(KUBERNETES_TOKEN_FILE);
      return true;
    } catch {
      return false;
    }
  }

  #connect(credential: Credential): { client: KeygateClient; signed: boolean } {
    if (credential.kind === 'user') return { client: this.client({ accessToken: () => this.#currentAccessToken(credential.accessToken) }), signed: false };
    const auth = authMode(this.flags);
    return { client: this.client({ apiKey: credential.apiKey, auth }), signed: auth === 'signed' };
  }

  client(auth: { apiKey?: string; auth?: KeygateAuthMode; accessToken?: string | (() => Promise<string>) }): KeygateClient {
    try {
      return createKeygateClient({ baseUrl: this.context.url.value, userAgent: USER_AGENT, e2ee: this.flags.boolean('e2ee'), ...auth });
    } catch (error) {
      // The key was checked before; the only other thing the SDK checks at construction is the URL.
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`the URL in ${this.context.url.source} is not usable: ${reason}`, 'expected e.g. https://keygate.example.com');
    }
  }
}

/** The API key, checked for shape before anything is sent. */
function checkedKey(apiKey: Sourced): string {
  try {
    requireApiKey(apiKey.value);
  } catch {
    throw new UsageError(`the API key in ${apiKey.source} is not a Keygate API key`, 'expected bax-<32 hex>-<64 hex>, as printed when the key was created');
  }
  return apiKey.value;
}

function authMode(flags: Flags): KeygateAuthMode {
  const auth = flags.string('auth') ?? 'signed';
  if (auth !== 'signed' && auth !== 'bearer') throw new UsageError(`--auth must be signed or bearer, not "${auth}"`, 'signed (the default) never sends the secret half of the key');
  return auth;
}

function timeoutSeconds(flags: Flags): number {
  const raw = flags.string('timeout');
  if (raw === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new UsageError(`--timeout must be a positive number of seconds, not "${raw}"`);
  return seconds;
}

/** URLs go into messages; credentials embedded in one (`https://user:pass@host`) must not. */
export function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.href.replace(/\/$/, '');
  } catch {
    return url;
  }
}
