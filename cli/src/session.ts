import { createKeygateClient, DEFAULT_USER_AGENT, requireApiKey, type KeygateAuthMode } from '@keygate/sdk';
import type { Flags } from './args.js';
import { resolveContext, type KeygateContext, type Sourced } from './context.js';
import { UsageError, type ErrorScene } from './errors.js';
import { Gateway, type Target } from './gateway.js';
import type { Io } from './io.js';
import { CLI_VERSION } from './version.js';

const DEFAULT_TIMEOUT_SECONDS = 30;

/**
 * The resolved context plus what commands need to act on it. Created lazily by each command, so
 * `--help` and bad flags never touch the filesystem or the network.
 */
export class Session {
  #gateway: Gateway | undefined;

  private constructor(
    readonly context: KeygateContext,
    private readonly flags: Flags,
    private readonly scene: ErrorScene,
  ) {}

  /** `scene` is filled in as the context resolves, so errors raised later can name the right knobs. */
  static async open(flags: Flags, io: Io, scene: ErrorScene): Promise<Session> {
    const context = await resolveContext(
      { url: flags.string('url'), apiKey: flags.string('api-key'), project: flags.string('project'), environment: flags.string('env') },
      io.env,
      io.cwd,
    );
    scene.url = displayUrl(context.url.value);
    scene.apiKeySource = context.apiKey?.source;
    scene.project = context.project?.value;
    scene.environment = context.environment?.value;
    scene.timeoutSeconds = timeoutSeconds(flags);
    return new Session(context, flags, scene);
  }

  get url(): string {
    return this.scene.url ?? this.context.url.value;
  }

  /**
   * The project and environment, or a usage error saying every way to give them. What the flags,
   * variables and context file leave open is taken from the API key itself when it is scoped to an
   * environment (`GET /api/v1/keys/me`), so such a key alone is enough, as with Bella Baxter.
   */
  async target(): Promise<Target> {
    let { project, environment } = this.context;
    if ((project === undefined || environment === undefined) && this.context.apiKey !== undefined) {
      const scope = await this.gateway().keyScope();
      const source = `the API key's scope (${this.context.apiKey.source})`;
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

  /** The API key, checked for shape before anything is sent. */
  apiKey(): Sourced {
    const { apiKey } = this.context;
    if (apiKey === undefined) throw new UsageError('no API key given', 'set KEYGATE_API_KEY (or pass --api-key, which other users can see in the process list)');
    try {
      requireApiKey(apiKey.value);
    } catch {
      throw new UsageError(`the API key in ${apiKey.source} is not a Keygate API key`, 'expected bax-<32 hex>-<64 hex>, as printed when the key was created');
    }
    return apiKey;
  }

  /** Built once per session, on first use, so that --help and usage errors never need a key. */
  gateway(): Gateway {
    this.#gateway ??= this.#connect();
    return this.#gateway;
  }

  #connect(): Gateway {
    const apiKey = this.apiKey().value;
    const auth = authMode(this.flags);
    const options = { baseUrl: this.context.url.value, apiKey, auth, userAgent: `keygate-cli/${CLI_VERSION} ${DEFAULT_USER_AGENT}` };
    try {
      return new Gateway(createKeygateClient(options), { timeoutMs: timeoutSeconds(this.flags) * 1000, signed: auth === 'signed' });
    } catch (error) {
      // The key was checked above; the only other thing the SDK checks at construction is the URL.
      const reason = error instanceof Error ? error.message : String(error);
      throw new UsageError(`the URL in ${this.context.url.source} is not usable: ${reason}`, 'expected e.g. https://keygate.example.com');
    }
  }
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
