import { afterAll, beforeAll, describe } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeSecretProviderConformance } from '@keygate/core/testing';
import { createAwsSecretsManagerProvider } from './index.js';
import { SecretsManagerEmulator } from './testing/secrets-manager-emulator.js';

let emulator: SecretsManagerEmulator;

beforeAll(async () => {
  emulator = await SecretsManagerEmulator.start({ region: 'eu-west-1' });
});

afterAll(async () => {
  await emulator.close();
});

function freshScope(): { tenant: string; project: string; environment: string } {
  const id = randomBytes(4).toString('hex');
  return { tenant: `tenant-${id}`, project: `project-${id}`, environment: `env-${id}` };
}

describeSecretProviderConformance('AwsSecretsManager (emulator, official SDK)', {
  async create() {
    const provider = await createAwsSecretsManagerProvider({
      config: {
        region: 'eu-west-1',
        endpoint: emulator.endpoint,
        credentials: { accessKeyId: 'AKIAEMULATOREXAMPLE', secretAccessKey: 'emulator-secret-key' },
      },
    });
    return { provider, scope: freshScope() };
  },
});

// Real AWS, only when asked for: costs money and needs IAM permissions (see README).
const region = process.env.KEYGATE_TEST_AWS_REGION;
const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
const sessionToken = process.env.AWS_SESSION_TOKEN;
const realAws = region !== undefined && region !== '' && accessKeyId !== undefined && secretAccessKey !== undefined;

describe.skipIf(!realAws)('real AWS Secrets Manager (skipped: set KEYGATE_TEST_AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to run)', () => {
  describeSecretProviderConformance('AwsSecretsManager (real AWS)', {
    async create() {
      const provider = await createAwsSecretsManagerProvider({
        config: {
          region: region ?? 'us-east-1',
          nameTemplate: 'keygate-conformance/{tenant}/{project}/{environment}/{key}',
          credentials: { accessKeyId: accessKeyId ?? '', secretAccessKey: secretAccessKey ?? '', ...(sessionToken ? { sessionToken } : {}) },
        },
      });
      return { provider, scope: freshScope() };
    },
  });
});
