import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFile, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const fixture = fileURLToPath(new URL('../fixtures/flaky-provider.ts', import.meta.url));

let h: TestHost;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-flaky-'));
  const configFile = join(dir, 'keygate.yaml');
  await writeFile(configFile, `plugins:\n  - package: ${JSON.stringify(fixture)}\nproviderTimeoutMs: 300\n`);
  h = await startTestHost({ configPath: configFile });
  for (const mode of ['up', 'down', 'hang', 'broken']) {
    const res = await h.api('POST', `${base}/providers`, { name: mode, type: 'Flaky', configuration: { mode, token: `tok-${mode}-secret` } });
    expect(res.status).toBe(201);
  }
  await h.api('POST', `${base}/projects`, { name: 'p', providerIds: ['system', 'up', 'down', 'hang', 'broken'] });
  for (const mode of ['up', 'down', 'hang', 'broken']) {
    await h.api('POST', `${base}/projects/p/environments`, { name: mode, providerIds: [mode] });
  }
});
afterAll(async () => {
  await h?.close();
});

describe('a provider that is down, hangs or breaks', () => {
  it('masks credentials in every response', async () => {
    const res = await h.api('GET', `${base}/providers/up`);
    expect((res.body as Json).configuration).toEqual({ mode: 'up', token: '***ENCRYPTED***' });
    const list = await h.api('GET', `${base}/providers?limit=200`);
    expect(JSON.stringify(list.body)).not.toContain('tok-');
  });

  it('keeps a masked credential on update and replaces a new one', async () => {
    const kept = await h.api('PUT', `${base}/providers/up`, { configuration: { mode: 'up', token: '***ENCRYPTED***' } });
    expect(kept.status).toBe(200);
    const res = await h.api('PUT', `${base}/providers/up`, { configuration: { mode: 'up', token: '' } });
    expect(res.status).toBe(400);
    expect((res.body as Json).detail).toMatch(/configuration\.token/);
  });

  it('works when the backend is up', async () => {
    expect((await h.api('PUT', `${base}/projects/p/environments/up/providers/up/secrets/K`, { value: 'v' })).status).toBe(200);
    expect(((await h.api('GET', `${base}/projects/p/environments/up/secrets`)).body as Json).secrets).toEqual({ K: 'v' });
  });

  it('answers 503 naming the provider when the backend is unreachable', async () => {
    const res = await h.api('GET', `${base}/projects/p/environments/down/secrets`);
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: 'down', retryable: true });
    expect((res.body as Json).detail).toMatch(/provider "down"/);
  });

  it('answers 504 within the provider timeout when the backend hangs', async () => {
    const started = Date.now();
    const res = await h.api('PUT', `${base}/projects/p/environments/hang/providers/hang/secrets/K`, { value: 'v' });
    expect(res.status).toBe(504);
    expect(res.body).toMatchObject({ code: 'TIMEOUT', provider: 'hang' });
    expect(Date.now() - started).toBeLessThan(5000);
    // Nothing half-written: the version did not move and no metadata row exists.
    const version = await h.api('GET', `${base}/projects/p/environments/hang/secrets/version`);
    expect((version.body as Json).version).toBe(0);
  });

  it('answers 502 without echoing what the backend said when it breaks', async () => {
    const res = await h.api('GET', `${base}/projects/p/environments/broken/providers/broken/secrets/K`);
    expect(res.status).toBe(502);
    expect(res.body).toMatchObject({ code: 'PROVIDER_REJECTED', provider: 'broken' });
    expect(JSON.stringify(res.body)).not.toContain('hunter2');
  });

  it('reports a failed connectivity test as a result', async () => {
    const down = await h.api('POST', `${base}/providers/down/test`);
    expect(down.status).toBe(200);
    expect(down.body).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE' });
    const up = await h.api('POST', `${base}/providers/up/test`);
    expect(up.body).toMatchObject({ ok: true });
  });

  it('refuses compare-and-set on a provider without it, instead of ignoring it', async () => {
    const res = await h.api('PUT', `${base}/projects/p/environments/up/providers/up/secrets/K`, { value: 'x', ifVersion: '1' });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ code: 'UNSUPPORTED' });
  });
});
