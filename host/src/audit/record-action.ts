import type { AuditLog } from './audit-log.js';
import type { RequestContext } from '../http/request-context.js';

/** Audits a successful management operation by the request's caller. */
export function recordAction(
  audit: AuditLog,
  ctx: RequestContext,
  action: string,
  targetType: string,
  target: string,
  status: number,
  details: Record<string, unknown> = {},
  where: { projectId?: string; environmentId?: string } = {},
): Promise<void> {
  return audit.record({
    tenantId: ctx.principal.tenantId,
    actorType: ctx.principal.actorType,
    actorId: ctx.principal.actorId,
    action,
    targetType,
    target,
    outcome: 'success',
    status,
    requestId: ctx.requestId,
    ip: ctx.ip,
    details,
    ...where,
  });
}
