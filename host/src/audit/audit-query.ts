import type { Knex } from 'knex';
import type { AuditEntry, AuditOutcome } from './audit-log.js';

export interface AuditFilter {
  tenantId: string;
  /** Also show rows with no tenant (requests refused before a tenant was known). */
  includeTenantless: boolean;
  environmentId?: string;
  projectId?: string;
  action?: string;
  actorType?: AuditEntry['actorType'];
  /** Rows whose actor is this API key. */
  keyId?: string;
  outcome?: AuditOutcome;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** Case-insensitive literal substring of `target` or `action`. */
  q?: string;
}

export interface AuditEventView {
  id: string;
  seq: number;
  occurredAt: string;
  tenantId: string | null;
  actorType: AuditEntry['actorType'];
  actorId: string;
  action: string;
  targetType: string;
  target: string;
  outcome: AuditOutcome;
  status: number | null;
  requestId: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

interface Row {
  seq: string;
  id: string;
  occurred_at: Date;
  tenant_id: string | null;
  actor_type: AuditEntry['actorType'];
  actor_id: string;
  action: string;
  target_type: string;
  target: string;
  outcome: AuditOutcome;
  status: number | null;
  request_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

const COLUMNS = ['seq', 'id', 'occurred_at', 'tenant_id', 'actor_type', 'actor_id', 'action', 'target_type', 'target', 'outcome', 'status', 'request_id', 'ip', 'details'];

/** `text` as a LIKE pattern that matches it literally anywhere (escape character `!`). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/** One page of the audit trail, newest first, with the number of matching rows. */
export async function queryAuditEvents(knex: Knex, filter: AuditFilter, limit: number, offset: number): Promise<{ items: AuditEventView[]; total: number }> {
  const scoped = () => {
    const query = knex('audit_events').where((w) => {
      void w.where('tenant_id', filter.tenantId);
      if (filter.includeTenantless) void w.orWhereNull('tenant_id');
    });
    if (filter.environmentId !== undefined) void query.where('environment_id', filter.environmentId);
    if (filter.projectId !== undefined) void query.where('project_id', filter.projectId);
    if (filter.action !== undefined) void query.where('action', filter.action);
    if (filter.actorType !== undefined) void query.where('actor_type', filter.actorType);
    if (filter.keyId !== undefined) void query.where({ actor_type: 'api-key', actor_id: filter.keyId });
    if (filter.outcome !== undefined) void query.where('outcome', filter.outcome);
    if (filter.from !== undefined) void query.where('occurred_at', '>=', filter.from);
    if (filter.to !== undefined) void query.where('occurred_at', '<', filter.to);
    if (filter.q !== undefined) {
      const pattern = containsPattern(filter.q);
      void query.where((w) => {
        void w.whereRaw(`target ILIKE ? ESCAPE '!'`, [pattern]).orWhereRaw(`action ILIKE ? ESCAPE '!'`, [pattern]);
      });
    }
    return query;
  };
  const [rows, count] = await Promise.all([
    scoped().orderBy('seq', 'desc').limit(limit).offset(offset).select<Row[]>(COLUMNS),
    scoped().count<Array<{ count: string | number }>>({ count: '*' }),
  ]);
  return { items: rows.map(toView), total: Number(count[0]?.count ?? 0) };
}

function toView(row: Row): AuditEventView {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredAt: new Date(row.occurred_at).toISOString(),
    tenantId: row.tenant_id,
    actorType: row.actor_type,
    actorId: row.actor_id,
    action: row.action,
    targetType: row.target_type,
    target: row.target,
    outcome: row.outcome,
    status: row.status,
    requestId: row.request_id,
    ip: row.ip,
    details: row.details,
  };
}
