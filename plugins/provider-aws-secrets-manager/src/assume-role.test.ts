import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Secret, isKeygateError, type SecretProvider } from '@keygate/core';
import { awsSecretsManagerProviderType, createAwsSecretsManagerProvider, type AwsSecretsManagerConfig } from './index.js';
import { SecretsManagerEmulator } from './testing/secrets-manager-emulator.js';
import { StsEmulator } from './testing/sts-emulator.js';

// The base key may only assume the role; Secrets Manager accepts nothing but what STS issued.
const BASE = { accessKeyId: 'AKIABASEKEY000000001', secretAccessKey: 'base-secret-never-printed' };
const ROLE_ARN = 'arn:aws:iam::123456789012:role/keygate-secrets';
const EXTERNAL_ID = 'ext-7d1c9a';

let secrets: SecretsManagerEmulator;
let sts: StsEmulator;
const open: SecretProvider[] = [];

beforeAll(async () => {
  secrets = await SecretsManagerEmulator.start({ region: 'eu-west-1', accessKeyIds: [] });
  sts = await StsEmulator.start({
    roles: [{ arn: ROLE_ARN, externalId: EXTERNAL_ID, trustedAccessKeyIds: [BASE.accessKeyId] }],
    onIssued: ({ accessKeyId, sessionToken }) => secrets.allowTemporaryCredentials(accessKeyId, sessionToken),
  });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((provider) => provider.close()));
});
afterAll(async () => {
  await secrets.close();
  await sts.close();
});

async function session(assumeRole: AwsSecretsManagerConfig['assumeRole'], credentials: AwsSecretsManagerConfig['credentials'] = { ...BASE }): Promise<SecretProvider> {
  const provider = await createAwsSecretsManagerProvider(
    { config: { region: 'eu-west-1', endpoint: secrets.endpoint, credentials, assumeRole, maxAttempts: 2 } },
    { retryBaseDelayMs: 2 },
  );
  open.push(provider);
  return provider;
}

const scope = () => {
  const id = randomBytes(4).toString('hex');
  return { tenant: `t-${id}`, project: `p-${id}`, environment: `e-${id}` };
};

describe('assumed role (STS AssumeRole)', () => {
  it('marks the external id secret in the schema', () => {
    const assume = awsSecretsManagerProviderType.configSchema.properties?.assumeRole;
    expect(assume?.required).toEqual(['roleArn']);
    expect(assume?.properties?.externalId?.['x-keygate-secret']).toBe(true);
  });

  it('works with the role’s temporary credentials, assuming the role once for many calls', async () => {
    const before = sts.assumeRoleCalls;
    const provider = await session({ roleArn: ROLE_ARN, externalId: EXTERNAL_ID, endpoint: sts.endpoint, sessionName: 'keygate-test' });
    const s = scope();
    await provider.put({ ...s, key: 'A' }, new Secret('one'));
    await provider.put({ ...s, key: 'B' }, new Secret('two'));
    expect(Object.fromEntries([...(await provider.getAll(s))].map(([key, value]) => [key, value.reveal()]))).toEqual({ A: 'one', B: 'two' });
    await provider.check();
    expect(sts.assumeRoleCalls - before).toBe(1);
  });

  it('is refused by Secrets Manager without the role: the base key alone is not accepted', async () => {
    const provider = await createAwsSecretsManagerProvider({ config: { region: 'eu-west-1', endpoint: secrets.endpoint, credentials: { ...BASE }, maxAttempts: 1 } });
    open.push(provider);
    const error = await provider.check().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_AUTH_FAILED');
  });

  it.each([
    ['a wrong external id', { roleArn: ROLE_ARN, externalId: 'ext-wrong' }],
    ['a role the key is not trusted by', { roleArn: 'arn:aws:iam::123456789012:role/other', externalId: EXTERNAL_ID }],
  ])('raises PROVIDER_AUTH_FAILED for %s, without credentials in the message', async (_name, role) => {
    const provider = await session({ ...role, endpoint: sts.endpoint });
    const error = await provider.get({ ...scope(), key: 'A' }).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_AUTH_FAILED');
    const message = String((error as Error).message);
    expect(message).toContain('AccessDenied');
    expect(message).not.toContain(BASE.secretAccessKey);
    expect(message).not.toContain('ext-wrong');
  });

  it('raises PROVIDER_UNAVAILABLE when STS is unreachable', async () => {
    const down = await StsEmulator.start({ roles: [] });
    const endpoint = down.endpoint;
    await down.close();
    const provider = await session({ roleArn: ROLE_ARN, externalId: EXTERNAL_ID, endpoint });
    const error = await provider.check().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it.each([
    [{ roleArn: 'not-an-arn' }, /assumeRole.roleArn/],
    [{ roleArn: ROLE_ARN, durationSeconds: 60 }, /assumeRole.durationSeconds/],
    [{ roleArn: ROLE_ARN, sessionName: 'has space' }, /assumeRole.sessionName/],
    [{ roleArn: ROLE_ARN, policy: '{}' }, /unknown configuration property "assumeRole.policy"/],
  ])('refuses invalid assumeRole %j', async (role, message) => {
    await expect(session(role as never)).rejects.toThrow(message);
  });
});
