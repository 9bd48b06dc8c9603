import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import { actsByMembership, authorize, listableProjectIds } from '../auth/policy.js';
import { recordAction } from '../audit/record-action.js';
import { page } from '../shared/paging.js';
import { projectToApi, type ProjectRow } from './projects-service.js';
import type { RequestContext } from '../http/request-context.js';

type ProjectHandlers = Pick<
  HandlerTable,
  'listProjects' | 'createProject' | 'getProject' | 'updateProject' | 'deleteProject' | 'listProjectProviders' | 'assignProjectProviders' | 'unassignProjectProvider'
>;

/** Finds a project the caller may act on; anything else is 404. */
export async function visibleProject(s: HostServices, ctx: RequestContext, ref: string, action: 'projects.read' | 'projects.write'): Promise<ProjectRow> {
  // Members of projects are checked against the project itself, once it is found.
  if (!actsByMembership(ctx.principal)) authorize(ctx.principal, action, ctx.principal.projectId ? { projectId: ctx.principal.projectId } : {}, `project "${ref}"`);
  const project = await s.projects.find(ctx.principal.tenantId, ref);
  authorize(ctx.principal, action, { projectId: project.id }, `project "${ref}"`);
  return project;
}

export function projectHandlers(s: HostServices): ProjectHandlers {
  return {
    listProjects: async ({ query, ctx }) => {
      const { principal } = ctx;
      if (!actsByMembership(principal)) authorize(principal, 'projects.read', principal.projectId ? { projectId: principal.projectId } : {}, 'projects');
      const { limit, offset } = page(query);
      const { rows, total } = await s.projects.list(principal.tenantId, limit, offset, listableProjectIds(principal));
      return { status: 200, body: { items: rows.map(projectToApi), total, limit, offset } };
    },
    createProject: async ({ body, ctx }) => {
      authorize(ctx.principal, 'projects.write', {}, 'projects');
      const row = await s.projects.create(ctx.principal.tenantId, body);
      await recordAction(s.audit, ctx, 'project.create', 'project', row.slug, 201, {}, { projectId: row.id });
      return { status: 201, body: projectToApi(row) };
    },
    getProject: async ({ params, ctx }) => ({ status: 200, body: projectToApi(await visibleProject(s, ctx, params.projectRef, 'projects.read')) }),
    updateProject: async ({ params, body, ctx }) => {
      const project = await visibleProject(s, ctx, params.projectRef, 'projects.write');
      const row = await s.projects.update(ctx.principal.tenantId, project.id, body);
      await recordAction(s.audit, ctx, 'project.update', 'project', row.slug, 200, {}, { projectId: row.id });
      return { status: 200, body: projectToApi(row) };
    },
    deleteProject: async ({ params, ctx }) => {
      const project = await visibleProject(s, ctx, params.projectRef, 'projects.write');
      await s.projects.delete(ctx.principal.tenantId, project.id);
      await recordAction(s.audit, ctx, 'project.delete', 'project', project.slug, 204, {}, { projectId: project.id });
      return { status: 204, body: undefined };
    },
    listProjectProviders: async ({ params, ctx }) => {
      const project = await visibleProject(s, ctx, params.projectRef, 'projects.read');
      const rows = await s.projects.providers(project.id);
      return { status: 200, body: { items: rows.map((r) => s.providers.toApi(r)) } };
    },
    assignProjectProviders: async ({ params, body, ctx }) => {
      const project = await visibleProject(s, ctx, params.projectRef, 'projects.write');
      const rows = await s.projects.assignProviders(ctx.principal.tenantId, project, body.providerIds);
      await recordAction(s.audit, ctx, 'project.providers.assign', 'project', project.slug, 200, { providers: rows.map((r) => r.slug) }, { projectId: project.id });
      return { status: 200, body: { items: rows.map((r) => s.providers.toApi(r)) } };
    },
    unassignProjectProvider: async ({ params, ctx }) => {
      const project = await visibleProject(s, ctx, params.projectRef, 'projects.write');
      await s.projects.unassignProvider(ctx.principal.tenantId, project, params.providerRef);
      await recordAction(s.audit, ctx, 'project.providers.unassign', 'project', project.slug, 204, { provider: params.providerRef }, { projectId: project.id });
      return { status: 204, body: undefined };
    },
  };
}
