import { describe, expect, it } from 'vitest';
import { signWebhookPayload } from '@keygate/sdk';
import { createLambdaHandler, type HttpEventV2, type HttpResultV2 } from './lambda-adapter.js';
import { InMemoryIdempotencyStore } from './idempotency-store.js';
import { createRotationHandler, RotationError, settingsFromEnv, type RevocationContext, type RotationContext, type RotationHandlerOptions } from './rotation-handler.js';

const SECRET = 'kgws_3f1c0d9a8b7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a';
const PREVIOUS = 'kgws_0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';

const rotateCall = (requestId = 'req-rotate-1', secretKey = 'STRIPE_API_KEY') =>
  JSON.stringify({ action: 'rotate', secretKey, projectSlug: 'my-app', environmentSlug: 'production', requestId });
const revokeCall = (oldHandle = 'key-1') =>
  JSON.stringify({ action: 'revoke', secretKey: 'STRIPE_API_KEY', projectSlug: 'my-app', environmentSlug: 'production', oldHandle, requestId: 'req-revoke-1' });

/** A function that mints numbered credentials, remembering what it was asked. */
function vendor() {
  const rotations: RotationContext[] = [];
  const revocations: RevocationContext[] = [];
  const logs: string[] = [];
  return {
    rotations,
    revocations,
    logs,
    options: (extra: Partial<RotationHandlerOptions> = {}): RotationHandlerOptions => ({
      signingSecrets: [SECRET],
      rotateSecret: async (ctx) => {
        rotations.push(ctx);
        return { newValue: `sk_live_value_${rotations.length}`, newHandle: `key-${rotations.length}` };
      },
      revokeSecret: async (ctx) => {
        revocations.push(ctx);
      },
      log: (line) => logs.push(line),
      ...extra,
    }),
  };
}

/** The event a function URL delivers for a POST Keygate signed now (or at `signedAtMs`). */
function signedEvent(body: string, options: { secrets?: string | string[]; signedAtMs?: number; headers?: Record<string, string>; base64?: boolean } = {}): HttpEventV2 {
  return {
    version: '2.0',
    rawPath: '/',
    headers: {
      'content-type': 'application/json',
      'x-bella-signature': signWebhookPayload(options.secrets ?? SECRET, body, options.signedAtMs ?? Date.now()),
      ...options.headers,
    },
    body: options.base64 === true ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: options.base64 === true,
    requestContext: { http: { method: 'POST' } },
  };
}

function json(result: HttpResultV2): Record<string, unknown> {
  expect(result.headers['content-type']).toBe('application/json');
  return JSON.parse(result.body) as Record<string, unknown>;
}

describe('aws-lambda rotation handler', () => {
  it('answers a signed rotate with the new credential and its handle', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const result = await handler(signedEvent(rotateCall()));
    expect(result.statusCode).toBe(200);
    expect(result.headers['cache-control']).toBe('no-store');
    expect(json(result)).toEqual({ newValue: 'sk_live_value_1', newHandle: 'key-1' });
    expect(v.rotations).toEqual([{ secretKey: 'STRIPE_API_KEY', projectSlug: 'my-app', environmentSlug: 'production', requestId: 'req-rotate-1' }]);
  });

  it('verifies a base64-encoded body on its decoded bytes', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const result = await handler(signedEvent(rotateCall(), { base64: true }));
    expect(result.statusCode).toBe(200);
    expect(json(result)).toEqual({ newValue: 'sk_live_value_1', newHandle: 'key-1' });
  });

  it('omits newHandle when the function returns none', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options({ rotateSecret: () => ({ newValue: 'plain-value' }) })));
    expect(json(await handler(signedEvent(rotateCall())))).toEqual({ newValue: 'plain-value' });
  });

  it('dispatches a signed revoke with the old handle', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const result = await handler(signedEvent(revokeCall('key-7')));
    expect(result.statusCode).toBe(200);
    expect(json(result)).toEqual({ success: true });
    expect(v.revocations).toEqual([{ secretKey: 'STRIPE_API_KEY', projectSlug: 'my-app', environmentSlug: 'production', requestId: 'req-revoke-1', oldHandle: 'key-7' }]);
  });

  it('answers 501 to a revoke when no revokeSecret is given', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler({ ...v.options(), revokeSecret: undefined }));
    const result = await handler(signedEvent(revokeCall()));
    expect(result.statusCode).toBe(501);
    expect(json(result)).toEqual({ error: 'revokeSecret is not implemented' });
  });

  it('rejects a body changed after signing, without calling the function', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const event = signedEvent(rotateCall());
    event.body = event.body!.replace('production', 'staging');
    const result = await handler(event);
    expect(result.statusCode).toBe(401);
    expect(json(result)).toEqual({ error: 'invalid or missing X-Bella-Signature' });
    expect(v.rotations).toHaveLength(0);
  });

  it('rejects a missing signature and a signature made with another secret', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const unsigned = signedEvent(rotateCall());
    delete unsigned.headers!['x-bella-signature'];
    expect((await handler(unsigned)).statusCode).toBe(401);
    expect((await handler(signedEvent(rotateCall(), { secrets: 'kgws_someone_else' }))).statusCode).toBe(401);
    expect(v.rotations).toHaveLength(0);
  });

  it('accepts a timestamp within 300 s either way and rejects stale or future ones', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const now = Date.now();
    expect((await handler(signedEvent(rotateCall('stale'), { signedAtMs: now - 301_000 }))).statusCode).toBe(401);
    expect((await handler(signedEvent(rotateCall('future'), { signedAtMs: now + 302_000 }))).statusCode).toBe(401);
    expect(v.rotations).toHaveLength(0);
    expect((await handler(signedEvent(rotateCall('late'), { signedAtMs: now - 290_000 }))).statusCode).toBe(200);
    expect((await handler(signedEvent(rotateCall('early'), { signedAtMs: now + 290_000 }))).statusCode).toBe(200);
  });

  it('accepts either v1 value while the signing secret is rolled', async () => {
    const v = vendor();
    // Keygate signs with the new and the previous secret; a function still configured with the previous one accepts it.
    const stillOld = createLambdaHandler(createRotationHandler(v.options({ signingSecrets: [PREVIOUS] })));
    const both = signedEvent(rotateCall('rolling-1'), { secrets: [SECRET, PREVIOUS] });
    expect(both.headers!['x-bella-signature']!.match(/v1=/g)).toHaveLength(2);
    expect((await stillOld(both)).statusCode).toBe(200);
    // A function already given both secrets accepts a call signed with either alone.
    const rolled = createLambdaHandler(createRotationHandler(v.options({ signingSecrets: [SECRET, PREVIOUS] })));
    expect((await rolled(signedEvent(rotateCall('rolling-2'), { secrets: PREVIOUS }))).statusCode).toBe(200);
    expect((await rolled(signedEvent(rotateCall('rolling-3'), { secrets: SECRET }))).statusCode).toBe(200);
    expect((await rolled(signedEvent(rotateCall('rolling-4'), { secrets: 'kgws_retired' }))).statusCode).toBe(401);
  });

  it('checks the API key header when one is configured', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options({ apiKey: { header: 'X-Rotation-Key', value: 'expected-api-key' } })));
    const missing = await handler(signedEvent(rotateCall('k1')));
    expect(missing.statusCode).toBe(401);
    expect(json(missing)).toEqual({ error: 'invalid or missing X-Rotation-Key header' });
    const wrong = await handler(signedEvent(rotateCall('k2'), { headers: { 'x-rotation-key': 'expected-api-kez' } }));
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).not.toContain('expected-api-key');
    expect(v.rotations).toHaveLength(0);
    const right = await handler(signedEvent(rotateCall('k3'), { headers: { 'x-rotation-key': 'expected-api-key' } }));
    expect(right.statusCode).toBe(200);
  });

  it('answers 500 with no value or stack trace when the function throws', async () => {
    const v = vendor();
    const handler = createLambdaHandler(
      createRotationHandler(
        v.options({
          rotateSecret: () => {
            throw new Error('vendor refused sk_live_leaked_value');
          },
        }),
      ),
    );
    const result = await handler(signedEvent(rotateCall()));
    expect(result.statusCode).toBe(500);
    expect(json(result)).toEqual({ error: 'rotate failed' });
    expect(result.body).not.toMatch(/sk_live|at |\.ts/);
    expect(v.logs.join('\n')).not.toContain('sk_live_leaked_value');
    expect(v.logs.join('\n')).toContain('req-rotate-1');
  });

  it('passes the status and message of a RotationError through', async () => {
    const v = vendor();
    const handler = createLambdaHandler(
      createRotationHandler(
        v.options({
          rotateSecret: () => {
            throw new RotationError('rate limited by the vendor, try again later', 429);
          },
        }),
      ),
    );
    const result = await handler(signedEvent(rotateCall()));
    expect(result.statusCode).toBe(429);
    expect(json(result)).toEqual({ error: 'rate limited by the vendor, try again later' });
  });

  it('answers 500 when the function returns no newValue', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options({ rotateSecret: () => ({ newValue: '' }) })));
    const result = await handler(signedEvent(rotateCall()));
    expect(result.statusCode).toBe(500);
    expect(json(result)).toEqual({ error: 'rotateSecret returned no newValue' });
  });

  it('returns the same credential to a retry with the same requestId, and does not retry a failure from memory', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const first = await handler(signedEvent(rotateCall('run-1')));
    // Keygate re-signs every retry with a fresh timestamp.
    const retry = await handler(signedEvent(rotateCall('run-1'), { signedAtMs: Date.now() + 2_000 }));
    expect(json(retry)).toEqual(json(first));
    expect(v.rotations).toHaveLength(1);
    const nextRun = await handler(signedEvent(rotateCall('run-2')));
    expect(json(nextRun)).toEqual({ newValue: 'sk_live_value_2', newHandle: 'key-2' });

    let failNext = true;
    const flaky = createLambdaHandler(
      createRotationHandler(
        v.options({
          rotateSecret: () => {
            if (failNext) {
              failNext = false;
              throw new Error('timeout');
            }
            return { newValue: 'after-retry' };
          },
        }),
      ),
    );
    expect((await flaky(signedEvent(rotateCall('run-3')))).statusCode).toBe(500);
    expect(json(await flaky(signedEvent(rotateCall('run-3'))))).toEqual({ newValue: 'after-retry' });
  });

  it('runs the function once for concurrent retries and refuses a requestId reused for another secret', async () => {
    const v = vendor();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const handler = createLambdaHandler(
      createRotationHandler(
        v.options({
          rotateSecret: async (ctx) => {
            v.rotations.push(ctx);
            await gate;
            return { newValue: `slow_${v.rotations.length}` };
          },
        }),
      ),
    );
    const calls = [handler(signedEvent(rotateCall('run-c'))), handler(signedEvent(rotateCall('run-c')))];
    release();
    const [a, b] = await Promise.all(calls);
    expect(json(a!)).toEqual({ newValue: 'slow_1' });
    expect(json(b!)).toEqual({ newValue: 'slow_1' });
    expect(v.rotations).toHaveLength(1);

    const reused = await handler(signedEvent(rotateCall('run-c', 'OPENAI_API_KEY')));
    expect(reused.statusCode).toBe(409);
    expect(reused.body).not.toContain('slow_1');
  });

  it('names the field of a malformed call', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const noKey = JSON.stringify({ action: 'rotate', projectSlug: 'my-app', environmentSlug: 'production', requestId: 'r' });
    expect(json(await handler(signedEvent(noKey)))).toEqual({ error: 'secretKey must be a non-empty string' });
    const noHandle = JSON.stringify({ action: 'revoke', secretKey: 'K', projectSlug: 'my-app', environmentSlug: 'production', requestId: 'r' });
    const result = await handler(signedEvent(noHandle));
    expect(result.statusCode).toBe(400);
    expect(json(result)).toEqual({ error: 'oldHandle must be a non-empty string' });
    expect(json(await handler(signedEvent('{"action":"delete"}')))).toEqual({ error: 'action must be "rotate" or "revoke"' });
    expect(json(await handler(signedEvent('not json')))).toEqual({ error: 'body must be JSON' });
  });

  it('refuses other methods and payload format 1.0 events', async () => {
    const v = vendor();
    const handler = createLambdaHandler(createRotationHandler(v.options()));
    const get = signedEvent(rotateCall());
    get.requestContext = { http: { method: 'GET' } };
    expect((await handler(get)).statusCode).toBe(405);
    const v1: HttpEventV2 = { ...signedEvent(rotateCall()), version: '1.0', requestContext: {} };
    expect((await handler(v1)).statusCode).toBe(400);
    expect(v.rotations).toHaveLength(0);
  });

  it('refuses to start without a signing secret', () => {
    const v = vendor();
    expect(() => createRotationHandler(v.options({ signingSecrets: [''] }))).toThrow('no signing secret configured');
  });

  it('keeps one credential when two instances sharing a store serve the same requestId, revoking the other', async () => {
    const v = vendor();
    const store = new InMemoryIdempotencyStore();
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const instance = () =>
      createLambdaHandler(
        createRotationHandler(
          v.options({
            idempotencyStore: store,
            rotateSecret: async (ctx) => {
              v.rotations.push(ctx);
              const n = v.rotations.length;
              await gate;
              return { newValue: `sk_live_value_${n}`, newHandle: `key-${n}` };
            },
          }),
        ),
      );
    const calls = [instance()(signedEvent(rotateCall('run-x'))), instance()(signedEvent(rotateCall('run-x')))];
    await new Promise((resolve) => setTimeout(resolve, 10));
    release();
    const [a, b] = await Promise.all(calls);
    expect(v.rotations).toHaveLength(2);
    expect(json(a!)).toEqual(json(b!));
    const kept = json(a!).newHandle;
    expect(v.revocations.map((r) => r.oldHandle)).toEqual([kept === 'key-1' ? 'key-2' : 'key-1']);
  });

  it('reads its settings from the environment', () => {
    expect(settingsFromEnv({ KEYGATE_SIGNING_SECRET: `${SECRET}, ${PREVIOUS}` })).toEqual({ signingSecrets: [SECRET, PREVIOUS] });
    expect(settingsFromEnv({ BELLA_SIGNING_SECRET: SECRET })).toEqual({ signingSecrets: [SECRET] });
    expect(settingsFromEnv({ KEYGATE_SIGNING_SECRET: SECRET, KEYGATE_ROTATION_API_KEY_HEADER: 'X-Key', KEYGATE_ROTATION_API_KEY: 'k' })).toEqual({
      signingSecrets: [SECRET],
      apiKey: { header: 'X-Key', value: 'k' },
    });
    expect(() => settingsFromEnv({})).toThrow('KEYGATE_SIGNING_SECRET');
    expect(() => settingsFromEnv({ KEYGATE_SIGNING_SECRET: SECRET, KEYGATE_ROTATION_API_KEY: 'k' })).toThrow('KEYGATE_ROTATION_API_KEY_HEADER');
  });

  it('wires the entry point to src/rotate-secret.ts, which answers 501 until it is implemented', async () => {
    process.env.KEYGATE_SIGNING_SECRET = SECRET;
    try {
      const { handler } = await import('./handler.js');
      const result = await handler(signedEvent(rotateCall()));
      expect(result.statusCode).toBe(501);
      expect(json(result).error).toMatch(/^rotateSecret is not implemented yet/);
      expect((await handler(signedEvent(rotateCall(), { secrets: PREVIOUS }))).statusCode).toBe(401);
    } finally {
      delete process.env.KEYGATE_SIGNING_SECRET;
    }
  });

  it('forgets remembered answers after their time to live', async () => {
    let now = 1_000_000;
    const store = new InMemoryIdempotencyStore({ ttlMs: 60_000, now: () => now });
    const record = { fingerprint: 'f', answer: { success: true } as const };
    expect(await store.putIfAbsent('revoke:r1', record)).toBeUndefined();
    expect(await store.putIfAbsent('revoke:r1', { fingerprint: 'g', answer: { success: true } })).toEqual(record);
    now += 59_999;
    expect(await store.get('revoke:r1')).toEqual(record);
    now += 1;
    expect(await store.get('revoke:r1')).toBeUndefined();
  });
});
