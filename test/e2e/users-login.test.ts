import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const PASSWORD = 'correct horse battery staple';

let h: TestHost;

beforeAll(async () => {
  h = await startTestHost();
  expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
});
afterAll(async () => {
  await h?.close();
});

async function createUser(email: string, tenantRole = 'Admin', password = PASSWORD): Promise<Json> {
  const res = await h.api('POST', `${base}/users`, { email, password, tenantRole });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body as Json;
}

/** A login that needs no credentials: no bootstrap key is sent. */
function anonymous(method: string, path: string, body?: unknown) {
  return h.api(method, path, body, { authorization: '' });
}

async function login(email: string, password = PASSWORD): Promise<{ status: number; body: Json; headers: Headers }> {
  const res = await anonymous('POST', `${base}/auth/login`, { email, password });
  return { status: res.status, body: res.body as Json, headers: res.headers };
}

function b64url(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function hs256(payload: Json, key: Buffer): string {
  const unsigned = `${b64url({ alg: 'HS256', typ: 'JWT' })}.${b64url(payload)}`;
  return `${unsigned}.${createHmac('sha256', key).update(unsigned).digest('base64url')}`;
}

function withoutRequestId(body: Json): Json {
  const { instance: _instance, ...rest } = body;
  return rest;
}

describe('users and login', () => {
  it('the bootstrap key creates a user, who logs in and reads projects with the JWT', async () => {
    const created = await createUser('Alice@Example.com');
    expect(Object.keys(created).sort()).toEqual(['createdAt', 'email', 'id', 'tenantRole']);
    expect(created.email).toBe('alice@example.com');
    expect(JSON.stringify(created)).not.toContain(PASSWORD);

    const duplicate = await h.api('POST', `${base}/users`, { email: 'alice@example.COM', password: PASSWORD, tenantRole: 'User' });
    expect(duplicate.status).toBe(409);

    const list = await h.api('GET', `${base}/users`);
    expect(list.status).toBe(200);
    expect(((list.body as Json).items as Json[]).map((u) => u.email)).toContain('alice@example.com');
    expect(JSON.stringify(list.body)).not.toContain('scrypt');

    const res = await login('ALICE@example.com');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.tokenType).toBe('Bearer');
    const [header, payload] = (res.body.accessToken as string).split('.').slice(0, 2).map((part) => JSON.parse(Buffer.from(part, 'base64url').toString()) as Json);
    expect(header!.alg).toBe('HS256');
    expect(payload).toMatchObject({ sub: created.id, iss: 'keygate', role: 'Admin' });
    expect((payload!.exp as number) - (payload!.iat as number)).toBe(900);
    expect(typeof payload!.jti).toBe('string');
    expect(Date.parse(res.body.expiresAt as string)).toBe((payload!.exp as number) * 1000);

    const projects = await h.api('GET', `${base}/projects`, undefined, bearer(res.body.accessToken as string));
    expect(projects.status).toBe(200);
    expect(((projects.body as Json).items as Json[]).map((p) => p.slug)).toContain('app');
  });

  it('refuses short passwords naming the field, never the value', async () => {
    const res = await h.api('POST', `${base}/users`, { email: 'short@example.com', password: 'tooshort', tenantRole: 'User' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('password');
    expect(JSON.stringify(res.body)).not.toContain('tooshort');
  });

  it('answers a wrong password and an unknown email with identical 401s', async () => {
    await createUser('bob@example.com', 'User');
    const wrong = await login('bob@example.com', 'not the password at all');
    const unknown = await login('nobody@example.com', 'not the password at all');
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(withoutRequestId(wrong.body)).toEqual(withoutRequestId(unknown.body));
  });

  it('rate-limits failed logins: the 6th failure within 15 minutes is a 429 with Retry-After', async () => {
    await createUser('carol@example.com', 'User');
    for (let i = 0; i < 5; i++) expect((await login('carol@example.com', `wrong password ${i}`)).status).toBe(401);
    const limited = await login('carol@example.com', 'wrong password 6');
    expect(limited.status).toBe(429);
    expect(limited.body.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right password waits.
    expect((await login('carol@example.com')).status).toBe(429);
  });

  it('rotates refresh tokens; a reused one revokes them all', async () => {
    await createUser('dave@example.com', 'User');
    const first = (await login('dave@example.com')).body;
    const second = await anonymous('POST', `${base}/auth/refresh`, { refreshToken: first.refreshToken });
    expect(second.status).toBe(200);
    const pair = second.body as Json;
    expect(pair.refreshToken).not.toBe(first.refreshToken);
    expect((await h.api('GET', `${base}/projects`, undefined, bearer(pair.accessToken as string))).status).toBe(200);

    // The old one is refused, and its reuse revokes the new one too (theft detection).
    expect((await anonymous('POST', `${base}/auth/refresh`, { refreshToken: first.refreshToken })).status).toBe(401);
    expect((await anonymous('POST', `${base}/auth/refresh`, { refreshToken: pair.refreshToken })).status).toBe(401);
    expect((await anonymous('POST', `${base}/auth/refresh`, { refreshToken: 'made-up' })).status).toBe(401);
  });

  it('logs out one refresh token, or all', async () => {
    await createUser('erin@example.com', 'User');
    const a = (await login('erin@example.com')).body;
    const b = (await login('erin@example.com')).body;
    const out = await h.api('POST', `${base}/auth/logout`, { refreshToken: a.refreshToken }, bearer(a.accessToken as string));
    expect(out.status).toBe(204);
    expect((await anonymous('POST', `${base}/auth/refresh`, { refreshToken: a.refreshToken })).status).toBe(401);

    // Logging out all needs the access token; without credentials it is a 401.
    expect((await anonymous('POST', `${base}/auth/logout`, { all: true })).status).toBe(401);
    expect((await h.api('POST', `${base}/auth/logout`, { all: true }, bearer(b.accessToken as string))).status).toBe(204);
    expect((await anonymous('POST', `${base}/auth/refresh`, { refreshToken: b.refreshToken })).status).toBe(401);
  });

  it("stops a disabled or deleted user's JWT", async () => {
    const frank = await createUser('frank@example.com', 'User');
    const token = (await login('frank@example.com')).body.accessToken as string;
    const read = () => h.api('GET', `${base}/projects`, undefined, bearer(token)).then((r) => r.status);
    expect(await read()).toBe(200);
    await h.host.services.knex('users').where({ id: frank.id as string }).update({ disabled: true });
    await expect.poll(read).toBe(401);
    expect((await login('frank@example.com')).status).toBe(401);
    await h.host.services.knex('users').where({ id: frank.id as string }).update({ disabled: false });
    await expect.poll(read).toBe(200);

    expect((await h.api('DELETE', `${base}/users/${frank.id as string}`)).status).toBe(204);
    await expect.poll(read).toBe(401);
    expect((await h.api('DELETE', `${base}/users/${frank.id as string}`)).status).toBe(404);
  });

  it('refuses forged and expired JWTs', async () => {
    const grace = await createUser('grace@example.com', 'Owner');
    const now = Math.floor(Date.now() / 1000);
    const tenantId = h.host.bootstrap.tenantId;
    const claims = { sub: grace.id, tid: tenantId, role: 'Owner', iss: 'keygate', iat: now, exp: now + 900, jti: randomUUID() };
    const none = `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;
    const otherKey = hs256(claims, randomBytes(32));
    const expired = (await h.host.services.tokens.sign({ userId: grace.id as string, tenantId, role: 'Owner' }, Date.now() - 16 * 60_000)).token;
    const good = (await h.host.services.tokens.sign({ userId: grace.id as string, tenantId, role: 'Owner' })).token;
    for (const token of [none, otherKey, expired, 'not-a-jwt']) {
      const res = await h.api('GET', `${base}/projects`, undefined, bearer(token));
      expect(res.status, token).toBe(401);
    }
    expect((await h.api('GET', `${base}/projects`, undefined, bearer(good))).status).toBe(200);
  });

  it('applies the tenant role: a Viewer cannot create projects or users', async () => {
    await createUser('viewer@example.com', 'Viewer');
    const token = (await login('viewer@example.com')).body.accessToken as string;
    expect((await h.api('GET', `${base}/projects`, undefined, bearer(token))).status).toBe(200);
    expect((await h.api('POST', `${base}/projects`, { name: 'nope' }, bearer(token))).status).toBe(404);
    expect((await h.api('POST', `${base}/users`, { email: 'x@example.com', password: PASSWORD, tenantRole: 'Owner' }, bearer(token))).status).toBe(404);
    expect((await h.api('GET', `${base}/users`, undefined, bearer(token))).status).toBe(404);
  });

  it('audits logins without ever recording a password', async () => {
    await h.host.services.audit.flush();
    const rows = await h.host.services.knex('audit_events').whereIn('action', ['auth.login', 'auth.refresh', 'user.create', 'auth.logout', 'auth.denied']).select<Json[]>('*');
    const logins = rows.filter((r) => r.action === 'auth.login');
    expect(logins.some((r) => r.outcome === 'success' && r.actor_type === 'user')).toBe(true);
    expect(logins.some((r) => r.outcome === 'denied' && (r.details as Json).reason === 'wrong password')).toBe(true);
    expect(logins.some((r) => r.outcome === 'denied' && (r.details as Json).reason === 'unknown email')).toBe(true);
    const all = JSON.stringify(await h.host.services.knex('audit_events').select('*'));
    for (const secret of [PASSWORD, 'not the password at all', 'wrong password 6', 'tooshort']) expect(all).not.toContain(secret);
  });
});
