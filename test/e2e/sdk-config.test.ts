import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createConfig, createKeygateClient, KeygateApiError, type ConfigChanges } from '@keygate/sdk';
import { startTestHost, type TestHost } from '../src/host.js';

const V1 = '/api/v1';
let h: TestHost;

/** A real HTTP proxy in front of the host that can be switched off, as a network outage. */
interface Switch {
  url: string;
  down: boolean;
  close(): Promise<void>;
}

async function startSwitch(target: string): Promise<Switch> {
  const upstream = new URL(target);
  const state = { down: false };
  const server: Server = createServer((req, res) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    const forward = httpRequest(
      { hostname: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    get down() {
      return state.down;
    },
    set down(value: boolean) {
      state.down = value;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function put(env: string, key: string, value: string): Promise<void> {
  const res = await h.api('PUT', `${V1}/projects/cfg/environments/${env}/providers/system/secrets/${key}`, { value });
  expect(res.status, JSON.stringify(res.body)).toBeLessThan(300);
}

async function until(condition: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

beforeAll(async () => {
  h = await startTestHost();
  expect((await h.api('POST', `${V1}/projects`, { name: 'cfg' })).status).toBe(201);
  expect((await h.api('POST', `${V1}/projects/cfg/environments`, { name: 'prod' })).status).toBe(201);
  await put('prod', 'DB_PASSWORD', 'first-pw');
  await put('prod', 'OLD_FLAG', 'on');
});
afterAll(async () => {
  await h?.close();
});

describe('createConfig against a real host', () => {
  it('loads, reports added/changed/removed keys on change, keeps last good values through an outage, and stops on close', async () => {
    const proxy = await startSwitch(h.url);
    const updates: ConfigChanges[] = [];
    const errors: unknown[] = [];
    const config = await createConfig({
      baseUrl: proxy.url,
      apiKey: h.apiKey,
      projectSlug: 'cfg',
      environmentSlug: 'prod',
      pollIntervalMs: 150,
      requestTimeoutMs: 2000,
      onUpdate: (changes) => updates.push(changes),
      onError: (error) => errors.push(error),
    });
    try {
      expect(config.getAll()).toEqual({ DB_PASSWORD: 'first-pw', OLD_FLAG: 'on' });
      const firstVersion = config.version;

      await put('prod', 'DB_PASSWORD', 'second-pw');
      await put('prod', 'NEW_KEY', 'n');
      expect((await h.api('DELETE', `${V1}/projects/cfg/environments/prod/providers/system/secrets/OLD_FLAG`)).status).toBe(204);
      await until(() => config.get('OLD_FLAG') === undefined && config.get('NEW_KEY') === 'n');
      expect(config.get('DB_PASSWORD')).toBe('second-pw');
      expect(config.version).toBeGreaterThan(firstVersion);
      const merged = { added: updates.flatMap((u) => u.added), changed: updates.flatMap((u) => u.changed), removed: updates.flatMap((u) => u.removed) };
      expect(merged).toEqual({ added: ['NEW_KEY'], changed: ['DB_PASSWORD'], removed: ['OLD_FLAG'] });
      // Change notices carry keys, never values.
      expect(JSON.stringify(updates)).not.toContain('second-pw');

      // Outage: errors are reported, the last good values stay.
      proxy.down = true;
      await put('prod', 'DB_PASSWORD', 'third-pw');
      await until(() => errors.length >= 2);
      expect(config.get('DB_PASSWORD')).toBe('second-pw');
      expect(config.get('NEW_KEY')).toBe('n');

      // Back up: the change made meanwhile arrives.
      const before = updates.length;
      proxy.down = false;
      await until(() => config.get('DB_PASSWORD') === 'third-pw');
      expect(updates.slice(before)).toEqual([{ added: [], changed: ['DB_PASSWORD'], removed: [], version: config.version }]);

      config.close();
      await put('prod', 'DB_PASSWORD', 'fourth-pw');
      await new Promise((resolve) => setTimeout(resolve, 600));
      expect(config.get('DB_PASSWORD')).toBe('third-pw');
    } finally {
      config.close();
      await proxy.close();
    }
  });

  it('refresh() checks at once and reports whether anything changed', async () => {
    expect((await h.api('POST', `${V1}/projects/cfg/environments`, { name: 'manual' })).status).toBe(201);
    await put('manual', 'A', '1');
    const config = await createConfig({ baseUrl: h.url, apiKey: h.apiKey, projectSlug: 'cfg', environmentSlug: 'manual', pollIntervalMs: 60_000 });
    try {
      expect(await config.refresh()).toBe(false);
      await put('manual', 'A', '2');
      expect(await config.refresh()).toBe(true);
      expect(config.get('A')).toBe('2');
      expect(Object.isFrozen(config.getAll())).toBe(true);
    } finally {
      config.close();
    }
  });

  it('starts from secrets already read when given them, and still reloads on change', async () => {
    expect((await h.api('POST', `${V1}/projects/cfg/environments`, { name: 'seeded' })).status).toBe(201);
    await put('seeded', 'A', 'one');
    const client = createKeygateClient({ baseUrl: h.url, apiKey: h.apiKey });
    const initial = await client.getEnvironmentSecrets('cfg', 'seeded');
    const config = await createConfig({ baseUrl: h.url, client, initial, projectSlug: 'cfg', environmentSlug: 'seeded', pollIntervalMs: 60_000 });
    try {
      expect(config.version).toBe(initial.version);
      expect(config.get('A')).toBe('one');
      await put('seeded', 'A', 'two');
      expect(await config.refresh()).toBe(true);
      expect(config.get('A')).toBe('two');
    } finally {
      config.close();
    }
  });

  it('fails the first load with the API error (nothing to fall back on) and refuses a silly interval', async () => {
    const missing = await createConfig({ baseUrl: h.url, apiKey: h.apiKey, projectSlug: 'cfg', environmentSlug: 'nope' }).catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(KeygateApiError);
    expect(missing).toMatchObject({ status: 404 });
    await expect(createConfig({ baseUrl: h.url, apiKey: h.apiKey, projectSlug: 'cfg', environmentSlug: 'prod', pollIntervalMs: 1 })).rejects.toThrow(/pollIntervalMs/);
  });
});

describe('a user access token as the credential', () => {
  it('reads with the JWT of a login, and refuses a key and a token together', async () => {
    const email = 'cfg-user@example.com';
    const password = 'a long enough password';
    expect((await h.api('POST', `${V1}/users`, { email, password, tenantRole: 'Admin' })).status).toBe(201);
    const login = await h.api('POST', `${V1}/auth/login`, { email, password }, { authorization: '' });
    expect(login.status).toBe(200);
    const { accessToken } = login.body as { accessToken: string };
    const config = await createConfig({ baseUrl: h.url, accessToken, projectSlug: 'cfg', environmentSlug: 'prod', pollIntervalMs: 60_000 });
    expect(config.get('NEW_KEY')).toBe('n');
    config.close();
    let asked = 0;
    const supplied = createKeygateClient({ baseUrl: h.url, accessToken: async () => (asked++, accessToken) });
    await supplied.getSecretsVersion('cfg', 'prod');
    await supplied.getSecretsVersion('cfg', 'prod');
    expect(asked).toBe(2);
    await expect(createKeygateClient({ baseUrl: h.url, accessToken: () => 'nope' }).getSecretsVersion('cfg', 'prod')).rejects.toThrow(/accessToken must be a JWT/);
    expect(() => createKeygateClient({ baseUrl: h.url, accessToken, apiKey: h.apiKey })).toThrow(/either apiKey or accessToken/);
    expect(() => createKeygateClient({ baseUrl: h.url, accessToken: 'not a jwt' })).toThrow(/accessToken must be a JWT/);
    const refused = await createKeygateClient({ baseUrl: h.url, accessToken: `${accessToken.slice(0, -4)}AAAA` }).getSecretsVersion('cfg', 'prod').catch((error: unknown) => error);
    expect(refused).toMatchObject({ status: 401 });
  });
});
