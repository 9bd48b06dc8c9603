import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFile } from 'node:fs/promises';
import {
  encryptForClient,
  generateApiKey,
  importE2eePublicKey,
  verifyRequestSignature,
  type RequestSignatureCheck,
} from '@keygate/core/wire';
import {
  createKeygateClient,
  DEFAULT_USER_AGENT,
  KeygateApiError,
  KeygateProtocolError,
  SDK_VERSION,
  type EnvironmentSecrets,
  type EnvironmentSecretsVersion,
  type Problem,
  type SecretMetadata,
  type SecretWithValue,
} from './index.js';

const KEY = generateApiKey();

/** What the test server saw, taken from the raw incoming request (not from a parsed view of it). */
interface Seen {
  method: string;
  /** `req.url`: the raw, still percent-encoded path and query. */
  url: string;
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
  /** Result of verifying the signature headers, or `unsigned` when none were sent. */
  signature: RequestSignatureCheck | 'unsigned';
}

interface Reply {
  status: number;
  body?: unknown;
  /** Sent as is instead of JSON-encoding `body`. */
  rawBody?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

type Handler = (seen: Seen) => Reply;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** Recomputes the signature the way Keygate does: from the raw path, raw query and raw body bytes. */
function verifySigned(seen: Omit<Seen, 'signature'>, path = seen.path): RequestSignatureCheck | 'unsigned' {
  const keyId = header(seen.headers, 'x-bella-key-id');
  if (keyId === undefined) return 'unsigned';
  if (keyId !== KEY.keyId) return { ok: false, reason: 'bad-signature' };
  return verifyRequestSignature(
    KEY.secret,
    { method: seen.method, path, query: seen.query, timestamp: header(seen.headers, 'x-bella-timestamp') ?? '', body: seen.body },
    header(seen.headers, 'x-bella-signature') ?? '',
  );
}

class TestServer {
  readonly seen: Seen[] = [];
  handler: Handler = () => ({ status: 404, body: problem(404, 'Not Found', 'NOT_FOUND') });
  private readonly server: Server;
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = req.url ?? '/';
        const q = url.indexOf('?');
        const raw = {
          method: req.method ?? 'GET',
          url,
          path: q < 0 ? url : url.slice(0, q),
          query: q < 0 ? '' : url.slice(q + 1),
          headers: req.headers,
          body: Buffer.concat(chunks),
        };
        const seen: Seen = { ...raw, signature: verifySigned(raw) };
        this.seen.push(seen);
        const reply =
          seen.signature !== 'unsigned' && !seen.signature.ok
            ? { status: 401, body: problem(401, 'Unauthorized', 'BAD_SIGNATURE') }
            : this.handler(seen);
        const text = reply.rawBody ?? (reply.body === undefined ? '' : JSON.stringify(reply.body));
        const contentType = reply.contentType ?? (reply.status >= 400 ? 'application/problem+json' : 'application/json');
        res.writeHead(reply.status, { ...(text === '' ? {} : { 'content-type': contentType }), ...reply.headers });
        res.end(text);
      });
    });
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve, reject) => this.server.close((error) => (error ? reject(error) : resolve())));
  }

  last(): Seen {
    const seen = this.seen.at(-1);
    if (!seen) throw new Error('the server saw no request');
    return seen;
  }
}

function problem(status: number, title: string, code: string, extra: Partial<Problem> = {}): Problem {
  return { type: `https://keygate.dev/problems/${code.toLowerCase()}`, title, status, code, ...extra };
}

const ENV_SECRETS: EnvironmentSecrets = {
  environmentSlug: 'production',
  environmentName: 'Production',
  secrets: { DATABASE_URL: 'postgres://app:pw@db/app', API_TOKEN: 't0k3n' },
  version: 42,
  lastModified: '2026-01-02T03:04:05Z',
};
const ENV_VERSION: EnvironmentSecretsVersion = { environmentSlug: 'production', version: 42, lastModified: '2026-01-02T03:04:05Z' };
const SECRET: SecretWithValue = {
  key: 'API_TOKEN',
  provider: 'vault',
  description: 'Token for the payments API',
  type: 'string',
  tags: { team: 'payments' },
  version: '3',
  updatedAt: '2026-01-02T03:04:05Z',
  value: 't0k3n',
};
const { value: _value, ...SECRET_METADATA } = SECRET;
const METADATA: SecretMetadata = SECRET_METADATA;

/** A handler answering the secret routes like Keygate would (in plaintext). */
function cannedApi(seen: Seen): Reply {
  const route = seen.path.replace(/^.*\/api\/v1\//, '/api/v1/');
  if (seen.method === 'GET' && /^\/api\/v1\/projects\/[^/]+\/environments\/[^/]+\/secrets$/.test(route)) return { status: 200, body: ENV_SECRETS };
  if (seen.method === 'GET' && route.endsWith('/secrets/version')) return { status: 200, body: ENV_VERSION };
  if (seen.method === 'GET' && route.includes('/providers/vault/secrets/API_TOKEN')) return { status: 200, body: SECRET };
  if (seen.method === 'PUT' && route.includes('/providers/vault/secrets/')) return { status: 200, body: METADATA };
  if (seen.method === 'DELETE' && route.includes('/providers/vault/secrets/')) return { status: 204 };
  if (seen.method === 'GET' && route === '/api/v1/projects') return { status: 200, body: { total: 0, limit: 10, offset: 5, items: [] } };
  return { status: 404, body: problem(404, 'Not Found', 'NOT_FOUND', { detail: `no route for ${seen.method} ${route}` }) };
}

/** Same answers, encrypted for the client's `X-E2E-Public-Key` as Keygate does for secret reads. */
function encryptedApi(seen: Seen): Reply {
  const reply = cannedApi(seen);
  const publicKey = header(seen.headers, 'x-e2e-public-key');
  const secretRead = seen.method === 'GET' && reply.status === 200 && !seen.path.endsWith('/version') && !seen.path.endsWith('/projects');
  if (!publicKey || !secretRead) return reply;
  return { ...reply, body: encryptForClient(publicKey, JSON.stringify(reply.body)) };
}

let server: TestServer;
beforeEach(async () => {
  server = await new TestServer().start();
  server.handler = cannedApi;
});
afterEach(async () => {
  await server.stop();
});

describe('signed requests', () => {
  it('signs a GET so that Keygate verifies it from the raw request, sending only the key id', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    await expect(client.getEnvironmentSecrets('shop', 'production')).resolves.toEqual(ENV_SECRETS);

    const seen = server.last();
    expect(seen.path).toBe('/api/v1/projects/shop/environments/production/secrets');
    expect(seen.signature).toEqual({ ok: true });
    expect(seen.headers['x-bella-key-id']).toBe(KEY.keyId);
    expect(seen.headers['x-bella-timestamp']).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect(seen.headers['x-bella-signature']).toMatch(/^[0-9a-f]{64}$/);
    expect(seen.headers.authorization).toBeUndefined();
    expect(JSON.stringify(seen.headers)).not.toContain(KEY.secret);
  });

  it('signs a PUT over the exact JSON body bytes sent', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey, auth: 'signed' });
    const written = await client.setSecret('shop', 'production', 'vault', 'API_TOKEN', 'n3w-välue ✓', {
      description: 'Token for the payments API',
      tags: { team: 'payments' },
      ifVersion: '3',
    });
    expect(written).toEqual(METADATA);

    const seen = server.last();
    expect(seen.method).toBe('PUT');
    expect(seen.path).toBe('/api/v1/projects/shop/environments/production/providers/vault/secrets/API_TOKEN');
    expect(seen.signature).toEqual({ ok: true });
    expect(seen.headers['content-type']).toBe('application/json');
    expect(JSON.parse(seen.body.toString('utf8'))).toEqual({
      description: 'Token for the payments API',
      tags: { team: 'payments' },
      ifVersion: '3',
      value: 'n3w-välue ✓',
    });
  });

  it('a body altered after signing no longer verifies (the signature covers the body)', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    await client.setSecret('shop', 'production', 'vault', 'API_TOKEN', 'v1');
    const seen = server.last();
    expect(verifySigned({ ...seen, body: Buffer.from(seen.body.toString('utf8').replace('v1', 'v2')) })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('verifies query parameters sent in unsorted order', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    const { data, error } = await client.GET('/api/v1/projects', { params: { query: { offset: 5, limit: 10 } } });
    expect(error).toBeUndefined();
    expect(data).toEqual({ total: 0, limit: 10, offset: 5, items: [] });
    expect(server.last().query).toBe('offset=5&limit=10');
    expect(server.last().signature).toEqual({ ok: true });

    // Several parameters, percent-encoded values, exactly as a custom serializer puts them on the wire.
    await client.GET('/api/v1/projects', { querySerializer: () => 'zeta=%20z&offset=5&alpha=a%2Fb&limit=10' });
    expect(server.last().query).toBe('zeta=%20z&offset=5&alpha=a%2Fb&limit=10');
    expect(server.last().signature).toEqual({ ok: true });
  });

  it('signs the raw percent-encoded path', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    await client.GET('/api/v1/projects/{projectRef}', { params: { path: { projectRef: 'a b/ü' } } });
    expect(server.last().path).toBe('/api/v1/projects/a%20b%2F%C3%BC');
    expect(server.last().signature).toEqual({ ok: true });
  });

  it('signs the full path the server receives when baseUrl has a path prefix', async () => {
    const client = createKeygateClient({ baseUrl: `${server.url}/gateway/keygate/`, apiKey: KEY.apiKey });
    await expect(client.getSecretsVersion('shop', 'production')).resolves.toEqual(ENV_VERSION);

    const seen = server.last();
    expect(seen.path).toBe('/gateway/keygate/api/v1/projects/shop/environments/production/secrets/version');
    expect(seen.signature).toEqual({ ok: true });
    // Proof that the prefix is part of what was signed, not stripped.
    expect(verifySigned(seen, '/api/v1/projects/shop/environments/production/secrets/version')).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
  });

  it('signs a request without a body over the digest of zero bytes', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    await expect(client.deleteSecret('shop', 'production', 'vault', 'API_TOKEN')).resolves.toBeUndefined();
    expect(server.last().method).toBe('DELETE');
    expect(server.last().body.length).toBe(0);
    expect(server.last().signature).toEqual({ ok: true });
  });
});

describe('bearer and anonymous requests', () => {
  it('sends Authorization: Bearer bax-… and no signature headers', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey, auth: 'bearer' });
    await expect(client.getSecret('shop', 'production', 'vault', 'API_TOKEN')).resolves.toEqual(SECRET);
    const seen = server.last();
    expect(seen.headers.authorization).toBe(`Bearer ${KEY.apiKey}`);
    expect(seen.headers['x-bella-key-id']).toBeUndefined();
    expect(seen.headers['x-bella-signature']).toBeUndefined();
  });

  it('sends no credentials without an apiKey, and a User-Agent', async () => {
    const client = createKeygateClient({ baseUrl: server.url });
    await client.getSecretsVersion('shop', 'production');
    const seen = server.last();
    expect(seen.headers.authorization).toBeUndefined();
    expect(seen.headers['x-bella-key-id']).toBeUndefined();
    expect(seen.headers['user-agent']).toBe(DEFAULT_USER_AGENT);

    await createKeygateClient({ baseUrl: server.url, userAgent: 'deployer/2.0' }).getSecretsVersion('shop', 'production');
    expect(server.last().headers['user-agent']).toBe('deployer/2.0');
  });

  it('passes the version query of getSecret', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    await client.getSecret('shop', 'production', 'vault', 'API_TOKEN', { version: '2' });
    expect(server.last().query).toBe('version=2');
    expect(server.last().signature).toEqual({ ok: true });
  });
});

describe('configuration errors are caught before any request', () => {
  const counted = (): { fetch: typeof fetch; calls: () => number } => {
    let calls = 0;
    return {
      fetch: (input, init) => {
        calls += 1;
        return fetch(input, init);
      },
      calls: () => calls,
    };
  };

  it.each([
    ['not a key', 'hunter2'],
    ['uppercase hex', `bax-${KEY.keyId.toUpperCase()}-${KEY.secret}`],
    ['short secret', `bax-${KEY.keyId}-${KEY.secret.slice(2)}`],
    ['extra dash', `bax-${KEY.keyId}-${KEY.secret}-x`],
  ])('rejects an apiKey that is %s, without echoing it', (_label, apiKey) => {
    const spy = counted();
    for (const auth of ['signed', 'bearer'] as const) {
      let thrown: unknown;
      try {
        createKeygateClient({ baseUrl: server.url, apiKey, auth, fetch: spy.fetch });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(TypeError);
      expect((thrown as TypeError).message).toMatch(/bax-\{keyId\}-\{secret\}/);
      expect((thrown as TypeError).message).not.toContain(apiKey);
    }
    expect(spy.calls()).toBe(0);
    expect(server.seen).toHaveLength(0);
  });

  it('rejects auth without a key and unusable base URLs', () => {
    expect(() => createKeygateClient({ baseUrl: server.url, auth: 'bearer' })).toThrow(/needs an apiKey/);
    expect(() => createKeygateClient({ baseUrl: 'keygate.example.com' })).toThrow(TypeError);
    expect(() => createKeygateClient({ baseUrl: 'ftp://keygate.example.com' })).toThrow(TypeError);
    expect(() => createKeygateClient({ baseUrl: `${server.url}/?tenant=a` })).toThrow(/query or fragment/);
  });

  it('refuses path parameters that URL normalisation would turn into another endpoint', async () => {
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    await expect(client.deleteSecret('shop', 'production', 'vault', '..')).rejects.toThrow(/key must not be empty/);
    await expect(client.getSecret('shop', '.', 'vault', 'API_TOKEN')).rejects.toThrow(TypeError);
    await expect(client.getEnvironmentSecrets('', 'production')).rejects.toThrow(TypeError);
    expect(server.seen).toHaveLength(0);
  });

  it('does not follow redirects, which would carry credentials elsewhere', async () => {
    // The target would answer, so only a refusal to follow explains a rejection.
    server.handler = (seen) =>
      seen.query === 'moved=1' ? cannedApi(seen) : { status: 307, headers: { location: `${server.url}${seen.path}?moved=1` } };
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey, auth: 'bearer' });
    await expect(client.getEnvironmentSecrets('shop', 'production')).rejects.toThrow(TypeError);
    expect(server.seen).toHaveLength(1);
  });
});

describe('end-to-end encryption', () => {
  it('sends a per-client P-256 public key and decrypts the envelope Keygate answers with', async () => {
    server.handler = encryptedApi;
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey, e2ee: true });

    await expect(client.getEnvironmentSecrets('shop', 'production')).resolves.toEqual(ENV_SECRETS);
    const first = server.last();
    const publicKey = header(first.headers, 'x-e2e-public-key');
    expect(publicKey).toBeDefined();
    expect(importE2eePublicKey(publicKey!).asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
    expect(first.signature).toEqual({ ok: true });

    await expect(client.getSecret('shop', 'production', 'vault', 'API_TOKEN')).resolves.toEqual(SECRET);
    expect(server.last().headers['x-e2e-public-key']).toBe(publicKey);

    // The raw client gets the decrypted body too, with the original status.
    const { data, response } = await client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/secrets', {
      params: { path: { projectRef: 'shop', envSlug: 'production' } },
    });
    expect(data).toEqual(ENV_SECRETS);
    expect(response.status).toBe(200);

    const other = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey, auth: 'bearer', e2ee: true });
    await expect(other.getEnvironmentSecrets('shop', 'production')).resolves.toEqual(ENV_SECRETS);
    expect(server.last().headers['x-e2e-public-key']).not.toBe(publicKey);
  });

  it('refuses a plaintext answer to an E2EE secret read', async () => {
    server.handler = cannedApi;
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey, e2ee: true });

    const refused = client.getEnvironmentSecrets('shop', 'production');
    await expect(refused).rejects.toBeInstanceOf(KeygateProtocolError);
    await expect(refused).rejects.toThrow('server answered an E2EE request in plaintext');
    await expect(client.getSecret('shop', 'production', 'vault', 'API_TOKEN')).rejects.toThrow(
      'server answered an E2EE request in plaintext',
    );
    await expect(
      client.GET('/api/v1/projects/{projectRef}/environments/{envSlug}/secrets', {
        params: { path: { projectRef: 'shop', envSlug: 'production' } },
      }),
    ).rejects.toThrow('server answered an E2EE request in plaintext');
  });

  it('lets answers that carry no secret values through in plaintext', async () => {
    server.handler = cannedApi;
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey, e2ee: true });
    await expect(client.getSecretsVersion('shop', 'production')).resolves.toEqual(ENV_VERSION);
    await expect(client.setSecret('shop', 'production', 'vault', 'API_TOKEN', 'x')).resolves.toEqual(METADATA);
    // Errors are not encrypted by the server and must still surface as API errors.
    await expect(client.getSecret('shop', 'production', 'vault', 'MISSING')).rejects.toBeInstanceOf(KeygateApiError);
  });

  it('rejects an envelope that does not decrypt', async () => {
    server.handler = (seen) => {
      const reply = encryptedApi(seen);
      const envelope = reply.body as Record<string, string>;
      const tag = Buffer.from(envelope.tag!, 'base64');
      tag[0] = tag[0]! ^ 0xff;
      return { ...reply, body: { ...envelope, tag: tag.toString('base64') } };
    };
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey, e2ee: true });
    await expect(client.getEnvironmentSecrets('shop', 'production')).rejects.toThrow('could not decrypt the E2EE response');
  });
});

describe('errors', () => {
  it('turns problem+json into a KeygateApiError carrying code, detail and field errors', async () => {
    server.handler = () => ({
      status: 400,
      body: problem(400, 'Bad Request', 'VALIDATION_FAILED', {
        detail: 'the request body is invalid',
        errors: [{ path: '/body/value', message: 'must be a string' }],
        retryable: false,
      }),
    });
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    let thrown: unknown;
    try {
      await client.setSecret('shop', 'production', 'vault', 'API_TOKEN', 'x');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(KeygateApiError);
    const error = thrown as KeygateApiError;
    expect(error).toMatchObject({
      name: 'KeygateApiError',
      status: 400,
      code: 'VALIDATION_FAILED',
      title: 'Bad Request',
      detail: 'the request body is invalid',
      type: 'https://keygate.dev/problems/validation_failed',
      retryable: false,
      errors: [{ path: '/body/value', message: 'must be a string' }],
    });
    expect(error.message).toBe('Bad Request (HTTP 400 VALIDATION_FAILED): the request body is invalid');
    for (const text of [error.message, String(error.stack), JSON.stringify(error)]) {
      expect(text).not.toContain(KEY.secret);
      expect(text).not.toContain(KEY.keyId);
    }
  });

  it('maps 404 and 409 from every helper', async () => {
    server.handler = (seen) =>
      seen.method === 'DELETE'
        ? { status: 409, body: problem(409, 'Conflict', 'VERSION_CONFLICT', { provider: 'vault' }) }
        : { status: 404, body: problem(404, 'Not Found', 'NOT_FOUND', { detail: 'no environment staging' }) };
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    await expect(client.getEnvironmentSecrets('shop', 'staging')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND', detail: 'no environment staging' });
    await expect(client.getSecretsVersion('shop', 'staging')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(client.getSecret('shop', 'staging', 'vault', 'A')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(client.setSecret('shop', 'staging', 'vault', 'A', 'x')).rejects.toMatchObject({ status: 404, code: 'NOT_FOUND' });
    await expect(client.deleteSecret('shop', 'staging', 'vault', 'A')).rejects.toMatchObject({
      status: 409,
      code: 'VERSION_CONFLICT',
      provider: 'vault',
      errors: [],
    });
  });

  it('does not echo a non-problem error body', async () => {
    server.handler = () => ({ status: 502, rawBody: '<html>upstream said no, token=abc</html>', contentType: 'text/html' });
    const client = createKeygateClient({ baseUrl: server.url, apiKey: KEY.apiKey });
    const rejected = client.getEnvironmentSecrets('shop', 'production');
    await expect(rejected).rejects.toMatchObject({ status: 502, title: 'Bad Gateway', code: undefined, detail: undefined });
    await expect(rejected).rejects.not.toThrow(/token=abc/);
  });
});

it('SDK_VERSION matches package.json', async () => {
  const pkg = JSON.parse(await readFile(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  expect(SDK_VERSION).toBe(pkg.version);
});
