import type { Knex } from 'knex';

/**
 * Project memberships (a user's project role) and per-environment member lists. An environment
 * member row needs the project membership (composite foreign key), so removing a user from a
 * project also removes them from that project's environment lists. Both tables join the change
 * notifications: a user's cached access is dropped on every replica when a membership changes.
 *
 * Failed logins and failed API-key authentications share one counter table: `kind` says which
 * (`login` per email, `api-key` per client address), `subject` is the email or `*`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('project_members', (t) => {
    t.uuid('project_id').notNullable().references('projects.id').onDelete('CASCADE');
    t.uuid('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.uuid('tenant_id').notNullable().references('tenants.id').onDelete('CASCADE');
    t.text('role').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['project_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.raw(`ALTER TABLE project_members ADD CONSTRAINT project_members_role CHECK (role IN ('Owner', 'Manager', 'Member', 'Consumer'))`);

  await knex.schema.createTable('environment_members', (t) => {
    t.uuid('environment_id').notNullable().references('environments.id').onDelete('CASCADE');
    t.uuid('project_id').notNullable();
    t.uuid('user_id').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['environment_id', 'user_id']);
    t.foreign(['project_id', 'user_id']).references(['project_id', 'user_id']).inTable('project_members').onDelete('CASCADE');
    t.index(['project_id']);
  });

  for (const table of ['project_members', 'environment_members']) {
    await knex.raw(`CREATE TRIGGER ${table}_notify_change AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION keygate_notify_change()`);
  }

  await knex.schema.alterTable('login_failures', (t) => {
    t.text('kind').notNullable().defaultTo('login');
  });
  await knex.raw('ALTER TABLE login_failures RENAME COLUMN email TO subject');
  await knex.raw('ALTER TABLE login_failures RENAME TO auth_failures');
  await knex.raw('CREATE INDEX auth_failures_kind_subject ON auth_failures (kind, subject, created_at)');
  await knex.raw('CREATE INDEX auth_failures_kind_ip ON auth_failures (kind, ip, created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS auth_failures_kind_ip');
  await knex.raw('DROP INDEX IF EXISTS auth_failures_kind_subject');
  await knex.raw('ALTER TABLE auth_failures RENAME TO login_failures');
  await knex.raw('ALTER TABLE login_failures RENAME COLUMN subject TO email');
  await knex.schema.alterTable('login_failures', (t) => {
    t.dropColumn('kind');
  });
  await knex.raw('DROP TRIGGER IF EXISTS environment_members_notify_change ON environment_members');
  await knex.raw('DROP TRIGGER IF EXISTS project_members_notify_change ON project_members');
  await knex.schema.dropTableIfExists('environment_members');
  await knex.schema.dropTableIfExists('project_members');
}
