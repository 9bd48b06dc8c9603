import type { SqlClient } from '@keygate/core';

/**
 * The plugin's own tables, in their own schema, apart from the host's state (which never holds
 * secret values).
 *
 * - `secrets`: one row per key ever written — the head. `current_version` is NULL once the key is
 *   deleted; `last_version` is never reset, so a version number is never reused and a stale
 *   `ifVersion` from before a delete cannot match a new value. Writers lock this row.
 * - `secret_versions`: one row per kept version, holding the keyring ciphertext.
 * - `scopes`: a generation counter per environment, bumped by every write in the same transaction,
 *   so a reader can tell with one small query whether its cached copy is still current.
 */
export const SCHEMA = 'keygate_local';

const DDL: readonly string[] = [
  `CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`,
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.secrets (
    provider_id text NOT NULL,
    tenant text NOT NULL,
    project text NOT NULL,
    environment text NOT NULL,
    key text NOT NULL,
    current_version bigint,
    last_version bigint NOT NULL,
    labels jsonb NOT NULL DEFAULT '{}'::jsonb,
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider_id, tenant, project, environment, key)
  )`,
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.secret_versions (
    provider_id text NOT NULL,
    tenant text NOT NULL,
    project text NOT NULL,
    environment text NOT NULL,
    key text NOT NULL,
    version bigint NOT NULL,
    ciphertext text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (provider_id, tenant, project, environment, key, version),
    FOREIGN KEY (provider_id, tenant, project, environment, key)
      REFERENCES ${SCHEMA}.secrets (provider_id, tenant, project, environment, key) ON DELETE CASCADE
  )`,
  `CREATE TABLE IF NOT EXISTS ${SCHEMA}.scopes (
    provider_id text NOT NULL,
    tenant text NOT NULL,
    project text NOT NULL,
    environment text NOT NULL,
    generation bigint NOT NULL,
    PRIMARY KEY (provider_id, tenant, project, environment)
  )`,
];

// "kglocal1" as a 64-bit integer. Concurrent CREATE … IF NOT EXISTS can still collide in the
// catalogs, so replicas starting together take turns under this transaction-scoped lock.
const SCHEMA_LOCK = '7739273710323985457';

const ready = new WeakMap<SqlClient, Promise<void>>();

/** Creates the schema once per database connection pool; safe when several hosts start at once. */
export function ensureSchema(sql: SqlClient): Promise<void> {
  let pending = ready.get(sql);
  if (!pending) {
    pending = createSchema(sql);
    ready.set(sql, pending);
    // A failed attempt (e.g. the database was briefly down) must not poison later ones.
    pending.catch(() => ready.delete(sql));
  }
  return pending;
}

async function createSchema(sql: SqlClient): Promise<void> {
  await sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${SCHEMA_LOCK})`);
    for (const statement of DDL) await tx.query(statement);
  });
}
