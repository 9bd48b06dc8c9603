import type { Knex } from 'knex';
import { AGENDA_TABLE } from './0010-rotation.js';

/**
 * - Keys issued by a keyless exchange remember their trust domain, and go with it: deleting a
 *   domain (say, after a pipeline was compromised) revokes every key it issued, at once.
 * - A rotation wake-up (one per policy and due time, or run and time) is unique in the database,
 *   so replicas asking for the same one at once make one job, in one statement. Before, the
 *   scheduler looked for it first, reading every job of that name (a thousand rows per scheduled
 *   rotation with a thousand policies), and two replicas could still both insert it: those
 *   duplicates (harmless pointers at work) are removed before the indexes are built.
 */
const WAKEUP_INDEXES = [
  ['keygate_jobs_policy_wakeups', 'keygate.rotation.policy', 'policyId'],
  ['keygate_jobs_run_wakeups', 'keygate.rotation.run', 'runId'],
] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.uuid('trust_domain_id').nullable().references('trust_domains.id').onDelete('CASCADE');
    t.index(['trust_domain_id'], 'api_keys_trust_domain_idx', { predicate: knex.whereNotNull('trust_domain_id') });
  });
  for (const [index, name, field] of WAKEUP_INDEXES) {
    await knex.raw(
      `DELETE FROM "${AGENDA_TABLE}" j USING "${AGENDA_TABLE}" k
       WHERE j.name = '${name}' AND k.name = j.name AND k.data->>'${field}' = j.data->>'${field}' AND k.data->>'at' = j.data->>'at' AND k.id < j.id`,
    );
    await knex.raw(`CREATE UNIQUE INDEX ${index} ON "${AGENDA_TABLE}" ((data->>'${field}'), (data->>'at')) WHERE name = '${name}'`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const [index] of WAKEUP_INDEXES) await knex.raw(`DROP INDEX IF EXISTS ${index}`);
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropIndex(['trust_domain_id'], 'api_keys_trust_domain_idx');
    t.dropColumn('trust_domain_id');
  });
}
