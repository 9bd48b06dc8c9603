import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { signWebhookPayload } from '@keygate/sdk';
import { createRotationServer } from './http-server.js';
import { revokeSecret, rotateSecret } from './rotate-secret.js';
import { createRotationHandler, RotationError, type RevocationContext, type RotationContext, type RotationHandlerOptions } from './rotation-handler.js';

const SECRET = 'kgws_9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d3c2b1a0f9e8d';
const PREVIOUS = 'kgws_1234567890abcdef1234567890abcdef1234567890abcdef1234567890abcdef';

const rotateCall = (requestId = 'req-rotate-1', secretKey = 'OPENAI_API_KEY') =>
  JSON.stringify({ action: 'rotate', secretKey, projectSlug: 'my-app', environmentSlug: 'production', requestId });
const revokeCall = (oldHandle: string) =>
  JSON.stringify({ action: 'revoke', secretKey: 'OPENAI_API_KEY', projectSlug: 'my-app', environmentSlug: 'production', oldHandle, requestId: 'req-revoke-1' });

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

/** Starts the real server on a free port with a function that mints numbered credentials. */
async function start(extra: Partial<RotationHandlerOptions> = {}) {
  const rotations: RotationContext[] = [];
  const revocations: RevocationContext[] = [];
  const logs: string[] = [];
  const server = createRotationServer(
    createRotationHandler({
      signingSecrets: [SECRET],
      rotateSecret: (ctx) => {
        rotations.push(ctx);
        return { newValue: `sk-proj-value-${rotations.length}`, newHandle: `key-${rotations.length}` };
      },
      revokeSecret: (ctx) => {
        revocations.push(ctx);
      },
      log: (line) => logs.push(line),
      ...extra,
    }),
  );
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  /** POSTs `body` signed as Keygate signs it (now, or at `signedAtMs`). */
  const post = async (body: string, options: { secrets?: string | string[]; signedAtMs?: number; headers?: Record<string, string>; sendBody?: string; path?: string } = {}) => {
    const response = await fetch(`${url}${options.path ?? '/rotate'}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-bella-signature': signWebhookPayload(options.secrets ?? SECRET, body, options.signedAtMs ?? Date.now()),
        ...options.headers,
      },
      body: options.sendBody ?? body,
    });
    const text = await response.text();
    return { status: response.status, headers: response.headers, text, json: JSON.parse(text) as Record<string, unknown> };
  };
  return { url, post, rotations, revocations, logs };
}

describe('gcp-cloud-run rotation server', () => {
  it('answers a signed rotate with the new credential, on / and /rotate', async () => {
    const fn = await start();
    const answer = await fn.post(rotateCall());
    expect(answer.status).toBe(200);
    expect(answer.headers.get('cache-control')).toBe('no-store');
    expect(answer.json).toEqual({ newValue: 'sk-proj-value-1', newHandle: 'key-1' });
    expect(fn.rotations).toEqual([{ secretKey: 'OPENAI_API_KEY', projectSlug: 'my-app', environmentSlug: 'production', requestId: 'req-rotate-1' }]);
    expect((await fn.post(rotateCall('req-rotate-2'), { path: '/' })).json).toEqual({ newValue: 'sk-proj-value-2', newHandle: 'key-2' });
  });

  it('dispatches a signed revoke with the old handle', async () => {
    const fn = await start();
    const answer = await fn.post(revokeCall('key-41'));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ success: true });
    expect(fn.revocations.map((r) => r.oldHandle)).toEqual(['key-41']);
  });

  it('rejects a body changed after signing', async () => {
    const fn = await start();
    const answer = await fn.post(rotateCall(), { sendBody: rotateCall().replace('OPENAI_API_KEY', 'OTHER_KEY') });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'invalid or missing X-Bella-Signature' });
    expect(fn.rotations).toHaveLength(0);
  });

  it('verifies the raw bytes, not a re-serialisation of the JSON', async () => {
    const fn = await start();
    // Same JSON value, different bytes: Keygate's signature is over what it sent.
    const spaced = JSON.stringify(JSON.parse(rotateCall()), null, 2);
    expect((await fn.post(spaced)).status).toBe(200);
    expect((await fn.post(rotateCall('r2'), { sendBody: JSON.stringify(JSON.parse(rotateCall('r2')), null, 2) })).status).toBe(401);
  });

  it('rejects stale and future timestamps beyond 300 s', async () => {
    const fn = await start();
    expect((await fn.post(rotateCall('a'), { signedAtMs: Date.now() - 301_000 })).status).toBe(401);
    expect((await fn.post(rotateCall('b'), { signedAtMs: Date.now() + 302_000 })).status).toBe(401);
    expect(fn.rotations).toHaveLength(0);
    expect((await fn.post(rotateCall('c'), { signedAtMs: Date.now() - 280_000 })).status).toBe(200);
  });

  it('accepts either v1 value while the signing secret is rolled', async () => {
    const old = await start({ signingSecrets: [PREVIOUS] });
    expect((await old.post(rotateCall('r1'), { secrets: [SECRET, PREVIOUS] })).status).toBe(200);
    expect((await old.post(rotateCall('r2'), { secrets: [SECRET] })).status).toBe(401);
    const rolled = await start({ signingSecrets: [SECRET, PREVIOUS] });
    expect((await rolled.post(rotateCall('r3'), { secrets: [PREVIOUS] })).status).toBe(200);
    expect((await rolled.post(rotateCall('r4'), { secrets: ['kgws_retired'] })).status).toBe(401);
  });

  it('checks the API key header when one is configured', async () => {
    const fn = await start({ apiKey: { header: 'X-Api-Key', value: 'the-api-key' } });
    const wrong = await fn.post(rotateCall('k1'), { headers: { 'X-Api-Key': 'not-the-key' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'invalid or missing X-Api-Key header' });
    expect((await fn.post(rotateCall('k2'))).status).toBe(401);
    expect(fn.rotations).toHaveLength(0);
    expect((await fn.post(rotateCall('k3'), { headers: { 'X-Api-Key': 'the-api-key' } })).status).toBe(200);
  });

  it('answers 500 with no value or stack trace when the function throws', async () => {
    const fn = await start({
      rotateSecret: () => {
        throw new TypeError('cannot read sk-proj-leaked-value');
      },
    });
    const answer = await fn.post(rotateCall());
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: 'rotate failed' });
    expect(answer.text).not.toMatch(/leaked|at |\.ts/);
    expect(fn.logs.join('\n')).not.toContain('leaked');
    expect(fn.logs.join('\n')).toContain('TypeError');
  });

  it('passes a RotationError through with its status', async () => {
    const fn = await start({
      revokeSecret: () => {
        throw new RotationError('key already deleted by hand', 409);
      },
    });
    const answer = await fn.post(revokeCall('key-1'));
    expect(answer.status).toBe(409);
    expect(answer.json).toEqual({ error: 'key already deleted by hand' });
  });

  it('returns the same credential to a retry with the same requestId', async () => {
    const fn = await start();
    const first = await fn.post(rotateCall('run-1'));
    const retry = await fn.post(rotateCall('run-1'), { signedAtMs: Date.now() + 1_000 });
    expect(retry.status).toBe(200);
    expect(retry.json).toEqual(first.json);
    expect(fn.rotations).toHaveLength(1);
    expect((await fn.post(rotateCall('run-2'))).json).toEqual({ newValue: 'sk-proj-value-2', newHandle: 'key-2' });
    expect((await fn.post(rotateCall('run-1', 'ANOTHER_KEY'))).status).toBe(409);
  });

  it('refuses other paths, other methods, malformed calls and oversized bodies', async () => {
    const fn = await start();
    expect((await fn.post(rotateCall(), { path: '/elsewhere' })).status).toBe(404);
    expect((await fetch(`${fn.url}/rotate`)).status).toBe(405);
    const noEnv = JSON.stringify({ action: 'rotate', secretKey: 'K', projectSlug: 'my-app', requestId: 'r' });
    const malformed = await fn.post(noEnv);
    expect(malformed.status).toBe(400);
    expect(malformed.json).toEqual({ error: 'environmentSlug must be a non-empty string' });
    const huge = JSON.stringify({ action: 'rotate', secretKey: 'K', projectSlug: 'p', environmentSlug: 'e', requestId: 'r', pad: 'x'.repeat(70_000) });
    expect((await fn.post(huge)).status).toBe(413);
    expect(fn.rotations).toHaveLength(0);
  });

  it('serves the functions of src/rotate-secret.ts, which answer 501 until implemented', async () => {
    const fn = await start({ rotateSecret, revokeSecret });
    const answer = await fn.post(rotateCall());
    expect(answer.status).toBe(501);
    expect(answer.json.error).toMatch(/^rotateSecret is not implemented yet/);
  });
});
