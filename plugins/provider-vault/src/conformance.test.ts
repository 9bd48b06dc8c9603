import { afterAll, beforeAll } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { createTestPluginServices, describeSecretProviderConformance } from '@keygate/core/testing';
import { createVaultProvider } from './index.js';
import { VaultEmulator } from './testing/vault-emulator.js';

let emulator: VaultEmulator;

beforeAll(async () => {
  emulator = await VaultEmulator.start({ tokens: ['root-token'] });
});

afterAll(async () => {
  await emulator.close();
});

// The real node-vault client against the wire-protocol emulator, a fresh scope per test.
describeSecretProviderConformance('Vault (node-vault against the emulator)', {
  async create() {
    const provider = await createVaultProvider({
      config: { address: emulator.address, auth: { method: 'token', token: 'root-token' } },
      providerId: randomUUID(),
      services: createTestPluginServices(),
    });
    const id = randomBytes(4).toString('hex');
    return { provider, scope: { tenant: `tenant-${id}`, project: `project-${id}`, environment: `env-${id}` } };
  },
});
