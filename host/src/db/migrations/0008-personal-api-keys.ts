import type { Knex } from 'knex';

/**
 * Personal API keys act as a user (with the user's current tenant role): `user_id` names that
 * user, and is set exactly for `personal` keys. Deleting the user deletes their keys.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('api_keys', (t) => {
    t.uuid('user_id').references('id').inTable('users').onDelete('CASCADE');
    t.index(['user_id']);
  });
  await knex.raw(`ALTER TABLE api_keys ADD CONSTRAINT api_keys_personal_user CHECK ((scope = 'personal') = (user_id IS NOT NULL))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE api_keys DROP CONSTRAINT IF EXISTS api_keys_personal_user');
  await knex.schema.alterTable('api_keys', (t) => {
    t.dropColumn('user_id');
  });
}
