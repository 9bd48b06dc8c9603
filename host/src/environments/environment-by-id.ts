import { NotFoundError } from '@keygate/core';
import type { HostServices } from '../host-services.js';
import type { RequestContext } from '../http/request-context.js';
import { authorize, type Action } from '../auth/policy.js';
import { isUuid } from '../shared/refs.js';

export interface EnvironmentIds {
  id: string;
  projectId: string;
}

/**
 * The environment an `/environments/{environmentId}/…` path names, if it is one of the caller's
 * tenant and the caller may do `action` there; otherwise 404 (a caller must not learn that an
 * environment exists).
 */
export async function environmentById(s: Pick<HostServices, 'knex'>, ctx: RequestContext, environmentId: string, action: Action): Promise<EnvironmentIds> {
  const what = `environment "${environmentId}"`;
  const row = isUuid(environmentId)
    ? await s.knex('environments').where({ id: environmentId, tenant_id: ctx.principal.tenantId }).first<{ id: string; project_id: string } | undefined>('id', 'project_id')
    : undefined;
  if (!row) throw new NotFoundError(`${what} not found`);
  authorize(ctx.principal, action, { projectId: row.project_id, environmentId: row.id }, what);
  return { id: row.id, projectId: row.project_id };
}
