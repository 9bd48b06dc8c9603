import type { Knex } from 'knex';
import { getCreateIndexesSQL, getCreateTableSQL, getDropTableSQL, getUpdateTimestampTriggerSQL } from '@agendajs/postgres-backend';

/** Agenda's job table; Agenda is told `ensureSchema: false`, so concurrent replicas never race to create it. */
export const AGENDA_TABLE = 'keygate_jobs';

/**
 * Rotation policies (one per secret of a provider in an environment) and their runs, a persisted
 * state machine: due → rotating → stored → pending_revocation → done, or error. Values never land
 * here: a run keeps an HMAC of the value it is storing (to recognise it after a crash), handles,
 * and error texts without values. Credentials of a policy (signing secrets, API key) are
 * keyring-encrypted envelopes.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rotation_policies', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    t.uuid('project_id').notNullable().references('id').inTable('projects').onDelete('CASCADE');
    t.uuid('environment_id').notNullable().references('id').inTable('environments').onDelete('CASCADE');
    t.uuid('provider_id').notNullable().references('id').inTable('providers').onDelete('CASCADE');
    t.string('secret_key', 255).notNullable();
    t.boolean('enabled').notNullable();
    t.integer('interval_days').notNullable();
    t.string('strategy', 100).notNullable();
    /** Non-sensitive settings: endpoint, apiKeyHeader, randomFormat. */
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.text('api_key_enc');
    t.text('signing_secret_enc');
    t.text('previous_signing_secret_enc');
    t.timestamp('previous_signing_secret_expires_at', { useTz: true });
    t.integer('revoke_previous_after_days');
    /** Issuer handle of the credential now in the provider; the next run revokes it. */
    t.text('current_handle');
    t.timestamp('next_rotation_at', { useTz: true }).notNullable();
    t.timestamp('last_rotated_at', { useTz: true });
    /** Denormalised from the latest run, so status lists need no join. */
    t.uuid('last_run_id');
    t.string('last_run_state', 30);
    t.text('last_error');
    t.timestamp('revocation_due_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['environment_id', 'provider_id', 'secret_key']);
    t.index(['next_rotation_at'], undefined, { predicate: knex.whereRaw('enabled') });
  });
  await knex.raw('ALTER TABLE rotation_policies ADD CONSTRAINT rotation_policies_interval CHECK (interval_days BETWEEN 1 AND 3650)');

  await knex.schema.createTable('rotation_runs', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('id').inTable('tenants').onDelete('CASCADE');
    t.uuid('policy_id').notNullable().references('id').inTable('rotation_policies').onDelete('CASCADE');
    /** When the run became due: the policy's next_rotation_at, or the moment of a Rotate Now. */
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.string('trigger', 20).notNullable();
    t.string('actor_type', 20).notNullable();
    t.string('actor_id', 200).notNullable();
    t.string('strategy', 100).notNullable();
    t.string('state', 30).notNullable();
    /** Idempotency key of the rotate call, stable across retries and restarts. */
    t.uuid('request_id').notNullable();
    t.uuid('revoke_request_id').notNullable();
    t.integer('attempt').notNullable().defaultTo(0);
    t.integer('revoke_attempt').notNullable().defaultTo(0);
    /** Provider version before the write: the compare-and-set precondition. */
    t.text('base_version');
    t.boolean('base_exists');
    /** HMAC (audit key) of the value being stored, written before the store, to recognise it on resume. */
    t.string('new_value_hmac', 64);
    t.text('stored_version');
    t.text('new_handle');
    t.text('old_handle');
    t.timestamp('revoke_at', { useTz: true });
    t.text('last_error');
    t.timestamp('started_at', { useTz: true });
    t.timestamp('stored_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['policy_id', 'due_at']);
    t.unique(['request_id']);
    t.index(['policy_id', 'created_at']);
  });
  await knex.raw(`ALTER TABLE rotation_runs ADD CONSTRAINT rotation_runs_state CHECK (state IN ('due', 'rotating', 'stored', 'pending_revocation', 'done', 'error'))`);
  // At most one run per policy between due and stored: a second trigger joins the first.
  await knex.raw(`CREATE UNIQUE INDEX rotation_runs_one_active ON rotation_runs (policy_id) WHERE state IN ('due', 'rotating', 'stored')`);
  await knex.raw(`CREATE INDEX rotation_runs_unfinished ON rotation_runs (state, revoke_at) WHERE state IN ('due', 'rotating', 'stored', 'pending_revocation')`);

  await knex.raw(getCreateTableSQL(AGENDA_TABLE));
  for (const sql of getCreateIndexesSQL(AGENDA_TABLE)) await knex.raw(sql);
  await knex.raw(getUpdateTimestampTriggerSQL(AGENDA_TABLE));
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(getDropTableSQL(AGENDA_TABLE));
  await knex.raw(`DROP FUNCTION IF EXISTS update_${AGENDA_TABLE}_updated_at()`);
  await knex.schema.dropTableIfExists('rotation_runs');
  await knex.schema.dropTableIfExists('rotation_policies');
}
