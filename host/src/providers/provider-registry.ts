import {
  KeygateError,
  isKeygateError,
  type Keyring,
  type Logger,
  type PluginServices,
  type ProviderCapabilities,
  type SecretProvider,
  type SecretProviderType,
} from '@keygate/core';
import { compileValidator, maskSecrets } from '../validation/json-schema.js';
import { mapCredentials, restoreMaskedCredentials } from './credential-fields.js';
import { guardProvider } from './guarded-provider.js';

type Json = Record<string, unknown>;
type AnyProviderType = SecretProviderType<Json>;

/** The stored form of a provider connection (credentials encrypted). */
export interface ProviderRow {
  id: string;
  slug: string;
  type: string;
  configuration: Json;
  updated_at: Date;
}

interface CachedSession {
  stamp: number;
  session: Promise<SecretProvider>;
}

/**
 * Provider types from the loaded plugins, and the live sessions of configured providers.
 *
 * Sessions are opened lazily and reused; a provider's `updated_at` is part of the cache key, so an
 * edited connection is reopened on every replica at its next use.
 */
export class ProviderRegistry {
  readonly #types: Map<string, AnyProviderType>;
  readonly #services: PluginServices;
  readonly #keyring: Keyring;
  readonly #timeoutMs: number;
  readonly #log: Logger;
  readonly #sessions = new Map<string, CachedSession>();

  constructor(types: Map<string, SecretProviderType<never>>, services: PluginServices, timeoutMs: number) {
    this.#types = types as unknown as Map<string, AnyProviderType>;
    this.#services = services;
    this.#keyring = services.keyring;
    this.#timeoutMs = timeoutMs;
    this.#log = services.logger.child({ component: 'providers' });
  }

  types(): AnyProviderType[] {
    return [...this.#types.values()];
  }

  type(name: string): AnyProviderType {
    const type = this.#types.get(name);
    if (!type) {
      const known = [...this.#types.keys()].sort().join(', ');
      throw new KeygateError('INVALID_INPUT', `unknown provider type "${name}" (loaded types: ${known || 'none'})`);
    }
    return type;
  }

  /** Validates a plaintext configuration and returns its stored (encrypted) form. */
  prepareConfiguration(typeName: string, providerId: string, plain: Json): Json {
    const type = this.type(typeName);
    const result = compileValidator(type.configSchema)(plain);
    if (!result.ok) {
      const detail = result.errors.map((e) => `configuration${e.path ? `.${e.path}` : ''}: ${e.message}`).join('; ');
      throw new KeygateError('INVALID_INPUT', `invalid ${typeName} configuration: ${detail}`);
    }
    return mapCredentials(type.configSchema, result.value as Json, (value, path) => this.#keyring.encrypt(value, `provider:${providerId}:${path}`));
  }

  /** For updates: masked credentials keep their stored values, then the whole is validated again. */
  prepareUpdatedConfiguration(typeName: string, providerId: string, incoming: Json, stored: Json): Json {
    const plainStored = this.#decrypt(typeName, providerId, stored);
    const merged = restoreMaskedCredentials(this.type(typeName).configSchema, incoming, plainStored);
    return this.prepareConfiguration(typeName, providerId, merged);
  }

  mask(typeName: string, stored: Json): Json {
    const type = this.#types.get(typeName);
    // A provider whose plugin is no longer loaded still lists, with its configuration hidden.
    return type ? maskSecrets(type.configSchema, stored) : {};
  }

  capabilities(row: Pick<ProviderRow, 'type' | 'configuration' | 'id'>): ProviderCapabilities {
    const type = this.#types.get(row.type);
    if (!type) return { versions: false, compareAndSet: false, labels: false, binary: false, batchRead: false };
    return type.capabilities(this.#decrypt(row.type, row.id, row.configuration));
  }

  /** The open session of a provider (opened on first use), with timeouts and errors naming the provider. */
  session(row: ProviderRow): Promise<SecretProvider> {
    const stamp = new Date(row.updated_at).getTime();
    const cached = this.#sessions.get(row.id);
    if (cached && cached.stamp === stamp) return cached.session;
    if (cached) void cached.session.then((s) => s.close()).catch(() => undefined);
    const session = this.#open(row);
    this.#sessions.set(row.id, { stamp, session });
    // A failed open is not cached: the next request tries again.
    session.catch(() => {
      if (this.#sessions.get(row.id)?.session === session) this.#sessions.delete(row.id);
    });
    return session;
  }

  /** Closes and forgets a provider's session (after delete). */
  async evict(providerId: string): Promise<void> {
    const cached = this.#sessions.get(providerId);
    this.#sessions.delete(providerId);
    if (cached) await cached.session.then((s) => s.close()).catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    const sessions = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.allSettled(sessions.map((c) => c.session.then((s) => s.close())));
  }

  async #open(row: ProviderRow): Promise<SecretProvider> {
    const type = this.#types.get(row.type);
    if (!type) {
      throw new KeygateError('PROVIDER_UNAVAILABLE', `provider "${row.slug}" has type ${row.type}, whose plugin is not loaded`, { extensions: { provider: row.slug } });
    }
    const config = this.#decrypt(row.type, row.id, row.configuration);
    try {
      const session = await type.create({ config, providerId: row.id, services: { ...this.#services, logger: this.#log.child({ provider: row.slug }) } });
      return guardProvider(session, row.slug, this.#timeoutMs, this.#log);
    } catch (error) {
      if (isKeygateError(error)) {
        throw new KeygateError(error.code, `provider "${row.slug}": ${error.message}`, { retryable: error.retryable, extensions: { ...error.extensions, provider: row.slug } });
      }
      this.#log.warn('provider session failed to open', { provider: row.slug, error: error instanceof Error ? error.message : String(error) });
      throw new KeygateError('PROVIDER_UNAVAILABLE', `provider "${row.slug}" could not be opened`, { extensions: { provider: row.slug } });
    }
  }

  #decrypt(typeName: string, providerId: string, stored: Json): Json {
    const type = this.#types.get(typeName);
    if (!type) return stored;
    return mapCredentials(type.configSchema, stored, (value, path) => this.#keyring.decrypt(value, `provider:${providerId}:${path}`));
  }
}
