import { describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHost } from '../src/host.js';

const fixture = fileURLToPath(new URL('../fixtures/flaky-provider.ts', import.meta.url));

describe('graceful shutdown', () => {
  it('finishes in-flight requests, then refuses new connections', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'keygate-shutdown-'));
    const configFile = join(dir, 'keygate.yaml');
    await writeFile(configFile, `plugins:\n  - package: ${JSON.stringify(fixture)}\nproviderTimeoutMs: 700\n`);
    const h = await startTestHost({ configPath: configFile });
    await h.api('POST', '/api/v1/providers', { name: 'slow', type: 'Flaky', configuration: { mode: 'hang' } });
    await h.api('POST', '/api/v1/projects', { name: 'p', providerIds: ['slow'] });
    await h.api('POST', '/api/v1/projects/p/environments', { name: 'e' });

    // A request that takes ~700 ms is in flight when shutdown starts.
    const inFlight = h.api('GET', '/api/v1/projects/p/environments/e/secrets');
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = h.close();
    await new Promise((resolve) => setTimeout(resolve, 50));
    await expect(fetch(`${h.url}/healthz`)).rejects.toThrow();
    const answered = await inFlight;
    expect(answered.status).toBe(504);
    await closing;
  });
});
