import type { Secret } from '../secret.js';
import type { JsonSchema } from '../json-schema.js';
import type { PluginServices } from './services.js';

/** Where secrets live for one environment: slugs of the tenant, project and environment. */
export interface SecretScope {
  tenant: string;
  project: string;
  environment: string;
}

export interface SecretRef extends SecretScope {
  key: string;
}

/** What a backend really supports. Asking for something it lacks raises `UNSUPPORTED`. */
export interface ProviderCapabilities {
  /** Keeps earlier versions that can be read back by version id. */
  versions: boolean;
  /** Honours `ifVersion` on writes atomically. */
  compareAndSet: boolean;
  /** Stores native labels / tags / custom metadata with a secret. */
  labels: boolean;
  /** Stores arbitrary bytes (not only UTF-8 text). */
  binary: boolean;
  /** Reads a whole environment in fewer calls than one per key. */
  batchRead: boolean;
}

export interface SecretValue {
  key: string;
  value: Secret;
  /** Backend version id, opaque to the host. */
  version?: string;
  /** The backend holds raw bytes (see `capabilities.binary`); `value` is their base64. */
  binary?: boolean;
}

export interface SecretMetadata {
  key: string;
  version?: string;
  labels: Record<string, string>;
  updatedAt?: Date;
}

export interface GetOptions {
  /** Read an earlier version; needs `capabilities.versions`. */
  version?: string;
}

export interface PutOptions {
  /**
   * Compare-and-set: write only if the current version is this one; `null` means "only if the key
   * does not exist yet". Needs `capabilities.compareAndSet`; a lost race raises `VERSION_CONFLICT`.
   */
  ifVersion?: string | null;
  /** Native labels; needs `capabilities.labels`. */
  labels?: Record<string, string>;
  /**
   * The value is base64 of arbitrary bytes (the API's `binary` type). A provider with
   * `capabilities.binary` stores the bytes natively; others store the base64 text as it is.
   */
  binary?: boolean;
}

export interface PutResult {
  version?: string;
}

/** An authenticated connection to one configured backend. */
export interface SecretProvider {
  readonly capabilities: ProviderCapabilities;
  /**
   * All secrets of an environment (a key → value map), which callers must not change. A provider
   * may answer with the same map object for as long as the environment has not changed (the
   * Local provider does, from its cache): the host then reuses the response it built from it.
   */
  getAll(scope: SecretScope): Promise<ReadonlyMap<string, Secret>>;
  /** Raises `NOT_FOUND` when the key (or version) does not exist. */
  get(ref: SecretRef, options?: GetOptions): Promise<SecretValue>;
  put(ref: SecretRef, value: Secret, options?: PutOptions): Promise<PutResult>;
  /** Raises `NOT_FOUND` when the key does not exist. */
  delete(ref: SecretRef): Promise<void>;
  /** Keys, versions and labels; never values. */
  listMetadata(scope: SecretScope): Promise<SecretMetadata[]>;
  /** Connectivity and credential check; raises a typed error naming what is wrong. */
  check(): Promise<void>;
  close(): Promise<void>;
}

export interface ProviderFactoryContext<Config> {
  /** The provider's configuration, already validated against `configSchema`, credentials decrypted. */
  config: Config;
  /** The provider connection's id, for naming things it owns. */
  providerId: string;
  services: PluginServices;
}

/** A stateless factory: declares what the type needs and supports, and opens sessions. */
export interface SecretProviderType<Config = Record<string, unknown>> {
  kind: 'provider';
  /** Catalog type name, e.g. `Vault`, `AwsSecretsManager`, `Local`. */
  type: string;
  displayName: string;
  description: string;
  /** JSON Schema of the connection configuration; mark credential properties `"x-keygate-secret": true`. */
  configSchema: JsonSchema;
  capabilities(config: Config): ProviderCapabilities;
  create(context: ProviderFactoryContext<Config>): Promise<SecretProvider>;
}
