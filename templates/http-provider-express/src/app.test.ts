import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { signWebhookPayload } from '@keygate/sdk';
import { createProviderApp } from './app.js';
import { InMemorySecretStore } from './store.js';

const SECRET = 'whsec_template_0123456789abcdef';
const NEXT = 'whsec_template_next_fedcba9876';
let server: Server;
let url: string;

beforeAll(async () => {
  server = createProviderApp({ signingSecrets: [SECRET, NEXT], store: new InMemorySecretStore() }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

async function call(body: unknown, options: { secret?: string; signature?: string; raw?: string } = {}) {
  const text = options.raw ?? JSON.stringify(body);
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-bella-signature': options.signature ?? signWebhookPayload(options.secret ?? SECRET, text) },
    body: text,
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

let n = 0;
const id = () => `req-${++n}`;

describe('the reference custom provider', () => {
  it('stores, reads, lists and deletes per path', async () => {
    expect(await call({ action: 'set', path: 'shop/prod', key: 'DB_URL', value: 'postgres://x', requestId: id() })).toEqual({ status: 200, body: { success: true } });
    await call({ action: 'set', path: 'shop/dev', key: 'DB_URL', value: 'postgres://dev', requestId: id() });
    expect(await call({ action: 'get', path: 'shop/prod', key: 'DB_URL', requestId: id() })).toEqual({ status: 200, body: { value: 'postgres://x' } });
    expect(await call({ action: 'list', path: 'shop/prod', requestId: id() })).toEqual({ status: 200, body: { secrets: { DB_URL: 'postgres://x' } } });
    expect(await call({ action: 'delete', path: 'shop/prod', key: 'DB_URL', requestId: id() })).toEqual({ status: 200, body: { success: true } });
    expect((await call({ action: 'get', path: 'shop/prod', key: 'DB_URL', requestId: id() })).status).toBe(404);
    expect((await call({ action: 'delete', path: 'shop/prod', key: 'DB_URL', requestId: id() })).status).toBe(404);
    expect(await call({ action: 'list', path: 'shop/unknown', requestId: id() })).toEqual({ status: 200, body: { secrets: {} } });
  });

  it('accepts a call signed with the next secret during a rollover', async () => {
    expect((await call({ action: 'list', path: 'p/e', requestId: id() }, { secret: NEXT })).status).toBe(200);
  });

  it('refuses unsigned, wrongly signed, tampered and stale calls with 401', async () => {
    const body = JSON.stringify({ action: 'list', path: 'shop/prod', requestId: id() });
    const valid = signWebhookPayload(SECRET, body);
    expect((await call(undefined, { raw: body, signature: '' })).status).toBe(401);
    expect((await call(undefined, { raw: body, secret: 'whsec_someone_else_000000' })).status).toBe(401);
    expect((await call(undefined, { raw: body.replace('shop', 'shoq'), signature: valid })).status).toBe(401);
    expect((await call(undefined, { raw: body, signature: signWebhookPayload(SECRET, body, Date.now() - 301_000) })).status).toBe(401);
    expect((await call(undefined, { raw: body, signature: signWebhookPayload(SECRET, body, Date.now() + 301_000) })).status).toBe(401);
  });

  it('refuses malformed calls with 400 and an error', async () => {
    const cases = [{ action: 'drop', path: 'p', requestId: 'r' }, { action: 'get', path: 'p', requestId: 'r' }, { action: 'set', path: 'p', key: 'K', requestId: 'r' }, { action: 'list', path: '' }];
    for (const body of cases) {
      const result = await call(body);
      expect(result.status, JSON.stringify(body)).toBe(400);
      expect(typeof result.body.error).toBe('string');
    }
    expect((await call(undefined, { raw: 'not json' })).status).toBe(400);
  });
});
