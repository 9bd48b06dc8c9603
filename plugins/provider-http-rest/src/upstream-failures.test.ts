import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { Secret, isKeygateError, type Clock, type HttpClient } from '@keygate/core';
import { createTestHttpClient, createTestPluginServices, expectErrorCode } from '@keygate/core/testing';
import { parseOutboundSignature } from '@keygate/core/wire';
import { createHttpRestProvider } from './index.js';
import type { HttpRestProviderConfig } from './config.js';
import { ContractEndpoint, KeyPerResourceApi, faults, keyPerResourceConfig } from './testing/index.js';

const SECRET = 'whsec_failures_0123456789';
const scope = { tenant: 't', project: 'shop', environment: 'prod' };
const ref = { ...scope, key: 'DB_PASSWORD' };
const VALUE = 'hunter2-do-not-echo';

let endpoint: ContractEndpoint;
beforeAll(async () => {
  endpoint = await ContractEndpoint.start({ signingSecret: SECRET });
});
afterAll(async () => {
  await endpoint?.close();
});
beforeEach(() => {
  endpoint.store.clear();
  endpoint.calls.length = 0;
});

/** A clock that moves 2 s on every reading, so each attempt's signature has its own `t`. */
function steppingClock(): Clock {
  let now = Date.now();
  return { now: () => new Date((now += 2000)) };
}

async function provider(options: { http?: HttpClient; config?: Partial<HttpRestProviderConfig>; clock?: Clock } = {}) {
  return createHttpRestProvider(
    {
      config: { url: endpoint.url, signingSecret: SECRET, requestTimeoutMs: 500, ...options.config } as HttpRestProviderConfig,
      providerId: randomUUID(),
      services: createTestPluginServices({ http: options.http ?? createTestHttpClient({ maxResponseBytes: 256 * 1024 }), clock: options.clock ?? steppingClock() }),
    },
    { retry: { baseDelayMs: 1, maxAttempts: 3 } },
  );
}

/** Runs `work`, expects a typed error, and checks it says nothing of the value or the upstream body. */
async function failure(work: Promise<unknown>): Promise<{ code: string; message: string; retryable: boolean }> {
  const error = await work.then(
    () => expect.fail('expected a failure'),
    (caught: unknown) => caught,
  );
  expect(isKeygateError(error), String(error)).toBe(true);
  const typed = error as { code: string; message: string; retryable: boolean; detail?: string };
  const shown = `${typed.message} ${typed.detail ?? ''} ${JSON.stringify(error)}`;
  expect(shown).not.toContain(VALUE);
  expect(shown).not.toContain('injected');
  expect(shown).not.toContain('unterminated');
  expect(typed.message).toMatch(/^HttpRest/);
  return typed;
}

describe('contract mode on the wire', () => {
  it('sends the contract body, signed, with the configured path', async () => {
    const p = await provider({ config: { pathTemplate: 'apps/{project}/{environment}' } });
    await p.put(ref, new Secret(VALUE));
    expect(endpoint.store.get('apps/shop/prod')?.get('DB_PASSWORD')).toBe(VALUE);
    expect(endpoint.calls[0]).toMatchObject({ action: 'set', path: 'apps/shop/prod', key: 'DB_PASSWORD' });
    expect(endpoint.calls[0]!.requestId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('retries a read after 500 with the same requestId and a fresh signature each time', async () => {
    const p = await provider();
    await p.put(ref, new Secret(VALUE));
    endpoint.calls.length = 0;
    endpoint.inject(faults.status(500), faults.status(503));
    expect((await p.get(ref)).value.reveal()).toBe(VALUE);
    expect(endpoint.requestCount).toBeGreaterThanOrEqual(4);
    // The endpoint records only the attempt it answered normally; the HTTP client saw all three.
  });

  it('signs every attempt afresh and keeps one requestId per logical operation', async () => {
    const http = createTestHttpClient();
    const p = await provider({ http });
    endpoint.inject(faults.status(502), faults.status(500));
    await p.getAll(scope);
    const attempts = http.requests.map((request) => ({
      body: String(request.body),
      signature: parseOutboundSignature(request.headers!['x-bella-signature']!)!,
      requestId: request.headers!['x-request-id'],
    }));
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((attempt) => attempt.body)).size, 'same body bytes on every retry').toBe(1);
    expect(new Set(attempts.map((attempt) => attempt.requestId)).size).toBe(1);
    expect((JSON.parse(attempts[0]!.body) as { requestId: string }).requestId).toBe(attempts[0]!.requestId);
    expect(new Set(attempts.map((attempt) => attempt.signature.timestamp)).size, 'a fresh t per attempt').toBe(3);
    expect(new Set(attempts.map((attempt) => attempt.signature.signatures[0])).size).toBe(3);
    // The next logical operation gets a new requestId.
    await p.getAll(scope);
    expect(http.requests.at(-1)!.headers!['x-request-id']).not.toBe(attempts[0]!.requestId);
  });

  it('does not retry a write after a 500, and says so with the upstream status', async () => {
    const p = await provider();
    endpoint.inject(faults.status(500));
    const error = await failure(p.put(ref, new Secret(VALUE)));
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.message).toContain('HTTP 500');
    expect(endpoint.store.size).toBe(0);
    expect(endpoint.requestCount).toBeGreaterThan(0);
  });

  it('gives up after the configured attempts on a read', async () => {
    const p = await provider();
    endpoint.inject(faults.status(503), faults.status(503), faults.status(503));
    const error = await failure(p.getAll(scope));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
  });

  it('treats a 404 after a failed delete attempt as that attempt having deleted the key', async () => {
    const p = await provider();
    await p.put(ref, new Secret(VALUE));
    // As if the first attempt deleted the key but its answer was lost: it fails with a 503 while
    // the key is already gone, so the retry sees 404.
    endpoint.inject(faults.status(503));
    endpoint.store.get('shop/prod')!.delete('DB_PASSWORD');
    await expect(p.delete(ref)).resolves.toBeUndefined();
    await expectErrorCode(p.delete(ref), 'NOT_FOUND', 'a plain delete of a missing key');
  });

  it('refuses garbage, wrong content types, huge and slow bodies with typed errors', async () => {
    const p = await provider();
    endpoint.inject(faults.garbage());
    expect((await failure(p.getAll(scope))).code).toBe('PROVIDER_REJECTED');

    endpoint.inject(faults.wrongContentType({ secrets: { A: VALUE } }));
    const html = await failure(p.getAll(scope));
    expect(html.message).toContain('content type "text/html"');

    endpoint.inject(faults.huge(2 * 1024 * 1024));
    expect((await failure(p.getAll(scope))).code).toBe('PROVIDER_REJECTED');

    endpoint.inject(faults.slowBody(), faults.slowBody(), faults.slowBody());
    const started = Date.now();
    const slow = await failure(p.getAll(scope));
    expect(slow.code).toBe('TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('refuses 2xx answers of the wrong shape', async () => {
    const p = await provider();
    const shapes = [{ secrets: [VALUE] }, { secrets: { A: 1 } }, { value: VALUE }, [VALUE]];
    for (const shape of shapes) {
      endpoint.inject((_req, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(shape));
      });
      expect((await failure(p.getAll(scope))).code).toBe('PROVIDER_REJECTED');
    }
    endpoint.inject((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ success: false, value: VALUE }));
    });
    expect((await failure(p.put(ref, new Secret(VALUE)))).code).toBe('PROVIDER_REJECTED');
  });

  it('maps upstream statuses: 401 → auth failed, 400 → rejected, 409 → conflict', async () => {
    const wrongSecret = await provider({ config: { signingSecret: 'whsec_wrong_secret_000000' } });
    expect((await failure(wrongSecret.getAll(scope))).code).toBe('PROVIDER_AUTH_FAILED');
    await expectErrorCode(wrongSecret.check(), 'PROVIDER_AUTH_FAILED', 'check with a wrong signing secret');
    const p = await provider();
    endpoint.inject(faults.status(400));
    const rejected = await failure(p.put(ref, new Secret(VALUE)));
    expect(rejected.code).toBe('PROVIDER_REJECTED');
    expect(rejected.message).toContain('HTTP 400');
    endpoint.inject(faults.status(409));
    expect((await failure(p.put(ref, new Secret(VALUE)))).code).toBe('CONFLICT');
  });

  it('reports an unreachable endpoint and a hanging one', async () => {
    const closed = await new Promise<number>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const down = await provider({ config: { url: `http://127.0.0.1:${closed}/` } });
    expect((await failure(down.getAll(scope))).code).toBe('PROVIDER_UNAVAILABLE');
    await expectErrorCode(down.check(), 'PROVIDER_UNAVAILABLE', 'check of an unreachable endpoint');

    const p = await provider();
    endpoint.inject(faults.hang());
    expect((await failure(p.put(ref, new Secret(VALUE)))).code).toBe('TIMEOUT');
  });

  it('reports an address the HTTP client refuses as PROVIDER_REJECTED, without retrying', async () => {
    const http = createTestHttpClient();
    const p = await provider({ http, config: { url: 'http://10.1.2.3/keygate' } });
    const error = await failure(p.getAll(scope));
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false });
    expect(http.requests).toHaveLength(1);
  });

  it('passes check against a healthy endpoint with a signed list of the check path', async () => {
    const p = await provider();
    await expect(p.check()).resolves.toBeUndefined();
    expect(endpoint.calls.at(-1)).toMatchObject({ action: 'list', path: 'keygate:check' });
  });
});

describe('mapped mode failures', () => {
  let api: KeyPerResourceApi;
  beforeAll(async () => {
    api = await KeyPerResourceApi.start({ auth: { basic: { username: 'keygate', password: 'pa:ss w0rd' } } });
  });
  afterAll(async () => {
    await api?.close();
  });

  async function mapped(password: string) {
    const config = keyPerResourceConfig(api.url, 'unused');
    return createHttpRestProvider(
      {
        config: { ...config, auth: { type: 'basic' as const, username: 'keygate', password }, requestTimeoutMs: 500 },
        providerId: randomUUID(),
        services: createTestPluginServices({ http: createTestHttpClient() }),
      },
      { retry: { baseDelayMs: 1 } },
    );
  }

  it('authenticates with basic auth and refuses wrong credentials as PROVIDER_AUTH_FAILED', async () => {
    const good = await mapped('pa:ss w0rd');
    await good.put(ref, new Secret(VALUE));
    expect((await good.get(ref)).value.reveal()).toBe(VALUE);
    await expect(good.check()).resolves.toBeUndefined();
    const bad = await mapped('wrong');
    expect((await failure(bad.get(ref))).code).toBe('PROVIDER_AUTH_FAILED');
  });

  it('retries a mapped read after a 500 and reads garbage as a typed error', async () => {
    const p = await mapped('pa:ss w0rd');
    await p.put(ref, new Secret(VALUE));
    api.inject(faults.status(500));
    expect((await p.get(ref)).value.reveal()).toBe(VALUE);
    api.inject(faults.garbage());
    expect((await failure(p.get(ref))).code).toBe('PROVIDER_REJECTED');
    api.inject(faults.wrongContentType({ data: { value: VALUE } }));
    expect((await failure(p.get(ref))).code).toBe('PROVIDER_REJECTED');
  });
});
