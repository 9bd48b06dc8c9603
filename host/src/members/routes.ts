import { KeygateError, NotFoundError } from '@keygate/core';
import type { components } from '../generated/openapi.js';
import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import type { RequestContext } from '../http/request-context.js';
import { authorize } from '../auth/policy.js';
import { recordAction } from '../audit/record-action.js';
import { page } from '../shared/paging.js';
import { visibleProject } from '../projects/routes.js';
import type { ProjectRow } from '../projects/projects-service.js';
import type { EnvironmentRow } from '../environments/environments-service.js';
import type { ProjectMember } from './memberships-store.js';

type MemberHandlers = Pick<
  HandlerTable,
  'listProjectMembers' | 'addProjectMember' | 'updateProjectMember' | 'removeProjectMember' | 'listEnvironmentMembers' | 'addEnvironmentMember' | 'removeEnvironmentMember'
>;
type ApiMember = components['schemas']['ProjectMember'];
type MemberAction = 'members.read' | 'members.write';

function toApi(member: ProjectMember): ApiMember {
  return { userId: member.userId, email: member.email, role: member.role, createdAt: member.createdAt.toISOString() };
}

async function projectFor(s: HostServices, ctx: RequestContext, ref: string, action: MemberAction): Promise<ProjectRow> {
  const project = await visibleProject(s, ctx, ref, 'projects.read');
  authorize(ctx.principal, action, { projectId: project.id }, `project "${ref}"`);
  return project;
}

async function environmentFor(s: HostServices, ctx: RequestContext, projectRef: string, envRef: string, action: MemberAction): Promise<{ project: ProjectRow; env: EnvironmentRow }> {
  const project = await visibleProject(s, ctx, projectRef, 'projects.read');
  const env = await s.environments.find(project, envRef);
  authorize(ctx.principal, action, { projectId: project.id, environmentId: env.id }, `environment "${envRef}"`);
  return { project, env };
}

/** The tenant's user a request body names by exactly one of `userId` and `email`. */
async function namedUser(s: HostServices, ctx: RequestContext, body: { userId?: string; email?: string }): Promise<{ id: string; email: string }> {
  if ((body.userId === undefined) === (body.email === undefined)) {
    throw new KeygateError('INVALID_INPUT', 'userId, email: send exactly one of them');
  }
  const user = await s.memberships.findUser(ctx.principal.tenantId, body);
  if (!user) {
    const field = body.userId === undefined ? 'email' : 'userId';
    throw new KeygateError('INVALID_INPUT', `${field}: no such user in this tenant`);
  }
  return user;
}

/** Project memberships (project roles) and environment member lists. */
export function memberHandlers(s: HostServices): MemberHandlers {
  const envList = async (environmentId: string) => {
    const items = (await s.memberships.listEnvironment(environmentId)).map(toApi);
    return { restricted: items.length > 0, items };
  };
  return {
    listProjectMembers: async ({ params, query, ctx }) => {
      const project = await projectFor(s, ctx, params.projectRef, 'members.read');
      const { limit, offset } = page(query);
      const { items, total } = await s.memberships.listProject(project.id, limit, offset);
      return { status: 200, body: { items: items.map(toApi), total, limit, offset } };
    },
    addProjectMember: async ({ params, body, ctx }) => {
      const project = await projectFor(s, ctx, params.projectRef, 'members.write');
      const user = await namedUser(s, ctx, body);
      const member = await s.memberships.addProjectMember(ctx.principal.tenantId, project.id, user.id, body.role);
      if (!member) throw new KeygateError('CONFLICT', `"${user.email}" is already a member of project "${project.slug}"; change the role with PUT`);
      await recordAction(s.audit, ctx, 'member.add', 'user', user.email, 201, { userId: user.id, role: body.role }, { projectId: project.id });
      return { status: 201, body: toApi(member) };
    },
    updateProjectMember: async ({ params, body, ctx }) => {
      const project = await projectFor(s, ctx, params.projectRef, 'members.write');
      const before = await s.memberships.getProjectMember(project.id, params.userId);
      const member = before && (await s.memberships.setProjectRole(project.id, params.userId, body.role));
      if (!before || !member) throw new NotFoundError(`user "${params.userId}" is not a member of project "${project.slug}"`);
      await recordAction(s.audit, ctx, 'member.update', 'user', member.email, 200, { userId: member.userId, role: { from: before.role, to: member.role } }, { projectId: project.id });
      return { status: 200, body: toApi(member) };
    },
    removeProjectMember: async ({ params, ctx }) => {
      const project = await projectFor(s, ctx, params.projectRef, 'members.write');
      const member = await s.memberships.getProjectMember(project.id, params.userId);
      if (!member || !(await s.memberships.removeProjectMember(project.id, params.userId))) {
        throw new NotFoundError(`user "${params.userId}" is not a member of project "${project.slug}"`);
      }
      await recordAction(s.audit, ctx, 'member.remove', 'user', member.email, 204, { userId: member.userId, role: member.role }, { projectId: project.id });
      return { status: 204, body: undefined };
    },
    listEnvironmentMembers: async ({ params, ctx }) => {
      const { env } = await environmentFor(s, ctx, params.projectRef, params.envSlug, 'members.read');
      return { status: 200, body: await envList(env.id) };
    },
    addEnvironmentMember: async ({ params, body, ctx }) => {
      const { project, env } = await environmentFor(s, ctx, params.projectRef, params.envSlug, 'members.write');
      const user = await namedUser(s, ctx, body);
      const outcome = await s.memberships.addEnvironmentMember(project.id, env.id, user.id);
      if (outcome === 'not-member') throw new KeygateError('CONFLICT', `"${user.email}" is not a member of project "${project.slug}": add them to the project first`);
      if (outcome === 'exists') throw new KeygateError('CONFLICT', `"${user.email}" is already on the member list of environment "${env.slug}"`);
      await recordAction(s.audit, ctx, 'environment.member.add', 'user', user.email, 201, { userId: user.id }, { projectId: project.id, environmentId: env.id });
      return { status: 201, body: await envList(env.id) };
    },
    removeEnvironmentMember: async ({ params, ctx }) => {
      const { project, env } = await environmentFor(s, ctx, params.projectRef, params.envSlug, 'members.write');
      if (!(await s.memberships.removeEnvironmentMember(env.id, params.userId))) {
        throw new NotFoundError(`user "${params.userId}" is not on the member list of environment "${env.slug}"`);
      }
      await recordAction(s.audit, ctx, 'environment.member.remove', 'user', params.userId, 204, { userId: params.userId }, { projectId: project.id, environmentId: env.id });
      return { status: 204, body: undefined };
    },
  };
}
