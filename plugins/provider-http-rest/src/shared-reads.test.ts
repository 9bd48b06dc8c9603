import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { Secret } from '@keygate/core';
import { createTestHttpClient, createTestPluginServices } from '@keygate/core/testing';
import { createHttpRestProvider } from './index.js';
import type { HttpRestProviderConfig } from './config.js';
import { ContractEndpoint } from './testing/index.js';
import { sendJson } from './testing/http-fixture.js';

const SECRET = 'whsec_shared_listings_0123';
const scope = { tenant: 't', project: 'shop', environment: 'prod' };

let endpoint: ContractEndpoint;
beforeAll(async () => {
  endpoint = await ContractEndpoint.start({ signingSecret: SECRET });
});
afterAll(async () => {
  await endpoint?.close();
});

const provider = () =>
  createHttpRestProvider({
    config: { url: endpoint.url, signingSecret: SECRET, requestTimeoutMs: 5000 } as HttpRestProviderConfig,
    providerId: randomUUID(),
    services: createTestPluginServices({ http: createTestHttpClient() }),
  });

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !condition(); i++) await new Promise((r) => setTimeout(r, 5));
  expect(condition()).toBe(true);
}

describe('reads of one path made together', () => {
  it('share one upstream list call, and all get the same answer', async () => {
    const p = await provider();
    await p.put({ ...scope, key: 'A' }, new Secret('1'));
    const before = endpoint.requestCount;
    const reads = await Promise.all(Array.from({ length: 20 }, () => p.getAll(scope)));
    expect(endpoint.requestCount - before).toBe(1);
    for (const read of reads) {
      expect(read).toBe(reads[0]);
      expect(read.get('A')?.reveal()).toBe('1');
    }
    // A listing of another path is its own call.
    await Promise.all([p.getAll(scope), p.getAll({ ...scope, environment: 'dev' })]);
    expect(endpoint.requestCount - before).toBe(3);
  });

  it('never answers a read with a call sent before it began', async () => {
    const p = await provider();
    endpoint.store.clear();
    endpoint.store.set('shop/prod', new Map([['A', 'old']]));
    // The first call is held after the upstream read the store, as if it crossed a write.
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    endpoint.inject((_req, res: ServerResponse) => void released.then(() => sendJson(res, 200, { secrets: { A: 'old' } })));
    const listsBefore = endpoint.requestCount;
    const early = p.getAll(scope);
    await until(() => endpoint.requestCount === listsBefore + 1);
    endpoint.store.get('shop/prod')!.set('A', 'new');
    // Begun after the write: never joins the held call; one call of their own, sent beside it.
    const late = [p.getAll(scope), p.getAll(scope)];
    const [a, b] = await Promise.all(late);
    expect(a?.get('A')?.reveal()).toBe('new');
    expect(b).toBe(a);
    expect(endpoint.requestCount).toBe(listsBefore + 2);
    release();
    expect((await early).get('A')?.reveal()).toBe('old');
  });

  it('fails together when their call fails, and the next read calls again', async () => {
    const p = await provider();
    endpoint.inject((_req, res: ServerResponse) => sendJson(res, 400, { error: 'injected' }));
    const results = await Promise.allSettled([p.getAll(scope), p.listMetadata(scope)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect((await p.getAll(scope)).size).toBeGreaterThan(0);
  });
});
