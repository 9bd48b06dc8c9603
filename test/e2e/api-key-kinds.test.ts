import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '@keygate/core/wire';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const PASSWORD = 'a long enough passphrase';

let h: TestHost;
let projectId: string;

beforeAll(async () => {
  h = await startTestHost();
  for (const name of ['app', 'other']) {
    expect((await h.api('POST', `${base}/projects`, { name })).status).toBe(201);
    expect((await h.api('POST', `${base}/projects/${name}/environments`, { name: 'prod' })).status).toBe(201);
    expect((await h.api('PUT', `${base}/projects/${name}/environments/prod/providers/system/secrets/KEY`, { value: `${name}-value` })).status).toBe(200);
  }
  projectId = ((await h.api('GET', `${base}/projects/app`)).body as Json).id as string;
});
afterAll(async () => {
  await h?.close();
});

async function create(path: string, body: Json, auth?: string): Promise<Json> {
  const res = await h.api('POST', path, body, auth ? as(auth) : {});
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  expect(Object.keys(res.body as Json).sort()).toEqual(['apiKey', 'expiresAt', 'id', 'keyPrefix']);
  return res.body as Json;
}

async function auditRows(action: string): Promise<Array<{ target: string; details: Json; actor_id: string; status: number }>> {
  await h.host.services.audit.flush();
  return h.host.services.knex('audit_events').where({ action }).orderBy('seq').select('target', 'details', 'actor_id', 'status');
}

/** Creation, listing without secrets, reading, disabling, deleting and their audit rows. */
async function lifecycle(collection: string, body: Json, expectedRole: string, works: (key: string) => Promise<number>): Promise<void> {
  const created = await create(collection, { ...body, clientName: 'ci', description: 'lifecycle' });
  const key = created.apiKey as string;
  const secret = parseApiKey(key)!.secret;
  expect(created.keyPrefix).toBe(`bax-${parseApiKey(key)!.keyId}`);
  expect(await works(key)).toBe(200);

  const list = await h.api('GET', collection);
  expect(list.status).toBe(200);
  const item = ((list.body as Json).items as Json[]).find((k) => k.id === created.id);
  expect(item).toEqual({
    id: created.id,
    keyPrefix: created.keyPrefix,
    clientName: 'ci',
    description: 'lifecycle',
    role: expectedRole,
    enabled: true,
    expiresAt: null,
    createdAt: expect.any(String) as string,
  });
  expect(JSON.stringify(list.body)).not.toContain(secret);
  const path = `${collection}/${created.id as string}`;
  const one = await h.api('GET', path);
  expect(one.body).toEqual(item);

  const disabled = await h.api('PATCH', path, { enabled: false });
  expect(disabled.status).toBe(200);
  expect(disabled.body).toMatchObject({ enabled: false, clientName: 'ci' });
  expect(await works(key)).toBe(401);
  expect((await h.api('PATCH', path, { enabled: true })).status).toBe(200);
  expect(await works(key)).toBe(200);

  await h.host.services.knex('api_keys').where({ id: created.id as string }).update({ expires_at: new Date(Date.now() - 1000) });
  await expect.poll(() => works(key), { timeout: 1000, interval: 20 }).toBe(401);
  await h.host.services.knex('api_keys').where({ id: created.id as string }).update({ expires_at: null });
  await expect.poll(() => works(key), { timeout: 1000, interval: 20 }).toBe(200);

  expect((await h.api('DELETE', path)).status).toBe(204);
  expect(await works(key)).toBe(401);
  expect((await h.api('GET', path)).status).toBe(404);
  expect((await h.api('DELETE', path)).status).toBe(404);

  for (const action of ['apiKey.create', 'apiKey.update', 'apiKey.delete']) {
    const rows = await auditRows(action);
    expect(rows.map((r) => r.target), action).toContain(created.keyPrefix);
    expect(JSON.stringify(rows)).not.toContain(secret);
  }
}

const readSecrets = (project: string) => async (key: string) => (await h.api('GET', `${base}/projects/${project}/environments/prod/secrets`, undefined, as(key))).status;

describe('tenant API keys', () => {
  it('go through their lifecycle', async () => {
    await lifecycle(`${base}/api-keys`, { role: 'Admin' }, 'Admin', readSecrets('other'));
    const expiring = await create(`${base}/api-keys`, { role: 'Viewer', expiresInDays: 7 });
    expect(Math.abs(Date.parse(expiring.expiresAt as string) - (Date.now() + 7 * 86_400_000))).toBeLessThan(60_000);
  });

  it('validate their input', async () => {
    for (const body of [{}, { role: 'Manager' }, { role: 'Consumer' }, { role: 'Admin', expiresInDays: 0 }, { role: 'Admin', secret: 'x' }]) {
      expect((await h.api('POST', `${base}/api-keys`, body)).status, JSON.stringify(body)).toBe(400);
    }
  });

  it('only an Owner creates, changes or deletes Owner keys; read-only and scoped callers cannot manage keys', async () => {
    const owner = (await create(`${base}/api-keys`, { role: 'Owner' })).apiKey as string;
    const admin = (await create(`${base}/api-keys`, { role: 'Admin' }, owner)).apiKey as string;
    for (const role of ['Admin', 'User', 'Viewer']) await create(`${base}/api-keys`, { role }, admin);
    const refused = await h.api('POST', `${base}/api-keys`, { role: 'Owner' }, as(admin));
    expect(refused.status).toBe(403);

    const ownerKeyId = ((await h.api('GET', `${base}/api-keys`)).body as { items: Json[] }).items.find((k) => k.keyPrefix === `bax-${parseApiKey(owner)!.keyId}`)!.id as string;
    expect((await h.api('PATCH', `${base}/api-keys/${ownerKeyId}`, { enabled: false }, as(admin))).status).toBe(403);
    expect((await h.api('DELETE', `${base}/api-keys/${ownerKeyId}`, undefined, as(admin))).status).toBe(403);
    expect((await h.api('GET', `${base}/api-keys/${ownerKeyId}`, undefined, as(admin))).status).toBe(200);
    expect((await h.api('GET', `${base}/keys/me`, undefined, as(owner))).status).toBe(200);
    const denied = await auditRows('access.denied');
    expect(denied).toContainEqual(expect.objectContaining({ target: 'POST /api/v1/api-keys', status: 403, details: { refused: 'apiKeys.owner' } }));

    const { keys } = h.host.services;
    const tenantId = h.host.bootstrap.tenantId;
    const callers = [
      (await create(`${base}/api-keys`, { role: 'User' })).apiKey as string,
      (await create(`${base}/api-keys`, { role: 'Viewer' })).apiKey as string,
      (await keys.create({ tenantId, scope: 'project', role: 'Manager', projectId })).apiKey,
    ];
    for (const caller of callers) {
      expect((await h.api('GET', `${base}/api-keys`, undefined, as(caller))).status).toBe(404);
      expect((await h.api('POST', `${base}/api-keys`, { role: 'Viewer' }, as(caller))).status).toBe(404);
      expect((await h.api('GET', `${base}/api-keys/${ownerKeyId}`, undefined, as(caller))).status).toBe(404);
    }
  });
});

describe('project Manager keys', () => {
  it('go through their lifecycle', async () => {
    await lifecycle(`${base}/projects/app/api-keys`, {}, 'Manager', readSecrets('app'));
    const created = await create(`${base}/projects/${projectId}/api-keys`, { role: 'Manager' });
    // A Manager key does not reach another project.
    expect(await readSecrets('other')(created.apiKey as string)).toBe(404);
    expect((await h.api('GET', `${base}/projects/other/api-keys/${created.id as string}`)).status).toBe(404);
    for (const body of [{ role: 'Owner' }, { role: 'Consumer' }, { expiresInDays: 3651 }]) {
      expect((await h.api('POST', `${base}/projects/app/api-keys`, body)).status, JSON.stringify(body)).toBe(400);
    }
    expect((await h.api('GET', `${base}/projects/nope/api-keys`)).status).toBe(404);
  });

  it('are managed by tenant Owners and Admins; a Manager lists its project\'s keys but cannot create, change or delete them', async () => {
    const admin = (await create(`${base}/api-keys`, { role: 'Admin' })).apiKey as string;
    const manager = await create(`${base}/projects/app/api-keys`, {}, admin);
    const managerKey = manager.apiKey as string;
    const list = await h.api('GET', `${base}/projects/app/api-keys`, undefined, as(managerKey));
    expect(list.status).toBe(200);
    expect(((list.body as Json).items as Json[]).map((k) => k.id)).toContain(manager.id);
    expect((await h.api('GET', `${base}/projects/app/api-keys/${manager.id as string}`, undefined, as(managerKey))).status).toBe(200);
    expect((await h.api('POST', `${base}/projects/app/api-keys`, {}, as(managerKey))).status).toBe(404);
    expect((await h.api('PATCH', `${base}/projects/app/api-keys/${manager.id as string}`, { description: 'x' }, as(managerKey))).status).toBe(404);
    expect((await h.api('DELETE', `${base}/projects/app/api-keys/${manager.id as string}`, undefined, as(managerKey))).status).toBe(404);
    expect((await h.api('GET', `${base}/projects/other/api-keys`, undefined, as(managerKey))).status).toBe(404);
    expect(await auditRows('access.denied')).toContainEqual(expect.objectContaining({ target: 'POST /api/v1/projects/app/api-keys', details: { refused: 'projectApiKeys.write' } }));
    // Manager keys still manage their project's environment keys.
    const envId = ((await h.api('GET', `${base}/projects/app/environments/prod`)).body as Json).id as string;
    expect((await h.api('POST', `${base}/environments/${envId}/api-keys`, {}, as(managerKey))).status).toBe(201);

    const viewer = (await create(`${base}/api-keys`, { role: 'Viewer' })).apiKey as string;
    const member = (await create(`${base}/environments/${envId}/api-keys`, { role: 'Member' })).apiKey as string;
    for (const caller of [viewer, member]) {
      expect((await h.api('GET', `${base}/projects/app/api-keys`, undefined, as(caller))).status).toBe(404);
      expect((await h.api('POST', `${base}/projects/app/api-keys`, {}, as(caller))).status).toBe(404);
    }
  });
});

describe('personal API keys', () => {
  async function userSession(email: string, tenantRole: string): Promise<{ id: string; token: string }> {
    const created = await h.api('POST', `${base}/users`, { email, password: PASSWORD, tenantRole });
    expect(created.status).toBe(201);
    const login = await h.api('POST', `${base}/auth/login`, { email, password: PASSWORD }, { authorization: '' });
    expect(login.status).toBe(200);
    return { id: (created.body as Json).id as string, token: (login.body as Json).accessToken as string };
  }

  it('are created by a logged-in user, act as that user and are listed without secrets', async () => {
    const user = await userSession('ada@example.com', 'Admin');
    const created = await create(`${base}/users/me/api-keys`, { clientName: 'laptop', expiresInDays: 30 }, user.token);
    const key = created.apiKey as string;
    const list = await h.api('GET', `${base}/users/me/api-keys`, undefined, as(user.token));
    expect(list.status).toBe(200);
    expect((list.body as Json).items).toEqual([expect.objectContaining({ id: created.id, keyPrefix: created.keyPrefix, clientName: 'laptop', role: 'Admin', enabled: true })]);
    expect(JSON.stringify(list.body)).not.toContain(parseApiKey(key)!.secret);
    expect((await h.api('GET', `${base}/users/me/api-keys/${created.id as string}`, undefined, as(user.token))).body).toMatchObject({ id: created.id, role: 'Admin' });
    // Another user's and the bootstrap key's view of them: nothing.
    const other = await userSession('bob@example.com', 'Owner');
    expect(((await h.api('GET', `${base}/users/me/api-keys`, undefined, as(other.token))).body as Json).items).toEqual([]);
    expect((await h.api('DELETE', `${base}/users/me/api-keys/${created.id as string}`, undefined, as(other.token))).status).toBe(404);
    expect((await h.api('GET', `${base}/users/me/api-keys`)).status).toBe(404);
    // API keys, personal ones included, cannot manage personal keys.
    expect((await h.api('GET', `${base}/users/me/api-keys`, undefined, as(key))).status).toBe(404);
    expect((await h.api('POST', `${base}/users/me/api-keys`, {}, as(key))).status).toBe(404);
    expect((await h.api('POST', `${base}/users/me/api-keys`, { role: 'Owner' }, as(user.token))).status).toBe(400);

    // The key acts as an Admin: it manages tenant keys, but cannot escalate to Owner.
    expect((await h.api('GET', `${base}/keys/me`, undefined, as(key))).body).toMatchObject({ role: 'Admin', projectId: null });
    expect(await readSecrets('app')(key)).toBe(200);
    expect((await h.api('POST', `${base}/api-keys`, { role: 'Viewer' }, as(key))).status).toBe(201);
    expect((await h.api('POST', `${base}/api-keys`, { role: 'Owner' }, as(key))).status).toBe(403);
    expect((await h.api('POST', `${base}/projects/app/api-keys`, {}, as(key))).status).toBe(201);

    const audited = (await auditRows('apiKey.create')).find((r) => r.target === created.keyPrefix);
    expect(audited).toMatchObject({ actor_id: user.id, details: expect.objectContaining({ scope: 'personal', userId: user.id }) as unknown });

    expect((await h.api('DELETE', `${base}/users/me/api-keys/${created.id as string}`, undefined, as(user.token))).status).toBe(204);
    expect(await readSecrets('app')(key)).toBe(401);
    expect((await auditRows('apiKey.delete')).map((r) => r.target)).toContain(created.keyPrefix);
  });

  it('follow the user\'s role, and stop working when the user is disabled or deleted', async () => {
    const user = await userSession('cy@example.com', 'Admin');
    const created = await create(`${base}/users/me/api-keys`, {}, user.token);
    const key = created.apiKey as string;
    const users = () => h.host.services.knex('users').where({ id: user.id });
    expect(await readSecrets('app')(key)).toBe(200);

    await users().update({ tenant_role: 'Viewer' });
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(404);
    expect((await h.api('GET', `${base}/access-logs?limit=1`, undefined, as(key))).status).toBe(200);
    expect((await h.api('POST', `${base}/api-keys`, { role: 'Viewer' }, as(key))).status).toBe(404);
    expect((await h.api('GET', `${base}/keys/me`, undefined, as(key))).body).toMatchObject({ role: 'Viewer' });
    // A promotion applies just as fast.
    await users().update({ tenant_role: 'Owner' });
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(200);
    expect((await h.api('POST', `${base}/api-keys`, { role: 'Owner' }, as(key))).status).toBe(201);

    await users().update({ disabled: true });
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(401);
    await users().update({ disabled: false });
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(200);

    await h.host.services.knex('api_keys').where({ id: created.id as string }).update({ enabled: false });
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(401);
    await h.host.services.knex('api_keys').where({ id: created.id as string }).update({ enabled: true, expires_at: new Date(Date.now() - 1000) });
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(401);
    expect((await auditRows('auth.denied')).some((r) => r.actor_id === parseApiKey(key)!.keyId && r.details.reason === 'key expired')).toBe(true);
    await h.host.services.knex('api_keys').where({ id: created.id as string }).update({ expires_at: null });
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(200);

    expect((await h.api('DELETE', `${base}/users/${user.id}`)).status).toBe(204);
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(401);
    expect(await h.host.services.knex('api_keys').where({ id: created.id as string }).first()).toBeUndefined();
  });

  it('refuse a personal key whose user is gone even if the key row survives', async () => {
    const user = await userSession('dee@example.com', 'Admin');
    const key = (await create(`${base}/users/me/api-keys`, {}, user.token)).apiKey as string;
    // The key is refused once its user belongs to another tenant (as if deleted from this one).
    const { knex } = h.host.services;
    const [tenant] = await knex('tenants').insert({ slug: 'elsewhere', name: 'elsewhere' }).returning<Array<{ id: string }>>(['id']);
    await knex('users').where({ id: user.id }).update({ tenant_id: tenant!.id });
    await expect.poll(() => readSecrets('app')(key), { timeout: 1000, interval: 20 }).toBe(401);
    const rows = await auditRows('auth.denied');
    expect(rows.some((r) => r.actor_id === parseApiKey(key)!.keyId && r.details.reason === 'personal key of a user who no longer exists')).toBe(true);
  });
});
