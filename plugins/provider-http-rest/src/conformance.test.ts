import { afterAll, beforeAll } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestHttpClient, createTestPluginServices, describeSecretProviderConformance } from '@keygate/core/testing';
import type { HttpRestProviderConfig } from './config.js';
import { createHttpRestProvider } from './index.js';
import { ContractEndpoint, DocumentApi, KeyPerResourceApi, documentConfig, keyPerResourceConfig } from './testing/index.js';

const SIGNING_SECRET = 'whsec_conformance_0123456789';
let contract: ContractEndpoint;
let keyPerResource: KeyPerResourceApi;
let documents: DocumentApi;

beforeAll(async () => {
  contract = await ContractEndpoint.start({ signingSecret: SIGNING_SECRET });
  keyPerResource = await KeyPerResourceApi.start({ auth: { bearer: 'kpr-token' } });
  documents = await DocumentApi.start({ auth: { apiKey: { header: 'X-Api-Key', value: 'doc-key' } } });
});

afterAll(async () => {
  await Promise.all([contract?.close(), keyPerResource?.close(), documents?.close()]);
});

function harness(config: () => HttpRestProviderConfig) {
  return {
    async create() {
      const provider = await createHttpRestProvider({
        config: config(),
        providerId: randomUUID(),
        services: createTestPluginServices({ http: createTestHttpClient() }),
      });
      const id = randomBytes(4).toString('hex');
      return { provider, scope: { tenant: `tenant-${id}`, project: `project-${id}`, environment: `env-${id}` } };
    },
  };
}

describeSecretProviderConformance('HttpRest contract mode (signed endpoint)', harness(() => ({ url: `${contract.url}/`, signingSecret: SIGNING_SECRET })));

describeSecretProviderConformance('HttpRest mapped mode, key-per-resource API', harness(() => keyPerResourceConfig(keyPerResource.url, 'kpr-token')));

describeSecretProviderConformance('HttpRest mapped mode, map-per-document API', harness(() => documentConfig(documents.url, 'doc-key')));

describeSecretProviderConformance('HttpRest mapped mode, map-per-document API read through list', harness(() => documentConfig(documents.url, 'doc-key', { withGet: false })));
