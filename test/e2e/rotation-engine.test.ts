import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { startTestHost, type TestHost } from '../src/host.js';

/**
 * The run state machine one transition at a time, including the states a crash leaves behind
 * (reconstructed in the database exactly as a killed process leaves them), and two replicas
 * sweeping the same due policies.
 */
type Json = Record<string, unknown>;
const DAY = 24 * 60 * 60 * 1000;
const env = '/api/v1/projects/app/environments/prod';
const secretPath = (key: string) => `${env}/providers/system/secrets/${key}`;

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let h: TestHost;
let replica: TestHost;
let db: pg.Pool;

async function policyRow(key: string): Promise<Json & { id: string }> {
  const { rows } = await db.query<Json & { id: string }>('SELECT * FROM rotation_policies WHERE secret_key = $1', [key]);
  return rows[0]!;
}

async function run(id: string): Promise<Json> {
  return (await db.query<Json>('SELECT * FROM rotation_runs WHERE id = $1', [id])).rows[0]!;
}

async function secret(key: string): Promise<{ value: string; version: string }> {
  const res = await h.api('GET', secretPath(key));
  expect(res.status).toBe(200);
  return res.body as { value: string; version: string };
}

/** A GenerateRandom policy on a secret that already has a value, and a run in state `due`. */
async function dueRun(key: string): Promise<{ runId: string; before: { value: string; version: string } }> {
  expect((await h.api('PUT', secretPath(key), { value: `initial-${key}` })).status).toBe(200);
  expect((await h.api('PUT', `${secretPath(key)}/rotation-policy`, { enabled: true, intervalDays: 30, strategy: 'GenerateRandom', randomFormat: 'hex32' })).status).toBe(201);
  const policy = await policyRow(key);
  const { run: created } = await h.host.services.rotation.engine.requestRun(policy as never, 'manual', { type: 'system', id: 'test' });
  return { runId: created.id, before: await secret(key) };
}

const step = (runId: string) => h.host.services.rotation.engine.processRun(runId, 1);

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-rotation-engine-'));
  const configFile = join(dir, 'keygate.yaml');
  // No scheduler: the test drives every transition itself.
  await writeFile(configFile, 'rotation:\n  scheduler: false\n  retryBaseDelayMs: 5\n  maxAttempts: 2\n');
  // Replicas share the master key, as they must in production.
  const masterKey = { KEYGATE_MASTER_KEY: randomBytes(32).toString('base64') };
  h = await startTestHost({ configPath: configFile, clock, env: masterKey });
  replica = await startTestHost({ configPath: configFile, clock, env: masterKey, databaseUrl: h.databaseUrl });
  db = new pg.Pool({ connectionString: h.databaseUrl, max: 2 });
  await h.api('POST', '/api/v1/projects', { name: 'app' });
  await h.api('POST', '/api/v1/projects/app/environments', { name: 'prod' });
});
afterAll(async () => {
  await db?.end();
  await replica?.close();
  await h?.close();
});

describe('run transitions', () => {
  it('due → rotating records the version to compare-and-set against', async () => {
    const { runId, before } = await dueRun('T_BEGIN');
    expect(await run(runId)).toMatchObject({ state: 'due', attempt: 0 });
    await step(runId);
    expect(await run(runId)).toMatchObject({ state: 'rotating', base_exists: true, base_version: before.version, attempt: 0 });
    expect((await run(runId)).started_at).not.toBeNull();
    expect((await secret('T_BEGIN')).value).toBe(before.value);
  });

  it('rotating → stored writes one new value, advances the schedule and the environment version', async () => {
    const { runId, before } = await dueRun('T_STORE');
    const envBefore = ((await h.api('GET', `${env}/secrets/version`)).body as Json).version as number;
    await step(runId);
    await step(runId);
    const after = await secret('T_STORE');
    expect(after.value).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(after.version)).toBe(Number(before.version) + 1);
    const r = await run(runId);
    expect(r).toMatchObject({ state: 'stored', stored_version: after.version, attempt: 1 });
    expect(r.new_value_hmac).toBe(h.host.services.audit.valueHmac(after.value));
    const policy = await policyRow('T_STORE');
    expect((policy.next_rotation_at as Date).getTime() - clock.now().getTime()).toBeGreaterThan(29 * DAY);
    expect(((await h.api('GET', `${env}/secrets/version`)).body as Json).version).not.toBe(envBefore);
  });

  it('stored → done when there is no previous handle to revoke', async () => {
    const { runId } = await dueRun('T_DONE');
    await step(runId);
    await step(runId);
    await step(runId);
    expect(await run(runId)).toMatchObject({ state: 'done', old_handle: null });
    expect((await policyRow('T_DONE')).last_run_state).toBe('done');
  });

  it('a lock-and-read that fails leaves no advisory lock behind', async () => {
    // Not a uuid: the read after the lock fails, so the engine cannot know the lock's fate and
    // must drop the connection (which releases whatever it held) rather than pool it.
    await h.host.services.rotation.engine.processRun('not-a-run-id');
    const locks = async () => Number((await db.query<{ n: string }>(`SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'`)).rows[0]!.n);
    for (let i = 0; i < 40 && (await locks()) > 0; i++) await new Promise((r) => setTimeout(r, 50));
    expect(await locks()).toBe(0);
    // And the engine goes on working.
    const { runId } = await dueRun('T_AFTER_BAD_ID');
    await step(runId);
    expect(await run(runId)).toMatchObject({ state: 'rotating' });
  });

  it('a run that may go on makes rotating → stored → done in one write when there is nothing to revoke', async () => {
    const { runId, before } = await dueRun('T_THROUGH');
    await step(runId);
    const envBefore = ((await h.api('GET', `${env}/secrets/version`)).body as Json).version as number;
    // Unbounded: the store and the finish are one statement, so no state lies between them.
    await h.host.services.rotation.engine.processRun(runId);
    const after = await secret('T_THROUGH');
    expect(Number(after.version)).toBe(Number(before.version) + 1);
    const r = await run(runId);
    expect(r).toMatchObject({ state: 'done', stored_version: after.version, old_handle: null, attempt: 1 });
    expect(r.stored_at).not.toBeNull();
    expect((r.finished_at as Date).getTime()).toBe((r.stored_at as Date).getTime());
    const policy = await policyRow('T_THROUGH');
    expect(policy).toMatchObject({ last_run_id: runId, last_run_state: 'done', last_error: null });
    expect(((await h.api('GET', `${env}/secrets/version`)).body as Json).version).toBe(envBefore + 1);
    const { rows: audit } = await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE details->>'runId' = $1 ORDER BY seq`, [runId]);
    expect(audit.map((a) => a.action)).toEqual(['rotation.started', 'rotation.succeeded']);
  });

  it('resuming a run whose value was stored before the crash keeps that value (no second one)', async () => {
    const { runId, before } = await dueRun('T_RESUME_STORED');
    await step(runId);
    // The process had generated V, recorded its HMAC, written V, and died before marking the run stored.
    const v = 'value-written-just-before-the-crash';
    await db.query('UPDATE rotation_runs SET new_value_hmac = $2 WHERE id = $1', [runId, h.host.services.audit.valueHmac(v)]);
    expect((await h.api('PUT', secretPath('T_RESUME_STORED'), { value: v, ifVersion: before.version })).status).toBe(200);
    const written = await secret('T_RESUME_STORED');
    await step(runId);
    expect(await run(runId)).toMatchObject({ state: 'stored', stored_version: written.version });
    expect(await secret('T_RESUME_STORED')).toMatchObject({ value: v, version: written.version });
  });

  it('resuming a run whose value never reached the provider generates once and stores it', async () => {
    const { runId, before } = await dueRun('T_RESUME_UNSTORED');
    await step(runId);
    // The process had generated a value and recorded its HMAC, then died before writing it.
    await db.query('UPDATE rotation_runs SET new_value_hmac = $2 WHERE id = $1', [runId, h.host.services.audit.valueHmac('lost-with-the-process')]);
    await step(runId);
    const after = await secret('T_RESUME_UNSTORED');
    expect(after.value).toMatch(/^[0-9a-f]{32}$/);
    expect(Number(after.version)).toBe(Number(before.version) + 1);
    expect(await run(runId)).toMatchObject({ state: 'stored', new_value_hmac: h.host.services.audit.valueHmac(after.value) });
  });

  it('does not overwrite a value someone else wrote during the rotation (compare-and-set)', async () => {
    const { runId } = await dueRun('T_CAS');
    await step(runId);
    expect((await h.api('PUT', secretPath('T_CAS'), { value: 'written-by-a-person' })).status).toBe(200);
    await step(runId);
    const r = await run(runId);
    expect(r.state).toBe('error');
    expect(r.last_error).toMatch(/VERSION_CONFLICT: the secret was changed by someone else/);
    expect((await secret('T_CAS')).value).toBe('written-by-a-person');
    const status = ((await h.api('GET', `${secretPath('T_CAS')}/rotation-policy`)).body as Json).status as Json;
    expect(status).toMatchObject({ state: 'Error', label: 'Error' });
  });

  it('a second trigger while a run is active joins it instead of starting another', async () => {
    const { runId } = await dueRun('T_JOIN');
    const policy = await policyRow('T_JOIN');
    const again = await h.host.services.rotation.engine.requestRun(policy as never, 'manual', { type: 'system', id: 'test' });
    expect(again).toMatchObject({ created: false, run: { id: runId } });
    const viaApi = await h.api('POST', `${secretPath('T_JOIN')}/rotate`);
    expect(viaApi.status).toBe(202);
    expect((viaApi.body as Json).runId).toBe(runId);
  });

  it('a run held by another process is left alone', async () => {
    const { runId, before } = await dueRun('T_LOCKED');
    const holder = await db.connect();
    try {
      await holder.query('SELECT pg_advisory_lock($1::int, hashtext($2))', [0x6b67, runId]);
      await h.host.services.rotation.engine.processRun(runId);
      expect(await run(runId)).toMatchObject({ state: 'due' });
    } finally {
      await holder.query('SELECT pg_advisory_unlock($1::int, hashtext($2))', [0x6b67, runId]);
      holder.release();
    }
    await h.host.services.rotation.engine.processRun(runId);
    expect(await run(runId)).toMatchObject({ state: 'done' });
    expect((await secret('T_LOCKED')).value).not.toBe(before.value);
  });
});

describe('two replicas on one database', () => {
  it('rotate each due policy exactly once when both sweep at the same time', async () => {
    const keys = Array.from({ length: 30 }, (_, i) => `MULTI_${i}`);
    const versions = new Map<string, number>();
    for (const key of keys) {
      await h.api('PUT', secretPath(key), { value: 'v0' });
      await h.api('PUT', `${secretPath(key)}/rotation-policy`, { enabled: true, intervalDays: 1, strategy: 'GenerateRandom' });
      versions.set(key, Number((await secret(key)).version));
    }
    offsetMs = DAY + 1000;
    try {
      await Promise.all([h.host.services.rotation.engine.sweep(), replica.host.services.rotation.engine.sweep(), h.host.services.rotation.engine.sweep()]);
      await Promise.all([h.host.services.rotation.engine.sweep(), replica.host.services.rotation.engine.sweep()]);
    } finally {
      offsetMs = 0;
    }
    const { rows } = await db.query<{ secret_key: string; runs: string; done: string }>(
      `SELECT p.secret_key, count(r.id) AS runs, count(r.id) FILTER (WHERE r.state = 'done') AS done
         FROM rotation_policies p LEFT JOIN rotation_runs r ON r.policy_id = p.id
        WHERE p.secret_key LIKE 'MULTI_%' GROUP BY p.secret_key`,
    );
    expect(rows).toHaveLength(30);
    for (const row of rows) expect([row.secret_key, Number(row.runs), Number(row.done)]).toEqual([row.secret_key, 1, 1]);
    for (const key of keys) expect(Number((await secret(key)).version)).toBe(versions.get(key)! + 1);
    await h.host.services.audit.flush();
    await replica.host.services.audit.flush();
    const audit = await db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE action = 'rotation.succeeded' AND target LIKE '%/MULTI_%'`);
    expect(Number(audit.rows[0]!.n)).toBe(30);
  });

  it("rotate a policy once when its job fires on both at once, and not at all before it is due", async () => {
    const key = 'JOB_TWICE';
    await h.api('PUT', secretPath(key), { value: 'v0' });
    await h.api('PUT', `${secretPath(key)}/rotation-policy`, { enabled: true, intervalDays: 1, strategy: 'GenerateRandom' });
    const policy = await policyRow(key);
    const before = await secret(key);
    // Not due yet: no run.
    await Promise.all([h, replica].map((host) => host.host.services.rotation.engine.processPolicy(policy.id)));
    expect((await db.query('SELECT 1 FROM rotation_runs WHERE policy_id = $1', [policy.id])).rowCount).toBe(0);
    offsetMs = DAY + 1000;
    try {
      // One of each pair creates the run; the other finds it made and joins or leaves it.
      await Promise.all([h, replica, h, replica].map((host) => host.host.services.rotation.engine.processPolicy(policy.id)));
    } finally {
      offsetMs = 0;
    }
    const { rows } = await db.query<{ state: string; trigger: string; due_at: Date; started_at: Date | null }>('SELECT state, trigger, due_at, started_at FROM rotation_runs WHERE policy_id = $1', [policy.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ state: 'done', trigger: 'schedule', due_at: policy.next_rotation_at });
    expect(rows[0]!.started_at!.getTime()).toBeGreaterThanOrEqual(rows[0]!.due_at.getTime());
    expect(Number((await secret(key)).version)).toBe(Number(before.version) + 1);
    expect(await policyRow(key)).toMatchObject({ last_run_state: 'done' });
  });
});
