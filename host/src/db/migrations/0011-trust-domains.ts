import type { Knex } from 'knex';

/**
 * Trust domains: which workload tokens (issuer, audience, claim rules, provider settings) may be
 * exchanged for short-lived keys of one environment. `seen_workload_tokens` remembers the ids of
 * exchanged tokens until they expire, so a captured token cannot be exchanged twice on any replica;
 * rows past `expires_at` are deleted opportunistically by the host.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('trust_domains', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('environment_id').notNullable().references('environments.id').onDelete('CASCADE');
    t.string('name', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('provider', 100).notNullable(); // identity provider type: GitHub | Kubernetes | OIDC | …
    t.string('issuer', 500).notNullable();
    t.string('audience', 500).notNullable();
    t.jsonb('claim_rules').notNullable().defaultTo('[]');
    t.jsonb('settings').notNullable().defaultTo('{}');
    t.string('granted_role', 20).notNullable(); // Consumer | Member
    t.integer('issued_token_ttl_minutes').notNullable().defaultTo(60);
    t.timestamps(true, true);
    t.unique(['environment_id', 'name']);
    // Exchanges look domains up by the token's (unverified) issuer.
    t.index(['issuer']);
  });
  await knex.raw(`ALTER TABLE trust_domains ADD CONSTRAINT trust_domains_ttl CHECK (issued_token_ttl_minutes BETWEEN 1 AND 1440)`);

  await knex.schema.createTable('seen_workload_tokens', (t) => {
    t.string('issuer', 500).notNullable();
    t.string('token_id', 300).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.primary(['issuer', 'token_id']);
    t.index(['expires_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('seen_workload_tokens');
  await knex.schema.dropTableIfExists('trust_domains');
}
