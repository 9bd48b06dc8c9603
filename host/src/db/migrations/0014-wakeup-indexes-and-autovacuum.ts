import type { Knex } from 'knex';
import { AGENDA_TABLE } from './0010-rotation.js';

/**
 * - The wake-up indexes of 0012 name `type = 'normal'` in their predicate besides the job name.
 *   Agenda's own statements (save a job by id and name, find the next due job of a name) never
 *   mention the type, so the planner can no longer pick these indexes for them. It did, on a table
 *   not yet analysed: a job saved by id was found by reading every wake-up of its name, a
 *   thousand index entries for a thousand policies, twice per run.
 * - The tables the scheduler churns through (jobs, runs, policies; signatures of signed requests)
 *   are vacuumed and analysed after a few percent of their rows changed rather than a fifth, so
 *   their dead rows and their statistics keep up with a burst of rotations.
 */
const WAKEUP_INDEXES = [
  ['keygate_jobs_policy_wakeups', 'keygate.rotation.policy', 'policyId'],
  ['keygate_jobs_run_wakeups', 'keygate.rotation.run', 'runId'],
] as const;
const CHURNING_TABLES = [AGENDA_TABLE, 'rotation_runs', 'rotation_policies', 'seen_signatures'];

export async function up(knex: Knex): Promise<void> {
  for (const [index, name, field] of WAKEUP_INDEXES) {
    await knex.raw(`DROP INDEX ${index}`);
    await knex.raw(`CREATE UNIQUE INDEX ${index} ON "${AGENDA_TABLE}" ((data->>'${field}'), (data->>'at')) WHERE name = '${name}' AND type = 'normal'`);
  }
  for (const table of CHURNING_TABLES) {
    await knex.raw(
      `ALTER TABLE "${table}" SET (autovacuum_vacuum_scale_factor = 0.05, autovacuum_vacuum_threshold = 200, autovacuum_analyze_scale_factor = 0.02, autovacuum_analyze_threshold = 200)`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of CHURNING_TABLES) {
    await knex.raw(`ALTER TABLE "${table}" RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)`);
  }
  for (const [index, name, field] of WAKEUP_INDEXES) {
    await knex.raw(`DROP INDEX ${index}`);
    await knex.raw(`CREATE UNIQUE INDEX ${index} ON "${AGENDA_TABLE}" ((data->>'${field}'), (data->>'at')) WHERE name = '${name}'`);
  }
}
