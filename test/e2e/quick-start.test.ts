import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const main = join(root, 'host/dist/main.js');

async function waitFor(url: string, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await fetch(url)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > until) throw new Error(`${url} not ready within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The README's quick start, for real: the built host with no DATABASE_URL starts its embedded
 * PostgreSQL in a fresh data folder, prints an admin key once, serves a write and a read, restarts
 * on the same data, and stops cleanly on SIGTERM.
 */
describe('quick start (built host, embedded PostgreSQL)', () => {
  it('runs from an empty data folder and again from an existing one', { timeout: 120_000 }, async () => {
    // `npm test` builds before it runs vitest; run `npm run build` when calling vitest directly.
    expect(existsSync(main), `${main} is missing: run npm run build`).toBe(true);
    const dataDir = await mkdtemp(join(tmpdir(), 'keygate-quickstart-'));
    const port = 20000 + Math.floor(Math.random() * 20000);
    const env: NodeJS.ProcessEnv = { ...process.env, KEYGATE_DATA_DIR: dataDir, PORT: String(port), KEYGATE_LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.KEYGATE_BOOTSTRAP_API_KEY;
    const url = `http://127.0.0.1:${port}`;
    const run = async (firstStart: boolean) => {
      const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      try {
        await waitFor(`${url}/readyz`, 30_000);
      } catch (error) {
        child.kill('SIGKILL');
        throw new Error(`${String(error)}\n${stderr}`, { cause: error });
      }
      const keyFile = join(dataDir, 'bootstrap-api-key');
      const apiKey = (await readFile(keyFile, 'utf8')).trim();
      if (firstStart) {
        expect(stderr).toContain(apiKey);
        expect((await stat(keyFile)).mode & 0o777).toBe(0o600);
      } else {
        expect(stderr).not.toContain(apiKey);
      }
      const headers = { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' };
      if (firstStart) {
        expect((await fetch(`${url}/api/v1/projects`, { method: 'POST', headers, body: JSON.stringify({ name: 'demo' }) })).status).toBe(201);
        expect((await fetch(`${url}/api/v1/projects/demo/environments`, { method: 'POST', headers, body: JSON.stringify({ name: 'dev' }) })).status).toBe(201);
        const put = await fetch(`${url}/api/v1/projects/demo/environments/dev/providers/system/secrets/GREETING`, { method: 'PUT', headers, body: JSON.stringify({ value: 'hello' }) });
        expect(put.status).toBe(200);
      }
      const read = await fetch(`${url}/api/v1/projects/demo/environments/dev/secrets`, { headers });
      expect(((await read.json()) as { secrets: Record<string, string> }).secrets).toEqual({ GREETING: 'hello' });
      expect(stderr).not.toContain('hello');
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
      // Postgres was stopped with the host: its pid file is gone.
      expect(existsSync(join(dataDir, 'postgres', 'pgdata', 'postmaster.pid'))).toBe(false);
    };
    try {
      await run(true);
      await run(false);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
