import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const fixture = fileURLToPath(new URL('../fixtures/http-read-provider.ts', import.meta.url));

interface Upstream {
  url: string;
  server: Server;
  connections: number;
  open: Set<Socket>;
}

/** A real upstream answering `{secrets}` on every path, counting its TCP connections. */
async function startUpstream(): Promise<Upstream> {
  const server = createServer((_request, response) => {
    response.setHeader('content-type', 'application/json');
    response.end(JSON.stringify({ secrets: { DB_URL: 'postgres://upstream', API_TOKEN: 'tok' } }));
  });
  const upstream: Upstream = { url: '', server, connections: 0, open: new Set() };
  server.on('connection', (socket: Socket) => {
    upstream.connections += 1;
    upstream.open.add(socket);
    socket.on('close', () => upstream.open.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  upstream.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return upstream;
}

async function configWithFixture(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-outbound-'));
  const configFile = join(dir, 'keygate.yaml');
  await writeFile(configFile, `plugins:\n  - package: ${JSON.stringify(fixture)}\n`);
  return configFile;
}

async function addProvider(h: TestHost, name: string, url: string): Promise<void> {
  expect((await h.api('POST', `${base}/providers`, { name, type: 'HttpRead', configuration: { url } })).status).toBe(201);
  expect((await h.api('POST', `${base}/projects`, { name: `p-${name}`, providerIds: [name] })).status).toBe(201);
  expect((await h.api('POST', `${base}/projects/p-${name}/environments`, { name: 'dev', providerIds: [name] })).status).toBe(201);
}

describe('the host hands plugins its outbound client (loopback allowed)', () => {
  let h: TestHost;
  let upstream: Upstream;
  let closed = false;
  beforeAll(async () => {
    upstream = await startUpstream();
    h = await startTestHost({ configPath: await configWithFixture(), env: { KEYGATE_OUTBOUND_ALLOW_LOOPBACK: 'true' } });
  });
  afterAll(async () => {
    if (!closed) await h?.close();
    upstream?.server.closeAllConnections();
    upstream?.server.close();
  });

  it('reads through pooled connections to a loopback upstream', async () => {
    await addProvider(h, 'loop', `${upstream.url}/secrets?token=abc`);
    for (let i = 0; i < 3; i++) {
      const res = await h.api('GET', `${base}/projects/p-loop/environments/dev/secrets`);
      expect(res.status).toBe(200);
      expect((res.body as Json).secrets).toEqual({ DB_URL: 'postgres://upstream', API_TOKEN: 'tok' });
    }
    expect(upstream.connections).toBe(1);
  });

  it('answers 400 naming the provider and the rule when a provider URL points at cloud metadata', async () => {
    await addProvider(h, 'meta', 'http://169.254.169.254/latest/meta-data/iam?token=abc');
    const res = await h.api('GET', `${base}/projects/p-meta/environments/dev/secrets`);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'INVALID_CONFIGURATION', provider: 'meta', retryable: false });
    expect((res.body as Json).detail).toBe(
      'provider "meta": outbound call to 169.254.169.254 refused by the address policy: it is a cloud metadata address (169.254.169.254/32), which is never allowed',
    );
    const check = await h.api('POST', `${base}/providers/meta/test`);
    expect(check.body).toMatchObject({ ok: false, code: 'INVALID_CONFIGURATION' });
    expect(JSON.stringify(check.body)).not.toContain('token');
  });

  it('closes its pooled connections when the host shuts down', async () => {
    expect(upstream.open.size).toBeGreaterThan(0);
    closed = true;
    await h.close();
    const until = Date.now() + 2000;
    while (upstream.open.size > 0 && Date.now() < until) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(upstream.open.size).toBe(0);
  });
});

describe('the outbound client without allowLoopback', () => {
  let h: TestHost;
  let upstream: Upstream;
  afterEach(async () => {
    await h?.close();
    upstream?.server.closeAllConnections();
    upstream?.server.close();
  });

  it('refuses plain http and loopback targets', async () => {
    upstream = await startUpstream();
    h = await startTestHost({ configPath: await configWithFixture() });
    await addProvider(h, 'plain', upstream.url);
    const res = await h.api('GET', `${base}/projects/p-plain/environments/dev/secrets`);
    expect(res.status).toBe(400);
    expect((res.body as Json).detail).toMatch(/outbound URLs must use https/);
    await addProvider(h, 'tls-loop', upstream.url.replace('http:', 'https:'));
    const loop = await h.api('GET', `${base}/projects/p-tls-loop/environments/dev/secrets`);
    expect((loop.body as Json).detail).toMatch(/a loopback address \(127\.0\.0\.0\/8\); set outbound\.allowLoopback/);
    expect(upstream.connections).toBe(0);
  });
});
