import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { request } from 'node:http';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';

let h: TestHost;
beforeAll(async () => {
  h = await startTestHost();
});
afterAll(async () => {
  await h?.close();
});

function rawStatus(method: string, path: string, body: unknown): Promise<number> {
  const url = new URL(h.url);
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, method, path, headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

async function ok(method: string, path: string, body?: unknown, expected = 200): Promise<Json> {
  const res = await h.api(method, path, body);
  expect(res.status, `${method} ${path}: ${JSON.stringify(res.body)}`).toBe(expected);
  return res.body as Json;
}

describe('health and authentication', () => {
  it('answers health and readiness without a key', async () => {
    expect((await h.api('GET', '/healthz', undefined, { authorization: '' })).status).toBe(200);
    const ready = await fetch(`${h.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ok' });
  });

  it('refuses every API route without a valid key, as problem+json', async () => {
    const noKey = await fetch(`${h.url}${base}/projects`);
    expect(noKey.status).toBe(401);
    expect(noKey.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const body = (await noKey.json()) as Json;
    expect(body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });

    const wrongSecret = h.apiKey.slice(0, -4) + (h.apiKey.endsWith('0000') ? '1111' : '0000');
    for (const authorization of ['Bearer nope', `Bearer ${wrongSecret}`, `Basic ${h.apiKey}`, `Bearer bax-${'0'.repeat(32)}-${'0'.repeat(64)}`]) {
      const res = await h.api('GET', `${base}/projects`, undefined, { authorization });
      expect(res.status, authorization).toBe(401);
    }
    // Unknown routes under /api do not reveal themselves to anonymous callers either.
    expect((await fetch(`${h.url}${base}/nothing-here`)).status).toBe(401);
  });

  it('answers an unknown route with a 404 problem for an authenticated caller', async () => {
    const res = await h.api('GET', `${base}/nothing-here`);
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ status: 404 });
  });
});

describe('providers', () => {
  it('lists the system provider and the catalog with JSON Schemas', async () => {
    const list = await ok('GET', `${base}/providers`);
    expect(list.total).toBe(1);
    expect((list.items as Json[])[0]).toMatchObject({ slug: 'system', type: 'Local', isSystem: true });
    const catalog = await ok('GET', `${base}/providers/catalog`);
    const local = (catalog.types as Json[]).find((t) => t.type === 'Local');
    expect(local).toMatchObject({ plugin: { name: '@keygate/provider-local' } });
    expect((local!.configSchema as Json).type).toBe('object');
  });

  it('creates, reads, updates and deletes a provider', async () => {
    const created = await ok('POST', `${base}/providers`, { name: 'Second Local', type: 'Local', description: 'for tests' }, 201);
    expect(created).toMatchObject({ slug: 'second-local', name: 'Second Local', type: 'Local', isSystem: false });
    expect(created.capabilities).toMatchObject({ versions: true, compareAndSet: true });
    const byId = await ok('GET', `${base}/providers/${String(created.id)}`);
    expect(byId.slug).toBe('second-local');
    const updated = await ok('PUT', `${base}/providers/second-local`, { description: 'changed' });
    expect(updated.description).toBe('changed');
    await ok('DELETE', `${base}/providers/second-local`, undefined, 204);
    expect((await h.api('GET', `${base}/providers/second-local`)).status).toBe(404);
  });

  it('refuses an unknown type, a bad configuration, a duplicate slug and deleting the system provider', async () => {
    const unknownType = await h.api('POST', `${base}/providers`, { name: 'x', type: 'Nope' });
    expect(unknownType.status).toBe(400);
    expect((unknownType.body as Json).detail).toMatch(/unknown provider type "Nope"/);

    const badConfig = await h.api('POST', `${base}/providers`, { name: 'x', type: 'Local', configuration: { bogus: 1 } });
    expect(badConfig.status).toBe(400);
    expect((badConfig.body as Json).detail).toMatch(/configuration/);

    await ok('POST', `${base}/providers`, { name: 'Dup', slug: 'dup', type: 'Local' }, 201);
    const dup = await h.api('POST', `${base}/providers`, { name: 'Dup', slug: 'dup', type: 'Local' });
    expect(dup.status).toBe(409);

    const system = await h.api('DELETE', `${base}/providers/system`);
    expect(system.status).toBe(409);
    expect((system.body as Json).detail).toMatch(/system provider/);
  });

  it('names the unknown field and the bad slug', async () => {
    const unknown = await h.api('POST', `${base}/providers`, { name: 'x', type: 'Local', typo: true });
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toMatch(/typo/);
    const badSlug = await h.api('POST', `${base}/providers`, { name: 'x', slug: 'Not A Slug', type: 'Local' });
    expect(badSlug.status).toBe(400);
    expect((badSlug.body as { errors: Json[] }).errors[0]!.path).toBe('body.slug');
  });
});

describe('projects and environments', () => {
  it('creates a project with the system provider, derives slugs, pages lists', async () => {
    const project = await ok('POST', `${base}/projects`, { name: 'Billing API' }, 201);
    expect(project.slug).toBe('billing-api');
    const again = await ok('POST', `${base}/projects`, { name: 'Billing API' }, 201);
    expect(again.slug).toBe('billing-api-2');
    const providers = await ok('GET', `${base}/projects/billing-api/providers`);
    expect((providers.items as Json[]).map((p) => p.slug)).toEqual(['system']);

    const page1 = await ok('GET', `${base}/projects?limit=1&offset=0`);
    expect(page1).toMatchObject({ limit: 1, offset: 0 });
    expect((page1.items as Json[]).length).toBe(1);
    expect(page1.total as number).toBeGreaterThanOrEqual(2);
    expect((await h.api('GET', `${base}/projects?limit=0`)).status).toBe(400);
    expect((await h.api('GET', `${base}/projects?unknown=1`)).status).toBe(400);

    await ok('PUT', `${base}/projects/billing-api-2`, { description: 'second' });
    await ok('DELETE', `${base}/projects/billing-api-2`, undefined, 204);
    expect((await h.api('GET', `${base}/projects/billing-api-2`)).status).toBe(404);
  });

  it('creates environments with the project providers and keeps priority order', async () => {
    await ok('POST', `${base}/providers`, { name: 'Overrides', type: 'Local' }, 201);
    await ok('POST', `${base}/projects`, { name: 'Shop', providerIds: ['system', 'overrides'] }, 201);
    const env = await ok('POST', `${base}/projects/shop/environments`, { name: 'Production' }, 201);
    expect(env).toMatchObject({ slug: 'production', providers: ['system', 'overrides'] });

    // A provider not assigned to the project is refused, naming it.
    await ok('POST', `${base}/providers`, { name: 'Elsewhere', type: 'Local' }, 201);
    const refused = await h.api('POST', `${base}/projects/shop/environments`, { name: 'dev', providerIds: ['elsewhere'] });
    expect(refused.status).toBe(400);
    expect((refused.body as Json).detail).toMatch(/"elsewhere" not assigned to project "shop"/);

    // Same key in both providers: the earlier provider wins; reordering flips it.
    await ok('PUT', `${base}/projects/shop/environments/production/providers/system/secrets/COLOR`, { value: 'from-system' });
    await ok('PUT', `${base}/projects/shop/environments/production/providers/overrides/secrets/COLOR`, { value: 'from-overrides' });
    await ok('PUT', `${base}/projects/shop/environments/production/providers/overrides/secrets/ONLY_OVERRIDE`, { value: 'x' });
    let all = await ok('GET', `${base}/projects/shop/environments/production/secrets`);
    expect(all.secrets).toEqual({ COLOR: 'from-system', ONLY_OVERRIDE: 'x' });
    const reordered = await ok('PUT', `${base}/projects/shop/environments/production/providers`, { providerIds: ['overrides', 'system'] });
    expect((reordered.items as Json[]).map((p) => p.slug)).toEqual(['overrides', 'system']);
    all = await ok('GET', `${base}/projects/shop/environments/production/secrets`);
    expect((all.secrets as Json).COLOR).toBe('from-overrides');

    // Unassigning a provider an environment uses is refused; the last provider cannot be removed.
    expect((await h.api('DELETE', `${base}/projects/shop/providers/overrides`)).status).toBe(409);
    await ok('DELETE', `${base}/projects/shop/environments/production/providers/overrides`, undefined, 204);
    expect((await h.api('DELETE', `${base}/projects/shop/environments/production/providers/system`)).status).toBe(409);
    await ok('DELETE', `${base}/projects/shop/providers/overrides`, undefined, 204);
    // A provider still assigned somewhere cannot be deleted.
    expect((await h.api('DELETE', `${base}/providers/system`)).status).toBe(409);
  });
});

describe('secrets', () => {
  const env = `${base}/projects/app/environments/dev`;
  beforeAll(async () => {
    await ok('POST', `${base}/projects`, { name: 'app' }, 201);
    await ok('POST', `${base}/projects/app/environments`, { name: 'dev' }, 201);
  });

  it('writes, reads, lists and deletes with the exact environment read shape', async () => {
    const before = await ok('GET', `${env}/secrets/version`);
    const created = await ok('POST', `${env}/providers/system/secrets`, { key: 'DATABASE_URL', value: 'postgres://u:p@db/app', description: 'main db', tags: { scope: 'db read' } }, 201);
    expect(created).toMatchObject({ key: 'DATABASE_URL', provider: 'system', description: 'main db', type: 'string', tags: { scope: 'db read' } });
    expect(created).not.toHaveProperty('value');
    expect((await h.api('POST', `${env}/providers/system/secrets`, { key: 'DATABASE_URL', value: 'again' })).status).toBe(409);

    const one = await ok('GET', `${env}/providers/system/secrets/DATABASE_URL`);
    expect(one).toMatchObject({ key: 'DATABASE_URL', value: 'postgres://u:p@db/app', description: 'main db' });

    const all = await ok('GET', `${env}/secrets`);
    expect(Object.keys(all).sort()).toEqual(['environmentName', 'environmentSlug', 'lastModified', 'secrets', 'version']);
    expect(all).toMatchObject({ environmentSlug: 'dev', environmentName: 'dev', secrets: { DATABASE_URL: 'postgres://u:p@db/app' } });
    expect(all.version).toBe((before.version as number) + 1);

    const list = await ok('GET', `${env}/providers/system/secrets`);
    expect(list.items).toEqual([expect.objectContaining({ key: 'DATABASE_URL', description: 'main db' })]);
    expect(JSON.stringify(list)).not.toContain('postgres://u:p@db/app');

    await ok('DELETE', `${env}/providers/system/secrets/DATABASE_URL`, undefined, 204);
    expect((await h.api('GET', `${env}/providers/system/secrets/DATABASE_URL`)).status).toBe(404);
    expect((await h.api('DELETE', `${env}/providers/system/secrets/DATABASE_URL`)).status).toBe(404);
    const after = await ok('GET', `${env}/secrets/version`);
    expect(after.version).toBe((before.version as number) + 2);
  });

  it('reads a key named like an object prototype member as a plain secret', async () => {
    for (const key of ['__proto__', 'constructor', 'toString']) await ok('PUT', `${env}/providers/system/secrets/${key}`, { value: `v-${key}` });
    const all = await ok('GET', `${env}/secrets`);
    const secrets = JSON.parse(JSON.stringify(all.secrets)) as Record<string, unknown>;
    expect(Object.getOwnPropertyNames(secrets).sort()).toEqual(['__proto__', 'constructor', 'toString']);
    expect(Object.entries(secrets).sort()).toEqual([['__proto__', 'v-__proto__'], ['constructor', 'v-constructor'], ['toString', 'v-toString']]);
    for (const key of ['__proto__', 'constructor', 'toString']) await ok('DELETE', `${env}/providers/system/secrets/${key}`, undefined, 204);
  });

  it('supports compare-and-set and earlier versions', async () => {
    const v1 = await ok('PUT', `${env}/providers/system/secrets/TOKEN`, { value: 'one' });
    const v2 = await ok('PUT', `${env}/providers/system/secrets/TOKEN`, { value: 'two', ifVersion: v1.version });
    const stale = await h.api('PUT', `${env}/providers/system/secrets/TOKEN`, { value: 'three', ifVersion: v1.version });
    expect(stale.status).toBe(409);
    expect(stale.body).toMatchObject({ code: 'VERSION_CONFLICT', provider: 'system' });
    expect(JSON.stringify(stale.body)).not.toContain('three');
    const old = await ok('GET', `${env}/providers/system/secrets/TOKEN?version=${String(v1.version)}`);
    expect(old.value).toBe('one');
    expect((await ok('GET', `${env}/providers/system/secrets/TOKEN`)).value).toBe('two');
    expect(v2.version).not.toBe(v1.version);
  });

  it('refuses bad keys, path tricks, typed values that do not parse and oversized values', async () => {
    for (const key of ['1ABC', '.env', '-x', 'a%2Fb', '..', 'a b']) {
      const res = await h.api('PUT', `${env}/providers/system/secrets/${key}`, { value: 'v' });
      expect([400, 404, 405], key).toContain(res.status);
    }
    // fetch normalises dot segments; a raw request sends them as an attacker would.
    for (const trick of ['%2E%2E', '..%2F..%2Fx', '%252E%252E', 'A%00B']) {
      expect(await rawStatus('PUT', `${env}/providers/system/secrets/${trick}`, { value: 'v' }), trick).toBe(400);
    }
    expect((await h.api('POST', `${env}/providers/system/secrets`, { key: 'a/b', value: 'v' })).status).toBe(400);
    const json = await h.api('PUT', `${env}/providers/system/secrets/CONF`, { value: '{not json', type: 'json' });
    expect(json.status).toBe(400);
    expect((json.body as Json).detail).toMatch(/does not parse as JSON/);
    expect(JSON.stringify(json.body)).not.toContain('{not json');
    const bin = await h.api('PUT', `${env}/providers/system/secrets/BIN`, { value: 'not base64!', type: 'binary' });
    expect(bin.status).toBe(400);
    const big = await h.api('PUT', `${env}/providers/system/secrets/BIG`, { value: 'x'.repeat(70 * 1024) });
    expect(big.status).toBe(413);
    const huge = await h.api('PUT', `${env}/providers/system/secrets/HUGE`, { value: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    const malformed = await h.api('PUT', `${env}/providers/system/secrets/X`, '{"value": ');
    expect(malformed.status).toBe(400);
    expect((malformed.body as Json).detail).toMatch(/not valid JSON/);
    // Nothing was half-written.
    expect(((await ok('GET', `${env}/secrets`)).secrets as Json).CONF).toBeUndefined();
  });

  it('keeps JSON and binary values intact', async () => {
    await ok('PUT', `${env}/providers/system/secrets/CONFIG`, { value: '{"a":[1,2]}', type: 'json' });
    await ok('PUT', `${env}/providers/system/secrets/CERT`, { value: Buffer.from([0, 1, 2, 255]).toString('base64'), type: 'binary' });
    const all = await ok('GET', `${env}/secrets`);
    expect((all.secrets as Json).CONFIG).toBe('{"a":[1,2]}');
    expect(Buffer.from((all.secrets as Json).CERT as string, 'base64')).toEqual(Buffer.from([0, 1, 2, 255]));
  });

  it('answers 404 for unknown projects, environments and providers', async () => {
    expect((await h.api('GET', `${base}/projects/nope/environments/dev/secrets`)).status).toBe(404);
    expect((await h.api('GET', `${base}/projects/app/environments/nope/secrets`)).status).toBe(404);
    expect((await h.api('GET', `${env}/providers/nope/secrets`)).status).toBe(404);
  });
});

describe('audit trail', () => {
  it('records reads, writes and denials without values, and refuses edits', async () => {
    await ok('POST', `${base}/projects`, { name: 'audited' }, 201);
    await ok('POST', `${base}/projects/audited/environments`, { name: 'prod' }, 201);
    await ok('PUT', `${base}/projects/audited/environments/prod/providers/system/secrets/API_TOKEN`, { value: 'very-secret-value-123' });
    await ok('GET', `${base}/projects/audited/environments/prod/secrets`);
    await h.api('GET', `${base}/projects`, undefined, { authorization: 'Bearer nope' });

    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    try {
      await h.host.services.audit.flush();
      const { rows } = await client.query<{ action: string; outcome: string; target: string; details: Json }>('SELECT action, outcome, target, details FROM audit_events ORDER BY seq');
      const text = JSON.stringify(rows);
      expect(text).not.toContain('very-secret-value-123');
      expect(rows).toContainEqual(expect.objectContaining({ action: 'secret.write', outcome: 'success', target: 'audited/prod/system/API_TOKEN' }));
      expect(rows).toContainEqual(expect.objectContaining({ action: 'environment.read', outcome: 'success', target: 'audited/prod' }));
      expect(rows).toContainEqual(expect.objectContaining({ action: 'auth.denied', outcome: 'denied' }));
      const write = rows.find((r) => r.action === 'secret.write' && r.target === 'audited/prod/system/API_TOKEN')!;
      expect(write.details.valueHmac).toBe(h.host.services.audit.valueHmac('very-secret-value-123'));

      await expect(client.query("UPDATE audit_events SET outcome = 'success'")).rejects.toThrow(/append-only/);
      await expect(client.query('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      await expect(client.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      expect(await h.host.services.audit.verifyChain()).toMatchObject({ ok: true });

      // Tampering (done by disabling the trigger, as an attacker with superuser could) is detected.
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
      await client.query("UPDATE audit_events SET target = 'forged' WHERE seq = (SELECT min(seq) + 1 FROM audit_events)");
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
      const result = await h.host.services.audit.verifyChain();
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.reason).toMatch(/does not match its hash/);
    } finally {
      await client.end();
    }
  });
});
