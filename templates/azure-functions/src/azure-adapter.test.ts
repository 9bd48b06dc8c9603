import { describe, expect, it } from 'vitest';
// The package is CommonJS: its classes are reachable from ESM through the default export only.
import azureFunctions, { type HttpResponseInit } from '@azure/functions';
import { signWebhookPayload } from '@keygate/sdk';
import { createAzureHandler } from './azure-adapter.js';
import { createRotationHandler, RotationError, type RevocationContext, type RotationContext, type RotationHandlerOptions } from './rotation-handler.js';

const { HttpRequest, InvocationContext } = azureFunctions;

const SECRET = 'kgws_5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b';
const PREVIOUS = 'kgws_f0e1d2c3b4a5968778695a4b3c2d1e0ff0e1d2c3b4a5968778695a4b3c2d1e0f';

const rotateCall = (requestId = 'req-rotate-1', secretKey = 'MAPS_API_KEY') =>
  JSON.stringify({ action: 'rotate', secretKey, projectSlug: 'my-app', environmentSlug: 'production', requestId });
const revokeCall = (oldHandle: string) =>
  JSON.stringify({ action: 'revoke', secretKey: 'MAPS_API_KEY', projectSlug: 'my-app', environmentSlug: 'production', oldHandle, requestId: 'req-revoke-1' });

/** The function as the Functions host would invoke it, with a function that mints numbered credentials. */
function deploy(extra: Partial<RotationHandlerOptions> = {}) {
  const rotations: RotationContext[] = [];
  const revocations: RevocationContext[] = [];
  const logs: string[] = [];
  const handler = createAzureHandler(
    createRotationHandler({
      signingSecrets: [SECRET],
      rotateSecret: (ctx) => {
        rotations.push(ctx);
        return { newValue: `maps-value-${rotations.length}`, newHandle: `key-${rotations.length}` };
      },
      revokeSecret: (ctx) => {
        revocations.push(ctx);
      },
      log: (line) => logs.push(line),
      ...extra,
    }),
  );
  /** Sends `body` signed as Keygate signs it, through a real HttpRequest of the v4 programming model. */
  const post = async (body: string, options: { secrets?: string | string[]; signedAtMs?: number; headers?: Record<string, string>; sendBody?: string; method?: string } = {}) => {
    const request = new HttpRequest({
      method: options.method ?? 'POST',
      url: 'http://localhost:7071/api/rotate',
      headers: {
        'Content-Type': 'application/json',
        'X-Bella-Signature': signWebhookPayload(options.secrets ?? SECRET, body, options.signedAtMs ?? Date.now()),
        ...options.headers,
      },
      body: { string: options.sendBody ?? body },
    });
    const response: HttpResponseInit = await handler(request, new InvocationContext({ functionName: 'rotate', logHandler: () => undefined }));
    return { status: response.status, headers: response.headers as Record<string, string>, text: String(response.body), json: JSON.parse(String(response.body)) as Record<string, unknown> };
  };
  return { post, rotations, revocations, logs };
}

describe('azure-functions rotation handler', () => {
  it('answers a signed rotate with the new credential and its handle', async () => {
    const fn = deploy();
    const answer = await fn.post(rotateCall());
    expect(answer.status).toBe(200);
    expect(answer.headers['cache-control']).toBe('no-store');
    expect(answer.json).toEqual({ newValue: 'maps-value-1', newHandle: 'key-1' });
    expect(fn.rotations).toEqual([{ secretKey: 'MAPS_API_KEY', projectSlug: 'my-app', environmentSlug: 'production', requestId: 'req-rotate-1' }]);
  });

  it('dispatches a signed revoke with the old handle', async () => {
    const fn = deploy();
    const answer = await fn.post(revokeCall('key-3'));
    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({ success: true });
    expect(fn.revocations.map((r) => r.oldHandle)).toEqual(['key-3']);
  });

  it('rejects a body changed after signing', async () => {
    const fn = deploy();
    const answer = await fn.post(rotateCall(), { sendBody: rotateCall().replace('my-app', 'other-app') });
    expect(answer.status).toBe(401);
    expect(answer.json).toEqual({ error: 'invalid or missing X-Bella-Signature' });
    expect(fn.rotations).toHaveLength(0);
  });

  it('rejects stale and future timestamps beyond 300 s', async () => {
    const fn = deploy();
    expect((await fn.post(rotateCall('a'), { signedAtMs: Date.now() - 301_000 })).status).toBe(401);
    expect((await fn.post(rotateCall('b'), { signedAtMs: Date.now() + 302_000 })).status).toBe(401);
    expect(fn.rotations).toHaveLength(0);
    expect((await fn.post(rotateCall('c'), { signedAtMs: Date.now() + 280_000 })).status).toBe(200);
  });

  it('accepts either v1 value while the signing secret is rolled', async () => {
    const old = deploy({ signingSecrets: [PREVIOUS] });
    expect((await old.post(rotateCall('r1'), { secrets: [SECRET, PREVIOUS] })).status).toBe(200);
    const rolled = deploy({ signingSecrets: [SECRET, PREVIOUS] });
    expect((await rolled.post(rotateCall('r2'), { secrets: [PREVIOUS] })).status).toBe(200);
    expect((await rolled.post(rotateCall('r3'), { secrets: [SECRET] })).status).toBe(200);
    expect((await rolled.post(rotateCall('r4'), { secrets: ['kgws_retired'] })).status).toBe(401);
  });

  it('checks the API key header when one is configured, e.g. the function key', async () => {
    const fn = deploy({ apiKey: { header: 'x-functions-key', value: 'the-function-key' } });
    const wrong = await fn.post(rotateCall('k1'), { headers: { 'x-functions-key': 'a-guess' } });
    expect(wrong.status).toBe(401);
    expect(wrong.json).toEqual({ error: 'invalid or missing x-functions-key header' });
    expect(fn.rotations).toHaveLength(0);
    expect((await fn.post(rotateCall('k2'), { headers: { 'X-Functions-Key': 'the-function-key' } })).status).toBe(200);
  });

  it('answers 500 with no value or stack trace when the function throws', async () => {
    const fn = deploy({
      revokeSecret: () => {
        throw new Error('could not delete maps-secret-value');
      },
    });
    const answer = await fn.post(revokeCall('key-1'));
    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ error: 'revoke failed' });
    expect(answer.text).not.toMatch(/maps-secret-value|at |\.ts/);
    expect(fn.logs.join('\n')).not.toContain('maps-secret-value');
  });

  it('passes a RotationError through with its status', async () => {
    const fn = deploy({
      rotateSecret: () => {
        throw new RotationError('quota of keys reached at the vendor', 503);
      },
    });
    const answer = await fn.post(rotateCall());
    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ error: 'quota of keys reached at the vendor' });
  });

  it('returns the same credential to a retry with the same requestId', async () => {
    const fn = deploy();
    const first = await fn.post(rotateCall('run-1'));
    const retry = await fn.post(rotateCall('run-1'), { signedAtMs: Date.now() + 1_000 });
    expect(retry.json).toEqual(first.json);
    expect(fn.rotations).toHaveLength(1);
    expect((await fn.post(rotateCall('run-2'))).json).toEqual({ newValue: 'maps-value-2', newHandle: 'key-2' });
    const revoked = [await fn.post(revokeCall('key-1')), await fn.post(revokeCall('key-1'))];
    expect(revoked.map((r) => r.json)).toEqual([{ success: true }, { success: true }]);
    expect(fn.revocations).toHaveLength(1);
  });

  it('refuses other methods and malformed calls', async () => {
    const fn = deploy();
    expect((await fn.post(rotateCall(), { method: 'PUT' })).status).toBe(405);
    const answer = await fn.post(JSON.stringify({ action: 'rotate', secretKey: 'K', environmentSlug: 'e', requestId: 'r' }));
    expect(answer.status).toBe(400);
    expect(answer.json).toEqual({ error: 'projectSlug must be a non-empty string' });
  });

  it('loads the function module (settings from the environment, `app` imported by name from ESM)', async () => {
    process.env.KEYGATE_SIGNING_SECRET = SECRET;
    try {
      await expect(import('./functions/rotate.js')).resolves.toBeDefined();
    } finally {
      delete process.env.KEYGATE_SIGNING_SECRET;
    }
  });
});
