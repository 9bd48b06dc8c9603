import type pg from 'pg';
import { NotFoundError } from '@keygate/core';
import { isUuid } from '../shared/refs.js';
import type { StoredProvider } from '../providers/providers-service.js';

export interface ResolvedEnvironment {
  tenantSlug: string;
  projectId: string;
  projectSlug: string;
  environmentId: string;
  environmentSlug: string;
  environmentName: string;
  secretsVersion: number;
  secretsModifiedAt: Date;
  /** In priority order. */
  providers: StoredProvider[];
}

interface Row {
  tenant_slug: string;
  project_id: string;
  project_slug: string;
  environment_id: string;
  environment_slug: string;
  environment_name: string;
  /** bigint: pg returns it as text. */
  secrets_version: string;
  secrets_modified_at: Date;
  providers: Array<Omit<StoredProvider, 'updated_at' | 'created_at'> & { updated_at: string; created_at: string }> | null;
}

/**
 * Project + environment + its ordered providers in one round trip: this sits on the hot path of
 * every secret read.
 */
export async function resolveEnvironment(pool: pg.Pool, tenantId: string, projectRef: string, envRef: string): Promise<ResolvedEnvironment> {
  const projectColumn = isUuid(projectRef) ? 'p.id' : 'p.slug';
  const envColumn = isUuid(envRef) ? 'e.id' : 'e.slug';
  const { rows } = await pool.query<Row>(
    `SELECT t.slug AS tenant_slug, p.id AS project_id, p.slug AS project_slug,
            e.id AS environment_id, e.slug AS environment_slug, e.name AS environment_name,
            e.secrets_version, e.secrets_modified_at,
            (SELECT json_agg(row_to_json(pr) ORDER BY ep.position)
               FROM environment_providers ep JOIN providers pr ON pr.id = ep.provider_id
              WHERE ep.environment_id = e.id) AS providers
       FROM projects p
       JOIN tenants t ON t.id = p.tenant_id
       JOIN environments e ON e.project_id = p.id
      WHERE p.tenant_id = $1 AND ${projectColumn}::text = $2 AND ${envColumn}::text = $3`,
    [tenantId, projectRef, envRef],
  );
  const row = rows[0];
  if (!row) throw new NotFoundError(`environment "${envRef}" of project "${projectRef}" not found`);
  return {
    tenantSlug: row.tenant_slug,
    projectId: row.project_id,
    projectSlug: row.project_slug,
    environmentId: row.environment_id,
    environmentSlug: row.environment_slug,
    environmentName: row.environment_name,
    secretsVersion: Number(row.secrets_version),
    secretsModifiedAt: row.secrets_modified_at,
    providers: (row.providers ?? []).map((p) => ({ ...p, updated_at: new Date(p.updated_at), created_at: new Date(p.created_at) })),
  };
}
