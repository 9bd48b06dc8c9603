import { afterEach, describe, expect, it } from 'vitest';
import { isKeygateError, type KeygateErrorLike } from '@keygate/core';
import { createHttpClient, type OutboundHttpClient, type OutboundOptions } from './http-client.js';
import type { ResolvedAddress, Resolver } from './policy-lookup.js';
import { startHttpServer, startRawServer, type TestServer } from './testing/servers.js';
import { TEST_TLS } from './testing/test-certificate.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const step of cleanups.splice(0).reverse()) await step();
});

function client(options: Partial<OutboundOptions> = {}): OutboundHttpClient {
  const created = createHttpClient({ allowLoopback: true, allowPrivate: false, connectTimeoutMs: 1000, timeoutMs: 3000, maxResponseBytes: 64 * 1024, ...options });
  cleanups.push(() => created.close());
  return created;
}

async function server(...args: Parameters<typeof startHttpServer>): Promise<TestServer> {
  const started = await startHttpServer(...args);
  cleanups.push(() => started.close());
  return started;
}

async function rawServer(reply: Parameters<typeof startRawServer>[0]): Promise<TestServer> {
  const started = await startRawServer(reply);
  cleanups.push(() => started.close());
  return started;
}

/** A resolver that answers from a script, one answer per call (the last one repeats), and counts calls. */
function scriptedResolver(answers: Record<string, string[][]>): Resolver & { calls: string[] } {
  const calls: string[] = [];
  const resolver = async (hostname: string): Promise<ResolvedAddress[]> => {
    const script = answers[hostname];
    if (!script) throw Object.assign(new Error(`no such host ${hostname}`), { code: 'ENOTFOUND' });
    const answer = script[Math.min(calls.filter((h) => h === hostname).length, script.length - 1)] ?? [];
    calls.push(hostname);
    return answer.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  return Object.assign(resolver, { calls });
}

async function failure(promise: Promise<unknown>): Promise<KeygateErrorLike & { extensions: Record<string, unknown> }> {
  const error: unknown = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  if (!isKeygateError(error)) throw new Error(`expected a KeygateError, got ${String(error)}`);
  return error as KeygateErrorLike & { extensions: Record<string, unknown> };
}

describe('outbound client: requests and pooling', () => {
  it('sends method, headers and body, and returns status, headers and body', async () => {
    const upstream = await server((request, response, body) => {
      response.setHeader('content-type', 'application/json');
      response.setHeader('set-cookie', ['a=1', 'b=2']);
      response.statusCode = 201;
      response.end(JSON.stringify({ method: request.method, got: body, header: request.headers['x-test'] }));
    });
    const response = await client().request({ method: 'post', url: `${upstream.url}/items?x=1`, headers: { 'x-test': 'yes', 'content-type': 'text/plain' }, body: 'héllo' });
    expect(response.status).toBe(201);
    expect(response.json()).toEqual({ method: 'POST', got: 'héllo', header: 'yes' });
    expect(response.headers['content-type']).toBe('application/json');
    expect(response.headers['set-cookie']).toBe('a=1, b=2');
    expect(upstream.requests[0]).toMatchObject({ path: '/items?x=1', headers: { 'content-length': String(Buffer.byteLength('héllo')) } });
  });

  it('reuses one keep-alive connection for sequential requests', async () => {
    const upstream = await server((_request, response) => response.end('ok'));
    const http = client();
    for (let i = 0; i < 5; i++) expect((await http.request({ method: 'GET', url: `${upstream.url}/n/${i}` })).text()).toBe('ok');
    expect(upstream.requests).toHaveLength(5);
    expect(upstream.connections).toHaveLength(1);
  });

  it('opens one connection per concurrent request and then reuses them', async () => {
    const upstream = await server((_request, response) => setTimeout(() => response.end('ok'), 20));
    const http = client();
    await Promise.all([1, 2, 3].map(() => http.request({ method: 'GET', url: upstream.url })));
    await Promise.all([1, 2, 3].map(() => http.request({ method: 'GET', url: upstream.url })));
    expect(upstream.requests).toHaveLength(6);
    expect(upstream.connections).toHaveLength(3);
  });

  it("lets idle pooled connections go before the server's keep-alive timeout", async () => {
    const upstream = await server((_request, response) => {
      // The server announces 2 s (and would wait 60 s): the client closes after about 1 s.
      response.setHeader('keep-alive', 'timeout=2');
      response.end('ok');
    });
    const http = client();
    await http.request({ method: 'GET', url: upstream.url });
    expect(upstream.openConnections()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 1600));
    expect(upstream.openConnections()).toBe(0);
  });

  it('closes pooled connections on close()', async () => {
    const upstream = await server((_request, response) => response.end('ok'));
    const http = client();
    await http.request({ method: 'GET', url: upstream.url });
    http.close();
    await http.request({ method: 'GET', url: upstream.url });
    expect(upstream.connections).toHaveLength(2);
  });

  it('sends credentials written in the URL as Basic auth, and never names them in errors', async () => {
    const upstream = await server((request, response) => response.end(request.headers.authorization ?? 'none'));
    const url = new URL(upstream.url);
    url.username = 'svc';
    url.password = 'p@ss';
    expect((await client().request({ method: 'GET', url: url.toString() })).text()).toBe(`Basic ${Buffer.from('svc:p@ss').toString('base64')}`);
    const error = await failure(client().request({ method: 'GET', url: 'https://svc:hunter2@169.254.169.254/latest/meta-data?token=abc123' }));
    expect(error.message).toContain('169.254.169.254');
    for (const leaked of ['svc', 'hunter2', 'meta-data', 'token', 'abc123']) expect(error.message).not.toContain(leaked);
  });

  it('retries an idempotent request once when a pooled connection turns out to be closed', async () => {
    const perSocket = new Map<unknown, number>();
    const upstream = await server((request, response) => {
      const count = (perSocket.get(request.socket) ?? 0) + 1;
      perSocket.set(request.socket, count);
      // The second request on a connection finds it closed, as when the server's idle timeout
      // fires just as the client reuses the socket.
      if (count > 1) request.socket.destroy();
      else response.end(`served ${request.method}`);
    });
    const http = client();
    await http.request({ method: 'GET', url: upstream.url });
    expect((await http.request({ method: 'GET', url: upstream.url })).text()).toBe('served GET');
    expect(upstream.connections).toHaveLength(2);
    // A POST may have been acted on, so it is not sent again.
    const error = await failure(http.request({ method: 'POST', url: upstream.url, body: '{}' }));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, extensions: { outbound: 'unreachable' } });
    expect(upstream.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('gets past several dead pooled connections, as after an upstream restart', async () => {
    const dead = new Set<unknown>();
    const live = new Set<unknown>();
    const upstream = await server((request, response) => {
      if (dead.has(request.socket)) return request.socket.destroy();
      live.add(request.socket);
      setTimeout(() => response.end('ok'), 20);
    });
    const http = client();
    await Promise.all([1, 2, 3].map(() => http.request({ method: 'GET', url: upstream.url })));
    for (const socket of live) dead.add(socket);
    expect((await http.request({ method: 'GET', url: upstream.url })).text()).toBe('ok');
    expect(upstream.connections).toHaveLength(4);
  });

  it('refuses header values that would split the request, without sending it', async () => {
    const upstream = await server((_request, response) => response.end('ok'));
    const error = await failure(client().request({ method: 'GET', url: upstream.url, headers: { 'x-injected': 'a\r\nhost: evil' } }));
    expect(error).toMatchObject({ code: 'INVALID_CONFIGURATION', retryable: false, extensions: { outbound: 'invalid-request' } });
    expect(error.message).not.toContain('evil');
    expect(upstream.requests).toHaveLength(0);
  });
});

describe('outbound client: scheme and address policy', () => {
  it('requires https unless loopback is allowed, and never other schemes', async () => {
    const upstream = await server((_request, response) => response.end('ok'));
    const strict = client({ allowLoopback: false });
    const plain = await failure(strict.request({ method: 'GET', url: `${upstream.url}/path?q=secret` }));
    expect(plain).toMatchObject({ code: 'INVALID_CONFIGURATION', retryable: false, extensions: { outbound: 'policy', rule: 'https-only' } });
    expect(plain.message).toContain(`127.0.0.1:${upstream.port}`);
    expect(plain.message).toContain('https');
    expect(plain.message).not.toContain('secret');
    const loopback = await failure(strict.request({ method: 'GET', url: `https://127.0.0.1:${upstream.port}/` }));
    expect(loopback).toMatchObject({ extensions: { outbound: 'policy', rule: 'loopback' } });
    expect(loopback.message).toContain('outbound.allowLoopback');
    expect(await failure(client().request({ method: 'GET', url: 'ftp://example.com/file' }))).toMatchObject({ extensions: { rule: 'https-only' } });
    expect(await failure(client().request({ method: 'GET', url: 'not a url' }))).toMatchObject({ extensions: { outbound: 'invalid-request' } });
    expect(upstream.connections).toHaveLength(0);
  });

  it.each([
    ['https://169.254.169.254/latest/meta-data/', 'metadata'],
    ['https://[fd00:ec2::254]/latest/meta-data/', 'metadata'],
    ['https://[::ffff:169.254.169.254]/', 'metadata'],
    ['https://[::ffff:a9fe:a9fe]/', 'metadata'],
    ['https://169.254.10.1/', 'link-local'],
    ['https://[fe80::1]/', 'link-local'],
    ['https://0.0.0.0/', 'unspecified'],
    ['https://[::]/', 'unspecified'],
    ['https://224.0.0.251/', 'multicast'],
    ['https://255.255.255.255/', 'broadcast'],
    ['https://10.0.0.8/', 'private'],
    ['https://[::ffff:10.0.0.8]/', 'private'],
    ['https://100.64.1.1/', 'private'],
    ['https://[fd12::1]/', 'private'],
    // The URL parser turns these into 127.0.0.1; the policy sees what is connected to.
    ['https://2130706433/', 'loopback'],
    ['https://0x7f.1/', 'loopback'],
    ['https://[::1]/', 'loopback'],
  ])('refuses the IP literal in %s (%s) without a lookup', async (url, rule) => {
    const resolver = scriptedResolver({});
    const error = await failure(client({ allowLoopback: false, resolver }).request({ method: 'GET', url }));
    expect(error).toMatchObject({ code: 'INVALID_CONFIGURATION', retryable: false, extensions: { outbound: 'policy', rule } });
    expect(error.message).toContain('refused by the address policy');
    expect(resolver.calls).toEqual([]);
  });

  it('never allows metadata and link-local addresses, even with every switch on', async () => {
    const open = client({ allowLoopback: true, allowPrivate: true, allowedNetworks: ['0.0.0.0/0'] });
    expect(await failure(open.request({ method: 'GET', url: 'https://169.254.169.254/' }))).toMatchObject({ extensions: { rule: 'metadata' } });
    expect(await failure(open.request({ method: 'GET', url: 'http://169.254.169.254/' }))).toMatchObject({ extensions: { outbound: 'policy' } });
  });

  it('refuses a host name that resolves to the cloud metadata address, at connect time', async () => {
    const resolver = scriptedResolver({ 'metadata.attacker.test': [['169.254.169.254']] });
    const http = client({ allowPrivate: true, resolver });
    const error = await failure(http.request({ method: 'GET', url: 'https://metadata.attacker.test/latest/meta-data/iam?x=1' }));
    expect(error).toMatchObject({ code: 'INVALID_CONFIGURATION', retryable: false, extensions: { outbound: 'policy', rule: 'metadata' } });
    expect(error.message).toBe(
      'outbound call to metadata.attacker.test refused by the address policy: it resolves to a cloud metadata address (169.254.169.254/32), which is never allowed',
    );
    expect(resolver.calls).toEqual(['metadata.attacker.test']);
  });

  it('logs every refusal as a warning, without path or query', async () => {
    const lines: Array<{ message: string; fields: Record<string, unknown> | undefined }> = [];
    const record = (message: string, fields?: Record<string, unknown>) => lines.push({ message, fields });
    const logger = { debug: record, info: record, warn: record, error: record, child: () => logger };
    const http = client({ logger, resolver: scriptedResolver({ 'evil.test': [['169.254.169.254']] }) });
    await failure(http.request({ method: 'GET', url: 'https://evil.test/latest/meta-data?token=abc' }));
    await failure(http.request({ method: 'GET', url: 'https://10.0.0.1/' }));
    expect(lines.map((line) => [line.message, line.fields?.rule])).toEqual([
      ['outbound call refused', 'metadata'],
      ['outbound call refused', 'private'],
    ]);
    expect(JSON.stringify(lines)).not.toMatch(/token|meta-data/);
  });

  it('refuses a host name that resolves to a private address unless the operator allows it', async () => {
    const resolver = scriptedResolver({ 'vault.corp.test': [['10.1.2.3']], 'mapped.corp.test': [['::ffff:a01:203']] });
    const error = await failure(client({ resolver }).request({ method: 'GET', url: 'https://vault.corp.test/v1/secret' }));
    expect(error).toMatchObject({ extensions: { outbound: 'policy', rule: 'private' } });
    expect(error.message).toContain('vault.corp.test');
    expect(error.message).toContain('10.0.0.0/8');
    expect(error.message).toContain('outbound.allowPrivate');
    expect(await failure(client({ resolver }).request({ method: 'GET', url: 'https://mapped.corp.test/' }))).toMatchObject({ extensions: { rule: 'private' } });
  });

  it('refuses a name when any of its addresses is refused', async () => {
    const resolver = scriptedResolver({ 'mixed.test': [['127.0.0.1', '169.254.169.254']] });
    const upstream = await server((_request, response) => response.end('ok'));
    const error = await failure(client({ resolver }).request({ method: 'GET', url: `http://mixed.test:${upstream.port}/` }));
    expect(error).toMatchObject({ extensions: { rule: 'metadata' } });
    expect(upstream.connections).toHaveLength(0);
  });

  it('allows plain http only to names that resolve to loopback', async () => {
    const resolver = scriptedResolver({ 'public.test': [['93.184.216.34']], 'local.test': [['127.0.0.1']] });
    const upstream = await server((_request, response) => response.end('ok'));
    const http = client({ resolver });
    const error = await failure(http.request({ method: 'GET', url: 'http://public.test/' }));
    expect(error).toMatchObject({ extensions: { outbound: 'policy', rule: 'not-loopback' } });
    expect(error.message).toBe(
      'outbound call to public.test refused by the address policy: it resolves to an address that is not loopback, and plain http is only allowed to loopback addresses',
    );
    expect((await http.request({ method: 'GET', url: `http://local.test:${upstream.port}/` })).text()).toBe('ok');
  });

  it('checks every new connection against the address it actually connects to', async () => {
    // Two servers on one port, on two loopback addresses: which one answers shows where the
    // socket went.
    const first = await server((_request, response) => response.end('first'), { host: '127.0.0.2' });
    const second = await server((_request, response) => response.end('second'), { host: '127.0.0.3', port: first.port });
    const resolver = scriptedResolver({ 'svc.test': [['127.0.0.2'], ['169.254.169.254'], ['127.0.0.3'], ['10.9.9.9']] });
    const http = client({ resolver });
    const url = `http://svc.test:${first.port}/`;
    // `connection: close` makes each request open (and so resolve and check) a new connection.
    const call = () => http.request({ method: 'GET', url, headers: { connection: 'close' } });
    expect((await call()).text()).toBe('first');
    expect(await failure(call())).toMatchObject({ extensions: { rule: 'metadata' } });
    expect((await call()).text()).toBe('second');
    expect(await failure(call())).toMatchObject({ extensions: { rule: 'not-loopback' } });
    expect(resolver.calls).toHaveLength(4);
    expect(first.connections.map((c) => c.localAddress)).toEqual(['127.0.0.2']);
    expect(second.connections.map((c) => c.localAddress)).toEqual(['127.0.0.3']);
  });

  it('resolves once per connection: a pooled connection is not looked up again', async () => {
    const upstream = await server((_request, response) => response.end('ok'));
    const resolver = scriptedResolver({ 'svc.test': [['127.0.0.1'], ['169.254.169.254']] });
    const http = client({ resolver });
    for (let i = 0; i < 3; i++) await http.request({ method: 'GET', url: `http://svc.test:${upstream.port}/` });
    expect(resolver.calls).toEqual(['svc.test']);
    expect(upstream.connections).toHaveLength(1);
  });

  it('reports names that do not resolve as unreachable', async () => {
    const error = await failure(client({ resolver: scriptedResolver({}) }).request({ method: 'GET', url: 'https://nowhere.test/' }));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, extensions: { outbound: 'unreachable' } });
    expect(error.message).toBe('could not reach nowhere.test: the host name does not resolve');
  });

  it('applies allowedNetworks to resolved addresses', async () => {
    const resolver = scriptedResolver({ 'vault.corp.test': [['10.20.0.5']], 'other.corp.test': [['10.21.0.5']] });
    // 10.20.0.5 passes the policy, so the client tries to connect; nothing listens there, which
    // the connect timeout ends quickly. What matters is that it is not a policy refusal.
    const http = client({ resolver, allowedNetworks: ['10.20.0.0/16'], connectTimeoutMs: 200 });
    const allowed = await failure(http.request({ method: 'GET', url: 'https://vault.corp.test/' }));
    expect(allowed.extensions.outbound).not.toBe('policy');
    expect(await failure(http.request({ method: 'GET', url: 'https://other.corp.test/' }))).toMatchObject({ extensions: { rule: 'private' } });
  });
});

describe('outbound client: redirects', () => {
  it('does not follow redirects unless asked: a redirect to an internal address comes back as it is', async () => {
    const upstream = await server((_request, response) => {
      response.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
      response.end();
    });
    const response = await client().request({ method: 'GET', url: upstream.url });
    expect(response.status).toBe(302);
    expect(response.headers.location).toBe('http://169.254.169.254/latest/meta-data/');
  });

  it.each([
    ['http://169.254.169.254/latest/meta-data/', 'metadata'],
    ['https://169.254.169.254/latest/meta-data/', 'metadata'],
    ['http://[::ffff:a9fe:a9fe]/', 'metadata'],
    ['https://10.0.0.5/admin', 'private'],
    ['https://internal.test/admin', 'private'],
    ['https://rebind.test/', 'metadata'],
    ['http://public.test/', 'not-loopback'],
  ])('refuses a followed redirect to %s (%s)', async (location, rule) => {
    const resolver = scriptedResolver({ 'internal.test': [['192.168.7.7']], 'rebind.test': [['169.254.169.254']], 'public.test': [['93.184.216.34']] });
    const upstream = await server((_request, response) => {
      response.writeHead(302, { location });
      response.end();
    });
    const error = await failure(client({ resolver }).request({ method: 'GET', url: upstream.url, followRedirects: true }));
    expect(error).toMatchObject({ code: 'INVALID_CONFIGURATION', retryable: false, extensions: { outbound: 'policy', rule } });
  });

  it('re-applies the https rule to every hop', async () => {
    const upstream = await server((_request, response) => {
      response.writeHead(301, { location: 'ftp://files.test/x' });
      response.end();
    });
    expect(await failure(client().request({ method: 'GET', url: upstream.url, followRedirects: true }))).toMatchObject({ extensions: { rule: 'https-only' } });
  });

  it('keeps method and body on 307, drops credentials across origins, and turns 303 into a GET', async () => {
    const target = await server((request, response, body) => response.end(JSON.stringify({ method: request.method, body, headers: request.headers })));
    const origin = await server((request, response) => {
      if (request.url === '/temporary') response.writeHead(307, { location: `${target.url}/moved` });
      else if (request.url === '/see-other') response.writeHead(303, { location: `${target.url}/result` });
      else response.writeHead(302, { location: '/temporary' });
      response.end();
    });
    const http = client();
    const headers = { authorization: 'Bearer t0ken', 'x-api-key': 'k3y', accept: 'application/json', 'content-type': 'application/json' };
    const kept = (await http.request({ method: 'PUT', url: `${origin.url}/temporary`, headers, body: '{"a":1}', followRedirects: true })).json() as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(kept).toMatchObject({ method: 'PUT', body: '{"a":1}', headers: { accept: 'application/json', 'content-type': 'application/json' } });
    expect(kept.headers.authorization).toBeUndefined();
    expect(kept.headers['x-api-key']).toBeUndefined();
    const seeOther = (await http.request({ method: 'POST', url: `${origin.url}/see-other`, headers, body: '{"a":1}', followRedirects: 1 })).json() as {
      method: string;
      body: string;
      headers: Record<string, string>;
    };
    expect(seeOther).toMatchObject({ method: 'GET', body: '' });
    expect(seeOther.headers['content-type']).toBeUndefined();
    // Same origin: credentials go along (302 → /temporary → 307 → target is two hops).
    await http.request({ method: 'GET', url: `${origin.url}/start`, headers, followRedirects: 2 });
    expect(origin.requests.at(-1)).toMatchObject({ path: '/temporary', headers: { authorization: 'Bearer t0ken', 'x-api-key': 'k3y' } });
  });

  it('stops after the allowed number of hops', async () => {
    const loop = await server((_request, response) => {
      response.writeHead(302, { location: '/again' });
      response.end();
    });
    const error = await failure(client().request({ method: 'GET', url: loop.url, followRedirects: true }));
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false });
    expect(error.message).toBe(`127.0.0.1:${loop.port} redirected more than 3 times`);
    expect(loop.requests).toHaveLength(4);
  });
});

describe('outbound client: timeouts, sizes and broken upstreams', () => {
  it('times out a body that trickles in too slowly', async () => {
    const upstream = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.write('first bytes…');
      const timer = setInterval(() => response.write('.'), 50);
      response.on('close', () => clearInterval(timer));
    });
    const started = Date.now();
    const error = await failure(client({ timeoutMs: 300 }).request({ method: 'GET', url: upstream.url }));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true, extensions: { outbound: 'timeout', phase: 'total' } });
    expect(error.message).toBe(`127.0.0.1:${upstream.port} did not send a complete response within 300 ms`);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('times out headers that never come, with the per-request timeout', async () => {
    const upstream = await server(() => undefined);
    const error = await failure(client({ timeoutMs: 10_000 }).request({ method: 'GET', url: upstream.url, timeoutMs: 200 }));
    expect(error).toMatchObject({ code: 'TIMEOUT', extensions: { phase: 'total' } });
  });

  it('does not apply the connect timeout to a slow answer on an established connection', async () => {
    const upstream = await server((_request, response) => setTimeout(() => response.end('late'), 300));
    const http = client({ connectTimeoutMs: 100 });
    expect((await http.request({ method: 'GET', url: upstream.url })).text()).toBe('late');
    expect((await http.request({ method: 'GET', url: upstream.url })).text()).toBe('late');
  });

  it('times out a connection that cannot be made in time (name resolution included)', async () => {
    const never: Resolver = () => new Promise<ResolvedAddress[]>(() => undefined);
    const error = await failure(client({ resolver: never, connectTimeoutMs: 150 }).request({ method: 'GET', url: 'https://slow-dns.test/' }));
    expect(error).toMatchObject({ code: 'TIMEOUT', retryable: true, extensions: { outbound: 'timeout', phase: 'connect' } });
    expect(error.message).toBe('could not connect to slow-dns.test within 150 ms');
  });

  it('refuses a response whose Content-Length is over the limit before reading it', async () => {
    let written = 0;
    const upstream = await server((_request, response) => {
      response.writeHead(200, { 'content-length': String(50 * 1024 * 1024) });
      const chunk = Buffer.alloc(64 * 1024, 120);
      const pump = () => {
        while (written < 50 * 1024 * 1024 && response.write(chunk)) written += chunk.length;
      };
      response.on('drain', pump);
      pump();
    });
    const error = await failure(client({ maxResponseBytes: 1024 }).request({ method: 'GET', url: upstream.url }));
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false, extensions: { outbound: 'too-large' } });
    expect(error.message).toBe(`response from 127.0.0.1:${upstream.port} is larger than the 1024-byte limit (outbound.maxResponseBytes)`);
    expect(written).toBeLessThan(50 * 1024 * 1024);
  });

  it('stops reading a chunked response as soon as it passes the limit', async () => {
    const upstream = await server((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream' });
      const timer = setInterval(() => response.write(Buffer.alloc(16 * 1024, 1)), 5);
      response.on('close', () => clearInterval(timer));
    });
    const error = await failure(client({ maxResponseBytes: 100 * 1024 }).request({ method: 'GET', url: upstream.url }));
    expect(error).toMatchObject({ extensions: { outbound: 'too-large' } });
    // A request may lower the limit, not raise it.
    const small = await server((_request, response) => response.end('x'.repeat(2000)));
    expect(await failure(client().request({ method: 'GET', url: small.url, maxResponseBytes: 1000 }))).toMatchObject({ extensions: { outbound: 'too-large' } });
    expect((await client({ maxResponseBytes: 1000 }).request({ method: 'GET', url: small.url, maxResponseBytes: 10_000 }).catch((e: unknown) => e)) as object).toMatchObject({
      extensions: { outbound: 'too-large' },
    });
  });

  it('fails a response shorter than its Content-Length', async () => {
    const upstream = await rawServer((socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b'));
    const error = await failure(client().request({ method: 'GET', url: upstream.url }));
    expect(error).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', extensions: { outbound: 'unreachable' } });
    expect(error.message).toBe(`could not reach 127.0.0.1:${upstream.port}: the connection closed before the response was complete`);
  });

  it('fails a response longer than its Content-Length', async () => {
    const upstream = await rawServer((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhelloTHE-REST-IS-NOT-HTTP'));
    expect(await failure(client().request({ method: 'GET', url: upstream.url }))).toMatchObject({ code: 'PROVIDER_REJECTED', extensions: { outbound: 'invalid-response' } });
  });

  it('fails on garbage instead of HTTP', async () => {
    const upstream = await rawServer((socket) => socket.end('SSH-2.0-OpenSSH_9.6\r\n\r\n'));
    const error = await failure(client().request({ method: 'GET', url: upstream.url }));
    expect(error).toMatchObject({ code: 'PROVIDER_REJECTED', retryable: false, extensions: { outbound: 'invalid-response' } });
    expect(error.message).toBe(`127.0.0.1:${upstream.port} sent an invalid HTTP response: the response is not valid HTTP/1.1`);
  });

  it('reports a connection closed without an answer, and a refused connection, as unreachable and retryable', async () => {
    const hangUp = await rawServer((socket) => socket.destroy());
    expect(await failure(client().request({ method: 'GET', url: hangUp.url }))).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true });
    const gone = await server((_request, response) => response.end());
    const port = gone.port;
    await gone.close();
    const refused = await failure(client().request({ method: 'GET', url: `http://127.0.0.1:${port}/` }));
    expect(refused).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', retryable: true, extensions: { outbound: 'unreachable' } });
    expect(refused.message).toBe(`could not reach 127.0.0.1:${port}: connection refused`);
  });
});

describe('outbound client: https', () => {
  const tls = TEST_TLS;

  it('checks resolved addresses for https too, verifies the certificate and pools connections', async () => {
    const upstream = await server((_request, response) => response.end('secure'), { tls });
    const resolver = scriptedResolver({ 'secure.test': [['127.0.0.1']], 'evil.test': [['169.254.169.254']] });
    const http = client({ resolver, ca: tls.cert });
    for (let i = 0; i < 3; i++) expect((await http.request({ method: 'GET', url: `https://secure.test:${upstream.port}/` })).text()).toBe('secure');
    expect(upstream.connections).toHaveLength(1);
    expect(await failure(http.request({ method: 'GET', url: `https://evil.test:${upstream.port}/` }))).toMatchObject({ extensions: { rule: 'metadata' } });
    // The connect timeout ends with the connection, not with the answer.
    const slow = await server((_request, response) => setTimeout(() => response.end('late'), 300), { tls });
    expect((await client({ resolver, ca: tls.cert, connectTimeoutMs: 100 }).request({ method: 'GET', url: `https://secure.test:${slow.port}/` })).text()).toBe('late');
    // Without the CA the certificate is not trusted.
    const untrusted = await failure(client({ resolver }).request({ method: 'GET', url: `https://secure.test:${upstream.port}/` }));
    expect(untrusted).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', extensions: { outbound: 'unreachable' } });
    expect(untrusted.message).toContain('certificate');
  });
});
