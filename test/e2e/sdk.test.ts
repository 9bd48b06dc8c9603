import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKeygateClient, KeygateApiError } from '@keygate/sdk';
import { startTestHost, type TestHost } from '../src/host.js';

let h: TestHost;
beforeAll(async () => {
  h = await startTestHost();
});
afterAll(async () => {
  await h?.close();
});

/** The SDK, written from the contract alone, against a real host: signed and bearer requests. */
describe('@keygate/sdk against a real host', () => {
  it.each(['signed', 'bearer'] as const)('manages and reads secrets with %s requests', async (auth) => {
    const keygate = createKeygateClient({ baseUrl: h.url, apiKey: h.apiKey, auth });
    const project = `sdk-${auth}`;
    const created = await keygate.POST('/api/v1/projects', { body: { name: project, description: 'made by the SDK' } });
    expect(created.response.status).toBe(201);
    expect(created.data?.slug).toBe(project);
    const env = await keygate.POST('/api/v1/projects/{projectRef}/environments', { params: { path: { projectRef: project } }, body: { name: 'staging' } });
    expect(env.data?.providers).toEqual(['system']);

    await keygate.setSecret(project, 'staging', 'system', 'API_URL', 'https://api.example.com/v1?x=1&y=ü', { description: 'upstream', tags: { scope: 'web' } });
    await keygate.setSecret(project, 'staging', 'system', 'MULTI', 'line 1\nline 2');
    const all = await keygate.getEnvironmentSecrets(project, 'staging');
    expect(all.secrets).toEqual({ API_URL: 'https://api.example.com/v1?x=1&y=ü', MULTI: 'line 1\nline 2' });
    expect((await keygate.getSecretsVersion(project, 'staging')).version).toBe(all.version);
    const one = await keygate.getSecret(project, 'staging', 'system', 'API_URL');
    expect(one).toMatchObject({ description: 'upstream', tags: { scope: 'web' } });

    // Query parameters are part of the signature.
    const page = await keygate.GET('/api/v1/projects', { params: { query: { offset: 0, limit: 1 } } });
    expect(page.response.status).toBe(200);
    expect(page.data?.items).toHaveLength(1);

    await keygate.deleteSecret(project, 'staging', 'system', 'MULTI');
    const missing = await keygate.getSecret(project, 'staging', 'system', 'MULTI').catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(KeygateApiError);
    expect(missing).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });

  it('sends the same signed request many times in one second without tripping replay protection', async () => {
    const keygate = createKeygateClient({ baseUrl: h.url, apiKey: h.apiKey });
    await keygate.POST('/api/v1/projects', { body: { name: 'poller' } });
    await keygate.POST('/api/v1/projects/{projectRef}/environments', { params: { path: { projectRef: 'poller' } }, body: { name: 'e' } });
    const versions = await Promise.all(Array.from({ length: 5 }, () => keygate.getSecretsVersion('poller', 'e')));
    expect(versions.map((v) => v.version)).toEqual([0, 0, 0, 0, 0]);
  });

  it('is refused with a key the host does not know, in both modes', async () => {
    const stranger = `bax-${'a'.repeat(32)}-${'b'.repeat(64)}`;
    for (const auth of ['signed', 'bearer'] as const) {
      const keygate = createKeygateClient({ baseUrl: h.url, apiKey: stranger, auth });
      const error = await keygate.getEnvironmentSecrets('x', 'y').catch((e: unknown) => e);
      expect(error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });

  it('is refused when a signed request is tampered with on the way', async () => {
    // Re-sends a correctly signed request with a different body.
    const tampering: typeof fetch = async (input, init) => {
      const request = new Request(input, init);
      if (request.method !== 'PUT') return fetch(request);
      return fetch(new Request(request, { body: JSON.stringify({ value: 'evil' }) }));
    };
    const keygate = createKeygateClient({ baseUrl: h.url, apiKey: h.apiKey, fetch: tampering });
    await keygate.POST('/api/v1/projects', { body: { name: 'tamper' } });
    await keygate.POST('/api/v1/projects/{projectRef}/environments', { params: { path: { projectRef: 'tamper' } }, body: { name: 'e' } });
    const error = await keygate.setSecret('tamper', 'e', 'system', 'K', 'good').catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 401 });
  });
});
