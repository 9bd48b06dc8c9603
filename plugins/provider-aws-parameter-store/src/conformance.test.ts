import { afterAll, beforeAll, describe } from 'vitest';
import { randomBytes } from 'node:crypto';
import { describeSecretProviderConformance } from '@keygate/core/testing';
import { createAwsParameterStoreProvider } from './index.js';
import { SsmEmulator } from './testing/ssm-emulator.js';

let emulator: SsmEmulator;

beforeAll(async () => {
  emulator = await SsmEmulator.start({ region: 'eu-west-1' });
});

afterAll(async () => {
  await emulator.close();
});

function freshScope(): { tenant: string; project: string; environment: string } {
  const id = randomBytes(4).toString('hex');
  return { tenant: `tenant-${id}`, project: `project-${id}`, environment: `env-${id}` };
}

describeSecretProviderConformance(
  'AwsParameterStore (emulator, official SDK)',
  {
    async create() {
      const provider = await createAwsParameterStoreProvider({
        config: {
          region: 'eu-west-1',
          endpoint: emulator.endpoint,
          credentials: { accessKeyId: 'AKIAEMULATOREXAMPLE', secretAccessKey: 'emulator-secret-key' },
        },
      });
      return { provider, scope: freshScope() };
    },
  },
  // Standard-tier parameters hold at most 4 KB.
  { maxValueBytes: 4096 },
);

// Real AWS, only when asked for: needs IAM permissions (see README); Standard parameters are free.
const region = process.env.KEYGATE_TEST_AWS_REGION;
const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
const sessionToken = process.env.AWS_SESSION_TOKEN;
const realAws = region !== undefined && region !== '' && accessKeyId !== undefined && secretAccessKey !== undefined;

describe.skipIf(!realAws)('real AWS Parameter Store (skipped: set KEYGATE_TEST_AWS_REGION, AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY to run)', () => {
  describeSecretProviderConformance(
    'AwsParameterStore (real AWS)',
    {
      async create() {
        const provider = await createAwsParameterStoreProvider({
          config: {
            region: region ?? 'us-east-1',
            pathTemplate: '/keygate-conformance/{tenant}/{project}/{environment}',
            maxAttempts: 8,
            credentials: { accessKeyId: accessKeyId ?? '', secretAccessKey: secretAccessKey ?? '', ...(sessionToken ? { sessionToken } : {}) },
          },
        });
        return { provider, scope: freshScope() };
      },
    },
    // 40 TPS by default: fewer parallel writers to one parameter (TooManyUpdates is retried).
    { maxValueBytes: 4096, concurrentWriters: 5 },
  );
});
