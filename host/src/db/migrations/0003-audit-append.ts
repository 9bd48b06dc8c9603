import type { Knex } from 'knex';

/**
 * Appends a batch of audit rows in one round trip: locks the chain head, links each row to the
 * previous hash, inserts, and moves the head. Row hashes are sha256(prev_hash || '\n' || body),
 * where `body` is the canonical JSON the application computed (and verification recomputes).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION keygate_audit_append(entries jsonb) RETURNS void LANGUAGE plpgsql AS $$
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
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS keygate_audit_append(jsonb)');
}
