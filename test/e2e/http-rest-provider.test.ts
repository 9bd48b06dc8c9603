import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractEndpoint, KeyPerResourceApi, faults, keyPerResourceConfig } from '@keygate/provider-http-rest/testing';
import { InMemorySecretStore, createProviderApp } from '@keygate/template-http-provider-express';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const SIGNING_SECRET = 'whsec_e2e_7f3c9a1b2d4e6f80';
const VALUE = 'postgres://app:s3cr3t-value@db/shop';

let h: TestHost;
let template: Server;
let templateStore: InMemorySecretStore;
let templateUrl: string;
let flaky: ContractEndpoint;
let rest: KeyPerResourceApi;
let closedPort: number;

async function freePortThenClose(): Promise<number> {
  return new Promise((resolve) => {
    const server = createTcpServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  templateStore = new InMemorySecretStore();
  template = createProviderApp({ signingSecrets: SIGNING_SECRET, store: templateStore }).listen(0, '127.0.0.1');
  await new Promise((resolve) => template.once('listening', resolve));
  templateUrl = `http://127.0.0.1:${(template.address() as AddressInfo).port}/`;
  flaky = await ContractEndpoint.start({ signingSecret: SIGNING_SECRET });
  rest = await KeyPerResourceApi.start({ auth: { bearer: 'rest-api-token-1234' } });
  closedPort = await freePortThenClose();

  // The plugin is loaded by package name, as an operator would list it; the host has no dependency on it.
  const dir = await mkdtemp(join(tmpdir(), 'keygate-http-rest-'));
  const configFile = join(dir, 'keygate.yaml');
  await writeFile(configFile, ['plugins:', "  - package: '@keygate/provider-http-rest'", 'outbound:', '  allowLoopback: true', 'providerTimeoutMs: 5000', ''].join('\n'));
  h = await startTestHost({ configPath: configFile });

  const providers: Array<[string, Json]> = [
    ['inhouse', { url: templateUrl, signingSecret: SIGNING_SECRET }],
    ['flaky', { url: flaky.url, signingSecret: SIGNING_SECRET, requestTimeoutMs: 1000 }],
    ['down', { url: `http://127.0.0.1:${closedPort}/`, signingSecret: SIGNING_SECRET }],
    ['wrongsecret', { url: templateUrl, signingSecret: 'whsec_not_the_right_one_000' }],
    ['mapped', keyPerResourceConfig(rest.url, 'rest-api-token-1234') as unknown as Json],
  ];
  for (const [name, configuration] of providers) {
    const res = await h.api('POST', `${base}/providers`, { name, type: 'HttpRest', configuration });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
  }
  expect((await h.api('POST', `${base}/projects`, { name: 'shop', providerIds: providers.map(([name]) => name) })).status).toBe(201);
  // One environment per provider, so each read goes to that provider alone.
  for (const [name] of providers) {
    expect((await h.api('POST', `${base}/projects/shop/environments`, { name: `env-${name}`, providerIds: [name] })).status).toBe(201);
  }
  // Assigning after creation works the same way: a second environment gets the template provider.
  expect((await h.api('POST', `${base}/projects/shop/environments`, { name: 'staging', providerIds: ['mapped'] })).status).toBe(201);
  const assigned = await h.api('PUT', `${base}/projects/shop/environments/staging/providers`, { providerIds: ['inhouse'] });
  expect(assigned.status, JSON.stringify(assigned.body)).toBe(200);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await new Promise((resolve) => template?.close(resolve));
  await Promise.all([flaky?.close(), rest?.close()]);
});

describe('HttpRest through the host', () => {
  it('lists the type in the catalog with its schema', async () => {
    const catalog = await h.api('GET', `${base}/providers/catalog`);
    expect(catalog.status).toBe(200);
    expect(JSON.stringify(catalog.body)).toContain('"HttpRest"');
  });

  it('masks the signing secret and mapped-mode credentials on read', async () => {
    const contract = await h.api('GET', `${base}/providers/inhouse`);
    expect((contract.body as Json).configuration).toEqual({ url: templateUrl, signingSecret: '***ENCRYPTED***' });
    const mapped = await h.api('GET', `${base}/providers/mapped`);
    expect(((mapped.body as Json).configuration as Json).auth).toEqual({ type: 'bearer', token: '***ENCRYPTED***' });
    const list = await h.api('GET', `${base}/providers?limit=200`);
    expect(JSON.stringify(list.body)).not.toContain(SIGNING_SECRET);
    expect(JSON.stringify(list.body)).not.toContain('rest-api-token-1234');
  });

  it('refuses an invalid configuration naming the field', async () => {
    const res = await h.api('POST', `${base}/providers`, { name: 'bad', type: 'HttpRest', configuration: { url: templateUrl, signingSecret: 'short' } });
    expect(res.status).toBe(400);
    expect((res.body as Json).detail).toMatch(/configuration\.signingSecret/);
    const noSecret = await h.api('POST', `${base}/providers`, { name: 'bad', type: 'HttpRest', configuration: { url: templateUrl } });
    expect(noSecret.status).toBe(400);
    expect((noSecret.body as Json).detail).toMatch(/configuration\.signingSecret: is required/);
    const mapped = await h.api('POST', `${base}/providers`, { name: 'bad', type: 'HttpRest', configuration: { mode: 'mapped' } });
    expect(mapped.status).toBe(400);
    expect((mapped.body as Json).detail).toMatch(/configuration\.operations: is required/);
  });

  it('writes and reads secrets through the gateway into the template provider', async () => {
    const put = await h.api('PUT', `${base}/projects/shop/environments/env-inhouse/providers/inhouse/secrets/DB_URL`, { value: VALUE });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    expect(await templateStore.get('shop/env-inhouse', 'DB_URL')).toBe(VALUE);
    const env = await h.api('GET', `${base}/projects/shop/environments/env-inhouse/secrets`);
    expect(env.status, JSON.stringify(env.body)).toBe(200);
    expect((env.body as Json).secrets).toEqual({ DB_URL: VALUE });
    const one = await h.api('GET', `${base}/projects/shop/environments/env-inhouse/providers/inhouse/secrets/DB_URL`);
    expect(one.status).toBe(200);
    expect(JSON.stringify(one.body)).toContain(VALUE);
    const missing = await h.api('GET', `${base}/projects/shop/environments/env-inhouse/providers/inhouse/secrets/NOPE`);
    expect(missing.status).toBe(404);
    const deleted = await h.api('DELETE', `${base}/projects/shop/environments/env-inhouse/providers/inhouse/secrets/DB_URL`);
    expect(deleted.status).toBe(204);
    expect(await templateStore.get('shop/env-inhouse', 'DB_URL')).toBeUndefined();

    const staging = await h.api('PUT', `${base}/projects/shop/environments/staging/providers/inhouse/secrets/TOKEN`, { value: 'staging-token' });
    expect(staging.status, JSON.stringify(staging.body)).toBe(200);
    expect(await templateStore.get('shop/staging', 'TOKEN')).toBe('staging-token');
  });

  it('shows a change made at the upstream behind Keygate’s back on the next read, and not before', async () => {
    const path = `${base}/projects/shop/environments/env-inhouse/secrets`;
    const read = async () => ((await h.api('GET', path)).body as Json).secrets;
    await templateStore.set('shop/env-inhouse', 'OUTSIDE', 'one');
    expect(await read()).toEqual({ OUTSIDE: 'one' });
    // An unchanged listing (a new, equal map) answers with the response built before: the same object.
    const { secrets } = h.host.services;
    const first = await secrets.readAll(h.ownerContext(), 'shop', 'env-inhouse');
    expect(await secrets.readAll(h.ownerContext(), 'shop', 'env-inhouse')).toBe(first);
    await templateStore.set('shop/env-inhouse', 'OUTSIDE', 'two');
    expect(await secrets.readAll(h.ownerContext(), 'shop', 'env-inhouse')).not.toBe(first);
    expect(await read()).toEqual({ OUTSIDE: 'two' });
    await templateStore.set('shop/env-inhouse', 'ANOTHER', 'two');
    await templateStore.delete('shop/env-inhouse', 'OUTSIDE');
    expect(await read()).toEqual({ ANOTHER: 'two' });
    await templateStore.delete('shop/env-inhouse', 'ANOTHER');
    expect(await read()).toEqual({});
  });

  it('writes and reads through a mapped-mode REST API', async () => {
    const put = await h.api('PUT', `${base}/projects/shop/environments/env-mapped/providers/mapped/secrets/API_KEY`, { value: VALUE });
    expect(put.status, JSON.stringify(put.body)).toBe(200);
    const env = await h.api('GET', `${base}/projects/shop/environments/env-mapped/secrets`);
    expect((env.body as Json).secrets).toEqual({ API_KEY: VALUE });
    expect([...rest.store.keys()].some((id) => id.endsWith('/shop/env-mapped/API_KEY'))).toBe(true);
  });

  it('passes the connectivity test when the endpoint is up and fails it otherwise', async () => {
    expect((await h.api('POST', `${base}/providers/inhouse/test`)).body).toMatchObject({ ok: true });
    expect((await h.api('POST', `${base}/providers/down/test`)).body).toMatchObject({ ok: false });
  });

  it('answers 503 problem+json naming the provider when the upstream is down', async () => {
    const res = await h.api('GET', `${base}/projects/shop/environments/env-down/secrets`);
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(res.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'down', retryable: true });
    expect((res.body as Json).detail).toMatch(/provider "down"/);
  });

  it('answers 502 when the endpoint refuses the signature', async () => {
    const res = await h.api('GET', `${base}/projects/shop/environments/env-wrongsecret/secrets`);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', provider: 'wrongsecret' });
    expect(JSON.stringify(res.body)).not.toContain('whsec_');
  });

  it('maps upstream statuses: 5xx → 503 (after retries), 400 → 502, garbage → 502, hang → 504, never echoing the upstream', async () => {
    const read = () => h.api('GET', `${base}/projects/shop/environments/env-flaky/secrets`);
    flaky.inject(faults.status(500), faults.status(500), faults.status(500));
    let res = await read();
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'flaky' });
    expect((res.body as Json).detail).toMatch(/HTTP 500/);

    flaky.inject(faults.status(500));
    expect((await read()).status, 'one 500 is retried away').toBe(200);

    const write = (value: string) => h.api('PUT', `${base}/projects/shop/environments/env-flaky/providers/flaky/secrets/K`, { value });
    flaky.inject(faults.status(400));
    res = await write(VALUE);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'PROVIDER_REJECTED', provider: 'flaky' });
    expect(JSON.stringify(res.body)).not.toContain('injected');
    expect(JSON.stringify(res.body)).not.toContain(VALUE);

    flaky.inject(faults.garbage());
    res = await read();
    expect(res.status).toBe(502);
    expect(JSON.stringify(res.body)).not.toContain('unterminated');

    flaky.inject(faults.hang());
    res = await write(VALUE);
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ code: 'TIMEOUT', provider: 'flaky' });

    expect((await write(VALUE)).status).toBe(200);
    expect(((await read()).body as Json).secrets).toEqual({ K: VALUE });
  });
});
