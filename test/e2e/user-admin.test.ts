import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const PASSWORD = 'a long enough passphrase';

let h: TestHost;
const ids = new Map<string, string>();

async function createUser(email: string, tenantRole: string): Promise<string> {
  const res = await h.api('POST', `${base}/users`, { email, password: PASSWORD, tenantRole });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  ids.set(email, (res.body as Json).id as string);
  return (res.body as Json).id as string;
}

async function login(email: string): Promise<{ status: number; body: Json }> {
  const res = await h.api('POST', `${base}/auth/login`, { email, password: PASSWORD }, { authorization: '' });
  return { status: res.status, body: res.body as Json };
}

async function tokenOf(email: string): Promise<string> {
  const res = await login(email);
  expect(res.status).toBe(200);
  return res.body.accessToken as string;
}

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  h = await startTestHost();
  await createUser('owner@example.com', 'Owner');
  await createUser('admin@example.com', 'Admin');
  await createUser('user@example.com', 'User');
});
afterAll(async () => {
  await h?.close();
});

describe('user administration', () => {
  it('an Admin changes a User’s role; the demotion or promotion applies to the next request', async () => {
    const admin = await tokenOf('admin@example.com');
    const user = await tokenOf('user@example.com');
    expect((await h.api('GET', `${base}/access-logs`, undefined, bearer(user))).status).toBe(404);
    const res = await h.api('PATCH', `${base}/users/${ids.get('user@example.com')!}`, { tenantRole: 'Viewer' }, bearer(admin));
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body).toMatchObject({ email: 'user@example.com', tenantRole: 'Viewer', disabled: false });
    expect((await h.api('GET', `${base}/access-logs`, undefined, bearer(user))).status).toBe(200);
    const audit = await h.api('GET', `${base}/access-logs?action=user.update`);
    expect(((audit.body as Json).items as Json[])[0]).toMatchObject({ target: 'user@example.com', outcome: 'success' });
  });

  it('refuses bad requests: empty change, unknown field or role, unknown user', async () => {
    const id = ids.get('user@example.com')!;
    expect((await h.api('PATCH', `${base}/users/${id}`, {})).status).toBe(400);
    expect((await h.api('PATCH', `${base}/users/${id}`, { tenantRole: 'Root' })).status).toBe(400);
    expect((await h.api('PATCH', `${base}/users/${id}`, { password: 'x' })).status).toBe(400);
    expect((await h.api('PATCH', `${base}/users/00000000-0000-4000-8000-000000000000`, { disabled: true })).status).toBe(404);
    const user = await tokenOf('user@example.com');
    expect((await h.api('PATCH', `${base}/users/${id}`, { tenantRole: 'Admin' }, bearer(user))).status).toBe(404);
  });

  it('only an Owner changes, deletes or makes an Owner (403 for an Admin)', async () => {
    const admin = await tokenOf('admin@example.com');
    const owner = ids.get('owner@example.com')!;
    for (const [method, path, body] of [
      ['PATCH', `/users/${owner}`, { tenantRole: 'Admin' }],
      ['PATCH', `/users/${owner}`, { disabled: true }],
      ['DELETE', `/users/${owner}`, undefined],
      ['PATCH', `/users/${ids.get('user@example.com')!}`, { tenantRole: 'Owner' }],
    ] as const) {
      const res = await h.api(method, `${base}${path}`, body, bearer(admin));
      expect(res.status, `${method} ${path}`).toBe(403);
      expect((res.body as Json).detail).toContain('only an Owner');
    }
    expect((await tokenOf('owner@example.com')).length).toBeGreaterThan(0);
  });

  it('the last enabled Owner cannot be demoted, disabled or deleted (409 with the reason)', async () => {
    const ownerToken = await tokenOf('owner@example.com');
    const owner = ids.get('owner@example.com')!;
    for (const [method, body] of [['PATCH', { tenantRole: 'Admin' }], ['PATCH', { disabled: true }], ['DELETE', undefined]] as const) {
      const res = await h.api(method, `${base}/users/${owner}`, body, bearer(ownerToken));
      expect(res.status, `${method} ${JSON.stringify(body)}`).toBe(409);
      expect((res.body as Json).detail).toContain('last enabled Owner');
    }
    // With a second Owner, the first may step down.
    await createUser('owner2@example.com', 'Owner');
    const stepDown = await h.api('PATCH', `${base}/users/${owner}`, { tenantRole: 'Admin' }, bearer(ownerToken));
    expect(stepDown.status).toBe(200);
    expect(stepDown.body).toMatchObject({ tenantRole: 'Admin' });
    // A disabled Owner does not count as one.
    const owner2 = ids.get('owner2@example.com')!;
    expect((await h.api('PATCH', `${base}/users/${owner2}`, { disabled: true })).status).toBe(409);
  });

  it('disabling a user stops their access token, refresh token and personal keys at once; enabling restores login', async () => {
    const email = 'worker@example.com';
    const id = await createUser(email, 'Admin');
    const session = await login(email);
    const token = session.body.accessToken as string;
    const personal = await h.api('POST', `${base}/users/me/api-keys`, { clientName: 'laptop' }, bearer(token));
    expect(personal.status).toBe(201);
    const personalKey = (personal.body as Json).apiKey as string;
    expect((await h.api('GET', `${base}/users`, undefined, bearer(personalKey))).status).toBe(200);

    const disabled = await h.api('PATCH', `${base}/users/${id}`, { disabled: true });
    expect(disabled.status).toBe(200);
    expect(disabled.body).toMatchObject({ disabled: true });
    expect((await h.api('GET', `${base}/users`, undefined, bearer(token))).status).toBe(401);
    expect((await h.api('GET', `${base}/users`, undefined, bearer(personalKey))).status).toBe(401);
    expect((await h.api('POST', `${base}/auth/refresh`, { refreshToken: session.body.refreshToken }, { authorization: '' })).status).toBe(401);
    expect((await login(email)).status).toBe(401);

    expect((await h.api('PATCH', `${base}/users/${id}`, { disabled: false })).body).toMatchObject({ disabled: false });
    const again = await login(email);
    expect(again.status).toBe(200);
    // The refresh token issued before the user was disabled stays revoked.
    expect((await h.api('POST', `${base}/auth/refresh`, { refreshToken: session.body.refreshToken }, { authorization: '' })).status).toBe(401);
    expect((await h.api('GET', `${base}/users`, undefined, bearer(again.body.accessToken as string))).status).toBe(200);
  });

  it('deleting a user stops their tokens; deleting an unknown user is 404', async () => {
    const id = await createUser('gone@example.com', 'User');
    const token = await tokenOf('gone@example.com');
    expect((await h.api('DELETE', `${base}/users/${id}`)).status).toBe(204);
    expect((await h.api('GET', `${base}/providers`, undefined, bearer(token))).status).toBe(401);
    expect((await h.api('DELETE', `${base}/users/${id}`)).status).toBe(404);
  });
});
