import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const PASSWORD = 'a long enough passphrase';

let h: TestHost;
const users = new Map<string, { id: string; token: string }>();

async function user(email: string, tenantRole = 'User'): Promise<{ id: string; token: string }> {
  const created = await h.api('POST', `${base}/users`, { email, password: PASSWORD, tenantRole });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const login = await h.api('POST', `${base}/auth/login`, { email, password: PASSWORD }, { authorization: '' });
  expect(login.status).toBe(200);
  const entry = { id: (created.body as Json).id as string, token: (login.body as Json).accessToken as string };
  users.set(email, entry);
  return entry;
}

function as(email: string) {
  const token = users.get(email)!.token;
  return (method: string, path: string, body?: unknown) => h.api(method, path, body, { authorization: `Bearer ${token}` });
}

const slugs = (body: unknown) => ((body as Json).items as Json[]).map((i) => i.slug).sort();

beforeAll(async () => {
  h = await startTestHost();
  for (const project of ['app', 'other']) {
    expect((await h.api('POST', `${base}/projects`, { name: project })).status).toBe(201);
    for (const env of ['dev', 'prod']) expect((await h.api('POST', `${base}/projects/${project}/environments`, { name: env })).status).toBe(201);
  }
  for (const env of ['dev', 'prod']) {
    expect((await h.api('PUT', `${base}/projects/app/environments/${env}/providers/system/secrets/DB`, { value: `${env}-db` })).status).toBeLessThan(300);
  }
  await user('owner@example.com');
  await user('manager@example.com');
  await user('member@example.com');
  await user('consumer@example.com');
  await user('viewer@example.com', 'Viewer');
  await user('admin@example.com', 'Admin');
  for (const [email, role] of [['owner', 'Owner'], ['manager', 'Manager'], ['member', 'Member'], ['consumer', 'Consumer'], ['viewer', 'Consumer']] as const) {
    const res = await h.api('POST', `${base}/projects/app/members`, { email: `${email}@example.com`, role });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ email: `${email}@example.com`, role });
  }
});
afterAll(async () => {
  await h?.close();
});

describe('project memberships', () => {
  it('list only the projects a member belongs to; other projects are 404, not 403', async () => {
    const member = as('member@example.com');
    expect(slugs((await member('GET', `${base}/projects`)).body)).toEqual(['app']);
    expect((await member('GET', `${base}/projects/app`)).status).toBe(200);
    for (const path of ['/projects/other', '/projects/other/environments', '/projects/other/environments/dev', '/projects/other/environments/dev/secrets', '/projects/nope']) {
      const res = await member('GET', `${base}${path}`);
      expect(res.status, path).toBe(404);
      expect(JSON.stringify(res.body)).not.toContain('forbidden');
    }
    // The admin sees everything.
    expect(slugs((await as('admin@example.com')('GET', `${base}/projects`)).body)).toEqual(['app', 'other']);
    // A tenant User without memberships lists nothing.
    await user('loner@example.com');
    expect((await as('loner@example.com')('GET', `${base}/projects`)).body).toMatchObject({ items: [], total: 0 });
  });

  it('a member’s personal key acts with the member’s project roles, as they are at each request', async () => {
    await user('keyholder@example.com');
    const id = users.get('keyholder@example.com')!.id;
    expect((await h.api('POST', `${base}/projects/app/members`, { userId: id, role: 'Consumer' })).status).toBe(201);
    const created = await as('keyholder@example.com')('POST', `${base}/users/me/api-keys`, { clientName: 'laptop' });
    expect(created.status).toBe(201);
    const personal = (created.body as Json).apiKey as string;
    const read = () => h.api('GET', `${base}/projects/app/environments/dev/secrets`, undefined, { authorization: `Bearer ${personal}` });
    expect((await read()).status).toBe(200);
    expect((await h.api('GET', `${base}/projects/other/environments/dev/secrets`, undefined, { authorization: `Bearer ${personal}` })).status).toBe(404);
    expect((await h.api('DELETE', `${base}/projects/app/members/${id}`)).status).toBe(204);
    expect((await read()).status).toBe(404);
  });

  it('a tenant Viewer member reads the project by the project role and keeps audit.read', async () => {
    const viewer = as('viewer@example.com');
    expect(((await viewer('GET', `${base}/projects/app/environments/dev/secrets`)).body as Json).secrets).toMatchObject({ DB: 'dev-db' });
    expect((await viewer('PUT', `${base}/projects/app/environments/dev/providers/system/secrets/DB`, { value: 'x' })).status).toBe(404);
    expect((await viewer('GET', `${base}/access-logs`)).status).toBe(200);
  });

  it('validates who is added: exactly one of userId and email, a user of the tenant, not twice', async () => {
    const both = await h.api('POST', `${base}/projects/app/members`, { userId: users.get('loner@example.com')!.id, email: 'loner@example.com', role: 'Member' });
    expect(both.status).toBe(400);
    expect((both.body as Json).detail).toContain('userId');
    const nobody = await h.api('POST', `${base}/projects/app/members`, { email: 'nobody@example.com', role: 'Member' });
    expect(nobody.status).toBe(400);
    expect((nobody.body as Json).detail).toContain('email');
    const badRole = await h.api('POST', `${base}/projects/app/members`, { email: 'loner@example.com', role: 'Admin' });
    expect(badRole.status).toBe(400);
    const again = await h.api('POST', `${base}/projects/app/members`, { email: 'member@example.com', role: 'Consumer' });
    expect(again.status).toBe(409);
    const list = await h.api('GET', `${base}/projects/app/members`);
    expect(((list.body as Json).items as Json[]).map((m) => `${m.email as string}:${m.role as string}`).sort()).toEqual([
      'consumer@example.com:Consumer',
      'manager@example.com:Manager',
      'member@example.com:Member',
      'owner@example.com:Owner',
      'viewer@example.com:Consumer',
    ]);
  });

  it('project Owners manage members and Manager keys; Managers do neither', async () => {
    const owner = as('owner@example.com');
    const manager = as('manager@example.com');
    const added = await owner('POST', `${base}/projects/app/members`, { email: 'loner@example.com', role: 'Consumer' });
    expect(added.status).toBe(201);
    expect((await owner('DELETE', `${base}/projects/app/members/${users.get('loner@example.com')!.id}`)).status).toBe(204);
    expect((await manager('POST', `${base}/projects/app/members`, { email: 'loner@example.com', role: 'Consumer' })).status).toBe(404);
    expect((await owner('POST', `${base}/projects/app/api-keys`, {})).status).toBe(201);
    expect((await manager('GET', `${base}/projects/app/api-keys`)).status).toBe(200);
    expect((await manager('POST', `${base}/projects/app/api-keys`, {})).status).toBe(404);
    // Members of "app" manage nothing in "other".
    expect((await owner('GET', `${base}/projects/other/members`)).status).toBe(404);
  });

  it('a role change and a removal apply to the very next request', async () => {
    const consumer = as('consumer@example.com');
    const id = users.get('consumer@example.com')!.id;
    const write = () => consumer('PUT', `${base}/projects/app/environments/dev/providers/system/secrets/C`, { value: 'c' });
    expect((await write()).status).toBe(404);
    expect((await h.api('PUT', `${base}/projects/app/members/${id}`, { role: 'Member' })).body).toMatchObject({ role: 'Member' });
    expect((await write()).status).toBeLessThan(300);
    expect((await h.api('DELETE', `${base}/projects/app/members/${id}`)).status).toBe(204);
    expect((await consumer('GET', `${base}/projects/app/environments/dev/secrets`)).status).toBe(404);
    expect((await consumer('GET', `${base}/projects`)).body).toMatchObject({ items: [] });
    expect((await h.api('DELETE', `${base}/projects/app/members/${id}`)).status).toBe(404);
    const audit = await h.api('GET', `${base}/access-logs?action=member.remove`);
    expect(((audit.body as Json).items as Json[]).some((row) => row.target === 'consumer@example.com')).toBe(true);
  });
});

describe('environment member lists', () => {
  it('restrict an environment to its listed members (and project Owners and tenant admins)', async () => {
    const member = as('member@example.com');
    const manager = as('manager@example.com');
    const owner = as('owner@example.com');
    const prod = await h.api('GET', `${base}/projects/app/environments/prod`);
    const prodId = (prod.body as Json).id as string;
    expect((await h.api('GET', `${base}/projects/app/environments/prod/members`)).body).toEqual({ restricted: false, items: [] });

    const notMember = await h.api('POST', `${base}/projects/app/environments/prod/members`, { email: 'loner@example.com' });
    expect(notMember.status).toBe(409);
    expect((notMember.body as Json).detail).toContain('not a member of project');
    const restricted = await owner('POST', `${base}/projects/app/environments/prod/members`, { email: 'manager@example.com' });
    expect(restricted.status, JSON.stringify(restricted.body)).toBe(201);
    expect(restricted.body).toMatchObject({ restricted: true, items: [{ email: 'manager@example.com', role: 'Manager' }] });

    // The member is shut out of prod, in every way, with 404.
    for (const [method, path] of [
      ['GET', '/projects/app/environments/prod'],
      ['GET', '/projects/app/environments/prod/secrets'],
      ['GET', '/projects/app/environments/prod/secrets/version'],
      ['GET', '/projects/app/environments/prod/providers/system/secrets/DB'],
      ['GET', `/environments/${prodId}/api-keys`],
    ] as const) {
      expect((await member(method, `${base}${path}`)).status, path).toBe(404);
    }
    expect((await member('PUT', `${base}/projects/app/environments/prod/providers/system/secrets/DB`, { value: 'x' })).status).toBe(404);
    expect(slugs((await member('GET', `${base}/projects/app/environments`)).body)).toEqual(['dev']);
    expect(((await member('GET', `${base}/projects/app/environments/dev/secrets`)).body as Json).secrets).toMatchObject({ DB: 'dev-db' });

    // The listed manager, the project Owner and a tenant Admin still use it.
    expect(((await manager('GET', `${base}/projects/app/environments/prod/secrets`)).body as Json).secrets).toMatchObject({ DB: 'prod-db' });
    expect((await manager('GET', `${base}/environments/${prodId}/api-keys`)).status).toBe(200);
    expect(slugs((await manager('GET', `${base}/projects/app/environments`)).body)).toEqual(['dev', 'prod']);
    expect((await owner('GET', `${base}/projects/app/environments/prod/secrets`)).status).toBe(200);
    expect(slugs((await owner('GET', `${base}/projects/app/environments`)).body)).toEqual(['dev', 'prod']);
    expect((await as('admin@example.com')('GET', `${base}/projects/app/environments/prod/secrets`)).status).toBe(200);
    // The manager may not change the list (members.write is the Owner's).
    expect((await manager('DELETE', `${base}/projects/app/environments/prod/members/${users.get('manager@example.com')!.id}`)).status).toBe(404);

    // Putting the member on the list lets them in at once; taking the last one off lifts the restriction.
    expect((await owner('POST', `${base}/projects/app/environments/prod/members`, { userId: users.get('member@example.com')!.id })).status).toBe(201);
    expect((await member('GET', `${base}/projects/app/environments/prod/secrets`)).status).toBe(200);
    expect((await owner('DELETE', `${base}/projects/app/environments/prod/members/${users.get('member@example.com')!.id}`)).status).toBe(204);
    expect((await member('GET', `${base}/projects/app/environments/prod/secrets`)).status).toBe(404);
    expect((await owner('DELETE', `${base}/projects/app/environments/prod/members/${users.get('manager@example.com')!.id}`)).status).toBe(204);
    expect((await member('GET', `${base}/projects/app/environments/prod/secrets`)).status).toBe(200);
  });

  it('removing a project membership also takes the user off the environment lists', async () => {
    const managerId = users.get('manager@example.com')!.id;
    expect((await h.api('POST', `${base}/projects/app/environments/dev/members`, { userId: managerId })).status).toBe(201);
    expect((await h.api('DELETE', `${base}/projects/app/members/${managerId}`)).status).toBe(204);
    expect((await h.api('GET', `${base}/projects/app/environments/dev/members`)).body).toEqual({ restricted: false, items: [] });
    expect((await h.api('POST', `${base}/projects/app/members`, { userId: managerId, role: 'Manager' })).status).toBe(201);
    expect((await as('member@example.com')('GET', `${base}/projects/app/environments/dev/secrets`)).status).toBe(200);
  });
});
