import {
  KeygateError,
  NotFoundError,
  ProviderUnavailableError,
  Secret,
  VersionConflictError,
  type GetOptions,
  type Keyring,
  type PutOptions,
  type PutResult,
  type SecretMetadata,
  type SecretProvider,
  type SecretRef,
  type SecretScope,
  type SecretValue,
  type SqlClient,
} from '@keygate/core';
import { capabilities } from './config.js';
import { EnvironmentCache } from './environment-cache.js';
import { SealedMap } from './sealed-map.js';
import { currentGeneration, type ScopeKey } from './generation-check.js';
import { encryptionContext } from './context.js';
import { guarded } from './failures.js';
import { SCHEMA } from './schema.js';
import { checkLabels, checkRef, checkScope, checkValueSize, isVersionId } from './validation.js';

export interface LocalProviderOptions {
  sql: SqlClient;
  keyring: Keyring;
  providerId: string;
  maxVersions: number;
  cacheMaxBytes: number;
}

// $1…$4 select a scope, $5 a key within it.
const IN_SCOPE = 'provider_id = $1 AND tenant = $2 AND project = $3 AND environment = $4';
const IS_KEY = `${IN_SCOPE} AND key = $5`;
const JOIN_CURRENT = `${SCHEMA}.secrets s JOIN ${SCHEMA}.secret_versions v USING (provider_id, tenant, project, environment, key)`;
/**
 * The scope's cache generation bump as a CTE (`$1`–`$4` the scope), so a write can carry it in its
 * own statement instead of a round trip of its own; same transaction, same effect at commit.
 * `when`: a FROM clause that makes the bump conditional (`FROM head`: only if the write happened).
 */
const bumpGeneration = (when = '') => `bumped AS (
  INSERT INTO ${SCHEMA}.scopes AS g (provider_id, tenant, project, environment, generation) SELECT $1, $2, $3, $4, 1 ${when}
  ON CONFLICT (provider_id, tenant, project, environment) DO UPDATE SET generation = g.generation + 1
)`;
const BUMP_GENERATION = bumpGeneration();

/**
 * A compare-and-set write whose expected version is also the key's last: the common case (no
 * delete since, no other writer) in one statement instead of a transaction of two. The new
 * version number is then known in advance (`$6` = ifVersion + 1), and with it the ciphertext,
 * whose encryption context includes it. Nothing is written when the head row does not match;
 * the caller falls back to the general path, which also tells a conflict from other cases.
 * The head row's update takes its lock, so a concurrent writer re-checks it after our commit.
 */
const PUT_NEXT_VERSION = `WITH head AS (
  UPDATE ${SCHEMA}.secrets
  SET last_version = $6::bigint, current_version = $6::bigint, labels = COALESCE($9::jsonb, labels), updated_at = now()
  WHERE ${IS_KEY} AND current_version = $6::bigint - 1 AND last_version = $6::bigint - 1
  RETURNING 1
), stored AS (
  INSERT INTO ${SCHEMA}.secret_versions (provider_id, tenant, project, environment, key, version, ciphertext)
  SELECT $1, $2, $3, $4, $5, $6::bigint, $7 FROM head
), pruned AS (
  DELETE FROM ${SCHEMA}.secret_versions WHERE ${IS_KEY} AND version <= $6::bigint - $8::bigint AND EXISTS (SELECT 1 FROM head)
), ${bumpGeneration('FROM head')}
SELECT count(*)::int AS written FROM head`;

/** Likewise for a key that never existed (no head row): it gets version 1, in one statement. */
const PUT_FIRST_VERSION = `WITH head AS (
  INSERT INTO ${SCHEMA}.secrets (provider_id, tenant, project, environment, key, current_version, last_version, labels)
  VALUES ($1, $2, $3, $4, $5, 1, 1, COALESCE($7::jsonb, '{}'::jsonb))
  ON CONFLICT (provider_id, tenant, project, environment, key) DO NOTHING
  RETURNING 1
), stored AS (
  INSERT INTO ${SCHEMA}.secret_versions (provider_id, tenant, project, environment, key, version, ciphertext)
  SELECT $1, $2, $3, $4, $5, 1, $6 FROM head
), ${bumpGeneration('FROM head')}
SELECT count(*)::int AS written FROM head`;

/**
 * A session of the Local provider: values live encrypted in the `keygate_local` schema of the
 * host's PostgreSQL. Writers serialise on the key's head row, which makes compare-and-set atomic.
 */
export class LocalSecretProvider implements SecretProvider {
  readonly capabilities = capabilities;
  readonly #sql: SqlClient;
  readonly #keyring: Keyring;
  readonly #providerId: string;
  readonly #maxVersions: number;
  readonly #cache: EnvironmentCache;

  constructor(options: LocalProviderOptions) {
    this.#sql = options.sql;
    this.#keyring = options.keyring;
    this.#providerId = options.providerId;
    this.#maxVersions = options.maxVersions;
    this.#cache = new EnvironmentCache(options.cacheMaxBytes);
  }

  /** The same (read-only) map for every read while the environment is unchanged. */
  async getAll(scope: SecretScope): Promise<ReadonlyMap<string, Secret>> {
    checkScope(scope);
    const params = this.#scopeParams(scope);
    const cacheKey = JSON.stringify(params);
    if (this.#cache.enabled) {
      const generation = await guarded('reading an environment', () => currentGeneration(this.#sql, params));
      const cached = this.#cache.get(cacheKey, generation);
      if (cached) return cached;
    }
    // One statement, one snapshot: the rows and the generation they belong to are consistent.
    const { rows } = await guarded('reading an environment', () =>
      this.#sql.query<{ key: string; version: string; ciphertext: string; generation: string | null }>(
        `SELECT key, v.version::text AS version, v.ciphertext,
                (SELECT generation::text FROM ${SCHEMA}.scopes WHERE ${IN_SCOPE}) AS generation
         FROM ${JOIN_CURRENT}
         WHERE ${IN_SCOPE} AND v.version = s.current_version
         ORDER BY key COLLATE "C"`,
        params,
      ),
    );
    const all = new SealedMap(rows.map((row): [string, Secret] => [row.key, this.#open({ ...scope, key: row.key }, row.version, row.ciphertext)]));
    // An empty environment carries no generation from the same snapshot; it is cheap to read anyway.
    if (this.#cache.enabled && rows.length > 0) this.#cache.set(cacheKey, rows[0]!.generation ?? '0', all);
    return all;
  }

  /** Inside a write's transaction: readers' cached copies of this environment become stale at commit. */
  async #bumpGeneration(tx: SqlClient, ref: SecretRef): Promise<void> {
    await tx.query(`WITH ${BUMP_GENERATION} SELECT 1`, this.#scopeParams(ref));
  }

  async get(ref: SecretRef, options: GetOptions = {}): Promise<SecretValue> {
    checkRef(ref);
    const wanted = options.version;
    // A malformed id names no version this provider could have written.
    if (wanted !== undefined && !isVersionId(wanted)) throw this.#notFound(ref, wanted);
    const { rows } = await guarded('reading a secret', () =>
      this.#sql.query<{ version: string; ciphertext: string }>(
        `SELECT v.version::text AS version, v.ciphertext
         FROM ${JOIN_CURRENT}
         WHERE ${IS_KEY} AND v.version = COALESCE($6::bigint, s.current_version)`,
        [...this.#refParams(ref), wanted ?? null],
      ),
    );
    const row = rows[0];
    if (!row) throw this.#notFound(ref, wanted);
    return { key: ref.key, value: this.#open(ref, row.version, row.ciphertext), version: row.version };
  }

  async put(ref: SecretRef, value: Secret, options: PutOptions = {}): Promise<PutResult> {
    checkRef(ref);
    const plaintext = value.reveal();
    checkValueSize(Buffer.byteLength(plaintext, 'utf8'));
    const labels = options.labels === undefined ? null : JSON.stringify(checkLabels(options.labels));
    const { ifVersion } = options;
    if (typeof ifVersion === 'string' && !isVersionId(ifVersion)) {
      throw new VersionConflictError(`secret "${ref.key}" can never be at version "${ifVersion}": this provider's versions are positive integers`, { key: ref.key });
    }

    // One statement where the version to write is known in advance (see PUT_NEXT_VERSION): a
    // compare-and-set from the current version, or the creation of a key that must not exist.
    if (typeof ifVersion === 'string') {
      const next = (BigInt(ifVersion) + 1n).toString();
      const ciphertext = this.#keyring.encrypt(plaintext, encryptionContext(this.#providerId, ref, next));
      const { rows } = await guarded('writing a secret', () =>
        this.#sql.query<{ written: number }>(PUT_NEXT_VERSION, [...this.#refParams(ref), next, ciphertext, this.#maxVersions, labels]),
      );
      if (rows[0]?.written === 1) return { version: next };
    } else if (ifVersion === null) {
      const ciphertext = this.#keyring.encrypt(plaintext, encryptionContext(this.#providerId, ref, '1'));
      const { rows } = await guarded('writing a secret', () => this.#sql.query<{ written: number }>(PUT_FIRST_VERSION, [...this.#refParams(ref), ciphertext, labels]));
      if (rows[0]?.written === 1) return { version: '1' };
    }

    return guarded('writing a secret', () =>
      this.#sql.transaction(async (tx) => {
        // Creates the head row or bumps its counter; either way the row stays locked until commit,
        // so every writer of this key sees the version the previous one committed.
        const { rows } = await tx.query<{ current: string | null; next: string }>(
          `INSERT INTO ${SCHEMA}.secrets AS s (provider_id, tenant, project, environment, key, current_version, last_version)
           VALUES ($1, $2, $3, $4, $5, NULL, 1)
           ON CONFLICT (provider_id, tenant, project, environment, key) DO UPDATE SET last_version = s.last_version + 1
           RETURNING s.current_version::text AS current, s.last_version::text AS next`,
          this.#refParams(ref),
        );
        const head = rows[0]!;
        // Throwing rolls the counter back with everything else.
        if (ifVersion !== undefined && head.current !== ifVersion) throw this.#conflict(ref, ifVersion, head.current);

        const ciphertext = this.#keyring.encrypt(plaintext, encryptionContext(this.#providerId, ref, head.next));
        await tx.query(
          `WITH stored AS (
             INSERT INTO ${SCHEMA}.secret_versions (provider_id, tenant, project, environment, key, version, ciphertext)
             VALUES ($1, $2, $3, $4, $5, $6::bigint, $7)
           ), pruned AS (
             DELETE FROM ${SCHEMA}.secret_versions WHERE ${IS_KEY} AND version <= $6::bigint - $8::bigint
           ), ${BUMP_GENERATION}
           UPDATE ${SCHEMA}.secrets
           SET current_version = $6::bigint, labels = COALESCE($9::jsonb, labels), updated_at = now()
           WHERE ${IS_KEY}`,
          [...this.#refParams(ref), head.next, ciphertext, this.#maxVersions, labels],
        );
        return { version: head.next };
      }),
    );
  }

  /** Removes the key with all its versions. The head row stays so version numbers are never reused. */
  async delete(ref: SecretRef): Promise<void> {
    checkRef(ref);
    await guarded('deleting a secret', () =>
      this.#sql.transaction(async (tx) => {
        const { rowCount } = await tx.query(
          `UPDATE ${SCHEMA}.secrets SET current_version = NULL, labels = '{}'::jsonb, updated_at = now()
           WHERE ${IS_KEY} AND current_version IS NOT NULL`,
          this.#refParams(ref),
        );
        if (rowCount === 0) throw this.#notFound(ref, undefined);
        // A statement of its own: its snapshot is taken after the head lock above was granted, so
        // it also sees the version of a writer that committed while we waited for that lock.
        await tx.query(`DELETE FROM ${SCHEMA}.secret_versions WHERE ${IS_KEY}`, this.#refParams(ref));
        await this.#bumpGeneration(tx, ref);
      }),
    );
  }

  async listMetadata(scope: SecretScope): Promise<SecretMetadata[]> {
    checkScope(scope);
    const { rows } = await guarded('listing an environment', () =>
      this.#sql.query<{ key: string; version: string; labels: string; updated_at: Date | string }>(
        `SELECT key, current_version::text AS version, labels::text AS labels, updated_at
         FROM ${SCHEMA}.secrets
         WHERE ${IN_SCOPE} AND current_version IS NOT NULL
         ORDER BY key COLLATE "C"`,
        this.#scopeParams(scope),
      ),
    );
    return rows.map((row) => ({
      key: row.key,
      version: row.version,
      labels: JSON.parse(row.labels) as Record<string, string>,
      updatedAt: new Date(row.updated_at),
    }));
  }

  async check(): Promise<void> {
    const { rows } = await guarded('checking the store', () =>
      this.#sql.query<{ ready: boolean }>(`SELECT to_regclass('${SCHEMA}.secret_versions') IS NOT NULL AS ready`),
    );
    if (rows[0]?.ready !== true) throw new ProviderUnavailableError(`the ${SCHEMA} tables are missing from the database`);
    const probe = `check:${this.#providerId}`;
    let echoed: string | undefined;
    try {
      echoed = this.#keyring.decrypt(this.#keyring.encrypt(probe, probe), probe);
    } catch (error) {
      throw new KeygateError('INVALID_CONFIGURATION', 'the host keyring cannot encrypt and decrypt', { cause: error });
    }
    if (echoed !== probe) throw new KeygateError('INVALID_CONFIGURATION', 'the host keyring does not round-trip values');
  }

  /** Nothing to release: the SqlClient and the keyring belong to the host. */
  async close(): Promise<void> {}

  #scopeParams(scope: SecretScope): ScopeKey {
    return [this.#providerId, scope.tenant, scope.project, scope.environment];
  }

  #refParams(ref: SecretRef): string[] {
    return [...this.#scopeParams(ref), ref.key];
  }

  #open(ref: SecretRef, version: string, ciphertext: string): Secret {
    try {
      return new Secret(this.#keyring.decrypt(ciphertext, encryptionContext(this.#providerId, ref, version)));
    } catch (error) {
      throw new KeygateError(
        'INTERNAL',
        `the stored value of "${ref.key}" (version ${version}) does not decrypt: it was altered or moved to another row, or its keyring key is no longer configured`,
        { cause: error },
      );
    }
  }

  #notFound(ref: SecretRef, version: string | undefined): NotFoundError {
    const what = version === undefined ? `secret "${ref.key}"` : `version ${version} of secret "${ref.key}"`;
    return new NotFoundError(`${what} not found in ${ref.tenant}/${ref.project}/${ref.environment}`, { key: ref.key });
  }

  #conflict(ref: SecretRef, expected: string | null, actual: string | null): VersionConflictError {
    const wanted = expected === null ? 'to be absent' : `at version ${expected}`;
    const found = actual === null ? 'it does not exist' : `it is at version ${actual}`;
    return new VersionConflictError(`secret "${ref.key}" was expected ${wanted}, but ${found}`, {
      key: ref.key,
      ...(actual === null ? {} : { currentVersion: actual }),
    });
  }
}
