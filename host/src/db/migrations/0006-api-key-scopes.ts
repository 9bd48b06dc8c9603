import type { Knex } from 'knex';

/**
 * Short-lived scoped tokens are environment Consumer keys with `scopes`: they see only the secrets
 * whose Keygate metadata `tags.scope` names one of them. NULL means an unrestricted key.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.specificType('scopes', 'text[]');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('scopes');
  });
}
