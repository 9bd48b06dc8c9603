/** The host's configuration with every default applied. See host/CONFIG.md for the reference. */
export interface KeygateConfig {
  /** Absolute path of the file that was read; absent when the host runs on defaults alone. */
  configFile?: string;
  server: ServerConfig;
  /** Absolute path of the data folder (embedded PostgreSQL, generated master key). */
  dataDir: string;
  database: DatabaseConfig;
  /**
   * Plugin packages to load, in order. The bundled plugins (`BUNDLED_PLUGINS`: the system provider
   * and the built-in rotation strategies) are always among them: those the file omits come first.
   */
  plugins: PluginEntry[];
  /** Providers created or updated for the default tenant at start. */
  providers: StaticProviderConfig[];
  security: SecurityConfig;
  outbound: OutboundConfig;
  secrets: SecretsConfig;
  /** Timeout the host applies to every call into a provider, in milliseconds. */
  providerTimeoutMs: number;
  rotation: RotationConfig;
  logging: LoggingConfig;
  /** The tenant created on first start. */
  tenant: TenantConfig;
}

export interface ServerConfig {
  port: number;
  host: string;
  /** As written: a size such as `1mb`, or a number of bytes. */
  bodyLimit: string | number;
  /** `bodyLimit` in bytes. */
  bodyLimitBytes: number;
  requestTimeoutMs: number;
  shutdownTimeoutMs: number;
  /** Validate every response against openapi.yaml (a contract violation becomes a 500). */
  responseValidation: boolean;
  /** Encrypt E2EE responses on a worker thread instead of the event loop (see host/CONFIG.md). */
  e2eeWorker: boolean;
  /** Express `trust proxy` setting: false, true, a hop count, or addresses/subnets. */
  trustProxy: boolean | number | string | string[];
}

export interface DatabaseConfig {
  /** PostgreSQL URL; when absent the host runs an embedded PostgreSQL in `dataDir`. */
  url?: string;
  poolMax: number;
  embedded: { port?: number };
}

export interface PluginEntry {
  /** npm package name, or a path to an ES module (relative paths resolve against the working directory). */
  package: string;
  /** Plugin-level options, validated against the plugin's `optionsSchema`. */
  options: Record<string, unknown>;
  /** Where the entry is in keygate.yaml (`plugins[2]`), for error messages. */
  source?: string;
}

export interface StaticProviderConfig {
  name: string;
  slug?: string;
  type: string;
  description?: string;
  /** Validated against the provider type's schema when the provider is created. */
  configuration: Record<string, unknown>;
}

export interface SecurityConfig {
  /** Base64 of 32 bytes; used as key id `k1`. */
  masterKey?: string;
  /** Key id → base64 of 32 bytes, for master-key rotation. */
  masterKeys?: Record<string, string>;
  /** The key of `masterKeys` that encrypts new values. */
  activeKeyId?: string;
  /** An API key (`bax-…`) accepted with full rights on the default tenant, to bootstrap automation. */
  bootstrapApiKey?: string;
  /** Failed API-key or access-token authentications allowed per client address before 429. */
  authFailures: AuthFailuresConfig;
}

export interface AuthFailuresConfig {
  /** Failures per client address within the window; the next attempt answers 429. */
  maxPerIp: number;
  windowSeconds: number;
}

export interface OutboundConfig {
  /** Accept loopback addresses (and plain http:// to them) in outbound URLs. */
  allowLoopback: boolean;
  /** Accept private (RFC 1918, ULA) addresses in outbound URLs. */
  allowPrivate: boolean;
  connectTimeoutMs: number;
  timeoutMs: number;
  maxResponseBytes: number;
  /**
   * Private networks (CIDRs, or single addresses) outbound calls may reach even when
   * `allowPrivate` is off. Link-local, metadata and other always-denied ranges stay denied.
   */
  allowedNetworks: string[];
}

export interface SecretsConfig {
  /** Largest secret value accepted on write, in bytes (UTF-8). */
  maxValueBytes: number;
  /** Budget for reusing environment reads (see host/CONFIG.md); 0 turns the reuse off. */
  responseCacheBytes: number;
}

export interface RotationConfig {
  /** Whether this replica runs rotation jobs (the API works either way). */
  scheduler: boolean;
  /** How often the safety-net sweep looks for due or interrupted runs. */
  sweepIntervalMinutes: number;
  /** How often Agenda polls for jobs when no notification woke it. */
  processEveryMs: number;
  /** Rotation runs in flight at once on this replica. */
  concurrency: number;
  /** Attempts of each step (rotate, store, revoke) before the run is marked Error. */
  maxAttempts: number;
  /** First backoff step between attempts; doubles up to 20× this, with full jitter. */
  retryBaseDelayMs: number;
  /** How long a replaced webhook signing secret keeps signing alongside the new one. */
  signingSecretGraceHours: number;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';
export type LogFormat = 'json' | 'pretty';

export interface LoggingConfig {
  level: LogLevel;
  format: LogFormat;
}

export interface TenantConfig {
  slug: string;
  name: string;
}
