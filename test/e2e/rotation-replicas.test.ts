import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { startTestHost, type TestHost } from '../src/host.js';

/** Two replicas, both running the Agenda scheduler on one database: every due rotation runs once. */
const env = '/api/v1/projects/app/environments/prod';
let a: TestHost;
let b: TestHost;
let db: pg.Pool;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-rotation-replicas-'));
  const configFile = join(dir, 'keygate.yaml');
  await writeFile(configFile, 'rotation:\n  processEveryMs: 100\n  retryBaseDelayMs: 5\n');
  const masterKey = { KEYGATE_MASTER_KEY: randomBytes(32).toString('base64') };
  a = await startTestHost({ configPath: configFile, env: masterKey });
  b = await startTestHost({ configPath: configFile, env: masterKey, databaseUrl: a.databaseUrl });
  db = new pg.Pool({ connectionString: a.databaseUrl, max: 2 });
  await a.api('POST', '/api/v1/projects', { name: 'app' });
  await a.api('POST', '/api/v1/projects/app/environments', { name: 'prod' });
});
afterAll(async () => {
  await db?.end();
  await b?.close();
  await a?.close();
});

describe('two replicas with their schedulers', () => {
  it('run each policy that falls due once, through the policies’ own jobs', async () => {
    const keys = Array.from({ length: 40 }, (_, i) => `DUE_${i}`);
    const versions = new Map<string, number>();
    for (const [i, key] of keys.entries()) {
      const host = i % 2 === 0 ? a : b;
      await host.api('PUT', `${env}/providers/system/secrets/${key}`, { value: 'v0' });
      expect((await host.api('PUT', `${env}/providers/system/secrets/${key}/rotation-policy`, { enabled: true, intervalDays: 1, strategy: 'GenerateRandom' })).status).toBe(201);
      versions.set(key, Number(((await host.api('GET', `${env}/providers/system/secrets/${key}`)).body as { version: string }).version));
    }
    // All fall due together in a moment: the due time and each policy's own job move there.
    const dueAt = new Date(Date.now() + 300);
    await db.query(`UPDATE rotation_policies SET next_rotation_at = $1 WHERE secret_key LIKE 'DUE_%'`, [dueAt]);
    const { rows: before } = await db.query<{ id: string }>(`UPDATE keygate_jobs SET next_run_at = $1 WHERE name = 'keygate.rotation.policy' RETURNING id::text`, [dueAt]);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM rotation_runs WHERE state = 'done'`);
      if (rows[0]!.n >= keys.length) break;
      if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} runs done`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    // Let any straggling duplicate job finish before counting.
    await new Promise((resolve) => setTimeout(resolve, 300));
    const { rows } = await db.query<{ secret_key: string; runs: number }>(
      `SELECT p.secret_key, count(r.id)::int AS runs FROM rotation_policies p JOIN rotation_runs r ON r.policy_id = p.id GROUP BY p.secret_key`,
    );
    expect(rows).toHaveLength(keys.length);
    expect(rows.filter((r) => r.runs !== 1)).toEqual([]);
    for (const key of keys) {
      const read = (await a.api('GET', `${env}/providers/system/secrets/${key}`)).body as { version: string };
      expect(Number(read.version), key).toBe(versions.get(key)! + 1);
    }
    const started = await db.query<{ ms: number }>(`SELECT max(extract(epoch FROM started_at - due_at) * 1000)::int AS ms FROM rotation_runs`);
    expect(started.rows[0]!.ms).toBeLessThan(10_000);
    // Each policy's job was moved to its next rotation (a day later) by the run, not replaced.
    const { rows: jobs } = await db.query<{ secret_key: string; id: string; jobs: number; unlocked: number; off_ms: number }>(
      `SELECT p.secret_key, min(j.id::text) AS id, count(j.id)::int AS jobs, count(*) FILTER (WHERE j.locked_at IS NULL)::int AS unlocked,
              max(abs(extract(epoch FROM j.next_run_at - p.next_rotation_at)) * 1000)::int AS off_ms
       FROM rotation_policies p JOIN keygate_jobs j ON j.name = 'keygate.rotation.policy' AND j.data->>'policyId' = p.id::text
       WHERE p.secret_key LIKE 'DUE_%' GROUP BY p.secret_key`,
    );
    expect(jobs).toHaveLength(keys.length);
    expect(jobs.filter((j) => j.jobs !== 1 || j.unlocked !== 1 || j.off_ms > 1000)).toEqual([]);
    const ids = new Set(before.map((r) => r.id));
    expect(jobs.filter((j) => !ids.has(j.id))).toEqual([]);
    const { rows: next } = await db.query<{ min: Date }>(`SELECT min(next_rotation_at) FROM rotation_policies WHERE secret_key LIKE 'DUE_%'`);
    expect(next[0]!.min.getTime()).toBeGreaterThan(dueAt.getTime() + 86_000_000);
  });

  it('keep one job per wake-up whichever replica asks, and drop a policy’s jobs with it', async () => {
    await a.api('PUT', `${env}/providers/system/secrets/WAKE`, { value: 'v0' });
    expect((await a.api('PUT', `${env}/providers/system/secrets/WAKE/rotation-policy`, { enabled: true, intervalDays: 30, strategy: 'GenerateRandom' })).status).toBe(201);
    const { rows: policies } = await db.query<{ id: string }>(`SELECT id FROM rotation_policies WHERE secret_key = 'WAKE'`);
    const policyId = policies[0]!.id;
    const jobs = async () =>
      (await db.query<{ at: string }>(`SELECT data->>'at' AS at FROM keygate_jobs WHERE name = 'keygate.rotation.policy' AND data->>'policyId' = $1 ORDER BY 1`, [policyId])).rows.map((r) => r.at);
    const later = new Date(Date.now() + 3_600_000);
    await Promise.all([a, b, a, b].map((host) => host.host.services.rotation.engine.wakeups.policyAt(policyId, later)));
    expect((await jobs()).filter((at) => at === later.toISOString())).toHaveLength(1);
    expect((await a.api('DELETE', `${env}/providers/system/secrets/WAKE/rotation-policy`)).status).toBe(204);
    expect(await jobs()).toEqual([]);
  });
});
