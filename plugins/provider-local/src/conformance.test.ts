import { afterAll, beforeAll } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { Keyring } from '@keygate/core';
import { createTestPluginServices, describeSecretProviderConformance } from '@keygate/core/testing';
import { createTestSqlClient, type TestSqlClient } from '@keygate/test';
import { createLocalProvider } from './index.js';

let db: TestSqlClient;
let keyring: Keyring;

beforeAll(async () => {
  // Room for the concurrency cases: every writer holds a connection while it waits for the row lock.
  db = await createTestSqlClient({ max: 24 });
  keyring = new Keyring({ activeKeyId: 'test', keys: { test: randomBytes(32) } });
});

afterAll(async () => {
  await db.close();
});

describeSecretProviderConformance('Local', {
  async create() {
    const provider = await createLocalProvider({
      config: {},
      providerId: randomUUID(),
      services: createTestPluginServices({ sql: db.sql, keyring }),
    });
    const id = randomBytes(4).toString('hex');
    return { provider, scope: { tenant: `tenant-${id}`, project: `project-${id}`, environment: `env-${id}` } };
  },
});
