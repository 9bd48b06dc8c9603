import { KeygateError, NotFoundError } from '@keygate/core';
import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import type { RequestContext } from '../http/request-context.js';
import type { ApiKeyFilter } from '../auth/api-keys.js';
import { authorize, mayWriteProjectKeys } from '../auth/policy.js';
import { visibleProject } from '../projects/routes.js';
import { keyManagement, keyToApi } from './key-management.js';

type KindHandlers = Pick<
  HandlerTable,
  | 'listProjectApiKeys'
  | 'createProjectApiKey'
  | 'getProjectApiKey'
  | 'updateProjectApiKey'
  | 'deleteProjectApiKey'
  | 'listTenantApiKeys'
  | 'createTenantApiKey'
  | 'getTenantApiKey'
  | 'updateTenantApiKey'
  | 'deleteTenantApiKey'
  | 'listPersonalApiKeys'
  | 'createPersonalApiKey'
  | 'getPersonalApiKey'
  | 'deletePersonalApiKey'
>;

/**
 * The project's Manager-key filter, if the caller may `action` its keys; otherwise 404. Managers
 * read their own project's Manager keys but never create, change or delete them (a Manager key
 * minting Manager keys could outlive its own revocation): writing needs a tenant-wide caller.
 */
async function projectKeys(s: HostServices, ctx: RequestContext, ref: string, action: 'apiKeys.read' | 'apiKeys.write'): Promise<{ filter: ApiKeyFilter; projectId: string }> {
  const project = await visibleProject(s, ctx, ref, 'projects.read');
  const what = `project "${ref}"`;
  authorize(ctx.principal, action, { projectId: project.id }, what);
  if (action === 'apiKeys.write' && !mayWriteProjectKeys(ctx.principal, project.id)) {
    throw new KeygateError('NOT_FOUND', `${what} not found`, { extensions: { denied: 'projectApiKeys.write' } });
  }
  return { filter: { tenantId: ctx.principal.tenantId, scope: 'project', projectId: project.id }, projectId: project.id };
}

function tenantKeys(ctx: RequestContext, action: 'apiKeys.read' | 'apiKeys.write'): ApiKeyFilter {
  authorize(ctx.principal, action, {}, 'API keys');
  return { tenantId: ctx.principal.tenantId, scope: 'tenant' };
}

/** Only an Owner (key, user or personal key) may create, change or delete an Owner key. */
function refuseOwnerEscalation(ctx: RequestContext, role: string, what: string): void {
  if (role === 'Owner' && ctx.principal.role !== 'Owner') {
    throw new KeygateError('FORBIDDEN', `only an Owner may ${what} an Owner key`, { extensions: { denied: 'apiKeys.owner' } });
  }
}

/**
 * Personal keys are managed only with a user's access token: an API key (personal or not) cannot
 * mint personal keys, so a leaked key cannot be used to keep access after it is revoked.
 */
function personalKeys(ctx: RequestContext): Extract<ApiKeyFilter, { scope: 'personal' }> {
  if (ctx.principal.actorType !== 'user') throw new NotFoundError('no user session: manage personal API keys with a user access token');
  return { tenantId: ctx.principal.tenantId, scope: 'personal', userId: ctx.principal.actorId };
}

/** Project Manager keys, tenant keys and users' personal keys (the environment keys live in routes.ts). */
export function keyKindHandlers(s: HostServices): KindHandlers {
  const manage = keyManagement(s);
  return {
    listProjectApiKeys: async ({ params, query, ctx }) => {
      const { filter } = await projectKeys(s, ctx, params.projectRef, 'apiKeys.read');
      return { status: 200, body: await manage.list(filter, query) };
    },
    createProjectApiKey: async ({ params, body, ctx }) => {
      const { projectId } = await projectKeys(s, ctx, params.projectRef, 'apiKeys.write');
      const created = await manage.create(ctx, { scope: 'project', role: 'Manager', projectId }, body, { details: { projectId }, where: { projectId } });
      return { status: 201, body: created };
    },
    getProjectApiKey: async ({ params, ctx }) => {
      const { filter } = await projectKeys(s, ctx, params.projectRef, 'apiKeys.read');
      return { status: 200, body: keyToApi(await manage.get(filter, params.id)) };
    },
    updateProjectApiKey: async ({ params, body, ctx }) => {
      const { filter, projectId } = await projectKeys(s, ctx, params.projectRef, 'apiKeys.write');
      return { status: 200, body: await manage.update(ctx, filter, params.id, body, { details: { projectId }, where: { projectId } }) };
    },
    deleteProjectApiKey: async ({ params, ctx }) => {
      const { filter, projectId } = await projectKeys(s, ctx, params.projectRef, 'apiKeys.write');
      await manage.delete(ctx, filter, params.id, { details: { projectId }, where: { projectId } });
      return { status: 204, body: undefined };
    },

    listTenantApiKeys: async ({ query, ctx }) => ({ status: 200, body: await manage.list(tenantKeys(ctx, 'apiKeys.read'), query) }),
    createTenantApiKey: async ({ body, ctx }) => {
      tenantKeys(ctx, 'apiKeys.write');
      refuseOwnerEscalation(ctx, body.role, 'create');
      return { status: 201, body: await manage.create(ctx, { scope: 'tenant', role: body.role }, body, { details: {} }) };
    },
    getTenantApiKey: async ({ params, ctx }) => ({ status: 200, body: keyToApi(await manage.get(tenantKeys(ctx, 'apiKeys.read'), params.id)) }),
    updateTenantApiKey: async ({ params, body, ctx }) => {
      const filter = tenantKeys(ctx, 'apiKeys.write');
      refuseOwnerEscalation(ctx, (await manage.get(filter, params.id)).role, 'change');
      return { status: 200, body: await manage.update(ctx, filter, params.id, body, { details: {} }) };
    },
    deleteTenantApiKey: async ({ params, ctx }) => {
      const filter = tenantKeys(ctx, 'apiKeys.write');
      refuseOwnerEscalation(ctx, (await manage.get(filter, params.id)).role, 'delete');
      await manage.delete(ctx, filter, params.id, { details: {} });
      return { status: 204, body: undefined };
    },

    listPersonalApiKeys: async ({ query, ctx }) => {
      // The stored role is the one at creation; the key acts with the user's current role.
      const body = await manage.list(personalKeys(ctx), query, (key) => ({ ...key, role: ctx.principal.role }));
      return { status: 200, body };
    },
    createPersonalApiKey: async ({ body, ctx }) => {
      const { userId } = personalKeys(ctx);
      const key = { scope: 'personal' as const, role: ctx.principal.role, userId };
      return { status: 201, body: await manage.create(ctx, key, body, { details: { userId } }) };
    },
    getPersonalApiKey: async ({ params, ctx }) => {
      const key = await manage.get(personalKeys(ctx), params.id);
      return { status: 200, body: keyToApi({ ...key, role: ctx.principal.role }) };
    },
    deletePersonalApiKey: async ({ params, ctx }) => {
      await manage.delete(ctx, personalKeys(ctx), params.id, { details: { userId: ctx.principal.actorId } });
      return { status: 204, body: undefined };
    },
  };
}
