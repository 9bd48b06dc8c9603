/**
 * End-to-end: `--e2ee` of the built binary. A real HTTP proxy between the CLI and a real host
 * records what crosses it, so the test sees that secret values never travel in plaintext.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHost, type TestHost } from '../../test/src/host.js';
import { runCli, type CliResult } from '../../test/src/cli.js';

const BIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const V1 = '/api/v1';
const VALUE = 'plaintext-must-not-cross-9f3a';

let h: TestHost;
let work: string;
let proxy: Server;
let proxyUrl: string;
/** Response bodies seen by the proxy, and whether to strip the client's E2EE request header. */
const seen: string[] = [];
const tamper = { dropE2eeHeader: false };

function keygate(args: readonly string[]): Promise<CliResult> {
  return runCli(args, { cwd: work, env: { PATH: process.env.PATH ?? '', HOME: work, KEYGATE_URL: proxyUrl, KEYGATE_API_KEY: h.apiKey } });
}

beforeAll(async () => {
  expect(existsSync(BIN), `${BIN} is missing: run "npx tsc -b" first`).toBe(true);
  work = await mkdtemp(join(tmpdir(), 'keygate-cli-e2ee-'));
  h = await startTestHost();
  const upstream = new URL(h.url);
  proxy = createServer((req, res) => {
    const headers = { ...req.headers };
    if (tamper.dropE2eeHeader) delete headers['x-e2e-public-key'];
    const forward = httpRequest({ hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on('data', (chunk: Buffer) => chunks.push(chunk));
      answer.on('end', () => {
        const body = Buffer.concat(chunks);
        seen.push(body.toString('utf8'));
        res.writeHead(answer.statusCode ?? 502, answer.headers).end(body);
      });
    });
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
  expect((await h.api('POST', `${V1}/projects`, { name: 'vault' })).status).toBe(201);
  expect((await h.api('POST', `${V1}/projects/vault/environments`, { name: 'prod' })).status).toBe(201);
  expect((await h.api('PUT', `${V1}/projects/vault/environments/prod/providers/system/secrets/TOKEN`, { value: VALUE })).status).toBeLessThan(300);
});
afterAll(async () => {
  await h?.close();
  await new Promise<void>((resolve) => (proxy ? proxy.close(() => resolve()) : resolve()));
  if (work) await rm(work, { recursive: true, force: true });
});

describe('--e2ee', () => {
  it('pulls and runs with the values encrypted on the wire', async () => {
    seen.length = 0;
    const pulled = await keygate(['pull', '--e2ee', '-p', 'vault', '-e', 'prod', '-o', '-']);
    expect(pulled.code, pulled.stderr).toBe(0);
    expect(pulled.stdout).toBe(`TOKEN=${VALUE}\n`);
    const run = await keygate(['run', '--e2ee', '-p', 'vault', '-e', 'prod', '--', process.execPath, '-e', 'process.stdout.write(process.env.TOKEN)']);
    expect(run.stdout).toBe(VALUE);
    expect(seen.some((body) => body.includes('"encrypted":true'))).toBe(true);
    expect(seen.join('\n')).not.toContain(VALUE);

    // Without --e2ee the same value crosses in plaintext: the check above can fail.
    seen.length = 0;
    expect((await keygate(['pull', '-p', 'vault', '-e', 'prod', '-o', '-'])).code).toBe(0);
    expect(seen.join('\n')).toContain(VALUE);
  });

  it('refuses a plaintext answer to an encrypted read, with one line and a hint', async () => {
    tamper.dropE2eeHeader = true;
    try {
      const result = await keygate(['pull', '--e2ee', '-p', 'vault', '-e', 'prod', '-o', '-']);
      expect(result.code).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^error: server answered an E2EE request in plaintext\nhint: something between you and the gateway/);
    } finally {
      tamper.dropE2eeHeader = false;
    }
  });
});
