import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey, parseApiKey, signRequest, signingTimestamp } from '@keygate/core/wire';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const LIMIT = 5;

/** Two replicas on one database; clients are told apart by X-Forwarded-For (trustProxy). */
let a: TestHost;
let b: TestHost;
let configDir: string;
let validKey: string;
/** Every credential presented by the attacker, none of which may reach the audit trail. */
const presented: string[] = [];

beforeAll(async () => {
  configDir = await mkdtemp(join(tmpdir(), 'keygate-brute-'));
  const configPath = join(configDir, 'keygate.yaml');
  await writeFile(configPath, `server:\n  trustProxy: true\nsecurity:\n  authFailures:\n    maxPerIp: ${LIMIT}\n    windowSeconds: 60\n`);
  const masterKey = randomBytes(32).toString('base64');
  a = await startTestHost({ configPath, env: { KEYGATE_MASTER_KEY: masterKey } });
  b = await startTestHost({ configPath, env: { KEYGATE_MASTER_KEY: masterKey, DATABASE_URL: a.databaseUrl, KEYGATE_BOOTSTRAP_API_KEY: a.apiKey } });
  expect((await a.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
  const env = await a.api('POST', `${base}/projects/app/environments`, { name: 'prod' });
  const key = await a.api('POST', `${base}/environments/${(env.body as Json).id as string}/api-keys`, { role: 'Consumer' });
  validKey = (key.body as Json).apiKey as string;
});
afterAll(async () => {
  await b?.close();
  await a?.close();
  await rm(configDir, { recursive: true, force: true });
});

const path = `${base}/projects/app/environments/prod/secrets`;

/** A GET of the environment with exactly these credentials (no default key) from client address `ip`. */
async function from(h: TestHost, ip: string, headers: Record<string, string>): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(`${h.url}${path}`, { headers: { 'x-forwarded-for': ip, ...headers } });
  return { status: res.status, body: JSON.parse(await res.text()) as unknown, headers: res.headers };
}

function signedWith(keyId: string, secret: string): Record<string, string> {
  const timestamp = signingTimestamp();
  return { 'x-bella-key-id': keyId, 'x-bella-timestamp': timestamp, 'x-bella-signature': signRequest(secret, { method: 'GET', path, query: '', timestamp, body: '' }) };
}

const withoutInstance = (body: unknown) => {
  const { instance: _instance, ...rest } = body as Json;
  return rest;
};

describe('brute force of API key ids', () => {
  it('answers the same 401 for unknown key ids and wrong secrets, then 429 with Retry-After on every replica', async () => {
    const ip = '203.0.113.7';
    const real = parseApiKey(validKey)!;
    const unknown = generateApiKey();
    const wrongSecret = `bax-${real.keyId}-${randomBytes(32).toString('hex')}`;
    const attempts = [
      { authorization: `Bearer ${unknown.apiKey}` },
      { authorization: `Bearer ${wrongSecret}` },
      signedWith(real.keyId, randomBytes(32).toString('hex')),
      signedWith(parseApiKey(unknown.apiKey)!.keyId, randomBytes(32).toString('hex')),
      { authorization: 'Bearer bax-not-a-key' },
    ];
    expect(attempts).toHaveLength(LIMIT);
    presented.push(unknown.secret, wrongSecret.slice(-64), ...attempts.map((h) => h['x-bella-signature'] ?? '').filter(Boolean));
    const bodies: unknown[] = [];
    for (const [i, headers] of attempts.entries()) {
      const res = await from(i % 2 === 0 ? a : b, ip, headers);
      expect(res.status, `attempt ${i + 1}`).toBe(401);
      bodies.push(withoutInstance(res.body));
    }
    // Unknown key id and wrong secret (bearer and signed) cannot be told apart.
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[3]).toEqual(bodies[2]);
    expect(bodies[0]).toEqual(bodies[2]);

    // The next failure, on either replica, is refused with 429 problem+json and Retry-After.
    for (const h of [b, a]) {
      const res = await from(h, ip, { authorization: `Bearer ${generateApiKey().apiKey}` });
      expect(res.status).toBe(429);
      expect(res.headers.get('content-type')).toContain('application/problem+json');
      const retryAfter = Number(res.headers.get('retry-after'));
      expect(retryAfter).toBeGreaterThan(0);
      expect(retryAfter).toBeLessThanOrEqual(60);
      expect((res.body as Json).detail).toContain('too many failed authentications');
    }
    // Once blocked, even the right key is refused, so the client cannot tell it is right.
    const blocked = await from(a, ip, { authorization: `Bearer ${validKey}` });
    expect(blocked.status).toBe(429);
    expect(withoutInstance(blocked.body)).toEqual(withoutInstance((await from(a, ip, { authorization: `Bearer ${wrongSecret}` })).body));

    // Another client address is unaffected.
    expect((await from(b, '198.51.100.9', { authorization: `Bearer ${validKey}` })).status).toBe(200);
    expect((await from(a, '198.51.100.9', { authorization: `Bearer ${unknown.apiKey}` })).status).toBe(401);
  });

  it('does not count refusals of a caller who proved the secret (replays), so legitimate clients are not blocked', async () => {
    const ip = '192.0.2.44';
    const real = parseApiKey(validKey)!;
    const headers = signedWith(real.keyId, real.secret);
    expect((await from(a, ip, headers)).status).toBe(200);
    for (let i = 0; i < LIMIT * 2; i++) expect((await from(i % 2 === 0 ? a : b, ip, headers)).status, `replay ${i + 1}`).toBe(401);
    expect((await from(b, ip, { authorization: `Bearer ${validKey}` })).status).toBe(200);
    // Guessing from the same address is still limited.
    for (let i = 0; i < LIMIT; i++) expect((await from(a, ip, { authorization: `Bearer ${generateApiKey().apiKey}` })).status).toBe(401);
    expect((await from(a, ip, { authorization: `Bearer ${generateApiKey().apiKey}` })).status).toBe(429);
  });

  it('audits every failure and refusal without the presented secret', async () => {
    await a.host.services.audit.flush();
    await b.host.services.audit.flush();
    const rows = await a.host.services.knex('audit_events')
      .where({ action: 'auth.denied', ip: '203.0.113.7' })
      .orderBy('seq')
      .select<Array<{ status: number; details: Json; actor_id: string }>>('status', 'details', 'actor_id');
    expect(rows.filter((r) => r.status === 401)).toHaveLength(LIMIT);
    expect(rows.filter((r) => r.status === 429).length).toBeGreaterThanOrEqual(3);
    expect(rows.filter((r) => r.status === 429).every((r) => r.details.rateLimited === true)).toBe(true);
    expect(rows.map((r) => r.details.reason)).toEqual(expect.arrayContaining(['unknown key id', 'wrong key secret', 'bad-signature']));
    const everything = JSON.stringify(await a.host.services.knex('audit_events').select('*'));
    const real = parseApiKey(validKey)!;
    expect(everything).not.toContain(real.secret);
    expect(presented.length).toBeGreaterThanOrEqual(4);
    for (const secret of presented) expect(everything).not.toContain(secret);
  });
});
