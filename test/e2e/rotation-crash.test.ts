import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { generateApiKey } from '@keygate/core/wire';
import { freePort } from '@keygate/host';
import { createTestDatabase } from '../src/database.js';
import { RotationReceiver } from '../src/rotation-receiver.js';

type Json = Record<string, unknown>;
const main = fileURLToPath(new URL('../../host/dist/main.js', import.meta.url));
const secretPath = '/api/v1/projects/app/environments/prod/providers/system/secrets/VENDOR_KEY';

let database: { url: string; drop: () => Promise<void> };
let dir: string;
let receiver: RotationReceiver;
let db: pg.Pool;
const apiKey = generateApiKey().apiKey;
let port: number;
let child: ChildProcess | undefined;

/** The built host as its own process, as an operator runs it; killed with SIGKILL, never asked to stop. */
async function startHost(): Promise<void> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    KEYGATE_CONFIG: join(dir, 'keygate.yaml'),
    KEYGATE_DATA_DIR: dir,
    KEYGATE_BOOTSTRAP_API_KEY: apiKey,
    KEYGATE_LOG_LEVEL: 'warn',
    PORT: String(port),
  };
  const proc = spawn(process.execPath, [main], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  child = proc;
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return;
    } catch {
      // not listening yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) throw new Error(`host did not start:\n${stderr}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function kill(): Promise<void> {
  const proc = child!;
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  proc.kill('SIGKILL');
  await exited;
  child = undefined;
}

async function api(method: string, path: string, body?: unknown): Promise<{ status: number; body: Json }> {
  const res = await fetch(`http://127.0.0.1:${port}${path}`, {
    method,
    headers: { authorization: `Bearer ${apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? {} : JSON.parse(text)) as Json };
}

async function runs(): Promise<Json[]> {
  return (await db.query<Json>('SELECT * FROM rotation_runs ORDER BY created_at')).rows;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  // `npm test` builds before vitest runs; run `npm run build` when calling vitest directly.
  expect(existsSync(main), `${main} is missing: run npm run build`).toBe(true);
  database = await createTestDatabase();
  dir = await mkdtemp(join(tmpdir(), 'keygate-crash-'));
  await writeFile(join(dir, 'keygate.yaml'), 'outbound:\n  allowLoopback: true\nrotation:\n  retryBaseDelayMs: 5\n  processEveryMs: 100\n');
  receiver = await RotationReceiver.start();
  port = await freePort();
  db = new pg.Pool({ connectionString: database.url, max: 2 });
});
afterAll(async () => {
  if (child) await kill();
  await db?.end();
  await receiver?.close();
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('a host killed in the middle of a rotation', () => {
  it('resumes after a restart: exactly one new value stored, and the old credential still revoked', { timeout: 120_000 }, async () => {
    await startHost();
    expect((await api('POST', '/api/v1/projects', { name: 'app' })).status).toBe(201);
    expect((await api('POST', '/api/v1/projects/app/environments', { name: 'prod' })).status).toBe(201);
    const policy = await api('PUT', `${secretPath}/rotation-policy`, { enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: receiver.url, revokePreviousAfterDays: 1 });
    expect(policy.status).toBe(201);
    receiver.secrets = [policy.body.signingSecret as string];

    // A first rotation gives the secret a credential with a handle (key-1), to be revoked later.
    expect((await api('POST', `${secretPath}/rotate`)).status).toBe(202);
    await waitFor('first rotation', async () => ((await runs())[0]?.state === 'done' ? true : undefined));

    // Step 1: the function has minted key-2 and holds its answer; the host dies waiting for it.
    receiver.mode = { kind: 'hold' };
    const accepted = await api('POST', `${secretPath}/rotate`);
    expect(accepted.status).toBe(202);
    await receiver.waitForHeld();
    await kill();
    const requestId = accepted.body.requestId as string;
    expect(receiver.issued.has(requestId)).toBe(true);
    expect((await runs())[1]).toMatchObject({ state: 'rotating', request_id: requestId, stored_at: null });

    // Restart: the run resumes and asks again with the same requestId; the function answers as before.
    receiver.mode = { kind: 'ok' };
    receiver.release();
    await startHost();
    const pending = await waitFor('the resumed run to store', async () => {
      const run = (await runs())[1];
      return run?.state === 'pending_revocation' ? run : undefined;
    });
    const calls = receiver.rotateCalls().filter((c) => c.requestId === requestId);
    expect(calls.length).toBeGreaterThanOrEqual(2);
    expect(receiver.issued.size).toBe(2); // key-1 and key-2: no third credential was minted
    const stored = await api('GET', secretPath);
    expect(stored.body.value).toBe(receiver.issued.get(requestId)!.newValue);
    expect(pending).toMatchObject({ new_handle: 'key-2', old_handle: 'key-1' });
    expect(await runs()).toHaveLength(2);

    // Step 2: killed after the store, during the grace period; the grace period then runs out.
    await kill();
    await db.query(`UPDATE rotation_runs SET revoke_at = now() - interval '1 second' WHERE id = $1`, [pending.id]);
    expect(receiver.revoked).toEqual([]);
    // Step 3: the restarted host calls revoke; the function holds the call and the host dies again.
    receiver.mode = { kind: 'hold' };
    await startHost();
    await receiver.waitForHeld();
    await kill();
    receiver.mode = { kind: 'ok' };
    receiver.release();
    expect((await runs())[1]).toMatchObject({ state: 'pending_revocation' });
    await startHost();
    await waitFor('the revocation', async () => ((await runs())[1]?.state === 'done' ? true : undefined));
    // The function saw the same revoke requestId each time (its idempotency key) for the one old handle.
    const revokes = receiver.calls.filter((c) => c.action === 'revoke');
    expect(revokes.length).toBeGreaterThanOrEqual(2);
    expect(new Set(revokes.map((c) => c.requestId))).toEqual(new Set([pending.revoke_request_id]));
    expect(new Set(receiver.revoked)).toEqual(new Set(['key-1']));
    expect((await api('GET', secretPath)).body.value).toBe(receiver.issued.get(requestId)!.newValue);
    const status = await api('GET', `${secretPath}/rotation-policy`);
    expect((status.body.status as Json).state).toBe('UpToDate');
    const audit = await db.query<{ action: string }>(`SELECT action FROM audit_events WHERE action LIKE 'rotation.%' OR action LIKE 'revocation.%' ORDER BY seq`);
    expect(audit.rows.filter((r) => r.action === 'rotation.succeeded')).toHaveLength(2);
    expect(audit.rows.filter((r) => r.action === 'revocation.done')).toHaveLength(1);
    await kill();
  });
});
