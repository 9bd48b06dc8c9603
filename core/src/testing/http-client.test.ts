import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expectErrorCode } from './provider/assertions.js';
import { createTestHttpClient } from './http-client.js';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/redirect') {
      res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data' }).end();
    } else if (req.url === '/big') {
      res.writeHead(200).end(Buffer.alloc(4096, 0x61));
    } else {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => res.writeHead(201, { 'content-type': 'application/json', 'x-echo': req.headers['x-test'] ?? '' }).end(JSON.stringify({ method: req.method, body })));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
});

describe('createTestHttpClient', () => {
  it('sends method, headers and body and returns status, headers and body', async () => {
    const http = createTestHttpClient();
    const response = await http.request({ method: 'PUT', url: `${base}/x`, headers: { 'x-test': 'yes' }, body: 'hello' });
    expect(response.status).toBe(201);
    expect(response.headers['x-echo']).toBe('yes');
    expect(response.json()).toEqual({ method: 'PUT', body: 'hello' });
    expect(http.requests).toHaveLength(1);
  });

  it('does not follow redirects', async () => {
    const response = await createTestHttpClient().request({ method: 'GET', url: `${base}/redirect` });
    expect(response.status).toBe(302);
  });

  it('refuses non-loopback addresses and oversized bodies', async () => {
    const http = createTestHttpClient({ maxResponseBytes: 1024 });
    await expectErrorCode(http.request({ method: 'GET', url: 'http://169.254.169.254/' }), 'INVALID_CONFIGURATION', 'metadata address');
    await expectErrorCode(http.request({ method: 'GET', url: 'http://10.0.0.1/' }), 'INVALID_CONFIGURATION', 'private address');
    await expectErrorCode(http.request({ method: 'GET', url: `${base}/big` }), 'PROVIDER_REJECTED', 'oversized body');
  });
});
