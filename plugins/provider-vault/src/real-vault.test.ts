import { describe } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestPluginServices, describeSecretProviderConformance } from '@keygate/core/testing';
import { createVaultProvider } from './index.js';

// The same conformance suite against a real Vault or OpenBao, when one is given, e.g.
//   vault server -dev -dev-root-token-id=root   (KV v2 is mounted at secret/)
//   KEYGATE_TEST_VAULT_ADDR=http://127.0.0.1:8200 KEYGATE_TEST_VAULT_TOKEN=root npx vitest run plugins/provider-vault
// Optional: KEYGATE_TEST_VAULT_MOUNT (default secret), KEYGATE_TEST_VAULT_NAMESPACE.
const address = process.env.KEYGATE_TEST_VAULT_ADDR;
const token = process.env.KEYGATE_TEST_VAULT_TOKEN;
const mount = process.env.KEYGATE_TEST_VAULT_MOUNT;
const namespace = process.env.KEYGATE_TEST_VAULT_NAMESPACE;

describe.skipIf(!address || !token)('real Vault (skipped: set KEYGATE_TEST_VAULT_ADDR and KEYGATE_TEST_VAULT_TOKEN to run)', () => {
  describeSecretProviderConformance('Vault (real server)', {
    async create() {
      const provider = await createVaultProvider({
        config: {
          address: address!,
          auth: { method: 'token', token: token! },
          pathTemplate: 'keygate-conformance/{tenant}/{project}/{environment}',
          ...(mount ? { mount } : {}),
          ...(namespace ? { namespace } : {}),
        },
        providerId: randomUUID(),
        services: createTestPluginServices(),
      });
      const id = randomBytes(4).toString('hex');
      return { provider, scope: { tenant: `tenant-${id}`, project: `project-${id}`, environment: `env-${id}` } };
    },
  });
});
