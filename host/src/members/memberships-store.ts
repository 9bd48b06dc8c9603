import type { Knex } from 'knex';
import { CoherentCache, type ChangeFeed } from '../db/change-feed.js';
import type { MemberAccess, ProjectRole } from '../http/request-context.js';

export interface ProjectMember {
  userId: string;
  email: string;
  role: ProjectRole;
  createdAt: Date;
}

export interface EnvironmentMember {
  userId: string;
  email: string;
  /** The user's project role, which is what they may do in the environment. */
  role: ProjectRole;
  createdAt: Date;
}

interface MemberRow {
  user_id: string;
  email: string;
  role: ProjectRole;
  created_at: Date;
}

const toMember = (row: MemberRow): ProjectMember => ({ userId: row.user_id, email: row.email, role: row.role, createdAt: row.created_at });

/**
 * Project memberships and environment member lists, plus each user's access as the policy needs it
 * (cached per user until a membership, user or environment changes on any replica).
 */
export class MembershipStore {
  readonly #knex: Knex;
  readonly #access: CoherentCache<MemberAccess>;

  constructor(knex: Knex, feed: ChangeFeed) {
    this.#knex = knex;
    this.#access = new CoherentCache(feed);
  }

  /** The user's project roles and the restricted environments of those projects. */
  accessOf(userId: string): Promise<MemberAccess> {
    return this.#access.get(userId, async () => {
      const projects = await this.#knex('project_members').where({ user_id: userId }).select<Array<{ project_id: string; role: ProjectRole }>>('project_id', 'role');
      const restricted =
        projects.length === 0
          ? []
          : await this.#knex('environment_members')
              .whereIn(
                'project_id',
                projects.map((p) => p.project_id),
              )
              .groupBy('environment_id')
              .select<Array<{ environment_id: string; listed: boolean }>>('environment_id', this.#knex.raw('bool_or(user_id = ?) as listed', [userId]));
      return {
        projects: new Map(projects.map((p) => [p.project_id, p.role])),
        environments: new Map(restricted.map((r) => [r.environment_id, r.listed])),
      };
    });
  }

  /** The id of the tenant's user named by id or email, if there is one. */
  async findUser(tenantId: string, ref: { userId?: string; email?: string }): Promise<{ id: string; email: string } | undefined> {
    const query = this.#knex('users').where({ tenant_id: tenantId });
    if (ref.userId !== undefined) void query.where({ id: ref.userId });
    else void query.where({ email: (ref.email ?? '').trim().toLowerCase() });
    return query.first<{ id: string; email: string } | undefined>('id', 'email');
  }

  async listProject(projectId: string, limit: number, offset: number): Promise<{ items: ProjectMember[]; total: number }> {
    const scoped = () => this.#knex('project_members as m').join('users as u', 'u.id', 'm.user_id').where('m.project_id', projectId);
    const [rows, count] = await Promise.all([
      scoped().orderBy([{ column: 'm.created_at', order: 'asc' }, { column: 'm.user_id', order: 'asc' }]).limit(limit).offset(offset).select<MemberRow[]>('m.user_id', 'u.email', 'm.role', 'm.created_at'),
      scoped().count<Array<{ count: string | number }>>({ count: '*' }),
    ]);
    return { items: rows.map(toMember), total: Number(count[0]?.count ?? 0) };
  }

  async getProjectMember(projectId: string, userId: string): Promise<ProjectMember | undefined> {
    const row = await this.#knex('project_members as m').join('users as u', 'u.id', 'm.user_id').where({ 'm.project_id': projectId, 'm.user_id': userId }).first<MemberRow | undefined>('m.user_id', 'u.email', 'm.role', 'm.created_at');
    return row ? toMember(row) : undefined;
  }

  /** Adds the user to the project; undefined when they are a member already. */
  async addProjectMember(tenantId: string, projectId: string, userId: string, role: ProjectRole): Promise<ProjectMember | undefined> {
    const inserted = await this.#knex('project_members').insert({ tenant_id: tenantId, project_id: projectId, user_id: userId, role }).onConflict(['project_id', 'user_id']).ignore().returning('user_id');
    return inserted.length === 0 ? undefined : this.getProjectMember(projectId, userId);
  }

  async setProjectRole(projectId: string, userId: string, role: ProjectRole): Promise<ProjectMember | undefined> {
    const updated = await this.#knex('project_members').where({ project_id: projectId, user_id: userId }).update({ role, updated_at: this.#knex.fn.now() }).returning('user_id');
    return updated.length === 0 ? undefined : this.getProjectMember(projectId, userId);
  }

  /** Removes the membership (and with it the user's places on the project's environment lists). */
  async removeProjectMember(projectId: string, userId: string): Promise<boolean> {
    return (await this.#knex('project_members').where({ project_id: projectId, user_id: userId }).delete()) > 0;
  }

  async listEnvironment(environmentId: string): Promise<EnvironmentMember[]> {
    const rows = await this.#knex('environment_members as e')
      .join('project_members as m', (j) => j.on('m.project_id', 'e.project_id').andOn('m.user_id', 'e.user_id'))
      .join('users as u', 'u.id', 'e.user_id')
      .where('e.environment_id', environmentId)
      .orderBy([{ column: 'e.created_at', order: 'asc' }, { column: 'e.user_id', order: 'asc' }])
      .select<MemberRow[]>('e.user_id', 'u.email', 'm.role', 'e.created_at');
    return rows.map(toMember);
  }

  /** Puts a project member on the environment's list: 'added', 'exists', or 'not-member' of the project. */
  async addEnvironmentMember(projectId: string, environmentId: string, userId: string): Promise<'added' | 'exists' | 'not-member'> {
    return this.#knex.transaction(async (trx) => {
      // Locks the membership so that a concurrent removal cannot slip between check and insert.
      const member = await trx('project_members').where({ project_id: projectId, user_id: userId }).forShare().first('user_id');
      if (!member) return 'not-member';
      const inserted = await trx('environment_members').insert({ environment_id: environmentId, project_id: projectId, user_id: userId }).onConflict(['environment_id', 'user_id']).ignore().returning('user_id');
      return inserted.length === 0 ? 'exists' : 'added';
    });
  }

  async removeEnvironmentMember(environmentId: string, userId: string): Promise<boolean> {
    return (await this.#knex('environment_members').where({ environment_id: environmentId, user_id: userId }).delete()) > 0;
  }
}
