import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { startTestHost, type TestHost } from '../src/host.js';

const base = '/api/v1';
const VALUE = 'S3cr3t-value-that-must-not-leak';
const CREDENTIAL = 'credential-that-must-not-leak';
const fixture = fileURLToPath(new URL('../fixtures/flaky-provider.ts', import.meta.url));

let h: TestHost;
const lines: string[] = [];

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-leaks-'));
  const configFile = join(dir, 'keygate.yaml');
  await writeFile(configFile, `plugins:\n  - package: ${JSON.stringify(fixture)}\n`);
  h = await startTestHost({ configPath: configFile, logSink: (line) => lines.push(line) });
});
afterAll(async () => {
  await h?.close();
});

/**
 * Drives every path a value or credential travels (write, read, list, failures, bad input) with
 * logging at debug level, then searches the logs, the responses and Keygate's own tables for them.
 */
describe('values and credentials never leak', () => {
  it('stay out of logs, error responses and the host database', async () => {
    const responses: string[] = [];
    const call = async (method: string, path: string, body?: unknown, headers?: Record<string, string>) => {
      const res = await h.api(method, path, body, headers);
      if (!(method === 'GET' && /\/secrets(\/[A-Z_]+)?$/.test(path) && res.status === 200)) responses.push(JSON.stringify(res.body ?? ''));
      return res;
    };
    await call('POST', `${base}/providers`, { name: 'flaky', type: 'Flaky', configuration: { mode: 'up', token: CREDENTIAL } });
    await call('POST', `${base}/providers`, { name: 'broken', type: 'Flaky', configuration: { mode: 'broken', token: CREDENTIAL } });
    await call('PUT', `${base}/providers/flaky`, { configuration: { mode: 'up', token: CREDENTIAL } });
    await call('POST', `${base}/projects`, { name: 'p', providerIds: ['system', 'flaky', 'broken'] });
    await call('POST', `${base}/projects/p/environments`, { name: 'e' });
    await call('PUT', `${base}/projects/p/environments/e/providers/system/secrets/TOKEN`, { value: VALUE, type: 'string' });
    await call('PUT', `${base}/projects/p/environments/e/providers/flaky/secrets/TOKEN2`, { value: VALUE });
    await call('PUT', `${base}/projects/p/environments/e/providers/broken/secrets/TOKEN3`, { value: VALUE });
    await call('PUT', `${base}/projects/p/environments/e/providers/system/secrets/CONF`, { value: `{${VALUE}`, type: 'json' });
    await call('PUT', `${base}/projects/p/environments/e/providers/system/secrets/TOKEN`, { value: VALUE, ifVersion: '999' });
    await call('POST', `${base}/projects/p/environments/e/providers/system/secrets`, { key: 'TOKEN', value: VALUE });
    await call('PUT', `${base}/projects/p/environments/e/providers/system/secrets/BAD KEY`, { value: VALUE });
    await call('PUT', `${base}/projects/p/environments/e/providers/system/secrets/X`, { value: VALUE, extra: VALUE });
    await call('GET', `${base}/projects/p/environments/e/providers/system/secrets`);
    await call('GET', `${base}/providers`);
    await call('GET', `${base}/projects`, undefined, { authorization: `Bearer ${VALUE}` });
    const read = await h.api('GET', `${base}/projects/p/environments/e/secrets`);
    expect(read.status).toBe(502); // the broken provider fails the merged read
    const readOne = await h.api('GET', `${base}/projects/p/environments/e/providers/system/secrets/TOKEN`);
    expect((readOne.body as { value: string }).value).toBe(VALUE);

    await h.host.services.audit.flush();
    const logs = lines.join('');
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [VALUE, CREDENTIAL, 'hunter2', h.apiKey.slice(37)]) {
      expect(logs, `logs contain ${secret}`).not.toContain(secret);
      for (const body of responses) expect(body, `a response contains ${secret}`).not.toContain(secret);
    }

    const client = new pg.Client({ connectionString: h.databaseUrl });
    await client.connect();
    try {
      const tables = await client.query<{ table_name: string }>("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'");
      for (const { table_name } of tables.rows) {
        const dump = JSON.stringify((await client.query(`SELECT * FROM ${table_name}`)).rows);
        expect(dump, table_name).not.toContain(VALUE);
        expect(dump, table_name).not.toContain(CREDENTIAL);
      }
      const local = JSON.stringify((await client.query('SELECT * FROM keygate_local.secret_versions')).rows);
      expect(local).not.toContain(VALUE);
    } finally {
      await client.end();
    }
  });
});
