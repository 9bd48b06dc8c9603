import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError, isKeygateError } from '@keygate/core';
import type { components } from '../generated/openapi.js';
import type { ProviderRegistry, ProviderRow } from './provider-registry.js';
import { chooseSlug, isUniqueViolation, refColumn } from '../shared/refs.js';
import { listPage } from '../shared/paging.js';

type Provider = components['schemas']['Provider'];
type Json = Record<string, unknown>;

export interface StoredProvider extends ProviderRow {
  tenant_id: string;
  name: string;
  description: string;
  is_system: boolean;
  created_at: Date;
}

export const SYSTEM_PROVIDER_SLUG = 'system';

export class ProvidersService {
  readonly #knex: Knex;
  readonly #registry: ProviderRegistry;

  constructor(knex: Knex, registry: ProviderRegistry) {
    this.#knex = knex;
    this.#registry = registry;
  }

  toApi(row: StoredProvider): Provider {
    return {
      id: row.id,
      slug: row.slug,
      name: row.name,
      type: row.type,
      description: row.description,
      configuration: this.#registry.mask(row.type, row.configuration),
      capabilities: this.#registry.capabilities(row),
      isSystem: row.is_system,
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async list(tenantId: string, limit: number, offset: number): Promise<{ rows: StoredProvider[]; total: number }> {
    return listPage<StoredProvider>(() => this.#knex('providers').where({ tenant_id: tenantId }), [{ column: 'is_system', order: 'desc' }, 'created_at', 'id'], limit, offset);
  }

  async find(tenantId: string, ref: string, trx: Knex = this.#knex): Promise<StoredProvider> {
    const row = await trx<StoredProvider>('providers').where({ tenant_id: tenantId, [refColumn(ref)]: ref }).first();
    if (!row) throw new NotFoundError(`provider "${ref}" not found`);
    return row;
  }

  /** Resolves several refs (ids or slugs) in the given order; every one must exist. */
  async findMany(tenantId: string, refs: readonly string[], trx: Knex = this.#knex): Promise<StoredProvider[]> {
    const unique = [...new Set(refs)];
    const result: StoredProvider[] = [];
    for (const ref of unique) result.push(await this.find(tenantId, ref, trx));
    const ids = new Set<string>();
    return result.filter((row) => (ids.has(row.id) ? false : (ids.add(row.id), true)));
  }

  async create(
    tenantId: string,
    input: { name: string; slug?: string; type: string; description?: string; configuration?: Json },
    options: { isSystem?: boolean; trx?: Knex } = {},
  ): Promise<StoredProvider> {
    const trx = options.trx ?? this.#knex;
    const id = randomUUID();
    const configuration = this.#registry.prepareConfiguration(input.type, id, input.configuration ?? {});
    const slug = await chooseSlug(input.slug, input.name, 'provider', async (s) => (await trx('providers').where({ tenant_id: tenantId, slug: s }).first('id')) !== undefined, 'provider');
    try {
      const [row] = await trx<StoredProvider>('providers')
        .insert({ id, tenant_id: tenantId, slug, name: input.name, type: input.type, description: input.description ?? '', configuration, is_system: options.isSystem ?? false })
        .returning('*');
      return row as StoredProvider;
    } catch (error) {
      if (isUniqueViolation(error)) throw new ConflictError(`provider with slug "${slug}" already exists`);
      throw error;
    }
  }

  async update(tenantId: string, ref: string, input: { name?: string; description?: string; configuration?: Json }, outer?: Knex): Promise<StoredProvider> {
    return (outer ?? this.#knex).transaction(async (trx) => {
      const current = await this.find(tenantId, ref, trx);
      await trx.raw('SELECT 1 FROM providers WHERE id = ? FOR UPDATE', [current.id]);
      const configuration =
        input.configuration === undefined ? current.configuration : this.#registry.prepareUpdatedConfiguration(current.type, current.id, input.configuration, current.configuration);
      const [row] = await trx<StoredProvider>('providers')
        .where({ id: current.id })
        .update({
          name: input.name ?? current.name,
          description: input.description ?? current.description,
          configuration,
          updated_at: trx.fn.now() as unknown as Date,
        })
        .returning('*');
      return row as StoredProvider;
    });
  }

  async delete(tenantId: string, ref: string): Promise<StoredProvider> {
    const row = await this.#knex.transaction(async (trx) => {
      const current = await this.find(tenantId, ref, trx);
      if (current.is_system) throw new ConflictError(`provider "${current.slug}" is the tenant's system provider and cannot be deleted`);
      const use = await trx('project_providers as pp')
        .join('projects as p', 'p.id', 'pp.project_id')
        .where('pp.provider_id', current.id)
        .select<Array<{ slug: string }>>('p.slug')
        .limit(5);
      if (use.length > 0) {
        throw new ConflictError(`provider "${current.slug}" is assigned to project(s) ${use.map((u) => `"${u.slug}"`).join(', ')}; unassign it first`);
      }
      await trx('providers').where({ id: current.id }).delete();
      return current;
    });
    await this.#registry.evict(row.id);
    return row;
  }

  /** Connectivity check through the provider's session; failures are results, not errors. */
  async test(row: StoredProvider): Promise<{ ok: boolean; latencyMs: number; code?: string; detail?: string }> {
    const started = performance.now();
    try {
      const session = await this.#registry.session(row);
      await session.check();
      return { ok: true, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      const latencyMs = Math.round(performance.now() - started);
      if (isKeygateError(error)) return { ok: false, latencyMs, code: error.code, detail: error.message };
      return { ok: false, latencyMs, code: 'PROVIDER_REJECTED', detail: `provider "${row.slug}" check failed` };
    }
  }
}
