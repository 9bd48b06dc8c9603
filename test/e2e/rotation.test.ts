import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DomainEvent } from '@keygate/host';
import { startTestHost, type TestHost } from '../src/host.js';
import { RotationReceiver } from '../src/rotation-receiver.js';

type Json = Record<string, unknown>;
const DAY = 24 * 60 * 60 * 1000;
const env = '/api/v1/projects/app/environments/prod';
const secretPath = (key: string) => `${env}/providers/system/secrets/${key}`;
const policyPath = (key: string) => `${secretPath(key)}/rotation-policy`;

let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
let h: TestHost;
let receiver: RotationReceiver;
let db: pg.Pool;
const events: DomainEvent[] = [];

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function status(key: string): Promise<Json> {
  const res = await h.api('GET', policyPath(key));
  expect(res.status).toBe(200);
  return (res.body as Json).status as Json;
}

async function waitForState(key: string, state: string): Promise<Json> {
  return waitFor(`${key} to be ${state}`, async () => {
    const s = await status(key);
    return s.state === state ? s : undefined;
  });
}

async function value(key: string): Promise<string> {
  const res = await h.api('GET', secretPath(key));
  expect(res.status).toBe(200);
  return (res.body as Json).value as string;
}

async function runsOf(key: string): Promise<Json[]> {
  const { rows } = await db.query<Json>(
    `SELECT r.* FROM rotation_runs r JOIN rotation_policies p ON p.id = r.policy_id WHERE p.secret_key = $1 ORDER BY r.created_at`,
    [key],
  );
  return rows;
}

async function auditOf(key: string): Promise<Array<{ action: string; outcome: string; actor_type: string; details: Json }>> {
  await h.host.services.audit.flush();
  const { rows } = await db.query<{ action: string; outcome: string; actor_type: string; details: Json }>(
    `SELECT action, outcome, actor_type, details FROM audit_events WHERE target LIKE $1 AND (action LIKE 'rotation%' OR action LIKE 'revocation%') ORDER BY seq`,
    [`%/${key}`],
  );
  return rows;
}

async function webhookPolicy(key: string, extra: Json = {}): Promise<string> {
  const res = await h.api('PUT', policyPath(key), { enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: receiver.url, revokePreviousAfterDays: 1, ...extra });
  expect(res.status).toBe(201);
  const secret = (res.body as Json).signingSecret as string;
  receiver.secrets = [secret];
  return secret;
}

beforeAll(async () => {
  receiver = await RotationReceiver.start();
  receiver.now = () => clock.now().getTime();
  const dir = await mkdtemp(join(tmpdir(), 'keygate-rotation-'));
  const configFile = join(dir, 'keygate.yaml');
  await writeFile(
    configFile,
    'outbound:\n  allowLoopback: true\n  timeoutMs: 400\nrotation:\n  retryBaseDelayMs: 5\n  maxAttempts: 3\n  processEveryMs: 100\n',
  );
  h = await startTestHost({ configPath: configFile, clock });
  h.host.services.events.on('*', (e) => void events.push(e));
  db = new pg.Pool({ connectionString: h.databaseUrl, max: 2 });
  expect((await h.api('POST', '/api/v1/projects', { name: 'app' })).status).toBe(201);
  expect((await h.api('POST', '/api/v1/projects/app/environments', { name: 'prod' })).status).toBe(201);
});
afterAll(async () => {
  await db?.end();
  await h?.close();
  await receiver?.close();
});

describe('rotation policies API', () => {
  it('creates a GenerateRandom policy, due intervalDays from now, and reads it back with its status', async () => {
    const created = await h.api('PUT', policyPath('SESSION_SECRET'), { enabled: true, intervalDays: 30, strategy: 'GenerateRandom', randomFormat: 'hex32' });
    expect(created.status).toBe(201);
    const body = created.body as Json;
    expect(body).toMatchObject({ provider: 'system', secretKey: 'SESSION_SECRET', strategy: 'GenerateRandom', randomFormat: 'hex32', enabled: true, intervalDays: 30 });
    expect(body.signingSecret).toBeUndefined();
    const next = new Date((body.status as Json).nextRotationAt as string).getTime();
    expect(Math.abs(next - (clock.now().getTime() + 30 * DAY))).toBeLessThan(5000);
    expect((body.status as Json).state).toBe('UpToDate');
    const again = await h.api('PUT', policyPath('SESSION_SECRET'), { enabled: true, intervalDays: 30, strategy: 'GenerateRandom', randomFormat: 'hex32' });
    expect(again.status).toBe(200);
    expect((again.body as Json).id).toBe(body.id);
    const list = await h.api('GET', `${env}/rotation-policies`);
    expect((list.body as { items: Json[] }).items.map((i) => i.secretKey)).toContain('SESSION_SECRET');
  });

  it('shows Due soon within 7 days and Overdue after the due time', async () => {
    await h.api('PUT', policyPath('SOON'), { enabled: true, intervalDays: 10, strategy: 'GenerateRandom' });
    expect((await status('SOON')).state).toBe('UpToDate');
    offsetMs = 4 * DAY;
    expect((await status('SOON')).label).toBe('Due soon');
    offsetMs = 11 * DAY;
    expect((await status('SOON')).state).toBe('Overdue');
    offsetMs = 0;
    await h.api('PUT', policyPath('SOON'), { enabled: false, intervalDays: 10, strategy: 'GenerateRandom' });
    expect((await status('SOON')).state).toBe('Disabled');
  });

  it('issues the webhook signing secret once and masks credentials afterwards', async () => {
    const res = await h.api('PUT', policyPath('STRIPE_KEY'), {
      enabled: true,
      intervalDays: 30,
      strategy: 'HttpWebhook',
      endpoint: receiver.url,
      apiKeyHeader: 'X-Api-Key',
      apiKey: 'function-api-key-1',
    });
    expect(res.status).toBe(201);
    const body = res.body as Json;
    expect(body.signingSecret).toMatch(/^kgws_[0-9a-f]{64}$/);
    expect(body).toMatchObject({ apiKey: '***ENCRYPTED***', apiKeyHeader: 'X-Api-Key', revokePreviousAfterDays: 7 });
    const read = await h.api('GET', policyPath('STRIPE_KEY'));
    expect(read.body).toMatchObject({ signingSecret: '***ENCRYPTED***', apiKey: '***ENCRYPTED***' });
    // Re-saving with the mask keeps the stored key and does not issue a new signing secret.
    const kept = await h.api('PUT', policyPath('STRIPE_KEY'), { enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: receiver.url, apiKeyHeader: 'X-Api-Key', apiKey: '***ENCRYPTED***' });
    expect(kept.body).toMatchObject({ signingSecret: '***ENCRYPTED***', apiKey: '***ENCRYPTED***' });
    const { rows } = await db.query<Json>(`SELECT * FROM rotation_policies WHERE secret_key = 'STRIPE_KEY'`);
    expect(JSON.stringify(rows)).not.toContain('function-api-key-1');
    expect(JSON.stringify(rows)).not.toContain(body.signingSecret as string);
  });

  it('refuses bad input with a 400 naming the field, and writes nothing', async () => {
    const cases: Array<[Json, RegExp]> = [
      [{ enabled: true, intervalDays: 30, strategy: 'GenerateRandom', endpoint: receiver.url }, /endpoint/],
      [{ enabled: true, intervalDays: 30, strategy: 'HttpWebhook' }, /endpoint is required/],
      [{ enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: 'http://example.com/rotate' }, /endpoint must use https/],
      [{ enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: 'https://169.254.169.254/latest' }, /endpoint points to a link-local/],
      [{ enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: 'https://user:pw@example.com/' }, /endpoint must not contain credentials/],
      [{ enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: receiver.url, apiKeyHeader: 'X-Api-Key' }, /apiKey is required/],
      [{ enabled: true, intervalDays: 30, strategy: 'HttpWebhook', endpoint: receiver.url, randomFormat: 'hex32' }, /randomFormat/],
      [{ enabled: true, intervalDays: 0, strategy: 'GenerateRandom' }, /intervalDays/],
      [{ enabled: true, intervalDays: 30, strategy: 'Magic' }, /strategy/],
      [{ enabled: true, intervalDays: 30, strategy: 'GenerateRandom', randomFormat: 'hex64' }, /randomFormat/],
      [{ enabled: true, intervalDays: 30, strategy: 'GenerateRandom', signingSecret: 'mine' }, /signingSecret/],
    ];
    for (const [body, detail] of cases) {
      const res = await h.api('PUT', policyPath('BAD_INPUT'), body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(res.body), JSON.stringify(body)).toMatch(detail);
    }
    expect((await h.api('GET', policyPath('BAD_INPUT'))).status).toBe(404);
  });

  it('answers 404 for an unknown provider or a secret without a policy', async () => {
    expect((await h.api('GET', `${env}/providers/nope/secrets/X/rotation-policy`)).status).toBe(404);
    expect((await h.api('POST', `${secretPath('NO_POLICY')}/rotate`)).status).toBe(404);
  });

  it('deletes a policy', async () => {
    await h.api('PUT', policyPath('GONE'), { enabled: true, intervalDays: 5, strategy: 'GenerateRandom' });
    expect((await h.api('DELETE', policyPath('GONE'))).status).toBe(204);
    expect((await h.api('GET', policyPath('GONE'))).status).toBe(404);
  });
});

describe('GenerateRandom runs', () => {
  it('Rotate Now replaces the value once, with audit rows and events that carry no value', async () => {
    expect((await h.api('PUT', secretPath('API_TOKEN'), { value: 'initial-value' })).status).toBe(200);
    await h.api('PUT', policyPath('API_TOKEN'), { enabled: true, intervalDays: 30, strategy: 'GenerateRandom', randomFormat: 'alphanumeric-32' });
    const before = (await h.api('GET', '/api/v1/projects/app/environments/prod/secrets/version')).body as Json;
    const res = await h.api('POST', `${secretPath('API_TOKEN')}/rotate`);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ trigger: 'manual', state: 'due' });
    await waitFor('the run to finish', async () => ((await runsOf('API_TOKEN'))[0]?.state === 'done' ? true : undefined));
    const rotated = await value('API_TOKEN');
    expect(rotated).toMatch(/^[A-Za-z0-9]{32}$/);
    const s = await status('API_TOKEN');
    expect(s.state).toBe('UpToDate');
    expect(new Date(s.nextRotationAt as string).getTime()).toBeGreaterThan(clock.now().getTime() + 29 * DAY);
    const after = (await h.api('GET', '/api/v1/projects/app/environments/prod/secrets/version')).body as Json;
    expect(after.version).not.toBe(before.version);
    const audit = await auditOf('API_TOKEN');
    expect(audit.map((a) => a.action)).toEqual(['rotation-policy.write', 'rotation.requested', 'rotation.started', 'rotation.succeeded']);
    expect(audit.find((a) => a.action === 'rotation.succeeded')).toMatchObject({ outcome: 'success', actor_type: 'api-key', details: { strategy: 'GenerateRandom', trigger: 'manual', valueHmac: h.host.services.audit.valueHmac(rotated) } });
    expect(JSON.stringify(audit)).not.toContain(rotated);
    const mine = events.filter((e) => e.subject.secretKey === 'API_TOKEN').map((e) => e.type);
    expect(mine).toEqual(['rotation.started', 'rotation.succeeded']);
    expect(JSON.stringify(events)).not.toContain(rotated);
  });

  it('runs when due: the sweep picks up an overdue policy as the scheduler', async () => {
    await h.api('PUT', policyPath('SCHEDULED'), { enabled: true, intervalDays: 2, strategy: 'GenerateRandom', randomFormat: 'uuid' });
    expect(await h.host.services.rotation.engine.sweep()).toBe(0);
    offsetMs = 2 * DAY + 1000;
    try {
      expect(await h.host.services.rotation.engine.sweep()).toBeGreaterThanOrEqual(1);
    } finally {
      offsetMs = 0;
    }
    expect(await value('SCHEDULED')).toMatch(/^[0-9a-f-]{36}$/);
    const [run] = await runsOf('SCHEDULED');
    expect(run).toMatchObject({ trigger: 'schedule', actor_type: 'system', actor_id: 'scheduler', state: 'done' });
    expect((await auditOf('SCHEDULED')).filter((a) => a.action === 'rotation.succeeded')).toHaveLength(1);
  });

  it('starts within moments of being due through the policy’s own job', async () => {
    await h.api('PUT', policyPath('OWN_JOB'), { enabled: true, intervalDays: 1, strategy: 'GenerateRandom' });
    const dueAt = new Date(Date.now() + 300);
    const { rows } = await db.query<{ id: string }>(`UPDATE rotation_policies SET next_rotation_at = $1 WHERE secret_key = 'OWN_JOB' RETURNING id`, [dueAt]);
    await h.host.services.rotation.engine.wakeups.policyAt(rows[0]!.id, dueAt);
    const run = await waitFor('the job to start the run', async () => (await runsOf('OWN_JOB')).find((r) => r.state === 'done'));
    expect(new Date(run.due_at as string).getTime()).toBe(dueAt.getTime());
    // Started promptly: well under the sweep interval (the job, not the 15-minute sweep, ran it).
    expect(new Date(run.started_at as string).getTime() - dueAt.getTime()).toBeLessThan(5000);
  });
});

describe('HttpWebhook runs against a real function', () => {
  it('rotates with signed calls, then revokes the previous handle after the grace period', async () => {
    receiver.mode = { kind: 'ok' };
    await webhookPolicy('PAYMENTS_KEY', { apiKeyHeader: 'X-Api-Key', apiKey: 'fn-key' });
    expect((await h.api('POST', `${secretPath('PAYMENTS_KEY')}/rotate`)).status).toBe(202);
    await waitFor('first run', async () => ((await runsOf('PAYMENTS_KEY'))[0]?.state === 'done' ? true : undefined));
    const [first] = receiver.rotateCalls().filter((c) => c.secretKey === 'PAYMENTS_KEY');
    expect(first).toMatchObject({ signatureValid: true, apiKey: 'fn-key' });
    expect(await value('PAYMENTS_KEY')).toBe(receiver.issued.get(first!.requestId)!.newValue);
    // The first rotation had no earlier handle: nothing to revoke.
    expect(receiver.revoked).toEqual([]);

    expect((await h.api('POST', `${secretPath('PAYMENTS_KEY')}/rotate`)).status).toBe(202);
    const pending = await waitForState('PAYMENTS_KEY', 'PendingRevocation');
    const second = receiver.rotateCalls().filter((c) => c.secretKey === 'PAYMENTS_KEY')[1]!;
    expect(await value('PAYMENTS_KEY')).toBe(receiver.issued.get(second.requestId)!.newValue);
    expect(new Date(pending.revocationDueAt as string).getTime() - clock.now().getTime()).toBeGreaterThan(DAY - 60_000);
    await h.host.services.rotation.engine.sweep();
    expect(receiver.revoked).toEqual([]);

    offsetMs = DAY + 1000;
    try {
      await h.host.services.rotation.engine.sweep();
    } finally {
      offsetMs = 0;
    }
    expect(receiver.revoked).toEqual([receiver.issued.get(first!.requestId)!.newHandle]);
    const revokeCall = receiver.calls.find((c) => c.action === 'revoke')!;
    expect(revokeCall.signatureValid).toBe(true);
    expect(revokeCall.requestId).not.toBe(second.requestId);
    expect((await status('PAYMENTS_KEY')).state).toBe('UpToDate');
    const audit = await auditOf('PAYMENTS_KEY');
    expect(audit.filter((a) => a.action === 'revocation.done')).toMatchObject([{ outcome: 'success', details: { oldHandle: 'key-1' } }]);
    expect(JSON.stringify(audit)).not.toContain('sk_live_');
    expect(events.filter((e) => e.subject.secretKey === 'PAYMENTS_KEY').map((e) => e.type)).toEqual([
      'rotation.started',
      'rotation.succeeded',
      'rotation.started',
      'rotation.succeeded',
      'revocation.done',
    ]);
  });

  it('marks Error when the revocation keeps failing, with revocation.failed, and keeps the new value', async () => {
    receiver.mode = { kind: 'ok' };
    await webhookPolicy('REVOKE_FAILS', { revokePreviousAfterDays: 0 });
    await h.api('POST', `${secretPath('REVOKE_FAILS')}/rotate`);
    await waitForState('REVOKE_FAILS', 'UpToDate');
    // The second rotate call is answered, but every revoke call fails.
    const revokeFails = receiver.calls.length;
    receiver.mode = { kind: 'fail', status: 502, error: 'issuer down', times: 100, action: 'revoke' };
    await h.api('POST', `${secretPath('REVOKE_FAILS')}/rotate`);
    const s = await waitForState('REVOKE_FAILS', 'Error');
    expect(s.lastError).toMatch(/revocation of the previous credential failed: .*answered 502: issuer down/);
    expect(receiver.calls.slice(revokeFails).filter((c) => c.action === 'revoke').length).toBe(3);
    const second = receiver.rotateCalls().filter((c) => c.secretKey === 'REVOKE_FAILS')[1]!;
    expect(await value('REVOKE_FAILS')).toBe(receiver.issued.get(second.requestId)!.newValue);
    expect(events.filter((e) => e.subject.secretKey === 'REVOKE_FAILS').map((e) => e.type).slice(-1)).toEqual(['revocation.failed']);
    // A 502 is transient: the revocation stays pending and is tried again an hour later, same requestId.
    const pending = (await runsOf('REVOKE_FAILS'))[1]!;
    expect(pending.state).toBe('pending_revocation');
    expect((pending.revoke_at as Date).getTime() - clock.now().getTime()).toBeGreaterThan(50 * 60 * 1000);
    receiver.mode = { kind: 'ok' };
    await h.host.services.rotation.engine.sweep();
    expect((await runsOf('REVOKE_FAILS'))[1]!.state).toBe('pending_revocation');
    offsetMs = 61 * 60 * 1000;
    try {
      await h.host.services.rotation.engine.sweep();
      expect((await runsOf('REVOKE_FAILS'))[1]!.state).toBe('done');
      expect((await status('REVOKE_FAILS')).state).toBe('UpToDate');
    } finally {
      offsetMs = 0;
    }
    const revokes = receiver.calls.slice(revokeFails).filter((c) => c.action === 'revoke');
    expect(revokes).toHaveLength(4);
    expect(new Set(revokes.map((c) => c.requestId)).size).toBe(1);
  });

  it('ends a revocation the function refuses (4xx) in Error, without retrying it', async () => {
    receiver.mode = { kind: 'ok' };
    await webhookPolicy('REVOKE_REFUSED', { revokePreviousAfterDays: 0 });
    await h.api('POST', `${secretPath('REVOKE_REFUSED')}/rotate`);
    await waitForState('REVOKE_REFUSED', 'UpToDate');
    receiver.mode = { kind: 'fail', status: 404, error: 'no such key', times: 100, action: 'revoke' };
    await h.api('POST', `${secretPath('REVOKE_REFUSED')}/rotate`);
    const s = await waitForState('REVOKE_REFUSED', 'Error');
    expect(s.lastError).toMatch(/revocation of the previous credential failed: .*404: no such key$/);
    expect((await runsOf('REVOKE_REFUSED'))[1]).toMatchObject({ state: 'error' });
    receiver.mode = { kind: 'ok' };
  });

  it('retries a failing function with backoff, the same requestId and a fresh signature each time', async () => {
    await webhookPolicy('FLAKY_KEY');
    receiver.mode = { kind: 'fail', status: 503, error: 'Rate limit exceeded — try again later', times: 2 };
    await h.api('POST', `${secretPath('FLAKY_KEY')}/rotate`);
    await waitFor('run done', async () => ((await runsOf('FLAKY_KEY'))[0]?.state === 'done' ? true : undefined));
    const calls = receiver.rotateCalls().filter((c) => c.secretKey === 'FLAKY_KEY');
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.requestId)).size).toBe(1);
    expect(calls.every((c) => c.signatureValid)).toBe(true);
    expect((await runsOf('FLAKY_KEY'))[0]!.attempt).toBe(3);
  });

  it('marks Error with the function’s error text and keeps the old value when it keeps failing', async () => {
    await webhookPolicy('BROKEN_KEY');
    await h.api('PUT', secretPath('BROKEN_KEY'), { value: 'still-working' });
    receiver.mode = { kind: 'fail', status: 400, error: 'unknown account', times: 100 };
    await h.api('POST', `${secretPath('BROKEN_KEY')}/rotate`);
    const s = await waitForState('BROKEN_KEY', 'Error');
    expect(s.lastError).toMatch(/the rotation function answered 400: unknown account/);
    expect(receiver.rotateCalls().filter((c) => c.secretKey === 'BROKEN_KEY')).toHaveLength(1); // a 4xx is not retried
    expect(await value('BROKEN_KEY')).toBe('still-working');
    expect(events.filter((e) => e.subject.secretKey === 'BROKEN_KEY').map((e) => e.type)).toEqual(['rotation.started', 'rotation.failed']);
    // The scheduler tries again later (not at once), and a later success clears the error.
    expect(new Date(s.nextRotationAt as string).getTime() - clock.now().getTime()).toBeGreaterThan(30 * 60 * 1000);
    receiver.mode = { kind: 'ok' };
    await h.api('POST', `${secretPath('BROKEN_KEY')}/rotate`);
    await waitForState('BROKEN_KEY', 'UpToDate');
    expect(await value('BROKEN_KEY')).toMatch(/^sk_live_/);
  });

  it('gives up on a function that times out, and succeeds with one that is slow but in time', async () => {
    await webhookPolicy('HANGING_KEY');
    receiver.mode = { kind: 'hang' };
    await h.api('POST', `${secretPath('HANGING_KEY')}/rotate`);
    const s = await waitForState('HANGING_KEY', 'Error');
    expect(s.lastError).toMatch(/TIMEOUT/);
    expect(receiver.rotateCalls().filter((c) => c.secretKey === 'HANGING_KEY')).toHaveLength(3);
    receiver.mode = { kind: 'slow', delayMs: 150 };
    await h.api('POST', `${secretPath('HANGING_KEY')}/rotate`);
    await waitForState('HANGING_KEY', 'UpToDate');
  });

  it('refuses a malformed answer', async () => {
    await webhookPolicy('MALFORMED_KEY');
    receiver.mode = { kind: 'raw', body: '{"value":"wrong-field"}' };
    await h.api('POST', `${secretPath('MALFORMED_KEY')}/rotate`);
    const s = await waitForState('MALFORMED_KEY', 'Error');
    expect(s.lastError).toMatch(/malformed answer/);
    expect(s.lastError).not.toMatch(/wrong-field/);
    receiver.mode = { kind: 'ok' };
  });

  it('signs with the old and the new signing secret during the grace window, then only the new', async () => {
    const old = await webhookPolicy('ROLLING_KEY');
    const res = await h.api('POST', `${policyPath('ROLLING_KEY')}/rotate-signing-secret`);
    expect(res.status).toBe(200);
    const fresh = (res.body as Json).signingSecret as string;
    expect(fresh).toMatch(/^kgws_/);
    expect(fresh).not.toBe(old);
    expect((res.body as Json).previousSigningSecretExpiresAt).toBeDefined();
    expect((await h.api('GET', policyPath('ROLLING_KEY'))).body).toMatchObject({ signingSecret: '***ENCRYPTED***' });
    // A function still configured with the old secret keeps working …
    receiver.secrets = [old];
    await h.api('POST', `${secretPath('ROLLING_KEY')}/rotate`);
    await waitFor('run', async () => ((await runsOf('ROLLING_KEY'))[0]?.state === 'done' ? true : undefined));
    const [call] = receiver.rotateCalls().filter((c) => c.secretKey === 'ROLLING_KEY');
    expect(call!.signature.match(/v1=/g)).toHaveLength(2);
    // … until the grace window ends: then only the new secret signs.
    offsetMs = 25 * 60 * 60 * 1000;
    receiver.secrets = [fresh];
    try {
      await h.api('POST', `${secretPath('ROLLING_KEY')}/rotate`);
      await waitFor('second run', async () => ((await runsOf('ROLLING_KEY')).some((r) => r.state === 'pending_revocation') ? true : undefined));
    } finally {
      offsetMs = 0;
    }
    const calls = receiver.rotateCalls().filter((c) => c.secretKey === 'ROLLING_KEY');
    expect(calls[1]!.signature.match(/v1=/g)).toHaveLength(1);
    expect(calls[1]!.signatureValid).toBe(true);
  });
});

describe('permissions', () => {
  it('lets an environment Consumer read status but not change policies or Rotate Now', async () => {
    const envId = ((await h.api('GET', '/api/v1/projects/app/environments/prod')).body as Json).id as string;
    const created = await h.api('POST', `/api/v1/environments/${envId}/api-keys`, { role: 'Consumer' });
    expect(created.status).toBe(201);
    const consumer = { authorization: `Bearer ${(created.body as Json).apiKey as string}` };
    expect((await h.api('GET', policyPath('API_TOKEN'), undefined, consumer)).status).toBe(200);
    expect((await h.api('GET', `${env}/rotation-policies`, undefined, consumer)).status).toBe(200);
    expect((await h.api('POST', `${secretPath('API_TOKEN')}/rotate`, undefined, consumer)).status).toBe(404);
    expect((await h.api('PUT', policyPath('API_TOKEN'), { enabled: false, intervalDays: 1, strategy: 'GenerateRandom' }, consumer)).status).toBe(404);
    expect((await h.api('DELETE', policyPath('API_TOKEN'), undefined, consumer)).status).toBe(404);
  });
});
