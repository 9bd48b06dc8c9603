import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Secret, isKeygateError, type SecretProvider, type SecretScope } from '@keygate/core';
import { expectErrorCode } from '@keygate/core/testing';
import { SecretsManagerClient, PutSecretValueCommand, CreateSecretCommand, GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import plugin, { awsSecretsManagerProviderType, createAwsSecretsManagerProvider, type AwsSecretsManagerConfig } from './index.js';
import { resolveConfig } from './config.js';
import { toKeygateError } from './failures.js';
import { SecretsManagerEmulator } from './testing/secrets-manager-emulator.js';

const CREDENTIALS = { accessKeyId: 'AKIAEMULATOREXAMPLE', secretAccessKey: 'do-not-print-this-secret-key' };

let emulator: SecretsManagerEmulator;
const open: SecretProvider[] = [];

beforeAll(async () => {
  emulator = await SecretsManagerEmulator.start({ region: 'eu-west-1' });
});

afterEach(async () => {
  emulator.latencyMs = 0;
  await Promise.all(open.splice(0).map((provider) => provider.close()));
});

afterAll(async () => {
  await emulator.close();
});

async function session(config: Partial<AwsSecretsManagerConfig> = {}, target = emulator): Promise<SecretProvider> {
  const provider = await createAwsSecretsManagerProvider(
    { config: { region: 'eu-west-1', endpoint: target.endpoint, credentials: { ...CREDENTIALS }, ...config } },
    { retryBaseDelayMs: 5 },
  );
  open.push(provider);
  return provider;
}

function scope(): SecretScope {
  const id = randomBytes(4).toString('hex');
  return { tenant: `t-${id}`, project: `p-${id}`, environment: `e-${id}` };
}

function sdkClient(): SecretsManagerClient {
  return new SecretsManagerClient({ region: 'eu-west-1', endpoint: emulator.endpoint, credentials: { ...CREDENTIALS }, maxAttempts: 1 });
}

describe('manifest and configuration', () => {
  it('default-exports an inert manifest with the AwsSecretsManager type', () => {
    expect(plugin.manifest).toBe('keygate-plugin');
    expect(plugin.name).toBe('@keygate/provider-aws-secrets-manager');
    expect(plugin.provides.map((type) => `${type.kind}:${type.type}`)).toEqual(['provider:AwsSecretsManager']);
    const schema = awsSecretsManagerProviderType.configSchema;
    expect(schema.required).toEqual(['region']);
    const credentials = schema.properties?.credentials;
    expect(credentials?.properties?.secretAccessKey?.['x-keygate-secret']).toBe(true);
    expect(credentials?.properties?.sessionToken?.['x-keygate-secret']).toBe(true);
    expect(credentials?.properties?.accessKeyId?.['x-keygate-secret']).toBeUndefined();
    expect(schema.properties?.nameTemplate?.default).toBe('keygate/{tenant}/{project}/{environment}/{key}');
    expect(awsSecretsManagerProviderType.capabilities({ region: 'eu-west-1' } as never)).toEqual({
      versions: true,
      compareAndSet: false,
      labels: true,
      binary: true,
      batchRead: true,
    });
  });

  it.each([
    [{}, /region is required/],
    [{ region: 'eu-west-1', bogus: 1 }, /unknown configuration property "bogus"/],
    [{ region: 'eu-west-1', nameTemplate: 'keygate/{tenant}/{project}/{environment}' }, /must end with "\/\{key\}"/],
    [{ region: 'eu-west-1', nameTemplate: 'keygate/{tenant}/{project}/{key}' }, /must contain \{environment\}/],
    [{ region: 'eu-west-1', nameTemplate: 'keygate/{tenant}-{project}/{environment}/{key}' }, /\{tenant\} must be followed by "\/"/],
    [{ region: 'eu-west-1', nameTemplate: 'k/{team}/{tenant}/{project}/{environment}/{key}' }, /unknown placeholder/],
    [{ region: 'eu-west-1', nameTemplate: 'k#/{tenant}/{project}/{environment}/{key}' }, /literal parts/],
    [{ region: 'eu-west-1', endpoint: 'ftp://x' }, /endpoint/],
    [{ region: 'eu-west-1', credentials: { accessKeyId: 'AKIA' } }, /credentials.secretAccessKey/],
  ])('refuses invalid configuration %j', (config, message) => {
    let error: unknown;
    try {
      resolveConfig(config as AwsSecretsManagerConfig);
    } catch (caught) {
      error = caught;
    }
    expect(isKeygateError(error) && error.code).toBe('INVALID_CONFIGURATION');
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes credentials in configuration errors', () => {
    try {
      resolveConfig({ region: 'eu-west-1', credentials: { accessKeyId: '', secretAccessKey: 'do-not-print-this-secret-key' } });
      expect.fail('should refuse');
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('do-not-print');
    }
  });
});

describe('names', () => {
  it('stores each key as one secret named by the template', async () => {
    const provider = await session();
    const s = scope();
    await provider.put({ ...s, key: 'DB_URL' }, new Secret('x'));
    expect(emulator.secretNames()).toContain(`keygate/${s.tenant}/${s.project}/${s.environment}/DB_URL`);

    const custom = await session({ nameTemplate: 'apps/{tenant}/{environment}/{project}/{key}' });
    await custom.put({ ...s, key: 'API' }, new Secret('y'));
    expect(emulator.secretNames()).toContain(`apps/${s.tenant}/${s.environment}/${s.project}/API`);
    expect([...(await custom.getAll(s)).keys()]).toEqual(['API']);
  });

  it('refuses a key with characters AWS names do not allow', async () => {
    const provider = await session();
    await expectErrorCode(provider.put({ ...scope(), key: 'has/slash' }, new Secret('x')), 'INVALID_INPUT', 'key with a slash');
    await expectErrorCode(provider.put({ ...scope(), key: 'späce key' }, new Secret('x')), 'INVALID_INPUT', 'key with a space');
  });
});

describe('operations against the emulator', () => {
  it('raises NOT_FOUND for missing keys and versions', async () => {
    const provider = await session();
    const s = scope();
    await expectErrorCode(provider.get({ ...s, key: 'NOPE' }), 'NOT_FOUND', 'get missing');
    await expectErrorCode(provider.delete({ ...s, key: 'NOPE' }), 'NOT_FOUND', 'delete missing');
    await provider.put({ ...s, key: 'HERE' }, new Secret('v'));
    await expectErrorCode(provider.get({ ...s, key: 'HERE' }, { version: 'not-a-version' }), 'NOT_FOUND', 'malformed version');
    await expectErrorCode(provider.get({ ...s, key: 'HERE' }, { version: '00000000-0000-4000-8000-000000000000' }), 'NOT_FOUND', 'unknown version');
  });

  it('writes versions with a fresh UUID ClientRequestToken and reads old versions by VersionId', async () => {
    const provider = await session();
    const ref = { ...scope(), key: 'ROTATED' };
    const versions = [];
    for (const value of ['one', 'two', 'three']) versions.push((await provider.put(ref, new Secret(value))).version);
    for (const version of versions) expect(version).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(new Set(versions).size).toBe(3);
    expect((await provider.get(ref, { version: versions[0]! })).value.reveal()).toBe('one');
    expect((await provider.get(ref, { version: versions[1]! })).value.reveal()).toBe('two');
    const current = await provider.get(ref);
    expect(current.version).toBe(versions[2]);
    expect(current.value.reveal()).toBe('three');
  });

  it('emulator: PutSecretValue is idempotent on ClientRequestToken and refuses a changed value', async () => {
    const client = sdkClient();
    try {
      const name = `idem/${randomBytes(4).toString('hex')}`;
      await client.send(new CreateSecretCommand({ Name: name, SecretString: 'a' }));
      const token = '11111111-2222-4333-8444-555555555555';
      const first = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'b', ClientRequestToken: token }));
      const again = await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'b', ClientRequestToken: token }));
      expect(again.VersionId).toBe(first.VersionId);
      await expect(client.send(new PutSecretValueCommand({ SecretId: name, SecretString: 'c', ClientRequestToken: token }))).rejects.toMatchObject({
        name: 'ResourceExistsException',
      });
    } finally {
      client.destroy();
    }
  });

  it('shares one listing among environment reads made together, and a later read sees a write', async () => {
    const provider = await session();
    const s = scope();
    await provider.put({ ...s, key: 'A' }, new Secret('1'));
    emulator.resetCalls();
    const reads = await Promise.all(Array.from({ length: 10 }, () => provider.getAll(s)));
    expect(emulator.calls.ListSecrets).toBe(1);
    for (const read of reads) expect(read.get('A')?.reveal()).toBe('1');
    await provider.put({ ...s, key: 'A' }, new Secret('2'));
    expect((await provider.getAll(s)).get('A')?.reveal()).toBe('2');
  });

  it('refuses ifVersion with UNSUPPORTED before calling AWS', async () => {
    const provider = await session();
    const ref = { ...scope(), key: 'CAS' };
    await provider.put(ref, new Secret('one'));
    emulator.resetCalls();
    await expectErrorCode(provider.put(ref, new Secret('two'), { ifVersion: 'whatever' }), 'UNSUPPORTED', 'ifVersion');
    await expectErrorCode(provider.put(ref, new Secret('two'), { ifVersion: null }), 'UNSUPPORTED', 'ifVersion null');
    expect(emulator.calls).toEqual({});
    expect((await provider.get(ref)).value.reveal()).toBe('one');
  });

  it('keeps labels as tags: set on create, replaced on later writes, kept when not given', async () => {
    const provider = await session();
    const s = scope();
    const ref = { ...s, key: 'TAGGED' };
    await provider.put(ref, new Secret('v1'), { labels: { team: 'payments', owner: 'a' } });
    expect((await provider.listMetadata(s))[0]?.labels).toEqual({ team: 'payments', owner: 'a' });
    await provider.put(ref, new Secret('v2'));
    expect((await provider.listMetadata(s))[0]?.labels).toEqual({ team: 'payments', owner: 'a' });
    emulator.resetCalls();
    await provider.put(ref, new Secret('v3'), { labels: { team: 'billing' } });
    expect(emulator.callCount('UntagResource')).toBe(1);
    expect(emulator.callCount('TagResource')).toBe(1);
    expect((await provider.listMetadata(s))[0]?.labels).toEqual({ team: 'billing' });
    await expectErrorCode(provider.put(ref, new Secret('v4'), { labels: { 'aws:reserved': 'x' } }), 'INVALID_INPUT', 'reserved tag prefix');
  });

  it('reads 100 secrets with one ListSecrets and at most 5 BatchGetSecretValue calls', async () => {
    const provider = await session();
    const s = scope();
    const expected: Record<string, string> = {};
    for (let i = 0; i < 100; i++) expected[`KEY_${String(i).padStart(3, '0')}`] = `value-${i}`;
    await Promise.all(Object.entries(expected).map(([key, value]) => provider.put({ ...s, key }, new Secret(value))));
    emulator.resetCalls();
    const all = await provider.getAll(s);
    expect(Object.fromEntries([...all].map(([key, value]) => [key, value.reveal()]))).toEqual(expected);
    expect(emulator.callCount('BatchGetSecretValue')).toBeLessThanOrEqual(5);
    expect(emulator.callCount('ListSecrets')).toBe(1);
    expect(emulator.callCount('GetSecretValue')).toBe(0);
  });

  it('follows ListSecrets paging', async () => {
    const paged = await SecretsManagerEmulator.start({ region: 'eu-west-1', maxListResults: 7 });
    try {
      const provider = await session({}, paged);
      const s = scope();
      for (let i = 0; i < 23; i++) await provider.put({ ...s, key: `K${i}` }, new Secret(`v${i}`));
      paged.resetCalls();
      expect((await provider.getAll(s)).size).toBe(23);
      expect(paged.callCount('ListSecrets')).toBe(4);
      expect(paged.callCount('BatchGetSecretValue')).toBe(2);
      expect((await provider.listMetadata(s)).length).toBe(23);
    } finally {
      await paged.close();
    }
  });

  it('reads a SecretBinary written by another tool as base64, flagged binary, and writes binary values as SecretBinary', async () => {
    const provider = await session();
    const s = scope();
    const name = `keygate/${s.tenant}/${s.project}/${s.environment}/CERT_DER`;
    emulator.seedBinary(name, new Uint8Array([0, 1, 2, 255]));
    const read = await provider.get({ ...s, key: 'CERT_DER' });
    expect(read.value.reveal()).toBe('AAEC/w==');
    expect(read.binary).toBe(true);
    expect((await provider.getAll(s)).get('CERT_DER')?.reveal()).toBe('AAEC/w==');

    await provider.put({ ...s, key: 'CERT_DER' }, new Secret(Buffer.from([9, 8, 7]).toString('base64')), { binary: true });
    const client = sdkClient();
    try {
      const raw = await client.send(new GetSecretValueCommand({ SecretId: name }));
      expect(raw.SecretString).toBeUndefined();
      expect([...(raw.SecretBinary ?? [])]).toEqual([9, 8, 7]);
    } finally {
      client.destroy();
    }
  });

  it('refuses values larger than 65536 bytes without echoing them', async () => {
    const provider = await session();
    const value = 'V'.repeat(65_537);
    try {
      await provider.put({ ...scope(), key: 'BIG' }, new Secret(value));
      expect.fail('should refuse');
    } catch (error) {
      expect(isKeygateError(error) && error.code).toBe('PAYLOAD_TOO_LARGE');
      expect((error as Error).message).not.toContain('VVVV');
    }
  });
});

describe('failures', () => {
  it('retries throttling with backoff, then succeeds', async () => {
    const provider = await session({ maxAttempts: 4 });
    const ref = { ...scope(), key: 'THROTTLED' };
    await provider.put(ref, new Secret('v'));
    emulator.resetCalls();
    emulator.throttleNext(3);
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.callCount('GetSecretValue')).toBe(4);
  });

  it('retries 5xx, then succeeds', async () => {
    const provider = await session({ maxAttempts: 3 });
    const s = scope();
    emulator.failNext(500, 503);
    await expect(provider.getAll(s)).resolves.toEqual(new Map());
  });

  it('raises PROVIDER_UNAVAILABLE when throttling outlasts the attempts', async () => {
    const provider = await session({ maxAttempts: 2 });
    emulator.resetCalls();
    emulator.throttleNext(2);
    await expectErrorCode(provider.get({ ...scope(), key: 'X' }), 'PROVIDER_UNAVAILABLE', 'throttled get');
    expect(emulator.callCount('GetSecretValue')).toBe(2);
  });

  it('raises PROVIDER_UNAVAILABLE when the endpoint is down', async () => {
    const down = await SecretsManagerEmulator.start();
    await down.close();
    const provider = await session({ maxAttempts: 2 }, down);
    await expectErrorCode(provider.check(), 'PROVIDER_UNAVAILABLE', 'check against a closed port');
    await expectErrorCode(provider.get({ ...scope(), key: 'X' }), 'PROVIDER_UNAVAILABLE', 'get against a closed port');
  });

  it('raises TIMEOUT when a call outlives timeoutMs', async () => {
    const provider = await session({ timeoutMs: 100, maxAttempts: 1 });
    emulator.latencyMs = 400;
    await expectErrorCode(provider.get({ ...scope(), key: 'SLOW' }), 'TIMEOUT', 'slow get');
  });

  it('emulator: refuses requests without a SigV4 Authorization header', async () => {
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'secretsmanager.ListSecrets' },
      body: '{}',
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
  });

  it.each([
    ['AccessDeniedException', 400, 'PROVIDER_AUTH_FAILED'],
    ['UnrecognizedClientException', 400, 'PROVIDER_AUTH_FAILED'],
    ['InvalidSignatureException', 400, 'PROVIDER_AUTH_FAILED'],
    ['CredentialsProviderError', undefined, 'PROVIDER_AUTH_FAILED'],
    ['ResourceNotFoundException', 400, 'NOT_FOUND'],
    ['ThrottlingException', 400, 'PROVIDER_UNAVAILABLE'],
    ['InternalServiceError', 500, 'PROVIDER_UNAVAILABLE'],
    ['TimeoutError', undefined, 'TIMEOUT'],
    ['InvalidParameterException', 400, 'PROVIDER_REJECTED'],
  ])('maps %s to a typed error without AWS’s message', (name, status, code) => {
    const awsError = Object.assign(new Error('message that might echo do-not-print-this-secret-key'), { name, $metadata: { httpStatusCode: status } });
    const mapped = toKeygateError(awsError, { operation: 'GetSecretValue', target: 'secret "K"' });
    expect(isKeygateError(mapped) && mapped.code).toBe(code);
    expect((mapped as Error).message).not.toContain('do-not-print');
  });
});
