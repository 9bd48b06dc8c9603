import type { Knex } from 'knex';

/** The append of this migration: one INSERT per row (migration 0015 replaces it, and puts it back on the way down). */
export const APPEND_ROW_BY_ROW = `
    CREATE OR REPLACE FUNCTION keygate_audit_append(entries jsonb) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      prev text;
      next text;
      e jsonb;
    BEGIN
      SELECT hash INTO prev FROM audit_chain_head WHERE id = 1 FOR UPDATE;
      FOR e IN SELECT value FROM jsonb_array_elements(entries) LOOP
        next := encode(sha256(convert_to(prev || E'\\n' || (e->>'body'), 'UTF8')), 'hex');
        INSERT INTO audit_events (id, occurred_at, tenant_id, actor_type, actor_id, action, target_type, target, outcome, status, request_id, ip, details,
                                  project_id, environment_id, prev_hash, hash)
        VALUES ((e->>'id')::uuid, (e->>'occurredAt')::timestamptz, (e->>'tenantId')::uuid, e->>'actorType', e->>'actorId', e->>'action',
                e->>'targetType', e->>'target', e->>'outcome', (e->>'status')::int, e->>'requestId', e->>'ip', e->'details',
                (e->>'projectId')::uuid, (e->>'environmentId')::uuid, prev, next);
        prev := next;
      END LOOP;
      UPDATE audit_chain_head SET hash = prev, seq = (SELECT COALESCE(max(seq), 0) FROM audit_events) WHERE id = 1;
    END $$;
`;

/**
 * Audit rows name the project and environment they concern (secret and environment rows), so the
 * trail can be filtered by them. The columns are not part of a row's hashed body: chains written
 * before this migration still verify, and the hash of a new row is computed exactly as before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('audit_events', (t) => {
    t.uuid('project_id');
    t.uuid('environment_id');
    t.index(['tenant_id', 'project_id', 'seq']);
    t.index(['tenant_id', 'environment_id', 'seq']);
    t.index(['tenant_id', 'seq']);
  });
  await knex.raw(APPEND_ROW_BY_ROW);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE OR REPLACE FUNCTION keygate_audit_append(entries jsonb) RETURNS void LANGUAGE plpgsql AS $$
    DECLARE
      prev text;
      next text;
      e jsonb;
    BEGIN
      SELECT hash INTO prev FROM audit_chain_head WHERE id = 1 FOR UPDATE;
      FOR e IN SELECT value FROM jsonb_array_elements(entries) LOOP
        next := encode(sha256(convert_to(prev || E'\\n' || (e->>'body'), 'UTF8')), 'hex');
        INSERT INTO audit_events (id, occurred_at, tenant_id, actor_type, actor_id, action, target_type, target, outcome, status, request_id, ip, details, prev_hash, hash)
        VALUES ((e->>'id')::uuid, (e->>'occurredAt')::timestamptz, (e->>'tenantId')::uuid, e->>'actorType', e->>'actorId', e->>'action',
                e->>'targetType', e->>'target', e->>'outcome', (e->>'status')::int, e->>'requestId', e->>'ip', e->'details', prev, next);
        prev := next;
      END LOOP;
      UPDATE audit_chain_head SET hash = prev, seq = (SELECT COALESCE(max(seq), 0) FROM audit_events) WHERE id = 1;
    END $$;
  `);
  await knex.schema.alterTable('audit_events', (t) => {
    t.dropIndex(['tenant_id', 'seq']);
    t.dropIndex(['tenant_id', 'environment_id', 'seq']);
    t.dropIndex(['tenant_id', 'project_id', 'seq']);
    t.dropColumn('environment_id');
    t.dropColumn('project_id');
  });
}
