import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { Keyring, Secret, isKeygateError, isPluginManifest, type SecretRef, type SqlClient } from '@keygate/core';
import { createTestPluginServices, expectErrorCode } from '@keygate/core/testing';
import { createTestSqlClient, type TestSqlClient } from '@keygate/test';
import manifest, { MAX_VALUE_BYTES, type LocalSecretProvider, createLocalProvider, localProviderType, type LocalProviderConfig } from './index.js';

let db: TestSqlClient;
let keyring: Keyring;

beforeAll(async () => {
  db = await createTestSqlClient();
  keyring = new Keyring({ activeKeyId: 'k1', keys: { k1: randomBytes(32) } });
});

afterAll(async () => {
  await db.close();
});

function open(options: { config?: LocalProviderConfig; providerId?: string; sql?: SqlClient; keyring?: Keyring } = {}): Promise<LocalSecretProvider> {
  return createLocalProvider({
    config: options.config ?? {},
    providerId: options.providerId ?? randomUUID(),
    services: createTestPluginServices({ sql: options.sql ?? db.sql, keyring: options.keyring ?? keyring }),
  });
}

function freshRef(key = 'DB_PASSWORD'): SecretRef {
  const id = randomBytes(4).toString('hex');
  return { tenant: `tenant-${id}`, project: `project-${id}`, environment: `env-${id}`, key };
}

/** Counts statements, to check what must be a single query. */
function counting(inner: SqlClient): { sql: SqlClient; statements: string[] } {
  const statements: string[] = [];
  const wrap = (client: SqlClient): SqlClient => ({
    query: (text, params) => {
      statements.push(text);
      return client.query(text, params);
    },
    transaction: (work) => client.transaction((tx) => work(wrap(tx))),
  });
  return { sql: wrap(inner), statements };
}

describe('the provider-local manifest', () => {
  it('is an inert manifest providing the Local provider type', () => {
    expect(isPluginManifest(manifest)).toBe(true);
    expect(manifest.name).toBe('@keygate/provider-local');
    expect(manifest.provides).toHaveLength(1);
    const [type] = manifest.provides;
    expect(type).toBe(localProviderType);
    expect(type).toMatchObject({ kind: 'provider', type: 'Local' });
    expect(localProviderType.displayName).not.toBe('');
    expect(localProviderType.description).not.toBe('');
  });

  it('needs no configuration and declares what it supports', () => {
    const schema = localProviderType.configSchema;
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.required ?? []).toEqual([]);
    expect(localProviderType.capabilities({} as never)).toEqual({ versions: true, compareAndSet: true, labels: true, binary: false, batchRead: true });
  });

  it('opens a working session through the manifest, as the host does', async () => {
    const provider = await localProviderType.create({
      config: {} as never,
      providerId: 'system',
      services: createTestPluginServices({ sql: db.sql, keyring }),
    });
    const ref = freshRef();
    await provider.put(ref, new Secret('through the manifest'));
    expect((await provider.get(ref)).value.reveal()).toBe('through the manifest');
  });

  it.each<[string, unknown]>([
    ['an unknown property', { namespace: 'x' }],
    ['maxVersions 0', { maxVersions: 0 }],
    ['a fractional maxVersions', { maxVersions: 1.5 }],
    ['a string maxVersions', { maxVersions: '5' }],
  ])('refuses a configuration with %s', async (_name, config) => {
    await expectErrorCode(open({ config: config as LocalProviderConfig }), 'INVALID_CONFIGURATION', 'create');
  });
});

describe('storage', () => {
  it('stores no plaintext: only keyring ciphertexts reach the database', async () => {
    const provider = await open();
    const ref = freshRef('PLAINTEXT_CANARY');
    const canary = `canary-${randomBytes(12).toString('hex')}`;
    await provider.put(ref, new Secret(canary));
    await provider.put(ref, new Secret(`${canary}-v2`), { labels: { purpose: 'test' } });

    const versions = await db.sql.query<{ row: string; ciphertext: string }>(
      'SELECT t::text AS row, ciphertext FROM keygate_local.secret_versions t WHERE key = $1 AND tenant = $2',
      [ref.key, ref.tenant],
    );
    expect(versions.rows).toHaveLength(2);
    const heads = await db.sql.query<{ row: string }>('SELECT t::text AS row FROM keygate_local.secrets t WHERE key = $1 AND tenant = $2', [
      ref.key,
      ref.tenant,
    ]);
    for (const { row } of [...versions.rows, ...heads.rows]) {
      expect(row).not.toContain(canary);
      expect(row).not.toContain(Buffer.from(canary).toString('base64'));
      expect(row).not.toContain(Buffer.from(canary).toString('hex'));
    }
    for (const { ciphertext } of versions.rows) expect(Keyring.keyIdOf(ciphertext)).toBe('k1');
  });

  it('refuses ciphertexts swapped between keys', async () => {
    const provider = await open();
    const a = freshRef('KEY_A');
    const b = { ...a, key: 'KEY_B' };
    await provider.put(a, new Secret('value of A'));
    await provider.put(b, new Secret('value of B'));
    await db.sql.query(
      `UPDATE keygate_local.secret_versions t SET ciphertext = o.ciphertext
       FROM keygate_local.secret_versions o
       WHERE t.tenant = $1 AND o.tenant = $1 AND t.key <> o.key AND t.key IN ('KEY_A', 'KEY_B') AND o.key IN ('KEY_A', 'KEY_B')`,
      [a.tenant],
    );
    await expectErrorCode(provider.get(a), 'INTERNAL', 'get of a swapped ciphertext');
    await expectErrorCode(provider.get(b), 'INTERNAL', 'get of a swapped ciphertext');
    await expectErrorCode(provider.getAll(a), 'INTERNAL', 'getAll over a swapped ciphertext');
  });

  it('refuses a ciphertext moved to another version, scope or provider', async () => {
    const providerId = randomUUID();
    const provider = await open({ providerId });
    const ref = freshRef('MOVED');
    await provider.put(ref, new Secret('version one'));
    await provider.put(ref, new Secret('version two'));
    // Roll the current version back by copying version 1's ciphertext over version 2's.
    await db.sql.query(
      `UPDATE keygate_local.secret_versions SET ciphertext = (SELECT ciphertext FROM keygate_local.secret_versions WHERE tenant = $1 AND version = 1)
       WHERE tenant = $1 AND version = 2`,
      [ref.tenant],
    );
    await expectErrorCode(provider.get(ref), 'INTERNAL', 'get of a ciphertext copied from another version');

    const other = freshRef('MOVED');
    await provider.put(other, new Secret('elsewhere'));
    await db.sql.query(
      `UPDATE keygate_local.secret_versions SET ciphertext = (SELECT ciphertext FROM keygate_local.secret_versions WHERE tenant = $1 AND version = 1)
       WHERE tenant = $2`,
      [ref.tenant, other.tenant],
    );
    await expectErrorCode(provider.get(other), 'INTERNAL', 'get of a ciphertext copied from another scope');

    const sibling = await open();
    await sibling.put(ref, new Secret('sibling provider'));
    await db.sql.query(
      `UPDATE keygate_local.secret_versions SET ciphertext = (SELECT ciphertext FROM keygate_local.secret_versions WHERE provider_id = $1 AND tenant = $2 AND version = 1)
       WHERE provider_id <> $1 AND tenant = $2`,
      [providerId, ref.tenant],
    );
    await expectErrorCode(sibling.get(ref), 'INTERNAL', 'get of a ciphertext copied from another provider');
  });

  it('keeps providers apart even for the same scope', async () => {
    const first = await open();
    const second = await open();
    const ref = freshRef();
    await first.put(ref, new Secret('first'));
    await expectErrorCode(second.get(ref), 'NOT_FOUND', 'get through another provider');
    expect((await second.getAll(ref)).size).toBe(0);
  });

  it('numbers versions 1, 2, 3 … per key and never reuses a number after delete', async () => {
    const provider = await open();
    const ref = freshRef();
    expect((await provider.put(ref, new Secret('a'))).version).toBe('1');
    expect((await provider.put(ref, new Secret('b'))).version).toBe('2');
    expect((await provider.put({ ...ref, key: 'OTHER' }, new Secret('c'))).version).toBe('1');
    await provider.delete(ref);
    const { rows } = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM keygate_local.secret_versions WHERE tenant = $1 AND key = $2', [
      ref.tenant,
      ref.key,
    ]);
    expect(rows[0]?.n, 'delete removes every version').toBe(0);
    await expectErrorCode(provider.get(ref, { version: '1' }), 'NOT_FOUND', 'get of a version of a deleted key');
    // A compare-and-set token from before the delete must not match the new value.
    await expectErrorCode(provider.put(ref, new Secret('d'), { ifVersion: '2' }), 'VERSION_CONFLICT', 'put with a version from before the delete');
    expect((await provider.put(ref, new Secret('d'), { ifVersion: null })).version).toBe('3');
  });

  it('leaves no version behind a deleted key when deletes race writers', async () => {
    const provider = await open();
    const ref = freshRef();
    await provider.put(ref, new Secret('start'));
    const race = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? provider.delete(ref) : provider.put(ref, new Secret(`v${i}`))));
    await Promise.allSettled(race);
    const { rows } = await db.sql.query<{ orphans: number }>(
      `SELECT count(*)::int AS orphans
       FROM keygate_local.secret_versions v JOIN keygate_local.secrets s USING (provider_id, tenant, project, environment, key)
       WHERE s.tenant = $1 AND (s.current_version IS NULL OR v.version > s.current_version)`,
      [ref.tenant],
    );
    expect(rows[0]?.orphans).toBe(0);
  });

  it('keeps labels across writes that do not mention them, and clears them on delete', async () => {
    const provider = await open();
    const ref = freshRef();
    await provider.put(ref, new Secret('a'), { labels: { team: 'core' } });
    await provider.put(ref, new Secret('b'));
    expect((await provider.listMetadata(ref))[0]?.labels).toEqual({ team: 'core' });
    await provider.put(ref, new Secret('c'), { labels: {} });
    expect((await provider.listMetadata(ref))[0]?.labels).toEqual({});
    await provider.put(ref, new Secret('d'), { labels: { team: 'core' } });
    await provider.delete(ref);
    await provider.put(ref, new Secret('e'));
    expect((await provider.listMetadata(ref))[0]?.labels).toEqual({});
  });

  it('keeps only maxVersions versions', async () => {
    const provider = await open({ config: { maxVersions: 2 } });
    const ref = freshRef();
    for (const value of ['one', 'two', 'three', 'four']) await provider.put(ref, new Secret(value));
    await expectErrorCode(provider.get(ref, { version: '1' }), 'NOT_FOUND', 'get of a pruned version');
    await expectErrorCode(provider.get(ref, { version: '2' }), 'NOT_FOUND', 'get of a pruned version');
    expect((await provider.get(ref, { version: '3' })).value.reveal()).toBe('three');
    expect((await provider.get(ref)).value.reveal()).toBe('four');
    const { rows } = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM keygate_local.secret_versions WHERE tenant = $1', [ref.tenant]);
    expect(rows[0]?.n).toBe(2);
  });

  it('reads a whole environment with one query', async () => {
    const { sql, statements } = counting(db.sql);
    const provider = await open({ sql, config: { cacheMaxBytes: 0 } });
    const ref = freshRef();
    for (let i = 0; i < 10; i++) await provider.put({ ...ref, key: `KEY_${i}` }, new Secret(`value-${i}`));
    await provider.put({ ...ref, key: 'KEY_0' }, new Secret('value-0-v2'));
    statements.length = 0;
    const all = await provider.getAll(ref);
    expect(statements).toHaveLength(1);
    expect(all.size).toBe(10);
    expect(all.get('KEY_0')?.reveal()).toBe('value-0-v2');
  });

  it('creates a key, and writes from the current version, in one statement each; still refuses a stale version after a delete', async () => {
    const { sql, statements } = counting(db.sql);
    const provider = await open({ sql, config: { cacheMaxBytes: 0 } });
    const ref = freshRef();
    await provider.check(); // creates the tables, once
    statements.length = 0;
    const first = await provider.put(ref, new Secret('one'), { labels: { team: 'a' }, ifVersion: null });
    expect(statements).toHaveLength(1);
    expect(first.version).toBe('1');
    statements.length = 0;
    const second = await provider.put(ref, new Secret('two'), { ifVersion: first.version! });
    expect(statements).toHaveLength(1);
    expect(second.version).toBe('2');
    expect((await provider.get(ref)).value.reveal()).toBe('two');
    expect((await provider.listMetadata(ref))[0]?.labels).toEqual({ team: 'a' });
    // After a delete the last version is ahead of the (absent) current one: the general path decides.
    await provider.delete(ref);
    await expectErrorCode(provider.put(ref, new Secret('three'), { ifVersion: '2' }), 'VERSION_CONFLICT', 'put from a deleted version');
    expect((await provider.put(ref, new Secret('three'), { ifVersion: null })).version).toBe('3');
    statements.length = 0;
    expect((await provider.put(ref, new Secret('four'), { ifVersion: '3' })).version).toBe('4');
    expect(statements).toHaveLength(1);
    expect((await provider.getAll(ref)).get('DB_PASSWORD')?.reveal()).toBe('four');
  });

  it('answers a repeated read of an unchanged environment from its cache with one small query', async () => {
    const { sql, statements } = counting(db.sql);
    const provider = await open({ sql });
    const ref = freshRef();
    for (let i = 0; i < 5; i++) await provider.put({ ...ref, key: `KEY_${i}` }, new Secret(`value-${i}`));
    await provider.getAll(ref);
    statements.length = 0;
    const again = await provider.getAll(ref);
    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/FROM keygate_local\.scopes/);
    expect(again.get('KEY_3')?.reveal()).toBe('value-3');
  });

  it('never serves a stale cached environment, even after another replica wrote or deleted', async () => {
    const providerId = randomUUID();
    const replica = db.replica();
    const a = await open({ providerId });
    const b = await open({ providerId, sql: replica });
    const ref = freshRef('COLOR');
    await a.put(ref, new Secret('red'));
    await a.put({ ...ref, key: 'SIZE' }, new Secret('L'));
    expect((await a.getAll(ref)).get('COLOR')?.reveal()).toBe('red');
    await b.put(ref, new Secret('blue'));
    expect((await a.getAll(ref)).get('COLOR')?.reveal()).toBe('blue');
    await b.delete({ ...ref, key: 'SIZE' });
    expect([...(await a.getAll(ref)).keys()]).toEqual(['COLOR']);
    // Readers share one map while nothing changes, and none of them can change it for the others.
    const shared = await a.getAll(ref);
    expect(await a.getAll(ref)).toBe(shared);
    expect(() => (shared as Map<string, Secret>).clear()).toThrow(TypeError);
    expect(() => (shared as Map<string, Secret>).delete('COLOR')).toThrow(TypeError);
    expect(() => (shared as Map<string, Secret>).set('COLOR', new Secret('x'))).toThrow(TypeError);
    expect((await a.getAll(ref)).get('COLOR')?.reveal()).toBe('blue');
  });

  it('checks the generations of concurrent cached reads, of every session on the database, in one statement', async () => {
    const { sql, statements } = counting(db.sql);
    const a = await open({ sql });
    const b = await open({ sql });
    const refs = [freshRef(), freshRef(), freshRef()];
    for (const [i, ref] of refs.entries()) {
      await a.put(ref, new Secret(`a-${i}`));
      await b.put(ref, new Secret(`b-${i}`));
    }
    await Promise.all(refs.flatMap((ref) => [a.getAll(ref), b.getAll(ref)]));
    statements.length = 0;
    const reads = await Promise.all(refs.flatMap((ref) => [a.getAll(ref), a.getAll(ref), b.getAll(ref)]));
    expect(statements).toHaveLength(1);
    expect(reads.map((m) => m.get('DB_PASSWORD')?.reveal())).toEqual(['a-0', 'a-0', 'b-0', 'a-1', 'a-1', 'b-1', 'a-2', 'a-2', 'b-2']);
  });

  it('answers a read begun after a write with a check made after it, even while an earlier check is in flight', async () => {
    const providerId = randomUUID();
    const replica = db.replica();
    let release: (() => void) | undefined;
    const held: SqlClient = {
      query: async <Row,>(text: string, params?: readonly unknown[]) => {
        const result = await db.sql.query<Row>(text, params);
        // The first check is answered (with the old generation) but held back from its caller.
        if (release === undefined && /FROM keygate_local\.scopes/.test(text)) await new Promise<void>((resolve) => (release = resolve));
        return result;
      },
      transaction: (work) => db.sql.transaction(work),
    };
    const reader = await open({ providerId, sql: held });
    const writer = await open({ providerId, sql: replica });
    const ref = freshRef('COLOR');
    await writer.put(ref, new Secret('red'));
    release = () => undefined;
    expect((await reader.getAll(ref)).get('COLOR')?.reveal()).toBe('red');
    release = undefined;
    const early = reader.getAll(ref);
    await vi.waitFor(() => expect(release).toBeDefined());
    await writer.put(ref, new Secret('blue'));
    const late = reader.getAll(ref);
    release!();
    expect((await early).get('COLOR')?.reveal()).toBe('red');
    expect((await late).get('COLOR')?.reveal()).toBe('blue');
  });

  it('keeps reading values written under an earlier keyring key after the active key changes', async () => {
    const providerId = randomUUID();
    const k1 = randomBytes(32);
    const before = await open({ providerId, keyring: new Keyring({ activeKeyId: 'old', keys: { old: k1 } }) });
    const ref = freshRef();
    await before.put(ref, new Secret('written under old'));
    const rotated = new Keyring({ activeKeyId: 'new', keys: { old: k1, new: randomBytes(32) } });
    const after = await open({ providerId, keyring: rotated });
    expect((await after.get(ref)).value.reveal()).toBe('written under old');
    await after.put(ref, new Secret('written under new'));
    const { rows } = await db.sql.query<{ ciphertext: string }>('SELECT ciphertext FROM keygate_local.secret_versions WHERE tenant = $1 ORDER BY version', [
      ref.tenant,
    ]);
    expect(rows.map((row) => Keyring.keyIdOf(row.ciphertext))).toEqual(['old', 'new']);
    expect((await after.get(ref, { version: '1' })).value.reveal()).toBe('written under old');
  });
});

describe('input and failures', () => {
  it.each<[string, Partial<SecretRef>]>([
    ['an empty key', { key: '' }],
    ['a key with NUL', { key: 'A\u0000B' }],
    ['an empty environment', { environment: '' }],
    ['a 513-character key', { key: 'k'.repeat(513) }],
  ])('refuses %s', async (_name, change) => {
    const provider = await open();
    const ref = { ...freshRef(), ...change };
    await expectErrorCode(provider.put(ref, new Secret('x')), 'INVALID_INPUT', 'put');
    await expectErrorCode(provider.get(ref), 'INVALID_INPUT', 'get');
  });

  it('refuses labels that are not strings', async () => {
    const provider = await open();
    const labels = { team: 42 } as unknown as Record<string, string>;
    await expectErrorCode(provider.put(freshRef(), new Secret('x'), { labels }), 'INVALID_INPUT', 'put with a numeric label');
  });

  it('refuses values over its size limit, and accepts one at the limit', async () => {
    const provider = await open();
    const ref = freshRef();
    await expectErrorCode(provider.put(ref, new Secret('x'.repeat(MAX_VALUE_BYTES + 1))), 'PAYLOAD_TOO_LARGE', 'put of an oversized value');
    await provider.put(ref, new Secret('é'.repeat(MAX_VALUE_BYTES / 2)));
    expect((await provider.get(ref)).value.byteLength).toBe(MAX_VALUE_BYTES);
  });

  it('treats a malformed version id as absent', async () => {
    const provider = await open();
    const ref = freshRef();
    await provider.put(ref, new Secret('x'));
    for (const version of ['0', '01', '-1', 'abc', '1.0', '99999999999999999999']) {
      await expectErrorCode(provider.get(ref, { version }), 'NOT_FOUND', `get of version ${version}`);
      await expectErrorCode(provider.put(ref, new Secret('y'), { ifVersion: version }), 'VERSION_CONFLICT', `put with ifVersion ${version}`);
    }
  });

  it('creates its tables once when several replicas start together', async () => {
    const fresh = await createTestSqlClient({ max: 2 });
    try {
      const replicas = Array.from({ length: 8 }, () => fresh.replica());
      const providers = await Promise.all(replicas.map((sql) => open({ sql, providerId: 'system' })));
      const ref = freshRef();
      await providers[0]!.put(ref, new Secret('shared'));
      for (const provider of providers) expect((await provider.get(ref)).value.reveal()).toBe('shared');
      const { rows } = await fresh.sql.query<{ name: string }>(
        "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'keygate_local' ORDER BY 1",
      );
      expect(rows.map((row) => row.name)).toEqual(['scopes', 'secret_versions', 'secrets']);
    } finally {
      await fresh.close();
    }
  });

  it('reports an unreachable database as PROVIDER_UNAVAILABLE, and retries table creation later', async () => {
    let down = true;
    const refused = (): Promise<never> => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
    const flaky: SqlClient = {
      query: (text, params) => (down ? refused() : db.sql.query(text, params)),
      transaction: (work) => (down ? refused() : db.sql.transaction(work)),
    };
    await expectErrorCode(open({ sql: flaky }), 'PROVIDER_UNAVAILABLE', 'create while the database is down');
    down = false;
    const provider = await open({ sql: flaky });
    await expect(provider.check()).resolves.toBeUndefined();
    down = true;
    await expectErrorCode(provider.get(freshRef()), 'PROVIDER_UNAVAILABLE', 'get while the database is down');
    await expectErrorCode(provider.check(), 'PROVIDER_UNAVAILABLE', 'check while the database is down');
  });

  it('reports a value it cannot decrypt without revealing anything', async () => {
    const providerId = randomUUID();
    const ref = freshRef();
    await (await open({ providerId })).put(ref, new Secret('secret-under-another-key'));
    // Same rows, a keyring whose key "k1" holds other bytes: as if the host had lost its master key.
    const amnesiac = await open({ providerId, keyring: new Keyring({ activeKeyId: 'k1', keys: { k1: randomBytes(32) } }) });
    let message = '';
    try {
      await amnesiac.get(ref);
    } catch (error) {
      expect(isKeygateError(error) && error.code).toBe('INTERNAL');
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toContain('does not decrypt');
    expect(message).not.toContain('secret-under-another-key');
  });
});
