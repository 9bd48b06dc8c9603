import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const PASSWORD = 'a long enough passphrase';

/** Two replicas on one database: changes made through `a` must reach `b`'s caches within a second. */
let a: TestHost;
let b: TestHost;
let environmentId: string;

beforeAll(async () => {
  // Replicas share the database and the master key.
  const masterKey = randomBytes(32).toString('base64');
  a = await startTestHost({ env: { KEYGATE_MASTER_KEY: masterKey } });
  b = await startTestHost({ env: { KEYGATE_MASTER_KEY: masterKey, DATABASE_URL: a.databaseUrl, KEYGATE_BOOTSTRAP_API_KEY: a.apiKey } });
  expect((await a.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
  const env = await a.api('POST', `${base}/projects/app/environments`, { name: 'prod' });
  environmentId = (env.body as Json).id as string;
  expect((await a.api('PUT', `${base}/projects/app/environments/prod/providers/system/secrets/K`, { value: 'v' })).status).toBeLessThan(300);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

/** Milliseconds until `probe` on replica b answers `status`, polling; fails after 3 s. */
async function msUntil(status: number, probe: () => Promise<{ status: number }>): Promise<number> {
  const start = performance.now();
  while (performance.now() - start < 3000) {
    if ((await probe()).status === status) return performance.now() - start;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`replica b did not answer ${status} within 3 s`);
}

async function newKey(): Promise<{ id: string; apiKey: string }> {
  const created = await a.api('POST', `${base}/environments/${environmentId}/api-keys`, { role: 'Consumer' });
  expect(created.status).toBe(201);
  return { id: (created.body as Json).id as string, apiKey: (created.body as Json).apiKey as string };
}

describe('two replicas on one database', () => {
  it('a disabled API key stops working on the other replica within 1 s (its cached lookup is dropped)', async () => {
    const key = await newKey();
    const read = () => b.api('GET', `${base}/projects/app/environments/prod/secrets`, undefined, { authorization: `Bearer ${key.apiKey}` });
    // Warm replica b's key cache.
    for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
    expect((await a.api('PATCH', `${base}/environments/${environmentId}/api-keys/${key.id}`, { enabled: false })).status).toBe(200);
    expect(await msUntil(401, read)).toBeLessThan(1000);
    // Enabling it again also reaches b.
    expect((await a.api('PATCH', `${base}/environments/${environmentId}/api-keys/${key.id}`, { enabled: true })).status).toBe(200);
    expect(await msUntil(200, read)).toBeLessThan(1000);
  });

  it('a deleted API key stops working on the other replica within 1 s', async () => {
    const key = await newKey();
    const read = () => b.api('GET', `${base}/projects/app/environments/prod/secrets`, undefined, { authorization: `Bearer ${key.apiKey}` });
    for (let i = 0; i < 3; i++) expect((await read()).status).toBe(200);
    expect((await a.api('DELETE', `${base}/environments/${environmentId}/api-keys/${key.id}`)).status).toBe(204);
    expect(await msUntil(401, read)).toBeLessThan(1000);
  });

  it('a removed project membership and a disabled user take effect on the other replica within 1 s', async () => {
    const created = await a.api('POST', `${base}/users`, { email: 'm@example.com', password: PASSWORD, tenantRole: 'User' });
    const userId = (created.body as Json).id as string;
    expect((await a.api('POST', `${base}/projects/app/members`, { userId, role: 'Consumer' })).status).toBe(201);
    const login = await b.api('POST', `${base}/auth/login`, { email: 'm@example.com', password: PASSWORD }, { authorization: '' });
    const token = (login.body as Json).accessToken as string;
    const read = () => b.api('GET', `${base}/projects/app/environments/prod/secrets`, undefined, { authorization: `Bearer ${token}` });
    expect(await msUntil(200, read)).toBeLessThan(1000);
    expect((await a.api('DELETE', `${base}/projects/app/members/${userId}`)).status).toBe(204);
    expect(await msUntil(404, read)).toBeLessThan(1000);
    expect((await a.api('POST', `${base}/projects/app/members`, { userId, role: 'Consumer' })).status).toBe(201);
    expect(await msUntil(200, read)).toBeLessThan(1000);
    expect((await a.api('PATCH', `${base}/users/${userId}`, { disabled: true })).status).toBe(200);
    expect(await msUntil(401, read)).toBeLessThan(1000);
  });
});
