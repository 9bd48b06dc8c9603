import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateApiKey } from '@keygate/core/wire';
import type { Clock } from '@keygate/core';
import { createLogger, loadConfig, startKeygate, type KeygateHost } from '@keygate/host';
import { createTestDatabase } from './database.js';

export interface TestHost {
  url: string;
  /** The bootstrap admin key (tenant Owner). */
  apiKey: string;
  host: KeygateHost;
  databaseUrl: string;
  dataDir: string;
  /** `fetch` against the host with the admin key as bearer unless `headers.authorization` is given. */
  api(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: unknown; headers: Headers }>;
  /** A request context of the tenant Owner, for calling the host's services directly (what a response object is, not only what it says). */
  ownerContext(): OwnerContext;
  close(): Promise<void>;
}

export type OwnerContext = Parameters<KeygateHost['services']['secrets']['readAll']>[0];

export interface TestHostOptions {
  /** Adds or overrides environment variables of the configuration. */
  env?: Record<string, string>;
  /** A keygate.yaml to load. */
  configPath?: string;
  /** Receives every log line (JSON, debug level) instead of silence. */
  logSink?: (line: string) => void;
  /** The host's clock, for tests that move time (rotation schedules). */
  clock?: Clock;
  /** Join this database (a second replica) instead of creating one; it is then left in place on close. */
  databaseUrl?: string;
}

/** A real host on a fresh database of the run's PostgreSQL, listening on a free loopback port. */
export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const { env = {}, configPath, logSink, clock } = options;
  const db = options.databaseUrl === undefined ? await createTestDatabase() : { url: options.databaseUrl, drop: () => Promise.resolve() };
  const dataDir = await mkdtemp(join(tmpdir(), 'keygate-host-'));
  const apiKey = generateApiKey().apiKey;
  const config = await loadConfig({
    env: {
      DATABASE_URL: db.url,
      KEYGATE_DATA_DIR: dataDir,
      KEYGATE_BOOTSTRAP_API_KEY: apiKey,
      KEYGATE_LOG_LEVEL: 'silent',
      PORT: '0',
      ...env,
    },
    cwd: dataDir,
    ...(configPath === undefined ? {} : { path: configPath }),
  });
  config.server.host = '127.0.0.1';
  const host = await startKeygate(config, {
    ...(logSink ? { logger: createLogger({ level: 'debug', format: 'json', stream: { write: logSink } }) } : {}),
    ...(clock ? { clock } : {}),
  });
  const api: TestHost['api'] = async (method, path, body, headers = {}) => {
    const response = await fetch(`${host.url}${path}`, {
      method,
      headers: {
        ...(headers.authorization === undefined ? { authorization: `Bearer ${apiKey}` } : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = text === '' ? undefined : JSON.parse(text);
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  return {
    url: host.url,
    apiKey,
    host,
    databaseUrl: db.url,
    dataDir,
    api,
    ownerContext: () => ({
      requestId: 'test',
      ip: '',
      principal: { tenantId: host.bootstrap.tenantId, tenantSlug: 'default', actorType: 'api-key', actorId: 'test', scope: 'tenant', role: 'Owner', projectId: null, environmentId: null, scopes: null },
    }),
    close: async () => {
      await host.close();
      await db.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
