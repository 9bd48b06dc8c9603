import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '@keygate/core/wire';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const as = (key: string) => ({ authorization: `Bearer ${key}` });

let h: TestHost;
let prodId: string;
let devId: string;
let otherEnvId: string;
let projectId: string;

beforeAll(async () => {
  h = await startTestHost();
  expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
  expect((await h.api('POST', `${base}/projects`, { name: 'other' })).status).toBe(201);
  for (const [project, env] of [['app', 'prod'], ['app', 'dev'], ['other', 'prod']] as const) {
    expect((await h.api('POST', `${base}/projects/${project}/environments`, { name: env })).status).toBe(201);
    expect((await h.api('PUT', `${base}/projects/${project}/environments/${env}/providers/system/secrets/KEY`, { value: `${project}-${env}-value` })).status).toBe(200);
  }
  prodId = ((await h.api('GET', `${base}/projects/app/environments/prod`)).body as Json).id as string;
  devId = ((await h.api('GET', `${base}/projects/app/environments/dev`)).body as Json).id as string;
  otherEnvId = ((await h.api('GET', `${base}/projects/other/environments/prod`)).body as Json).id as string;
  projectId = ((await h.api('GET', `${base}/projects/app`)).body as Json).id as string;
});
afterAll(async () => {
  await h?.close();
});

async function createKey(envId: string, body: Json = {}, auth?: string): Promise<Json> {
  const res = await h.api('POST', `${base}/environments/${envId}/api-keys`, body, auth ? as(auth) : {});
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Json;
}

async function auditRows(action: string): Promise<Array<{ target: string; details: Json; actor_id: string }>> {
  await h.host.services.audit.flush();
  return h.host.services.knex('audit_events').where({ action }).orderBy('seq').select('target', 'details', 'actor_id');
}

describe('environment API keys', () => {
  it('are created once with their secret, then listed and read without it', async () => {
    const created = await createKey(prodId, { clientName: 'ci', description: 'deploys' });
    expect(Object.keys(created).sort()).toEqual(['apiKey', 'expiresAt', 'id', 'keyPrefix']);
    const parsed = parseApiKey(created.apiKey as string);
    expect(parsed).toBeDefined();
    expect(created.keyPrefix).toBe(`bax-${parsed!.keyId}`);
    expect(created.expiresAt).toBeNull();

    const list = await h.api('GET', `${base}/environments/${prodId}/api-keys`);
    expect(list.status).toBe(200);
    const items = (list.body as Json).items as Json[];
    const item = items.find((k) => k.id === created.id);
    expect(item).toEqual({
      id: created.id,
      keyPrefix: created.keyPrefix,
      clientName: 'ci',
      description: 'deploys',
      role: 'Consumer',
      enabled: true,
      expiresAt: null,
      createdAt: expect.any(String) as string,
    });
    expect(JSON.stringify(list.body)).not.toContain(parsed!.secret);
    expect((list.body as Json).total).toBe(items.length);

    const one = await h.api('GET', `${base}/environments/${prodId}/api-keys/${created.id as string}`);
    expect(one.body).toEqual(item);
    expect(JSON.stringify(one.body)).not.toContain(parsed!.secret);

    // The key works, for its environment.
    const read = await h.api('GET', `${base}/projects/app/environments/prod/secrets`, undefined, as(created.apiKey as string));
    expect((read.body as Json).secrets).toEqual({ KEY: 'app-prod-value' });
    // Keys of another environment are not listed here.
    const dev = await h.api('GET', `${base}/environments/${devId}/api-keys`);
    expect(((dev.body as Json).items as Json[]).map((k) => k.id)).not.toContain(created.id);
  });

  it('expire after expiresInDays and validate their input', async () => {
    const created = await createKey(prodId, { role: 'Member', expiresInDays: 30 });
    const expires = Date.parse(created.expiresAt as string);
    expect(Math.abs(expires - (Date.now() + 30 * 86_400_000))).toBeLessThan(60_000);
    for (const body of [{ expiresInDays: 0 }, { expiresInDays: 3651 }, { role: 'Owner' }, { role: 'Manager' }, { secret: 'x' }]) {
      const res = await h.api('POST', `${base}/environments/${prodId}/api-keys`, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
    const patch = await h.api('PATCH', `${base}/environments/${prodId}/api-keys/${created.id as string}`, {});
    expect(patch.status).toBe(400);
  });

  it('answer 404 for environments that are not the tenant\'s or not UUIDs', async () => {
    for (const envId of ['prod', '00000000-0000-0000-0000-000000000000', 'not-a-uuid']) {
      expect((await h.api('GET', `${base}/environments/${envId}/api-keys`)).status, envId).toBe(404);
      expect((await h.api('POST', `${base}/environments/${envId}/api-keys`, {})).status, envId).toBe(404);
    }
    const created = await createKey(prodId);
    // A key id under another environment is not found.
    expect((await h.api('GET', `${base}/environments/${devId}/api-keys/${created.id as string}`)).status).toBe(404);
    expect((await h.api('DELETE', `${base}/environments/${devId}/api-keys/${created.id as string}`)).status).toBe(404);
    expect((await h.api('GET', `${base}/environments/${prodId}/api-keys/00000000-0000-0000-0000-000000000000`)).status).toBe(404);
  });

  it('Consumer keys read only; Member keys also write; neither leaves its environment', async () => {
    const consumer = (await createKey(prodId)).apiKey as string;
    const member = (await createKey(prodId, { role: 'Member' })).apiKey as string;
    const secretPath = (env: string) => `${base}/projects/app/environments/${env}/providers/system/secrets/KEY`;
    expect((await h.api('PUT', secretPath('prod'), { value: 'hacked' }, as(consumer))).status).toBe(404);
    expect((await h.api('PUT', secretPath('prod'), { value: 'member-wrote' }, as(member))).status).toBe(200);
    expect(((await h.api('GET', secretPath('prod'), undefined, as(consumer))).body as Json).value).toBe('member-wrote');
    for (const key of [consumer, member]) {
      expect((await h.api('GET', `${base}/projects/app/environments/dev/secrets`, undefined, as(key))).status).toBe(404);
      expect((await h.api('GET', secretPath('dev'), undefined, as(key))).status).toBe(404);
      expect((await h.api('PUT', secretPath('dev'), { value: 'hacked' }, as(key))).status).toBe(404);
    }
    expect(((await h.api('GET', `${base}/projects/app/environments/dev/secrets`)).body as Json).secrets).toEqual({ KEY: 'app-dev-value' });
  });

  it('environment keys cannot manage keys, not even their own environment\'s', async () => {
    const member = (await createKey(prodId, { role: 'Member' })).apiKey as string;
    expect((await h.api('GET', `${base}/environments/${prodId}/api-keys`, undefined, as(member))).status).toBe(404);
    expect((await h.api('POST', `${base}/environments/${prodId}/api-keys`, { role: 'Member' }, as(member))).status).toBe(404);
    const rows = await auditRows('access.denied');
    expect(rows).toContainEqual(expect.objectContaining({ target: `POST /api/v1/environments/${prodId}/api-keys`, details: { refused: 'apiKeys.write' } }));
  });

  it('project Managers manage keys of their project only; read-only tenant roles cannot', async () => {
    const { keys } = h.host.services;
    const tenantId = h.host.bootstrap.tenantId;
    const manager = (await keys.create({ tenantId, scope: 'project', role: 'Manager', projectId })).apiKey;
    const created = await createKey(devId, { clientName: 'by-manager' }, manager);
    expect((await h.api('GET', `${base}/environments/${devId}/api-keys/${created.id as string}`, undefined, as(manager))).status).toBe(200);
    expect((await h.api('POST', `${base}/environments/${otherEnvId}/api-keys`, {}, as(manager))).status).toBe(404);
    expect((await h.api('GET', `${base}/environments/${otherEnvId}/api-keys`, undefined, as(manager))).status).toBe(404);
    const viewer = (await keys.create({ tenantId, scope: 'tenant', role: 'Viewer' })).apiKey;
    expect((await h.api('GET', `${base}/environments/${devId}/api-keys`, undefined, as(viewer))).status).toBe(404);
    expect((await h.api('POST', `${base}/environments/${devId}/api-keys`, {}, as(viewer))).status).toBe(404);
  });

  it('stop working when disabled, expired or deleted, and every change is audited', async () => {
    const created = await createKey(prodId, { clientName: 'short-lived' });
    const key = created.apiKey as string;
    const path = `${base}/environments/${prodId}/api-keys/${created.id as string}`;
    const read = () => h.api('GET', `${base}/projects/app/environments/prod/secrets/version`, undefined, as(key));
    expect((await read()).status).toBe(200);

    const disabled = await h.api('PATCH', path, { enabled: false, description: 'paused' });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ enabled: false, description: 'paused', clientName: 'short-lived' });
    expect((await read()).status).toBe(401);
    expect((await h.api('PATCH', path, { enabled: true })).status).toBe(200);
    expect((await read()).status).toBe(200);

    await h.host.services.knex('api_keys').where({ id: created.id as string }).update({ expires_at: new Date(Date.now() - 1000) });
    await expect.poll(async () => (await read()).status, { timeout: 1000, interval: 20 }).toBe(401);
    const listed = ((await h.api('GET', `${base}/environments/${prodId}/api-keys`)).body as Json).items as Json[];
    expect(listed.find((k) => k.id === created.id)?.expiresAt).toEqual(expect.any(String));
    await h.host.services.knex('api_keys').where({ id: created.id as string }).update({ expires_at: null });
    await expect.poll(async () => (await read()).status, { timeout: 1000, interval: 20 }).toBe(200);

    expect((await h.api('DELETE', path)).status).toBe(204);
    expect((await read()).status).toBe(401);
    expect((await h.api('GET', path)).status).toBe(404);
    expect((await h.api('DELETE', path)).status).toBe(404);

    const prefix = created.keyPrefix as string;
    for (const action of ['apiKey.create', 'apiKey.update', 'apiKey.delete']) {
      const rows = await auditRows(action);
      expect(rows.map((r) => r.target), action).toContain(prefix);
      expect(JSON.stringify(rows)).not.toContain(parseApiKey(key)!.secret);
    }
  });
});

describe('GET /api/v1/keys/me', () => {
  it('describes tenant, project and environment keys', async () => {
    const tenant = await h.api('GET', `${base}/keys/me`);
    expect(tenant.status).toBe(200);
    expect(tenant.body).toEqual({
      keyId: parseApiKey(h.apiKey)!.keyId,
      role: 'Owner',
      tenantId: h.host.bootstrap.tenantId,
      tenantSlug: expect.any(String) as string,
      tenantName: expect.any(String) as string,
      projectId: null,
      projectSlug: null,
      projectName: null,
      environmentId: null,
      environmentSlug: null,
      environmentName: null,
    });

    const envKey = (await createKey(prodId, { role: 'Member' })).apiKey as string;
    const env = await h.api('GET', `${base}/keys/me`, undefined, as(envKey));
    expect(env.body).toEqual({
      ...(tenant.body as Json),
      keyId: parseApiKey(envKey)!.keyId,
      role: 'Member',
      projectId,
      projectSlug: 'app',
      projectName: 'app',
      environmentId: prodId,
      environmentSlug: 'prod',
      environmentName: 'prod',
    });

    const projectKey = (await h.host.services.keys.create({ tenantId: h.host.bootstrap.tenantId, scope: 'project', role: 'Manager', projectId })).apiKey;
    const project = await h.api('GET', `${base}/keys/me`, undefined, as(projectKey));
    expect(project.body).toMatchObject({ role: 'Manager', projectId, projectSlug: 'app', environmentId: null, environmentSlug: null, environmentName: null });

    expect((await h.api('GET', `${base}/keys/me`, undefined, { authorization: '' })).status).toBe(401);
  });
});
