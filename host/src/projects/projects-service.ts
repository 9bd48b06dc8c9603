import type { Knex } from 'knex';
import { ConflictError, NotFoundError } from '@keygate/core';
import type { components } from '../generated/openapi.js';
import { chooseSlug, isUniqueViolation, refColumn } from '../shared/refs.js';
import { listPage } from '../shared/paging.js';
import { SYSTEM_PROVIDER_SLUG, type ProvidersService, type StoredProvider } from '../providers/providers-service.js';

type Project = components['schemas']['Project'];

export interface ProjectRow {
  id: string;
  tenant_id: string;
  slug: string;
  name: string;
  description: string;
  created_at: Date;
  updated_at: Date;
}

export function projectToApi(row: ProjectRow): Project {
  return {
    id: row.id,
    slug: row.slug,
    name: row.name,
    description: row.description,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}

export class ProjectsService {
  readonly #knex: Knex;
  readonly #providers: ProvidersService;

  constructor(knex: Knex, providers: ProvidersService) {
    this.#knex = knex;
    this.#providers = providers;
  }

  async find(tenantId: string, ref: string, trx: Knex = this.#knex): Promise<ProjectRow> {
    const row = await trx<ProjectRow>('projects').where({ tenant_id: tenantId, [refColumn(ref)]: ref }).first();
    if (!row) throw new NotFoundError(`project "${ref}" not found`);
    return row;
  }

  /** A page of the tenant's projects; `onlyIds` limits it to those (the ones the caller may see). */
  async list(tenantId: string, limit: number, offset: number, onlyIds?: readonly string[]): Promise<{ rows: ProjectRow[]; total: number }> {
    const scoped = () => {
      const query = this.#knex('projects').where({ tenant_id: tenantId });
      return onlyIds ? query.whereIn('id', onlyIds) : query;
    };
    return listPage<ProjectRow>(scoped, ['created_at', 'id'], limit, offset);
  }

  async create(tenantId: string, input: { name: string; slug?: string; description?: string; providerIds?: string[] }): Promise<ProjectRow> {
    return this.#knex.transaction(async (trx) => {
      const providers = input.providerIds ? await this.#providers.findMany(tenantId, input.providerIds, trx) : [await this.#providers.find(tenantId, SYSTEM_PROVIDER_SLUG, trx)];
      const slug = await chooseSlug(input.slug, input.name, 'project', async (s) => (await trx('projects').where({ tenant_id: tenantId, slug: s }).first('id')) !== undefined, 'project');
      let row: ProjectRow;
      try {
        [row] = (await trx<ProjectRow>('projects').insert({ tenant_id: tenantId, slug, name: input.name, description: input.description ?? '' }).returning('*')) as [ProjectRow];
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`project with slug "${slug}" already exists`);
        throw error;
      }
      await trx('project_providers').insert(providers.map((p, position) => ({ project_id: row.id, provider_id: p.id, position })));
      return row;
    });
  }

  async update(tenantId: string, ref: string, input: { name?: string; description?: string }): Promise<ProjectRow> {
    const current = await this.find(tenantId, ref);
    const [row] = await this.#knex<ProjectRow>('projects')
      .where({ id: current.id })
      .update({ name: input.name ?? current.name, description: input.description ?? current.description, updated_at: this.#knex.fn.now() as unknown as Date })
      .returning('*');
    return row as ProjectRow;
  }

  async delete(tenantId: string, ref: string): Promise<ProjectRow> {
    const current = await this.find(tenantId, ref);
    await this.#knex('projects').where({ id: current.id }).delete();
    return current;
  }

  async providers(projectId: string, trx: Knex = this.#knex): Promise<StoredProvider[]> {
    return trx<StoredProvider>('providers as pr')
      .join('project_providers as pp', 'pp.provider_id', 'pr.id')
      .where('pp.project_id', projectId)
      .orderBy('pp.position')
      .select('pr.*');
  }

  async assignProviders(tenantId: string, project: ProjectRow, refs: string[]): Promise<StoredProvider[]> {
    return this.#knex.transaction(async (trx) => {
      await trx.raw('SELECT 1 FROM projects WHERE id = ? FOR UPDATE', [project.id]);
      const wanted = await this.#providers.findMany(tenantId, refs, trx);
      const current = await this.providers(project.id, trx);
      const have = new Set(current.map((p) => p.id));
      const added = wanted.filter((p) => !have.has(p.id));
      if (added.length > 0) {
        await trx('project_providers').insert(added.map((p, i) => ({ project_id: project.id, provider_id: p.id, position: current.length + i })));
      }
      return this.providers(project.id, trx);
    });
  }

  async unassignProvider(tenantId: string, project: ProjectRow, ref: string): Promise<void> {
    await this.#knex.transaction(async (trx) => {
      const provider = await this.#providers.find(tenantId, ref, trx);
      const users = await trx('environment_providers as ep')
        .join('environments as e', 'e.id', 'ep.environment_id')
        .where({ 'ep.provider_id': provider.id, 'e.project_id': project.id })
        .select<Array<{ slug: string }>>('e.slug');
      if (users.length > 0) {
        throw new ConflictError(`provider "${provider.slug}" is used by environment(s) ${users.map((u) => `"${u.slug}"`).join(', ')} of this project; remove it there first`);
      }
      const removed = await trx('project_providers').where({ project_id: project.id, provider_id: provider.id }).delete();
      if (removed === 0) throw new NotFoundError(`provider "${ref}" is not assigned to project "${project.slug}"`);
    });
  }
}
