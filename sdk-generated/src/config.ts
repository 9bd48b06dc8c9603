import { createKeygateClient, type KeygateClient, type KeygateClientOptions } from './client.js';
import type { EnvironmentSecrets } from './types.js';

export const DEFAULT_POLL_INTERVAL_MS = 30_000;
/** Below this, polling stops being a change check and becomes load; the server also rate-limits. */
export const MIN_POLL_INTERVAL_MS = 100;

/** Which keys changed between two loads. Keys only: values never travel in change notices. */
export interface ConfigChanges {
  added: string[];
  changed: string[];
  removed: string[];
  /** The environment version now loaded. */
  version: number;
}

export interface KeygateConfigOptions extends KeygateClientOptions {
  projectSlug: string;
  environmentSlug: string;
  /** How often `…/secrets/version` is checked (default 30 s). */
  pollIntervalMs?: number;
  /** Called after a reload that changed at least one key. */
  onUpdate?: (changes: ConfigChanges) => void;
  /**
   * Called when a check or reload fails (server unreachable, key revoked, …). The last values that
   * loaded stay in place and polling continues.
   */
  onError?: (error: unknown) => void;
  /** An existing client to use instead of building one from the options above. */
  client?: KeygateClient;
  /**
   * Secrets already read (`getEnvironmentSecrets`) to start from instead of loading them again,
   * e.g. by a caller that retries its first read in its own way.
   */
  initial?: EnvironmentSecrets;
  /** Per-request timeout (default 10 s), so a hung server cannot stall polling. */
  requestTimeoutMs?: number;
}

export interface KeygateConfig {
  /** A secret's current value, or undefined when the environment has no such key. */
  get(key: string): string | undefined;
  /** A frozen snapshot of every secret; a later reload replaces it rather than mutating it. */
  getAll(): Readonly<Record<string, string>>;
  /** The environment version of the values held. */
  readonly version: number;
  readonly lastModified: string;
  /** Checks now instead of waiting for the next poll; resolves to whether anything changed. */
  refresh(): Promise<boolean>;
  /** Stops polling; the last values stay readable. */
  close(): void;
}

/**
 * Loads all secrets of one environment, then keeps them current by polling the cheap version
 * endpoint and reloading only when it moves. The first load must succeed (there is nothing to fall
 * back on); after that a failing server leaves the last good values in place.
 */
export async function createConfig(options: KeygateConfigOptions): Promise<KeygateConfig> {
  const { projectSlug, environmentSlug } = options;
  const interval = options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  if (!Number.isFinite(interval) || interval < MIN_POLL_INTERVAL_MS) {
    throw new TypeError(`pollIntervalMs must be at least ${MIN_POLL_INTERVAL_MS}`);
  }
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const client = options.client ?? createKeygateClient(options);
  const request = () => ({ signal: AbortSignal.timeout(timeoutMs) });

  const first = options.initial ?? (await client.getEnvironmentSecrets(projectSlug, environmentSlug, request()));
  let values: Readonly<Record<string, string>> = Object.freeze({ ...first.secrets });
  let version = first.version;
  let lastModified = first.lastModified;
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let inFlight: Promise<boolean> | undefined;

  async function check(): Promise<boolean> {
    const current = await client.getSecretsVersion(projectSlug, environmentSlug, request());
    if (current.version === version) return false;
    const loaded = await client.getEnvironmentSecrets(projectSlug, environmentSlug, request());
    if (closed) return false;
    const changes = diff(values, loaded.secrets);
    values = Object.freeze({ ...loaded.secrets });
    version = loaded.version;
    lastModified = loaded.lastModified;
    const changed = changes.added.length + changes.changed.length + changes.removed.length > 0;
    if (changed) options.onUpdate?.({ ...changes, version });
    return changed;
  }

  /** One check at a time: a slow server must not pile up overlapping reloads. */
  function refresh(): Promise<boolean> {
    inFlight ??= check().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  }

  function schedule(): void {
    if (closed) return;
    timer = setTimeout(() => {
      refresh()
        .catch((error: unknown) => {
          if (!closed) options.onError?.(error);
        })
        .finally(schedule);
    }, interval);
    // A config watcher alone should not keep a process alive.
    timer.unref?.();
  }
  schedule();

  return {
    get: (key) => (Object.hasOwn(values, key) ? values[key] : undefined),
    getAll: () => values,
    get version() {
      return version;
    },
    get lastModified() {
      return lastModified;
    },
    refresh,
    close() {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
    },
  };
}

function diff(before: Readonly<Record<string, string>>, after: Readonly<Record<string, string>>): Omit<ConfigChanges, 'version'> {
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (!Object.hasOwn(before, key)) added.push(key);
    else if (before[key] !== value) changed.push(key);
  }
  for (const key of Object.keys(before)) if (!Object.hasOwn(after, key)) removed.push(key);
  return { added: added.sort(), changed: changed.sort(), removed: removed.sort() };
}
