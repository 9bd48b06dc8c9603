import type { Knex } from 'knex';
import type { ClaimRule } from '@keygate/core';

export interface TrustDomainRecord {
  id: string;
  tenantId: string;
  projectId: string;
  environmentId: string;
  name: string;
  description: string;
  provider: string;
  issuer: string;
  audience: string;
  claimRules: ClaimRule[];
  settings: Record<string, unknown>;
  grantedRole: 'Consumer' | 'Member';
  issuedTokenTtlMinutes: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A trust domain with the slugs of where its keys read (what an exchange answers). */
export interface TrustDomainCandidate extends TrustDomainRecord {
  tenantSlug: string;
  projectSlug: string;
  environmentSlug: string;
}

export type TrustDomainFields = Omit<TrustDomainRecord, 'id' | 'tenantId' | 'projectId' | 'environmentId' | 'createdAt' | 'updatedAt'>;

export interface CandidateFilter {
  issuer: string;
  provider?: string;
  tenantSlug?: string;
  projectSlug?: string;
  environmentSlug?: string;
}

interface Row {
  id: string;
  tenant_id: string;
  project_id: string;
  environment_id: string;
  name: string;
  description: string;
  provider: string;
  issuer: string;
  audience: string;
  claim_rules: ClaimRule[];
  settings: Record<string, unknown>;
  granted_role: 'Consumer' | 'Member';
  issued_token_ttl_minutes: number;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = [
  'd.id',
  'd.tenant_id',
  'e.project_id',
  'd.environment_id',
  'd.name',
  'd.description',
  'd.provider',
  'd.issuer',
  'd.audience',
  'd.claim_rules',
  'd.settings',
  'd.granted_role',
  'd.issued_token_ttl_minutes',
  'd.created_at',
  'd.updated_at',
];

function toRecord(row: Row): TrustDomainRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    projectId: row.project_id,
    environmentId: row.environment_id,
    name: row.name,
    description: row.description,
    provider: row.provider,
    issuer: row.issuer,
    audience: row.audience,
    claimRules: row.claim_rules,
    settings: row.settings,
    grantedRole: row.granted_role,
    issuedTokenTtlMinutes: row.issued_token_ttl_minutes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toColumns(fields: TrustDomainFields): Record<string, unknown> {
  return {
    name: fields.name,
    description: fields.description,
    provider: fields.provider,
    issuer: fields.issuer,
    audience: fields.audience,
    claim_rules: JSON.stringify(fields.claimRules),
    settings: JSON.stringify(fields.settings),
    granted_role: fields.grantedRole,
    issued_token_ttl_minutes: fields.issuedTokenTtlMinutes,
  };
}

/** Trust domains in PostgreSQL; every management query is confined to one tenant's environment. */
export class TrustDomainStore {
  readonly #knex: Knex;

  constructor(knex: Knex) {
    this.#knex = knex;
  }

  #scoped(tenantId: string, environmentId: string) {
    return this.#knex('trust_domains as d').join('environments as e', 'e.id', 'd.environment_id').where({ 'd.tenant_id': tenantId, 'd.environment_id': environmentId });
  }

  async list(tenantId: string, environmentId: string, limit: number, offset: number): Promise<{ items: TrustDomainRecord[]; total: number }> {
    const [rows, count] = await Promise.all([
      this.#scoped(tenantId, environmentId).orderBy([{ column: 'd.created_at', order: 'asc' }, { column: 'd.id', order: 'asc' }]).limit(limit).offset(offset).select<Row[]>(COLUMNS),
      this.#scoped(tenantId, environmentId).count<Array<{ count: string | number }>>({ count: '*' }),
    ]);
    return { items: rows.map(toRecord), total: Number(count[0]?.count ?? 0) };
  }

  /** Every domain of the environment, oldest first (what an evaluation tries). */
  async all(tenantId: string, environmentId: string): Promise<TrustDomainRecord[]> {
    const rows = await this.#scoped(tenantId, environmentId).orderBy([{ column: 'd.created_at', order: 'asc' }, { column: 'd.id', order: 'asc' }]).limit(1000).select<Row[]>(COLUMNS);
    return rows.map(toRecord);
  }

  async find(tenantId: string, environmentId: string, id: string): Promise<TrustDomainRecord | undefined> {
    const row = await this.#scoped(tenantId, environmentId).where('d.id', id).first<Row | undefined>(COLUMNS);
    return row ? toRecord(row) : undefined;
  }

  async create(tenantId: string, environmentId: string, fields: TrustDomainFields): Promise<TrustDomainRecord> {
    const [row] = await this.#knex('trust_domains').insert({ tenant_id: tenantId, environment_id: environmentId, ...toColumns(fields) }).returning<Array<{ id: string }>>(['id']);
    return (await this.find(tenantId, environmentId, row!.id))!;
  }

  async update(tenantId: string, environmentId: string, id: string, fields: TrustDomainFields): Promise<TrustDomainRecord | undefined> {
    const count = await this.#knex('trust_domains')
      .where({ tenant_id: tenantId, environment_id: environmentId, id })
      .update({ ...toColumns(fields), updated_at: this.#knex.fn.now() });
    return count === 0 ? undefined : this.find(tenantId, environmentId, id);
  }

  /** Deletes the domain and the keys it issued (one statement); `revokedKeys` counts those still unexpired. */
  async delete(tenantId: string, environmentId: string, id: string): Promise<(TrustDomainRecord & { revokedKeys: number }) | undefined> {
    const domain = await this.find(tenantId, environmentId, id);
    if (!domain) return undefined;
    // The keys go explicitly, to be counted; the foreign key's cascade would take them anyway.
    const { rows } = await this.#knex.raw<{ rows: Array<{ deleted: number; revoked: number }> }>(
      `WITH keys AS (
         DELETE FROM api_keys WHERE trust_domain_id = ? AND tenant_id = ? RETURNING expires_at
       ), domain AS (
         DELETE FROM trust_domains WHERE tenant_id = ? AND environment_id = ? AND id = ? RETURNING id
       )
       SELECT (SELECT count(*) FROM domain)::int AS deleted,
              (SELECT count(*) FROM keys WHERE expires_at IS NULL OR expires_at > now())::int AS revoked`,
      [id, tenantId, tenantId, environmentId, id],
    );
    const row = rows[0];
    if (!row || row.deleted === 0) return undefined;
    return { ...domain, revokedKeys: row.revoked };
  }

  /** The domains an exchange of a token from `issuer` may use, oldest first (one indexed read). */
  async candidates(filter: CandidateFilter): Promise<TrustDomainCandidate[]> {
    const query = this.#knex('trust_domains as d')
      .join('environments as e', 'e.id', 'd.environment_id')
      .join('projects as p', 'p.id', 'e.project_id')
      .join('tenants as t', 't.id', 'd.tenant_id')
      .where('d.issuer', filter.issuer);
    if (filter.provider !== undefined) query.where('d.provider', filter.provider);
    if (filter.tenantSlug !== undefined) query.where('t.slug', filter.tenantSlug);
    if (filter.projectSlug !== undefined) query.where('p.slug', filter.projectSlug);
    if (filter.environmentSlug !== undefined) query.where('e.slug', filter.environmentSlug);
    const rows = await query
      .orderBy([{ column: 'd.created_at', order: 'asc' }, { column: 'd.id', order: 'asc' }])
      .limit(100)
      .select<Array<Row & { tenant_slug: string; project_slug: string; environment_slug: string }>>([...COLUMNS, 't.slug as tenant_slug', 'p.slug as project_slug', 'e.slug as environment_slug']);
    return rows.map((row) => ({ ...toRecord(row), tenantSlug: row.tenant_slug, projectSlug: row.project_slug, environmentSlug: row.environment_slug }));
  }
}
