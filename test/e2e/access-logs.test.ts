import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
interface Item {
  id: string;
  seq: number;
  occurredAt: string;
  tenantId: string | null;
  actorType: string;
  actorId: string;
  action: string;
  targetType: string;
  target: string;
  outcome: string;
  status: number | null;
  requestId: string | null;
  ip: string | null;
  details: Json;
}
interface Page {
  items: Item[];
  total: number;
  limit: number;
  offset: number;
}

const base = '/api/v1';
const as = (key: string) => ({ authorization: `Bearer ${key}` });

let h: TestHost;
let tenantId: string;
let appId: string;
let prodId: string;
let devId: string;
let consumer: { apiKey: string; keyId: string };
let viewer: string;
let between: string;

async function logs(query: Record<string, string | number> = {}, key?: string): Promise<Page> {
  await h.host.services.audit.flush();
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
  const res = await h.api('GET', `${base}/access-logs${qs ? `?${qs}` : ''}`, undefined, key ? as(key) : {});
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as Page;
}

const all = async (query: Record<string, string | number> = {}, key?: string) => (await logs({ ...query, limit: 200 }, key)).items;

beforeAll(async () => {
  h = await startTestHost();
  tenantId = h.host.bootstrap.tenantId;
  for (const project of ['app', 'other']) expect((await h.api('POST', `${base}/projects`, { name: project })).status).toBe(201);
  for (const [project, env] of [['app', 'prod'], ['app', 'dev'], ['other', 'prod']] as const) {
    expect((await h.api('POST', `${base}/projects/${project}/environments`, { name: env })).status).toBe(201);
    expect((await h.api('PUT', `${base}/projects/${project}/environments/${env}/providers/system/secrets/KEY`, { value: `${project}-${env}` })).status).toBe(200);
  }
  appId = ((await h.api('GET', `${base}/projects/app`)).body as Json).id as string;
  prodId = ((await h.api('GET', `${base}/projects/app/environments/prod`)).body as Json).id as string;
  devId = ((await h.api('GET', `${base}/projects/app/environments/dev`)).body as Json).id as string;
  await h.host.services.audit.flush();
  await new Promise((resolve) => setTimeout(resolve, 20));
  between = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  // Keys whose names differ only where a LIKE wildcard would match.
  for (const key of ['A_B', 'AXB']) {
    expect((await h.api('PUT', `${base}/projects/app/environments/dev/providers/system/secrets/${key}`, { value: 'v' })).status).toBe(200);
  }
  const { keys } = h.host.services;
  consumer = await keys.create({ tenantId, scope: 'environment', role: 'Consumer', projectId: appId, environmentId: prodId });
  viewer = (await keys.create({ tenantId, scope: 'tenant', role: 'Viewer' })).apiKey;
  expect((await h.api('GET', `${base}/projects/app/environments/prod/secrets`, undefined, as(consumer.apiKey))).status).toBe(200);
  expect((await h.api('GET', `${base}/projects/app/environments/dev/secrets`, undefined, as(consumer.apiKey))).status).toBe(404);
  // An unauthenticated request, audited without a tenant; its path holds a literal `%`.
  expect((await h.api('GET', `${base}/pct%25done`, undefined, { authorization: 'Bearer nope' })).status).toBe(401);
});
afterAll(async () => {
  await h?.close();
});

describe('GET /api/v1/access-logs', () => {
  it('lists the tenant trail newest first, with every field', async () => {
    const page = await logs();
    expect(page.limit).toBe(50);
    expect(page.offset).toBe(0);
    expect(page.total).toBeGreaterThan(10);
    const seqs = page.items.map((i) => i.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    const write = page.items.find((i) => i.action === 'secret.write' && i.target === 'app/dev/system/A_B')!;
    expect(write).toEqual({
      id: expect.any(String) as string,
      seq: expect.any(Number) as number,
      occurredAt: expect.any(String) as string,
      tenantId,
      actorType: 'api-key',
      actorId: expect.stringMatching(/^[0-9a-f]{32}$/) as string,
      action: 'secret.write',
      targetType: 'secret',
      target: 'app/dev/system/A_B',
      outcome: 'success',
      status: 200,
      requestId: expect.any(String) as string,
      ip: expect.any(String) as string,
      details: expect.objectContaining({ valueHmac: expect.any(String) as string }) as Json,
    });
    expect(JSON.stringify(page)).not.toContain('app-prod');
  });

  it('narrows by environment and project', async () => {
    const prod = await all({ environmentId: prodId });
    expect(prod.length).toBeGreaterThanOrEqual(3);
    for (const item of prod) expect(item.target).toMatch(/^app\/prod(\/|$)/);
    expect(prod.map((i) => i.action)).toEqual(expect.arrayContaining(['environment.create', 'secret.write', 'environment.read']));
    const dev = await all({ environmentId: devId });
    for (const item of dev) expect(item.target).toMatch(/^app\/dev(\/|$)/);
    const project = await all({ projectId: appId });
    for (const item of project) expect(item.target).toMatch(/^app(\/|$)/);
    expect(project.length).toBeGreaterThan(prod.length + dev.length - 1);
    expect(project.map((i) => i.action)).toContain('project.create');
    expect(await all({ projectId: appId, environmentId: devId })).toEqual(dev);
  });

  it('narrows by action, actor type, key, outcome and time', async () => {
    const writes = await all({ action: 'secret.write' });
    expect(writes.length).toBe(5);
    for (const item of writes) expect(item.action).toBe('secret.write');

    const anonymous = await all({ actorType: 'anonymous' });
    expect(anonymous.length).toBeGreaterThanOrEqual(1);
    for (const item of anonymous) expect(item).toMatchObject({ actorType: 'anonymous', tenantId: null, action: 'auth.denied' });

    const byKey = await all({ keyId: consumer.keyId });
    expect(byKey.map((i) => i.action).sort()).toEqual(['access.denied', 'environment.read']);
    for (const item of byKey) expect(item.actorId).toBe(consumer.keyId);

    const denied = await all({ outcome: 'denied' });
    expect(denied.length).toBeGreaterThanOrEqual(2);
    for (const item of denied) expect(item.outcome).toBe('denied');
    expect((await all({ outcome: 'denied', keyId: consumer.keyId })).map((i) => i.action)).toEqual(['access.denied']);

    const later = await all({ from: between });
    for (const item of later) expect(Date.parse(item.occurredAt)).toBeGreaterThanOrEqual(Date.parse(between));
    expect(later.map((i) => i.target)).toContain('app/dev/system/AXB');
    expect(later.map((i) => i.action)).not.toContain('project.create');
    const earlier = await all({ to: between });
    for (const item of earlier) expect(Date.parse(item.occurredAt)).toBeLessThan(Date.parse(between));
    expect(earlier.length + later.length).toBe((await logs()).total);
  });

  it('pages with limit and offset', async () => {
    const total = (await logs()).total;
    const first = await logs({ limit: 3 });
    const second = await logs({ limit: 3, offset: 3 });
    expect(first).toMatchObject({ limit: 3, offset: 0, total });
    expect(second).toMatchObject({ limit: 3, offset: 3, total });
    expect(first.items).toHaveLength(3);
    expect(second.items[0]!.seq).toBeLessThan(first.items[2]!.seq);
    expect((await logs({ offset: total })).items).toEqual([]);
    for (const limit of [0, 201]) expect((await h.api('GET', `${base}/access-logs?limit=${limit}`)).status).toBe(400);
    expect((await h.api('GET', `${base}/access-logs?outcome=maybe`)).status).toBe(400);
    expect((await h.api('GET', `${base}/access-logs?from=yesterday`)).status).toBe(400);
  });

  it('searches target and action as literal, case-insensitive text', async () => {
    const underscore = await all({ q: 'a_b' });
    expect(underscore.map((i) => i.target)).toContain('app/dev/system/A_B');
    expect(underscore.map((i) => i.target)).not.toContain('app/dev/system/AXB');
    for (const item of underscore) expect(`${item.target} ${item.action}`.toLowerCase()).toContain('a_b');

    const percent = await all({ q: '%' });
    expect(percent.map((i) => i.target)).toEqual(['GET /v1/pct%25done']);
    expect((await all({ q: 'PCT%25' })).length).toBe(1);

    const byAction = await all({ q: 'ENVIRONMENT.READ' });
    expect(byAction.map((i) => i.action)).toEqual(['environment.read']);
    for (const item of byAction) expect(`${item.target} ${item.action}`.toLowerCase()).toContain('environment.read');
    expect(await all({ q: 'no-such-thing' })).toEqual([]);
  });

  it('shows only the caller tenant, and tenantless rows to Owners and Admins', async () => {
    const [acme] = await h.host.services.knex('tenants').insert({ slug: 'acme', name: 'Acme' }).returning<Array<{ id: string }>>('id');
    const acmeOwner = (await h.host.services.keys.create({ tenantId: acme!.id, scope: 'tenant', role: 'Owner' })).apiKey;
    expect((await h.api('POST', `${base}/access-logs/verify`, undefined, as(acmeOwner))).status).toBe(200);

    const theirs = await all({}, acmeOwner);
    expect(theirs.map((i) => i.action)).toContain('audit.verify');
    for (const item of theirs) expect([acme!.id, null]).toContain(item.tenantId);
    expect(theirs.map((i) => i.target)).not.toContain('app/dev/system/A_B');
    expect((await logs({ environmentId: prodId }, acmeOwner)).total).toBe(0);

    const ours = await all();
    for (const item of ours) expect([tenantId, null]).toContain(item.tenantId);
    expect(ours.map((i) => i.tenantId)).not.toContain(acme!.id);

    const viewed = await all({}, viewer);
    expect(viewed.length).toBeGreaterThan(0);
    for (const item of viewed) expect(item.tenantId).toBe(tenantId);
  });

  it('is a 404 for environment keys', async () => {
    expect((await h.api('GET', `${base}/access-logs`, undefined, as(consumer.apiKey))).status).toBe(404);
    expect((await h.api('POST', `${base}/access-logs/verify`, undefined, as(consumer.apiKey))).status).toBe(404);
    expect((await h.api('POST', `${base}/access-logs/verify`, undefined, as(viewer))).status).toBe(404);
  });
});

describe('POST /api/v1/access-logs/verify', () => {
  it('reports an intact chain, then the first tampered row', async () => {
    await h.host.services.audit.flush();
    const ok = await h.api('POST', `${base}/access-logs/verify`);
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true, checked: expect.any(Number) as number });
    expect((ok.body as Json).checked).toBeGreaterThan(10);

    const target = (await all({ q: 'app/dev/system/AXB', action: 'secret.write' }))[0]!;
    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    try {
      await client.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update');
      await client.query("UPDATE audit_events SET target = 'forged' WHERE seq = $1", [target.seq]);
      await client.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update');
    } finally {
      await client.end();
    }
    const broken = await h.api('POST', `${base}/access-logs/verify`);
    expect(broken.status).toBe(200);
    expect(broken.body).toEqual({ ok: false, checked: target.seq - 1, brokenAtSeq: target.seq, reason: expect.stringMatching(/does not match its hash/) as string });
    const recorded = await all({ action: 'audit.verify' });
    expect(recorded[0]!.details).toMatchObject({ ok: false, brokenAtSeq: target.seq });
  });
});
