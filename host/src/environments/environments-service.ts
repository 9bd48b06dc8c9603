import type { Knex } from 'knex';
import { ConflictError, InvalidInputError, NotFoundError } from '@keygate/core';
import type { components } from '../generated/openapi.js';
import { chooseSlug, isUniqueViolation, refColumn } from '../shared/refs.js';
import { listPage } from '../shared/paging.js';
import type { ProvidersService, StoredProvider } from '../providers/providers-service.js';
import type { ProjectRow, ProjectsService } from '../projects/projects-service.js';

type Environment = components['schemas']['Environment'];

export interface EnvironmentRow {
  id: string;
  tenant_id: string;
  project_id: string;
  slug: string;
  name: string;
  description: string;
  secrets_version: number;
  secrets_modified_at: Date;
  created_at: Date;
  updated_at: Date;
}

export class EnvironmentsService {
  readonly #knex: Knex;
  readonly #providers: ProvidersService;
  readonly #projects: ProjectsService;

  constructor(knex: Knex, providers: ProvidersService, projects: ProjectsService) {
    this.#knex = knex;
    this.#providers = providers;
    this.#projects = projects;
  }

  async toApi(row: EnvironmentRow, providers?: StoredProvider[]): Promise<Environment> {
    const list = providers ?? (await this.providers(row.id));
    return {
      id: row.id,
      projectId: row.project_id,
      slug: row.slug,
      name: row.name,
      description: row.description,
      providers: list.map((p) => p.slug),
      createdAt: new Date(row.created_at).toISOString(),
      updatedAt: new Date(row.updated_at).toISOString(),
    };
  }

  async find(project: ProjectRow, ref: string, trx: Knex = this.#knex): Promise<EnvironmentRow> {
    const row = await trx<EnvironmentRow>('environments').where({ project_id: project.id, [refColumn(ref)]: ref }).first();
    if (!row) throw new NotFoundError(`environment "${ref}" not found in project "${project.slug}"`);
    return row;
  }

  /** A page of the project's environments: only `onlyId` if given, never those in `excludeIds`. */
  async list(project: ProjectRow, limit: number, offset: number, onlyId?: string, excludeIds: readonly string[] = []): Promise<{ rows: EnvironmentRow[]; total: number }> {
    const scoped = () => {
      const query = this.#knex('environments').where({ project_id: project.id, ...(onlyId ? { id: onlyId } : {}) });
      return excludeIds.length > 0 ? query.whereNotIn('id', excludeIds) : query;
    };
    return listPage<EnvironmentRow>(scoped, ['created_at', 'id'], limit, offset);
  }

  async create(project: ProjectRow, input: { name: string; slug?: string; description?: string; providerIds?: string[] }): Promise<EnvironmentRow> {
    return this.#knex.transaction(async (trx) => {
      const providers = await this.#providersFromProject(project, input.providerIds, trx);
      const slug = await chooseSlug(input.slug, input.name, 'env', async (s) => (await trx('environments').where({ project_id: project.id, slug: s }).first('id')) !== undefined, 'environment');
      let row: EnvironmentRow;
      try {
        [row] = (await trx<EnvironmentRow>('environments')
          .insert({ tenant_id: project.tenant_id, project_id: project.id, slug, name: input.name, description: input.description ?? '' })
          .returning('*')) as [EnvironmentRow];
      } catch (error) {
        if (isUniqueViolation(error)) throw new ConflictError(`environment with slug "${slug}" already exists in project "${project.slug}"`);
        throw error;
      }
      await trx('environment_providers').insert(providers.map((p, position) => ({ environment_id: row.id, provider_id: p.id, position })));
      return row;
    });
  }

  async update(project: ProjectRow, ref: string, input: { name?: string; description?: string }): Promise<EnvironmentRow> {
    const current = await this.find(project, ref);
    const [row] = await this.#knex<EnvironmentRow>('environments')
      .where({ id: current.id })
      .update({ name: input.name ?? current.name, description: input.description ?? current.description, updated_at: this.#knex.fn.now() as unknown as Date })
      .returning('*');
    return row as EnvironmentRow;
  }

  async delete(project: ProjectRow, ref: string): Promise<EnvironmentRow> {
    const current = await this.find(project, ref);
    await this.#knex('environments').where({ id: current.id }).delete();
    return current;
  }

  async providers(environmentId: string, trx: Knex = this.#knex): Promise<StoredProvider[]> {
    return trx<StoredProvider>('providers as pr')
      .join('environment_providers as ep', 'ep.provider_id', 'pr.id')
      .where('ep.environment_id', environmentId)
      .orderBy('ep.position')
      .select('pr.*');
  }

  /** Appends providers (already-assigned ones stay where they are). */
  async assignProviders(project: ProjectRow, env: EnvironmentRow, refs: string[]): Promise<StoredProvider[]> {
    return this.#withEnvLock(env, async (trx) => {
      const wanted = await this.#providersFromProject(project, refs, trx);
      const current = await this.providers(env.id, trx);
      const have = new Set(current.map((p) => p.id));
      await this.#writeOrder(trx, env.id, [...current, ...wanted.filter((p) => !have.has(p.id))]);
      return this.providers(env.id, trx);
    });
  }

  /** Replaces the list; the order given is the priority order. */
  async setProviders(project: ProjectRow, env: EnvironmentRow, refs: string[]): Promise<StoredProvider[]> {
    return this.#withEnvLock(env, async (trx) => {
      await this.#writeOrder(trx, env.id, await this.#providersFromProject(project, refs, trx));
      return this.providers(env.id, trx);
    });
  }

  async unassignProvider(tenantId: string, env: EnvironmentRow, ref: string): Promise<void> {
    await this.#withEnvLock(env, async (trx) => {
      const provider = await this.#providers.find(tenantId, ref, trx);
      const current = await this.providers(env.id, trx);
      if (!current.some((p) => p.id === provider.id)) throw new NotFoundError(`provider "${ref}" is not assigned to environment "${env.slug}"`);
      if (current.length === 1) throw new ConflictError(`provider "${provider.slug}" is the only provider of environment "${env.slug}"; an environment needs at least one`);
      await this.#writeOrder(trx, env.id, current.filter((p) => p.id !== provider.id));
    });
  }

  async #withEnvLock<T>(env: EnvironmentRow, work: (trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.#knex.transaction(async (trx) => {
      await trx.raw('SELECT 1 FROM environments WHERE id = ? FOR UPDATE', [env.id]);
      return work(trx);
    });
  }

  async #writeOrder(trx: Knex, environmentId: string, providers: StoredProvider[]): Promise<void> {
    await trx('environment_providers').where({ environment_id: environmentId }).delete();
    await trx('environment_providers').insert(providers.map((p, position) => ({ environment_id: environmentId, provider_id: p.id, position })));
  }

  /** Resolves refs that must all be assigned to the project; no refs = all the project's providers. */
  async #providersFromProject(project: ProjectRow, refs: string[] | undefined, trx: Knex): Promise<StoredProvider[]> {
    const projectProviders = await this.#projects.providers(project.id, trx);
    if (refs === undefined) {
      if (projectProviders.length === 0) throw new ConflictError(`project "${project.slug}" has no providers; assign one first`);
      return projectProviders;
    }
    const wanted = await this.#providers.findMany(project.tenant_id, refs, trx);
    const assigned = new Set(projectProviders.map((p) => p.id));
    const missing = wanted.filter((p) => !assigned.has(p.id));
    if (missing.length > 0) {
      throw new InvalidInputError(`provider(s) ${missing.map((p) => `"${p.slug}"`).join(', ')} not assigned to project "${project.slug}"; assign them to the project first`);
    }
    return wanted;
  }
}
