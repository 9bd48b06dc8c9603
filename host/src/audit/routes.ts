import type { HandlerTable } from '../http/operations.js';
import type { HostServices } from '../host-services.js';
import { authorize, isAllowed } from '../auth/policy.js';
import { recordAction } from './record-action.js';
import { queryAuditEvents } from './audit-query.js';
import { page } from '../shared/paging.js';

type AuditHandlers = Pick<HandlerTable, 'listAccessLogs' | 'verifyAccessLogs'>;

/** The audit trail, read and verified through the API (tenant keys only). */
export function auditHandlers(s: HostServices): AuditHandlers {
  return {
    listAccessLogs: async ({ query, ctx }) => {
      authorize(ctx.principal, 'audit.read', {}, 'access logs');
      const { limit, offset } = page(query);
      const { items, total } = await queryAuditEvents(
        s.knex,
        {
          tenantId: ctx.principal.tenantId,
          // Refusals before a tenant was known belong to no tenant: only those who may verify the chain see them.
          includeTenantless: isAllowed(ctx.principal, 'audit.verify'),
          ...(query.environmentId === undefined ? {} : { environmentId: query.environmentId }),
          ...(query.projectId === undefined ? {} : { projectId: query.projectId }),
          ...(query.action === undefined ? {} : { action: query.action }),
          ...(query.actorType === undefined ? {} : { actorType: query.actorType }),
          ...(query.keyId === undefined ? {} : { keyId: query.keyId }),
          ...(query.outcome === undefined ? {} : { outcome: query.outcome }),
          ...(query.from === undefined ? {} : { from: new Date(query.from) }),
          ...(query.to === undefined ? {} : { to: new Date(query.to) }),
          ...(query.q === undefined ? {} : { q: query.q }),
        },
        limit,
        offset,
      );
      return { status: 200, body: { items, total, limit, offset } };
    },
    verifyAccessLogs: async ({ ctx }) => {
      authorize(ctx.principal, 'audit.verify', {}, 'access logs');
      const result = await s.audit.verifyChain();
      await recordAction(s.audit, ctx, 'audit.verify', 'audit', 'audit_events', 200, result.ok ? { ok: true, checked: result.checked } : { ok: false, checked: result.checked, brokenAtSeq: result.brokenAtSeq });
      return { status: 200, body: result };
    },
  };
}
