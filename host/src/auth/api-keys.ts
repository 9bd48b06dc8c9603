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
  /** A personal key's user: the key acts as this user, with the user's current role. */
  userId: string | null;
  enabled: boolean;
  expiresAt: Date | null;
  /** A scoped token's scopes (it sees only secrets tagged with one of them); null: unrestricted. */
  scopes: string[] | null;
}

export interface NewApiKey {
  tenantId: string;
  scope: KeyScope;
  role: string;
  projectId?: string | null;
  environmentId?: string | null;
  /** Required for (only) personal keys. */
  userId?: string | null;
  clientName?: string;
  description?: string;
  expiresAt?: Date | null;
  /** Restricts the key to secrets whose `tags.scope` names one of these. */
  scopes?: string[] | null;
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

/** What may be shown about a key after its creation: never the secret. */
export interface ApiKeyInfo {
  id: string;
  keyId: string;
  clientName: string;
  description: string;
  role: string;
  enabled: boolean;
  expiresAt: Date | null;
  createdAt: Date;
}

export interface ApiKeyChanges {
  enabled?: boolean;
  clientName?: string;
  description?: string;
}

/** The key with the names of its tenant, project and environment (`GET /api/v1/keys/me`). */
export interface ApiKeyIdentity {
  keyId: string;
  role: string;
  tenantId: string;
  tenantSlug: string;
  tenantName: string;
  projectId: string | null;
  projectSlug: string | null;
  projectName: string | null;
  environmentId: string | null;
  environmentSlug: string | null;
  environmentName: string | null;
}

/** Which keys a management route sees: one kind, inside the caller's tenant. */
export type ApiKeyFilter =
  | { tenantId: string; scope: 'tenant' }
  | { tenantId: string; scope: 'project'; projectId: string }
  | { tenantId: string; scope: 'environment'; environmentId: string }
  | { tenantId: string; scope: 'personal'; userId: string };

function filterColumns(filter: ApiKeyFilter): Record<string, string> {
  const where: Record<string, string> = { tenant_id: filter.tenantId, scope: filter.scope };
  if (filter.scope === 'project') where.project_id = filter.projectId;
  if (filter.scope === 'environment') where.environment_id = filter.environmentId;
  if (filter.scope === 'personal') where.user_id = filter.userId;
  return where;
}

interface ApiKeyInfoRow {
  id: string;
  key_id: string;
  client_name: string;
  description: string;
  role: string;
  enabled: boolean;
  expires_at: Date | null;
  created_at: Date;
}

const INFO_COLUMNS = ['id', 'key_id', 'client_name', 'description', 'role', 'enabled', 'expires_at', 'created_at'];

function toInfo(row: ApiKeyInfoRow): ApiKeyInfo {
  return {
    id: row.id,
    keyId: row.key_id,
    clientName: row.client_name,
    description: row.description,
    role: row.role,
    enabled: row.enabled,
    expiresAt: row.expires_at,
    createdAt: row.created_at,
  };
}

/** The columns a new key is inserted with. */
export interface NewApiKeyRow {
  tenant_id: string;
  key_id: string;
  secret_ciphertext: string;
  client_name: string;
  description: string;
  scope: KeyScope;
  role: string;
  project_id: string | null;
  environment_id: string | null;
  user_id: string | null;
  expires_at: Date | null;
  scopes: string[] | null;
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
  user_id: string | null;
  enabled: boolean;
  expires_at: Date | null;
  scopes: string[] | null;
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
    const { row: columns, apiKey } = this.prepare(input);
    const [row] = await trx('api_keys').insert(columns).returning<Array<{ id: string; expires_at: Date | null }>>(['id', 'expires_at']);
    return { ...apiKey, id: row!.id, expiresAt: row!.expires_at };
  }

  /**
   * The `api_keys` row of a new key (secret encrypted) and what its creator is shown, without
   * writing it: for callers that insert the row inside a statement of their own.
   */
  prepare(input: NewApiKey): { row: NewApiKeyRow; apiKey: Omit<CreatedApiKey, 'id' | 'expiresAt'> } {
    const material = input.material ?? generateApiKey();
    return {
      row: {
        tenant_id: input.tenantId,
        key_id: material.keyId,
        secret_ciphertext: this.#keyring.encrypt(material.secret, `api-key:${material.keyId}`),
        client_name: input.clientName ?? '',
        description: input.description ?? '',
        scope: input.scope,
        role: input.role,
        project_id: input.projectId ?? null,
        environment_id: input.environmentId ?? null,
        user_id: input.userId ?? null,
        expires_at: input.expiresAt ?? null,
        scopes: input.scopes ?? null,
      },
      apiKey: { keyId: material.keyId, apiKey: `bax-${material.keyId}-${material.secret}`, keyPrefix: apiKeyPrefix(material.keyId) },
    };
  }

  async exists(keyId: string, trx: Knex = this.#knex): Promise<boolean> {
    const row = await trx('api_keys').where({ key_id: keyId }).first('id');
    return row !== undefined;
  }

  /** Keys of one kind (`filter`), newest first; never their secrets. */
  async list(filter: ApiKeyFilter, limit: number, offset: number): Promise<{ items: ApiKeyInfo[]; total: number }> {
    const scoped = () => this.#knex('api_keys').where(filterColumns(filter));
    const [rows, count] = await Promise.all([
      scoped().orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }]).limit(limit).offset(offset).select<ApiKeyInfoRow[]>(INFO_COLUMNS),
      scoped().count<Array<{ count: string | number }>>({ count: '*' }),
    ]);
    return { items: rows.map(toInfo), total: Number(count[0]?.count ?? 0) };
  }

  async find(filter: ApiKeyFilter, id: string): Promise<ApiKeyInfo | undefined> {
    const row = await this.#knex('api_keys')
      .where({ ...filterColumns(filter), id })
      .first<ApiKeyInfoRow | undefined>(INFO_COLUMNS);
    return row ? toInfo(row) : undefined;
  }

  async update(filter: ApiKeyFilter, id: string, changes: ApiKeyChanges): Promise<ApiKeyInfo | undefined> {
    const [row] = await this.#knex('api_keys')
      .where({ ...filterColumns(filter), id })
      .update({
        ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
        ...(changes.clientName === undefined ? {} : { client_name: changes.clientName }),
        ...(changes.description === undefined ? {} : { description: changes.description }),
        updated_at: this.#knex.fn.now(),
      })
      .returning<ApiKeyInfoRow[]>(INFO_COLUMNS);
    return row ? toInfo(row) : undefined;
  }

  /** The deleted key's key id, or undefined when there was no such key. */
  async delete(filter: ApiKeyFilter, id: string): Promise<string | undefined> {
    const [row] = await this.#knex('api_keys')
      .where({ ...filterColumns(filter), id })
      .delete()
      .returning<Array<{ key_id: string }>>(['key_id']);
    return row?.key_id;
  }

  /** The key with the names of what it is scoped to. */
  async identity(keyId: string): Promise<ApiKeyIdentity | undefined> {
    const row = await this.#knex('api_keys as k')
      .join('tenants as t', 't.id', 'k.tenant_id')
      .leftJoin('environments as e', 'e.id', 'k.environment_id')
      // An environment key's project is its environment's.
      .leftJoin('projects as p', 'p.id', this.#knex.raw('coalesce(k.project_id, e.project_id)'))
      .where('k.key_id', keyId)
      .first<ApiKeyIdentity | undefined>(
        'k.key_id as keyId',
        'k.role as role',
        't.id as tenantId',
        't.slug as tenantSlug',
        't.name as tenantName',
        'p.id as projectId',
        'p.slug as projectSlug',
        'p.name as projectName',
        'e.id as environmentId',
        'e.slug as environmentSlug',
        'e.name as environmentName',
      );
    return row;
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
        'k.user_id',
        'k.enabled',
        'k.expires_at',
        'k.scopes',
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
      userId: row.user_id,
      enabled: row.enabled,
      expiresAt: row.expires_at,
      scopes: row.scopes,
    };
  }
}
