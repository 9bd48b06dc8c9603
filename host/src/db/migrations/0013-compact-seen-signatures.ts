import type { Knex } from 'knex';

/**
 * The replay guard's table, made cheaper to insert into (one row per signed request):
 *
 * - keyed by the signature alone, as 32 bytes rather than 64 hex characters next to the key id: a
 *   signature is an HMAC-SHA256 under the key's own secret, so two keys never share one, and
 *   nobody can insert a signature before its key's holder made it;
 * - expiry found through a BRIN index: rows arrive in roughly the order they expire, and a BRIN
 *   index costs an insert almost nothing where a B-tree costs a page write.
 *
 * The signatures seen so far are carried over, so none becomes replayable during the upgrade.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE seen_signatures_compact (
    signature bytea PRIMARY KEY,
    key_id varchar(32) NOT NULL,
    expires_at timestamptz NOT NULL
  )`);
  await knex.raw(`INSERT INTO seen_signatures_compact (signature, key_id, expires_at)
    SELECT decode(signature, 'hex'), key_id, expires_at FROM seen_signatures WHERE expires_at >= now()
    ON CONFLICT DO NOTHING`);
  await knex.raw('DROP TABLE seen_signatures');
  await knex.raw('ALTER TABLE seen_signatures_compact RENAME TO seen_signatures');
  await knex.raw('ALTER INDEX seen_signatures_compact_pkey RENAME TO seen_signatures_pkey');
  await knex.raw('CREATE INDEX seen_signatures_expires_at ON seen_signatures USING brin (expires_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE seen_signatures_wide (
    key_id varchar(32) NOT NULL,
    signature varchar(64) NOT NULL,
    expires_at timestamptz NOT NULL,
    PRIMARY KEY (key_id, signature)
  )`);
  await knex.raw(`INSERT INTO seen_signatures_wide SELECT key_id, encode(signature, 'hex'), expires_at FROM seen_signatures`);
  await knex.raw('DROP TABLE seen_signatures');
  await knex.raw('ALTER TABLE seen_signatures_wide RENAME TO seen_signatures');
  await knex.raw('ALTER INDEX seen_signatures_wide_pkey RENAME TO seen_signatures_pkey');
  await knex.raw('CREATE INDEX seen_signatures_expires_at_index ON seen_signatures (expires_at)');
}
