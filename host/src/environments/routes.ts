import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import type { RequestContext } from '../http/request-context.js';
import { authorize, hiddenEnvironmentIds, isAllowed } from '../auth/policy.js';
import { recordAction } from '../audit/record-action.js';
import { page } from '../shared/paging.js';
import { NotFoundError } from '@keygate/core';
import type { ProjectRow } from '../projects/projects-service.js';
import type { EnvironmentRow } from './environments-service.js';

type EnvironmentHandlers = Pick<
  HandlerTable,
  | 'listEnvironments'
  | 'createEnvironment'
  | 'getEnvironment'
  | 'updateEnvironment'
  | 'deleteEnvironment'
  | 'listEnvironmentProviders'
  | 'assignEnvironmentProviders'
  | 'setEnvironmentProviders'
  | 'unassignEnvironmentProvider'
>;

type EnvAction = 'environments.read' | 'environments.write';

async function visibleProjectFor(s: HostServices, ctx: RequestContext, projectRef: string): Promise<ProjectRow> {
  const project = await s.projects.find(ctx.principal.tenantId, projectRef).catch(() => undefined);
  // Environment keys may reach their environment's project only through that environment.
  if (!project || !(isAllowed(ctx.principal, 'environments.read', { projectId: project.id }) || ctx.principal.scope === 'environment')) {
    throw new NotFoundError(`project "${projectRef}" not found`);
  }
  return project;
}

async function visibleEnvironment(s: HostServices, ctx: RequestContext, projectRef: string, envRef: string, action: EnvAction): Promise<{ project: ProjectRow; env: EnvironmentRow }> {
  const project = await visibleProjectFor(s, ctx, projectRef);
  const env = await s.environments.find(project, envRef);
  authorize(ctx.principal, action, { projectId: project.id, environmentId: env.id }, `environment "${envRef}"`);
  return { project, env };
}

export function environmentHandlers(s: HostServices): EnvironmentHandlers {
  return {
    listEnvironments: async ({ params, query, ctx }) => {
      const project = await visibleProjectFor(s, ctx, params.projectRef);
      const { limit, offset } = page(query);
      const onlyId = ctx.principal.scope === 'environment' ? (ctx.principal.environmentId ?? undefined) : undefined;
      if (ctx.principal.scope !== 'environment') authorize(ctx.principal, 'environments.read', { projectId: project.id }, `project "${params.projectRef}"`);
      const { rows, total } = await s.environments.list(project, limit, offset, onlyId, hiddenEnvironmentIds(ctx.principal, project.id));
      return { status: 200, body: { items: await Promise.all(rows.map((r) => s.environments.toApi(r))), total, limit, offset } };
    },
    createEnvironment: async ({ params, body, ctx }) => {
      const project = await visibleProjectFor(s, ctx, params.projectRef);
      authorize(ctx.principal, 'environments.write', { projectId: project.id }, `project "${params.projectRef}"`);
      if (ctx.principal.scope === 'environment') throw new NotFoundError(`project "${params.projectRef}" not found`);
      const row = await s.environments.create(project, body);
      await recordAction(s.audit, ctx, 'environment.create', 'environment', `${project.slug}/${row.slug}`, 201, {}, { projectId: project.id, environmentId: row.id });
      return { status: 201, body: await s.environments.toApi(row) };
    },
    getEnvironment: async ({ params, ctx }) => {
      const { env } = await visibleEnvironment(s, ctx, params.projectRef, params.envSlug, 'environments.read');
      return { status: 200, body: await s.environments.toApi(env) };
    },
    updateEnvironment: async ({ params, body, ctx }) => {
      const { project, env } = await visibleEnvironment(s, ctx, params.projectRef, params.envSlug, 'environments.write');
      const row = await s.environments.update(project, env.id, body);
      await recordAction(s.audit, ctx, 'environment.update', 'environment', `${project.slug}/${row.slug}`, 200, {}, { projectId: project.id, environmentId: row.id });
      return { status: 200, body: await s.environments.toApi(row) };
    },
    deleteEnvironment: async ({ params, ctx }) => {
      const { project, env } = await visibleEnvironment(s, ctx, params.projectRef, params.envSlug, 'environments.write');
      await s.environments.delete(project, env.id);
      await recordAction(s.audit, ctx, 'environment.delete', 'environment', `${project.slug}/${env.slug}`, 204, {}, { projectId: project.id, environmentId: env.id });
      return { status: 204, body: undefined };
    },
    listEnvironmentProviders: async ({ params, ctx }) => {
      const { env } = await visibleEnvironment(s, ctx, params.projectRef, params.envSlug, 'environments.read');
      return { status: 200, body: { items: (await s.environments.providers(env.id)).map((r) => s.providers.toApi(r)) } };
    },
    assignEnvironmentProviders: async ({ params, body, ctx }) => {
      const { project, env } = await visibleEnvironment(s, ctx, params.projectRef, params.envSlug, 'environments.write');
      const rows = await s.environments.assignProviders(project, env, body.providerIds);
      await recordAction(s.audit, ctx, 'environment.providers.assign', 'environment', `${project.slug}/${env.slug}`, 200, { providers: rows.map((r) => r.slug) }, { projectId: project.id, environmentId: env.id });
      return { status: 200, body: { items: rows.map((r) => s.providers.toApi(r)) } };
    },
    setEnvironmentProviders: async ({ params, body, ctx }) => {
      const { project, env } = await visibleEnvironment(s, ctx, params.projectRef, params.envSlug, 'environments.write');
      const rows = await s.environments.setProviders(project, env, body.providerIds);
      await recordAction(s.audit, ctx, 'environment.providers.set', 'environment', `${project.slug}/${env.slug}`, 200, { providers: rows.map((r) => r.slug) }, { projectId: project.id, environmentId: env.id });
      return { status: 200, body: { items: rows.map((r) => s.providers.toApi(r)) } };
    },
    unassignEnvironmentProvider: async ({ params, ctx }) => {
      const { project, env } = await visibleEnvironment(s, ctx, params.projectRef, params.envSlug, 'environments.write');
      await s.environments.unassignProvider(ctx.principal.tenantId, env, params.providerRef);
      await recordAction(s.audit, ctx, 'environment.providers.unassign', 'environment', `${project.slug}/${env.slug}`, 204, { provider: params.providerRef }, { projectId: project.id, environmentId: env.id });
      return { status: 204, body: undefined };
    },
  };
}
