import { afterAll, beforeAll, describe } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeSecretProviderConformance } from '@keygate/core/testing';
import { createGcpSecretManagerProvider, type GcpSecretManagerConfig } from './index.js';
import { SecretManagerEmulator } from './testing/secret-manager-emulator.js';
import { StubAuthClient } from './testing/stub-auth-client.js';

let emulator: SecretManagerEmulator;

beforeAll(async () => {
  emulator = await SecretManagerEmulator.start({ tokens: [StubAuthClient.TOKEN] });
});

afterAll(async () => {
  await emulator.close();
});

// Short slugs: GCP secret ids hold 255 characters, and the conformance suite's longest key is 200.
function freshScope(): { tenant: string; project: string; environment: string } {
  const id = randomBytes(3).toString('hex');
  return { tenant: `t${id}`, project: `p${id}`, environment: `e${id}` };
}

function emulatorConfig(extra: Partial<GcpSecretManagerConfig> = {}): GcpSecretManagerConfig {
  return { projectId: 'keygate-emulator', apiEndpoint: emulator.host, port: emulator.port, protocol: 'http', ...extra };
}

describeSecretProviderConformance('GoogleSecretManager (emulator, official client, default: old versions disabled)', {
  async create() {
    const provider = await createGcpSecretManagerProvider({ config: emulatorConfig() }, { authClient: new StubAuthClient(), retryBaseDelayMs: 5 });
    return { provider, scope: freshScope() };
  },
});

describeSecretProviderConformance('GoogleSecretManager (emulator, official client, disableOldVersions: false)', {
  async create() {
    const provider = await createGcpSecretManagerProvider({ config: emulatorConfig({ disableOldVersions: false }) }, { authClient: new StubAuthClient(), retryBaseDelayMs: 5 });
    return { provider, scope: freshScope() };
  },
});

// Real GCP, only when asked for: needs a project and credentials (see README).
const projectId = process.env.KEYGATE_TEST_GCP_PROJECT;
const keyFile = process.env.KEYGATE_TEST_GCP_CREDENTIALS_JSON;
const realGcp = projectId !== undefined && projectId !== '' && keyFile !== undefined && keyFile !== '';

describe.skipIf(!realGcp)('real Google Secret Manager (skipped: set KEYGATE_TEST_GCP_PROJECT and KEYGATE_TEST_GCP_CREDENTIALS_JSON to run)', () => {
  describeSecretProviderConformance('GoogleSecretManager (real GCP)', {
    async create() {
      const provider = await createGcpSecretManagerProvider({
        config: {
          projectId: projectId ?? '',
          secretIdTemplate: 'kgc_{tenant}_{project}_{environment}_{key}',
          disableOldVersions: false,
          credentials: JSON.parse(keyFile ?? '{}') as NonNullable<GcpSecretManagerConfig['credentials']>,
        },
      });
      return { provider, scope: freshScope() };
    },
  });
});
