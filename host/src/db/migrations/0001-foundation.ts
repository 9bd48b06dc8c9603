import type { Knex } from 'knex';

/** Tenants, providers, projects, environments, secret metadata, API keys and the audit chain. */
export async function up(knex: Knex): Promise<void> {
  // Host-wide settings; values that are secrets hold keyring ciphertexts.
  await knex.schema.createTable('host_settings', (t) => {
    t.string('name', 100).primary();
    t.text('value').notNullable();
  });
  await knex.schema.createTable('tenants', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.string('slug', 63).notNullable().unique();
    t.string('name', 200).notNullable();
    t.timestamps(true, true);
  });

  await knex.schema.createTable('providers', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.string('slug', 63).notNullable();
    t.string('name', 200).notNullable();
    t.string('type', 100).notNullable();
    t.text('description').notNullable().defaultTo('');
    // Credential fields hold keyring ciphertexts, never plaintext.
    t.jsonb('configuration').notNullable().defaultTo('{}');
    t.boolean('is_system').notNullable().defaultTo(false);
    t.timestamps(true, true);
    t.unique(['tenant_id', 'slug']);
  });

  await knex.schema.createTable('projects', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.string('slug', 63).notNullable();
    t.string('name', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.timestamps(true, true);
    t.unique(['tenant_id', 'slug']);
  });

  await knex.schema.createTable('project_providers', (t) => {
    t.uuid('project_id').notNullable().references('projects.id').onDelete('CASCADE');
    t.uuid('provider_id').notNullable().references('providers.id').onDelete('RESTRICT');
    t.integer('position').notNullable();
    t.primary(['project_id', 'provider_id']);
  });

  await knex.schema.createTable('environments', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.uuid('project_id').notNullable().references('projects.id').onDelete('CASCADE');
    t.string('slug', 63).notNullable();
    t.string('name', 200).notNullable();
    t.text('description').notNullable().defaultTo('');
    // Bumped on every secret write through Keygate: the cheap change check SDKs poll.
    t.bigInteger('secrets_version').notNullable().defaultTo(0);
    t.timestamp('secrets_modified_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamps(true, true);
    t.unique(['project_id', 'slug']);
  });

  await knex.schema.createTable('environment_providers', (t) => {
    t.uuid('environment_id').notNullable().references('environments.id').onDelete('CASCADE');
    t.uuid('provider_id').notNullable().references('providers.id').onDelete('RESTRICT');
    t.integer('position').notNullable();
    t.primary(['environment_id', 'provider_id']);
  });

  await knex.schema.createTable('secret_metadata', (t) => {
    t.uuid('environment_id').notNullable().references('environments.id').onDelete('CASCADE');
    t.uuid('provider_id').notNullable().references('providers.id').onDelete('CASCADE');
    t.string('key', 255).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('type', 20).notNullable().defaultTo('string');
    t.jsonb('tags').notNullable().defaultTo('{}');
    t.timestamps(true, true);
    t.primary(['environment_id', 'provider_id', 'key']);
  });

  await knex.schema.createTable('api_keys', (t) => {
    t.uuid('id').primary().defaultTo(knex.raw('gen_random_uuid()'));
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.string('key_id', 32).notNullable().unique();
    // Encrypted, not hashed: request signing needs the secret to recompute HMACs.
    t.text('secret_ciphertext').notNullable();
    t.string('client_name', 200).notNullable().defaultTo('');
    t.text('description').notNullable().defaultTo('');
    t.string('scope', 20).notNullable(); // tenant | project | environment | personal
    t.string('role', 20).notNullable();
    t.uuid('project_id').references('projects.id').onDelete('CASCADE');
    t.uuid('environment_id').references('environments.id').onDelete('CASCADE');
    t.boolean('enabled').notNullable().defaultTo(true);
    t.timestamp('expires_at', { useTz: true });
    t.timestamps(true, true);
  });

  await knex.schema.createTable('audit_events', (t) => {
    t.bigIncrements('seq').primary();
    t.uuid('id').notNullable().unique().defaultTo(knex.raw('gen_random_uuid()'));
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.uuid('tenant_id'); // null for requests refused before a tenant is known
    t.string('actor_type', 20).notNullable();
    t.string('actor_id', 100).notNullable();
    t.string('action', 60).notNullable();
    t.string('target_type', 30).notNullable();
    t.text('target').notNullable();
    t.string('outcome', 10).notNullable();
    t.integer('status');
    t.string('request_id', 64);
    t.string('ip', 64);
    t.jsonb('details').notNullable().defaultTo('{}');
    t.string('prev_hash', 64).notNullable();
    t.string('hash', 64).notNullable();
    t.index(['tenant_id', 'occurred_at']);
  });
  await knex.schema.createTable('audit_chain_head', (t) => {
    t.integer('id').primary();
    t.bigInteger('seq').notNullable();
    t.string('hash', 64).notNullable();
  });
  await knex('audit_chain_head').insert({ id: 1, seq: 0, hash: '0'.repeat(64) });
  // The audit trail is append-only: the database itself refuses to change or remove rows.
  await knex.raw(`
    CREATE FUNCTION keygate_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only (% refused)', TG_OP;
    END $$;
    CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
      FOR EACH ROW EXECUTE FUNCTION keygate_audit_append_only();
    CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
      FOR EACH STATEMENT EXECUTE FUNCTION keygate_audit_append_only();
  `);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['host_settings', 'audit_chain_head', 'api_keys', 'secret_metadata', 'environment_providers', 'environments', 'project_providers', 'projects', 'providers', 'tenants']) {
    await knex.schema.dropTableIfExists(table);
  }
  await knex.raw('DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events');
  await knex.raw('DROP TRIGGER IF EXISTS audit_events_no_update ON audit_events');
  await knex.schema.dropTableIfExists('audit_events');
  await knex.raw('DROP FUNCTION IF EXISTS keygate_audit_append_only()');
}
