import type { Knex } from 'knex';

const TABLES = ['tenants', 'providers', 'projects', 'project_providers', 'environments', 'environment_providers', 'api_keys'];

/**
 * Every change to the tables that hot-path caches read from is announced on the `keygate_changes`
 * channel (delivered at commit), so every replica drops its cached copies within milliseconds.
 * Triggers rather than application code, so no write path can forget to announce itself.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    CREATE FUNCTION keygate_notify_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      PERFORM pg_notify('keygate_changes', TG_TABLE_NAME);
      RETURN NULL;
    END $$;
  `);
  for (const table of TABLES) {
    await knex.raw(`CREATE TRIGGER ${table}_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION keygate_notify_change()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of TABLES) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_notify_change ON ${table}`);
  await knex.raw('DROP FUNCTION IF EXISTS keygate_notify_change()');
}
