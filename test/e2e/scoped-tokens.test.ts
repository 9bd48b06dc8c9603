import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '@keygate/core/wire';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const prodSecrets = `${base}/projects/app/environments/prod`;

let h: TestHost;
let prodId: string;
let devId: string;
let consumer: string;
let devConsumer: string;
let viewer: string;

async function put(env: string, provider: string, key: string, tags?: Record<string, string>): Promise<void> {
  const res = await h.api('PUT', `${base}/projects/app/environments/${env}/providers/${provider}/secrets/${key}`, { value: `${provider}:${key}`, ...(tags ? { tags } : {}) });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

async function issue(envId: string, body: unknown, key?: string): Promise<{ status: number; body: Json }> {
  const res = await h.api('POST', `${base}/environments/${envId}/tokens/issue`, body, key ? as(key) : {});
  return { status: res.status, body: res.body as Json };
}

beforeAll(async () => {
  h = await startTestHost();
  expect((await h.api('POST', `${base}/providers`, { name: 'extra', type: 'Local' })).status).toBe(201);
  expect((await h.api('POST', `${base}/projects`, { name: 'app', providerIds: ['system', 'extra'] })).status).toBe(201);
  for (const env of ['prod', 'dev']) expect((await h.api('POST', `${base}/projects/app/environments`, { name: env })).status).toBe(201);
  await put('prod', 'system', 'DB_URL', { scope: 'db' });
  await put('prod', 'system', 'API_KEY', { scope: 'api billing' });
  await put('prod', 'system', 'PLAIN');
  await put('prod', 'system', 'OTHER', { scope: 'other', owner: 'db' });
  // The merged value comes from `system` (first in priority), whose tags are out of scope.
  await put('prod', 'system', 'SHADOW', { scope: 'other' });
  await put('prod', 'extra', 'SHADOW', { scope: 'db' });
  await put('prod', 'extra', 'ONLY_EXTRA', { scope: 'metrics db' });
  await put('dev', 'system', 'DB_URL', { scope: 'db' });
  prodId = ((await h.api('GET', prodSecrets)).body as Json).id as string;
  devId = ((await h.api('GET', `${base}/projects/app/environments/dev`)).body as Json).id as string;
  const projectId = ((await h.api('GET', `${base}/projects/app`)).body as Json).id as string;
  const tenantId = h.host.bootstrap.tenantId;
  const { keys } = h.host.services;
  consumer = (await keys.create({ tenantId, scope: 'environment', role: 'Consumer', projectId, environmentId: prodId })).apiKey;
  devConsumer = (await keys.create({ tenantId, scope: 'environment', role: 'Consumer', projectId, environmentId: devId })).apiKey;
  viewer = (await keys.create({ tenantId, scope: 'tenant', role: 'Viewer' })).apiKey;
});
afterAll(async () => {
  await h?.close();
});

describe('POST /api/v1/environments/{environmentId}/tokens/issue', () => {
  it('issues a token once, and audits it without the token', async () => {
    const before = Date.now();
    const res = await issue(prodId, { scopes: ['db', 'billing', 'db'], ttlMinutes: 30, reason: 'debug incident 42' });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(Object.keys(res.body).sort()).toEqual(['expiresAt', 'scopes', 'token']);
    expect(res.body.scopes).toEqual(['db', 'billing']);
    const parsed = parseApiKey(res.body.token as string);
    expect(parsed).toBeDefined();
    const expiresAt = Date.parse(res.body.expiresAt as string);
    expect(expiresAt).toBeGreaterThanOrEqual(before + 30 * 60_000 - 1000);
    expect(expiresAt).toBeLessThanOrEqual(Date.now() + 30 * 60_000 + 1000);

    await h.host.services.audit.flush();
    const rows = await h.host.services.knex('audit_events').where({ action: 'token.issue' }).select<Array<{ target: string; details: Json; environment_id: string }>>('target', 'details', 'environment_id');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ target: `bax-${parsed!.keyId}`, environment_id: prodId, details: { reason: 'debug incident 42', scopes: ['db', 'billing'], ttlMinutes: 30 } });
    expect(JSON.stringify(await h.host.services.knex('audit_events').select('*'))).not.toContain(parsed!.secret);
    const stored = await h.host.services.knex('api_keys').where({ key_id: parsed!.keyId }).first<{ scopes: string[]; role: string; scope: string }>('scopes', 'role', 'scope');
    expect(stored).toEqual({ scopes: ['db', 'billing'], role: 'Consumer', scope: 'environment' });
  });

  it('may be called by keys that read the environment, and nobody else', async () => {
    const body = { scopes: ['db'], ttlMinutes: 5, reason: 'ci' };
    expect((await issue(prodId, body, consumer)).status).toBe(201);
    expect((await issue(prodId, body, devConsumer)).status).toBe(404);
    expect((await issue(prodId, body, viewer)).status).toBe(404);
    expect((await issue(devId, body, devConsumer)).status).toBe(201);
    expect((await issue('00000000-0000-4000-8000-000000000000', body)).status).toBe(404);
    expect((await issue('not-a-uuid', body)).status).toBe(404);
  });

  it('refuses invalid requests', async () => {
    for (const body of [
      { scopes: [], ttlMinutes: 5, reason: 'x' },
      { scopes: ['has space'], ttlMinutes: 5, reason: 'x' },
      { scopes: ['a'.repeat(65)], ttlMinutes: 5, reason: 'x' },
      { scopes: Array.from({ length: 21 }, (_, i) => `s${i}`), ttlMinutes: 5, reason: 'x' },
      { scopes: ['db'], ttlMinutes: 0, reason: 'x' },
      { scopes: ['db'], ttlMinutes: 481, reason: 'x' },
      { scopes: ['db'], ttlMinutes: 1.5, reason: 'x' },
      { scopes: ['db'], ttlMinutes: 5, reason: '' },
      { scopes: ['db'], ttlMinutes: 5, reason: 'r'.repeat(501) },
      { scopes: ['db'], ttlMinutes: 5 },
      { scopes: ['db'], ttlMinutes: 5, reason: 'x', extra: true },
    ]) {
      const res = await issue(prodId, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it('never outlives the key that issued it', async () => {
    const { keys } = h.host.services;
    const env = (await h.api('GET', prodSecrets)).body as Json;
    const soon = new Date(Date.now() + 10 * 60_000);
    const shortLived = await keys.create({ tenantId: h.host.bootstrap.tenantId, scope: 'environment', role: 'Consumer', projectId: env.projectId as string, environmentId: prodId, expiresAt: soon });
    const res = await issue(prodId, { scopes: ['db'], ttlMinutes: 480, reason: 'x' }, shortLived.apiKey);
    expect(res.status).toBe(201);
    expect(Date.parse(res.body.expiresAt as string)).toBe(soon.getTime());
  });
});

describe('a scoped token', () => {
  let token: string;
  beforeAll(async () => {
    token = (await issue(prodId, { scopes: ['db', 'billing'], ttlMinutes: 60, reason: 'tests' })).body.token as string;
  });

  it('reads only the secrets tagged with one of its scopes', async () => {
    const all = await h.api('GET', `${prodSecrets}/secrets`, undefined, as(token));
    expect(all.status).toBe(200);
    expect((all.body as Json).secrets).toEqual({ DB_URL: 'system:DB_URL', API_KEY: 'system:API_KEY', ONLY_EXTRA: 'extra:ONLY_EXTRA' });
    // Unrestricted, the same read has everything.
    expect(Object.keys(((await h.api('GET', `${prodSecrets}/secrets`)).body as Json).secrets as Json).sort()).toEqual(['API_KEY', 'DB_URL', 'ONLY_EXTRA', 'OTHER', 'PLAIN', 'SHADOW']);

    expect((await h.api('GET', `${prodSecrets}/providers/system/secrets/DB_URL`, undefined, as(token))).body).toMatchObject({ key: 'DB_URL', value: 'system:DB_URL' });
    expect((await h.api('GET', `${prodSecrets}/providers/extra/secrets/SHADOW`, undefined, as(token))).body).toMatchObject({ value: 'extra:SHADOW' });
    for (const key of ['OTHER', 'PLAIN', 'SHADOW', 'MISSING']) {
      const res = await h.api('GET', `${prodSecrets}/providers/system/secrets/${key}`, undefined, as(token));
      expect(res.status, key).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('system:');
    }
    const list = await h.api('GET', `${prodSecrets}/providers/system/secrets`, undefined, as(token));
    expect(((list.body as Json).items as Json[]).map((i) => i.key)).toEqual(['API_KEY', 'DB_URL']);
    expect((await h.api('GET', `${base}/projects/app/environments/dev/secrets`, undefined, as(token))).status).toBe(404);
  });

  it('is not answered with an unrestricted read the host reuses, before or after a write', async () => {
    const read = async (key?: string) => ((await h.api('GET', `${prodSecrets}/secrets`, undefined, key ? as(key) : {})).body as Json).secrets as Json;
    // The unrestricted read twice (the second from the reused response), then the scoped one.
    const full = await read();
    expect(await read()).toEqual(full);
    expect(Object.keys(await read(token)).sort()).toEqual(['API_KEY', 'DB_URL', 'ONLY_EXTRA']);
    expect(await read()).toEqual(full);
    // A write through the lower-priority provider, then the first: each shows at once, to both.
    await h.api('PUT', `${prodSecrets}/providers/extra/secrets/ONLY_EXTRA`, { value: 'extra:changed', tags: { scope: 'db' } });
    expect(await read()).toMatchObject({ ONLY_EXTRA: 'extra:changed' });
    expect(await read(token)).toMatchObject({ ONLY_EXTRA: 'extra:changed' });
    await h.api('PUT', `${prodSecrets}/providers/system/secrets/PLAIN`, { value: 'system:changed' });
    expect(await read()).toMatchObject({ PLAIN: 'system:changed', ONLY_EXTRA: 'extra:changed' });
    expect(await read(token)).not.toHaveProperty('PLAIN');
    await h.api('PUT', `${prodSecrets}/providers/extra/secrets/ONLY_EXTRA`, { value: 'extra:ONLY_EXTRA', tags: { scope: 'metrics db' } });
    await h.api('PUT', `${prodSecrets}/providers/system/secrets/PLAIN`, { value: 'system:PLAIN' });
    expect(await read()).toEqual(full);
  });

  it('an environment’s reused response outlives changes elsewhere, and not a write to it', async () => {
    const { secrets } = h.host.services;
    const ctx = h.ownerContext();
    const first = await secrets.readAll(ctx, 'app', 'prod');
    expect(await secrets.readAll(ctx, 'app', 'prod')).toBe(first);
    // A change to something else makes every cached environment resolve again; the response stays.
    expect((await h.api('POST', `${base}/projects`, { name: 'elsewhere' })).status).toBe(201);
    expect(await secrets.readAll(ctx, 'app', 'prod')).toBe(first);
    await h.api('PUT', `${prodSecrets}/providers/system/secrets/PLAIN`, { value: 'system:PLAIN' });
    const after = await secrets.readAll(ctx, 'app', 'prod');
    expect(after).not.toBe(first);
    expect(after.version).toBeGreaterThan(first.version);
    expect(after.secrets).toEqual(first.secrets);
  });

  it('cannot write, delete or issue tokens', async () => {
    expect((await h.api('PUT', `${prodSecrets}/providers/system/secrets/DB_URL`, { value: 'hacked' }, as(token))).status).toBe(404);
    expect((await h.api('DELETE', `${prodSecrets}/providers/system/secrets/DB_URL`, undefined, as(token))).status).toBe(404);
    expect((await h.api('POST', `${prodSecrets}/providers/system/secrets`, { key: 'NEW', value: 'x', tags: { scope: 'db' } }, as(token))).status).toBe(404);
    expect((await issue(prodId, { scopes: ['db'], ttlMinutes: 480, reason: 'extend' }, token)).status).toBe(404);
    expect((await h.api('GET', `${base}/environments/${prodId}/api-keys`, undefined, as(token))).status).toBe(404);
    expect(((await h.api('GET', `${prodSecrets}/secrets`)).body as Json).secrets).toMatchObject({ DB_URL: 'system:DB_URL' });
  });

  it('stops working when it expires', async () => {
    expect((await h.api('GET', `${prodSecrets}/secrets`, undefined, as(token))).status).toBe(200);
    const { keyId } = parseApiKey(token)!;
    await h.host.services.knex('api_keys').where({ key_id: keyId }).update({ expires_at: new Date(Date.now() - 1000) });
    await expect.poll(async () => (await h.api('GET', `${prodSecrets}/secrets`, undefined, as(token))).status, { timeout: 1000, interval: 20 }).toBe(401);
  });
});
