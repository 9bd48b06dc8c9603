import type { Knex } from 'knex';
import type { Keyring } from '@keygate/core';
import { CoherentCache, type ChangeFeed } from '../db/change-feed.js';
import { apiKeyPrefix, generateApiKey, type ParsedApiKey } from '@keygate/core/wire';

export type KeyScope = 'tenant' | 'project' | 'environment' | 'personal';

export interface ApiKeyRecord {
  id: string;
  keyId: string;
  /** 64 lowercase hex characters (decrypted). */
  secret: string;
  tenantId: string;
  tenantSlug: string;
  scope: KeyScope;
  role: string;
  projectId: string | null;
  environmentId: string | null;
  enabled: boolean;
  expiresAt: Date | null;
}

export interface NewApiKey {
  tenantId: string;
  scope: KeyScope;
  role: string;
  projectId?: string | null;
  environmentId?: string | null;
  clientName?: string;
  description?: string;
  expiresAt?: Date | null;
  /** Use this key material instead of generating it (unattended bootstrap). */
  material?: ParsedApiKey;
}

export interface CreatedApiKey {
  id: string;
  keyId: string;
  apiKey: string;
  keyPrefix: string;
  expiresAt: Date | null;
}

interface ApiKeyRow {
  id: string;
  key_id: string;
  secret_ciphertext: string;
  tenant_id: string;
  tenant_slug: string;
  scope: KeyScope;
  role: string;
  project_id: string | null;
  environment_id: string | null;
  enabled: boolean;
  expires_at: Date | null;
}

/**
 * API keys. The secret half is encrypted with the keyring (request signing needs it back), bound
 * to the key id so a ciphertext cannot be moved to another row.
 *
 * Lookups are cached until the change feed reports a change to `api_keys` (on any replica), so a
 * disabled or deleted key stops working everywhere within milliseconds.
 */
export class ApiKeyStore {
  readonly #knex: Knex;
  readonly #keyring: Keyring;
  readonly #cache: CoherentCache<ApiKeyRecord | undefined>;

  constructor(knex: Knex, keyring: Keyring, feed: ChangeFeed) {
    this.#knex = knex;
    this.#keyring = keyring;
    this.#cache = new CoherentCache(feed);
  }

  async create(input: NewApiKey, trx: Knex = this.#knex): Promise<CreatedApiKey> {
    const material = input.material ?? generateApiKey();
    const [row] = await trx('api_keys')
      .insert({
        tenant_id: input.tenantId,
        key_id: material.keyId,
        secret_ciphertext: this.#keyring.encrypt(material.secret, `api-key:${material.keyId}`),
        client_name: input.clientName ?? '',
        description: input.description ?? '',
        scope: input.scope,
        role: input.role,
        project_id: input.projectId ?? null,
        environment_id: input.environmentId ?? null,
        expires_at: input.expiresAt ?? null,
      })
      .returning<Array<{ id: string; expires_at: Date | null }>>(['id', 'expires_at']);
    return {
      id: row!.id,
      keyId: material.keyId,
      apiKey: `bax-${material.keyId}-${material.secret}`,
      keyPrefix: apiKeyPrefix(material.keyId),
      expiresAt: row!.expires_at,
    };
  }

  async exists(keyId: string, trx: Knex = this.#knex): Promise<boolean> {
    const row = await trx('api_keys').where({ key_id: keyId }).first('id');
    return row !== undefined;
  }

  /** The key with this id, or undefined; negative answers are cached too (key-id guessing). */
  lookup(keyId: string): Promise<ApiKeyRecord | undefined> {
    return this.#cache.get(keyId, () => this.#load(keyId));
  }

  async #load(keyId: string): Promise<ApiKeyRecord | undefined> {
    const row = await this.#knex('api_keys as k')
      .join('tenants as t', 't.id', 'k.tenant_id')
      .where('k.key_id', keyId)
      .first<ApiKeyRow | undefined>(
        'k.id',
        'k.key_id',
        'k.secret_ciphertext',
        'k.tenant_id',
        't.slug as tenant_slug',
        'k.scope',
        'k.role',
        'k.project_id',
        'k.environment_id',
        'k.enabled',
        'k.expires_at',
      );
    return row ? this.#toRecord(row) : undefined;
  }

  #toRecord(row: ApiKeyRow): ApiKeyRecord {
    return {
      id: row.id,
      keyId: row.key_id,
      secret: this.#keyring.decrypt(row.secret_ciphertext, `api-key:${row.key_id}`),
      tenantId: row.tenant_id,
      tenantSlug: row.tenant_slug,
      scope: row.scope,
      role: row.role,
      projectId: row.project_id,
      environmentId: row.environment_id,
      enabled: row.enabled,
      expiresAt: row.expires_at,
    };
  }
}
