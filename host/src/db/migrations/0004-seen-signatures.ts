import type { Knex } from 'knex';

/**
 * Signatures of accepted signed requests, kept until they fall out of the ±300 s window, so a
 * captured request cannot be replayed on this or any other replica. Rows past `expires_at` are
 * deleted opportunistically by the host.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('seen_signatures', (t) => {
    t.string('key_id', 32).notNullable();
    t.string('signature', 64).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['key_id', 'signature']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('seen_signatures');
}
