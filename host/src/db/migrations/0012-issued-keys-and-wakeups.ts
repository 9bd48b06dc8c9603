import type { Knex } from 'knex';
import { AGENDA_TABLE } from './0010-rotation.js';

/**
 * - Keys issued by a keyless exchange remember their trust domain, and go with it: deleting a
 *   domain (say, after a pipeline was compromised) revokes every key it issued, at once.
 * - The scheduler looks a rotation wake-up up by what it is for before inserting it (one per
 *   policy and due time, or run and time). Without these indexes each lookup read every job of
 *   that name: with a thousand policies, a thousand rows per scheduled rotation.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.uuid('trust_domain_id').nullable().references('trust_domains.id').onDelete('CASCADE');
    t.index(['trust_domain_id'], 'api_keys_trust_domain_idx', { predicate: knex.whereNotNull('trust_domain_id') });
  });
  await knex.raw(`CREATE INDEX keygate_jobs_policy_wakeups ON "${AGENDA_TABLE}" ((data->>'policyId'), (data->>'at')) WHERE name = 'keygate.rotation.policy'`);
  await knex.raw(`CREATE INDEX keygate_jobs_run_wakeups ON "${AGENDA_TABLE}" ((data->>'runId'), (data->>'at')) WHERE name = 'keygate.rotation.run'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS keygate_jobs_run_wakeups');
  await knex.raw('DROP INDEX IF EXISTS keygate_jobs_policy_wakeups');
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropIndex(['trust_domain_id'], 'api_keys_trust_domain_idx');
    t.dropColumn('trust_domain_id');
  });
}
