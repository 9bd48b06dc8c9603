import { afterAll, beforeAll } from 'vitest';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestHttpClient, createTestPluginServices, describeSecretProviderConformance } from '@keygate/core/testing';
import { createHttpRestProvider } from '@keygate/provider-http-rest';
import { InMemorySecretStore, createProviderApp } from '@keygate/template-http-provider-express';

// The reference custom provider (templates/http-provider-express) must pass the same conformance
// suite as every built-in backend, through the HttpRest provider in contract mode.
const SIGNING_SECRET = 'whsec_template_conformance_42';
let server: Server;
let url: string;

beforeAll(async () => {
  server = createProviderApp({ signingSecrets: SIGNING_SECRET, store: new InMemorySecretStore() }).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

describeSecretProviderConformance('HttpRest contract mode against templates/http-provider-express', {
  async create() {
    const provider = await createHttpRestProvider({
      config: { url, signingSecret: SIGNING_SECRET, pathTemplate: '{tenant}/{project}/{environment}' },
      providerId: randomUUID(),
      services: createTestPluginServices({ http: createTestHttpClient() }),
    });
    const id = randomBytes(4).toString('hex');
    return { provider, scope: { tenant: `t-${id}`, project: `p-${id}`, environment: `e-${id}` } };
  },
});
