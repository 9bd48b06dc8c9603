import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';

let h: TestHost;
let consumer: string;
let member: string;

beforeAll(async () => {
  h = await startTestHost();
  for (const env of ['prod', 'dev']) {
    if (env === 'prod') expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
    expect((await h.api('POST', `${base}/projects/app/environments`, { name: env })).status).toBe(201);
    expect((await h.api('PUT', `${base}/projects/app/environments/${env}/providers/system/secrets/KEY`, { value: `${env}-value` })).status).toBe(200);
  }
  const prod = (await h.api('GET', `${base}/projects/app/environments/prod`)).body as Json;
  const project = (await h.api('GET', `${base}/projects/app`)).body as Json;
  const { keys } = h.host.services;
  const tenantId = h.host.bootstrap.tenantId;
  const scope = { tenantId, scope: 'environment' as const, projectId: project.id as string, environmentId: prod.id as string };
  consumer = (await keys.create({ ...scope, role: 'Consumer' })).apiKey;
  member = (await keys.create({ ...scope, role: 'Member' })).apiKey;
});
afterAll(async () => {
  await h?.close();
});

const as = (key: string) => ({ authorization: `Bearer ${key}` });

/**
 * Environment keys (the full access model with users and memberships builds on the same policy
 * table): a Consumer reads its environment only, a Member also writes it; everything else is a 404
 * and an `access.denied` audit row.
 */
describe('environment-scoped keys', () => {
  it('read exactly their environment', async () => {
    const own = await h.api('GET', `${base}/projects/app/environments/prod/secrets`, undefined, as(consumer));
    expect(own.status).toBe(200);
    expect((own.body as Json).secrets).toEqual({ KEY: 'prod-value' });
    for (const path of [`${base}/projects/app/environments/dev/secrets`, `${base}/projects/app/environments/dev/providers/system/secrets/KEY`, `${base}/providers`, `${base}/projects/app`]) {
      const res = await h.api('GET', path, undefined, as(consumer));
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('dev-value');
    }
    const list = await h.api('GET', `${base}/projects/app/environments`, undefined, as(consumer));
    expect(((list.body as Json).items as Json[]).map((e) => e.slug)).toEqual(['prod']);
  });

  it('write only with the Member role', async () => {
    const denied = await h.api('PUT', `${base}/projects/app/environments/prod/providers/system/secrets/KEY`, { value: 'hacked' }, as(consumer));
    expect(denied.status).toBe(404);
    const allowed = await h.api('PUT', `${base}/projects/app/environments/prod/providers/system/secrets/KEY`, { value: 'updated' }, as(member));
    expect(allowed.status).toBe(200);
    const elsewhere = await h.api('PUT', `${base}/projects/app/environments/dev/providers/system/secrets/KEY`, { value: 'hacked' }, as(member));
    expect(elsewhere.status).toBe(404);
    const projectWrite = await h.api('POST', `${base}/projects`, { name: 'mine' }, as(member));
    expect(projectWrite.status).toBe(404);
    expect(((await h.api('GET', `${base}/projects/app/environments/dev/secrets`)).body as Json).secrets).toEqual({ KEY: 'dev-value' });
  });

  it('leave an access.denied audit row for every refusal', async () => {
    await h.host.services.audit.flush();
    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ target: string; details: Json; actor_id: string }>("SELECT target, details, actor_id FROM audit_events WHERE action = 'access.denied' ORDER BY seq");
      expect(rows).toContainEqual(expect.objectContaining({ target: 'PUT /api/v1/projects/app/environments/prod/providers/system/secrets/KEY', details: { refused: 'secrets.write' } }));
      expect(rows).toContainEqual(expect.objectContaining({ target: 'GET /api/v1/projects/app/environments/dev/secrets', details: { refused: 'secrets.read' } }));
      expect(rows.length).toBeGreaterThanOrEqual(6);
    } finally {
      await client.end();
    }
  });

  it('stop working as soon as they are disabled or expire', async () => {
    const { keys } = h.host.services;
    const extra = await keys.create({ tenantId: h.host.bootstrap.tenantId, scope: 'tenant', role: 'Viewer' });
    expect((await h.api('GET', `${base}/projects`, undefined, as(extra.apiKey))).status).toBe(200);
    await h.host.services.knex('api_keys').where({ key_id: extra.keyId }).update({ enabled: false });
    // The change feed invalidates the key cache on commit; allow the notification a moment.
    await expect.poll(async () => (await h.api('GET', `${base}/projects`, undefined, as(extra.apiKey))).status, { timeout: 1000, interval: 20 }).toBe(401);
    await h.host.services.knex('api_keys').where({ key_id: extra.keyId }).update({ enabled: true });
    await expect.poll(async () => (await h.api('GET', `${base}/projects`, undefined, as(extra.apiKey))).status, { timeout: 1000, interval: 20 }).toBe(200);
    await h.host.services.knex('api_keys').where({ key_id: extra.keyId }).update({ expires_at: new Date(Date.now() - 1000) });
    await expect.poll(async () => (await h.api('GET', `${base}/projects`, undefined, as(extra.apiKey))).status, { timeout: 1000, interval: 20 }).toBe(401);
  });
});
