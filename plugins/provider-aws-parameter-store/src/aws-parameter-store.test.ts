import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Secret, isKeygateError, type SecretProvider, type SecretScope } from '@keygate/core';
import { expectErrorCode } from '@keygate/core/testing';
import { SSMClient, PutParameterCommand, GetParametersByPathCommand } from '@aws-sdk/client-ssm';
import plugin, { EMPTY_VALUE_MARKER, awsParameterStoreProviderType, createAwsParameterStoreProvider, type AwsParameterStoreConfig } from './index.js';
import { resolveConfig } from './config.js';
import { toKeygateError } from './failures.js';
import { SsmEmulator } from './testing/ssm-emulator.js';

const CREDENTIALS = { accessKeyId: 'AKIAEMULATOREXAMPLE', secretAccessKey: 'do-not-print-this-secret-key' };

let emulator: SsmEmulator;
const open: SecretProvider[] = [];

beforeAll(async () => {
  emulator = await SsmEmulator.start({ region: 'eu-west-1' });
});

afterEach(async () => {
  emulator.latencyMs = 0;
  await Promise.all(open.splice(0).map((provider) => provider.close()));
});

afterAll(async () => {
  await emulator.close();
});

async function session(config: Partial<AwsParameterStoreConfig> = {}, target = emulator): Promise<SecretProvider> {
  const provider = await createAwsParameterStoreProvider(
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

function pathOf(s: SecretScope): string {
  return `/keygate/${s.tenant}/${s.project}/${s.environment}`;
}

function sdkClient(): SSMClient {
  return new SSMClient({ region: 'eu-west-1', endpoint: emulator.endpoint, credentials: { ...CREDENTIALS }, maxAttempts: 1 });
}

describe('manifest and configuration', () => {
  it('default-exports an inert manifest with the AwsParameterStore type', () => {
    expect(plugin.manifest).toBe('keygate-plugin');
    expect(plugin.name).toBe('@keygate/provider-aws-parameter-store');
    expect(plugin.provides.map((type) => `${type.kind}:${type.type}`)).toEqual(['provider:AwsParameterStore']);
    const schema = awsParameterStoreProviderType.configSchema;
    expect(schema.required).toEqual(['region']);
    const credentials = schema.properties?.credentials;
    expect(credentials?.properties?.secretAccessKey?.['x-keygate-secret']).toBe(true);
    expect(credentials?.properties?.sessionToken?.['x-keygate-secret']).toBe(true);
    expect(credentials?.properties?.accessKeyId?.['x-keygate-secret']).toBeUndefined();
    expect(schema.properties?.pathTemplate?.default).toBe('/keygate/{tenant}/{project}/{environment}');
    expect(schema.properties?.tier?.enum).toEqual(['Standard', 'Advanced']);
    expect(awsParameterStoreProviderType.capabilities({ region: 'eu-west-1' } as never)).toEqual({
      versions: true,
      compareAndSet: false,
      labels: true,
      binary: false,
      batchRead: true,
    });
  });

  it.each([
    [{}, /region is required/],
    [{ region: 'eu-west-1', bogus: 1 }, /unknown configuration property "bogus"/],
    [{ region: 'eu-west-1', pathTemplate: 'keygate/{tenant}/{project}/{environment}' }, /must start with "\/"/],
    [{ region: 'eu-west-1', pathTemplate: '/keygate/{tenant}/{project}/{environment}/' }, /must not end with "\/"/],
    [{ region: 'eu-west-1', pathTemplate: '/keygate/{tenant}/{project}' }, /must contain \{environment\}/],
    [{ region: 'eu-west-1', pathTemplate: '/keygate/{tenant}-{project}/{environment}' }, /whole path segment/],
    [{ region: 'eu-west-1', pathTemplate: '/k/{team}/{tenant}/{project}/{environment}' }, /unknown placeholder/],
    [{ region: 'eu-west-1', pathTemplate: '/k/{tenant}/{tenant}/{project}/{environment}' }, /only once/],
    [{ region: 'eu-west-1', pathTemplate: '/k#/{tenant}/{project}/{environment}' }, /literal segments/],
    [{ region: 'eu-west-1', pathTemplate: '/aws-keys/{tenant}/{project}/{environment}' }, /reserved/],
    [{ region: 'eu-west-1', tier: 'Intelligent-Tiering' }, /tier must be/],
    [{ region: 'eu-west-1', endpoint: 'ftp://x' }, /endpoint/],
    [{ region: 'eu-west-1', credentials: { accessKeyId: 'AKIA' } }, /credentials.secretAccessKey/],
  ])('refuses invalid configuration %j', (config, message) => {
    let error: unknown;
    try {
      resolveConfig(config as AwsParameterStoreConfig);
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

describe('layout', () => {
  it('stores each key as a SecureString parameter at {path}/{key}', async () => {
    const provider = await session({ kmsKeyId: 'alias/keygate' });
    const s = scope();
    await provider.put({ ...s, key: 'DB_URL' }, new Secret('postgres://x'));
    expect(emulator.stored(`${pathOf(s)}/DB_URL`)).toMatchObject({ type: 'SecureString', keyId: 'alias/keygate', value: 'postgres://x', tier: 'Standard' });

    const custom = await session({ pathTemplate: '/apps/{tenant}/{environment}/{project}' });
    await custom.put({ ...s, key: 'API' }, new Secret('y'));
    expect(emulator.parameterNames()).toContain(`/apps/${s.tenant}/${s.environment}/${s.project}/API`);
    expect([...(await custom.getAll(s)).keys()]).toEqual(['API']);
  });

  it('ignores deeper parameters under the scope path and refuses keys SSM names do not allow', async () => {
    const provider = await session();
    const s = scope();
    await provider.put({ ...s, key: 'TOP' }, new Secret('1'));
    const client = sdkClient();
    try {
      await client.send(new PutParameterCommand({ Name: `${pathOf(s)}/nested/DEEP`, Value: 'x', Type: 'String' }));
    } finally {
      client.destroy();
    }
    expect([...(await provider.getAll(s)).keys()]).toEqual(['TOP']);
    expect((await provider.listMetadata(s)).map((entry) => entry.key)).toEqual(['TOP']);
    await expectErrorCode(provider.put({ ...s, key: 'has/slash' }, new Secret('x')), 'INVALID_INPUT', 'key with a slash');
    await expectErrorCode(provider.put({ ...s, key: 'plus+sign' }, new Secret('x')), 'INVALID_INPUT', 'key with +');
  });

  it('stores an empty value as the documented marker and refuses writing the marker itself', async () => {
    const provider = await session();
    const s = scope();
    await provider.put({ ...s, key: 'EMPTY' }, new Secret(''));
    expect(emulator.stored(`${pathOf(s)}/EMPTY`)?.value).toBe(EMPTY_VALUE_MARKER);
    expect((await provider.get({ ...s, key: 'EMPTY' })).value.reveal()).toBe('');
    await expectErrorCode(provider.put({ ...s, key: 'MARKER' }, new Secret(EMPTY_VALUE_MARKER)), 'INVALID_INPUT', 'the marker as a value');
  });

  it('emulator: refuses empty values, like SSM', async () => {
    const client = sdkClient();
    try {
      await expect(client.send(new PutParameterCommand({ Name: '/emu/empty', Value: '', Type: 'String' }))).rejects.toMatchObject({ name: 'ValidationException' });
    } finally {
      client.destroy();
    }
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
    await expectErrorCode(provider.get({ ...s, key: 'HERE' }, { version: '0' }), 'NOT_FOUND', 'version 0');
    await expectErrorCode(provider.get({ ...s, key: 'HERE' }, { version: '7' }), 'NOT_FOUND', 'unknown version');
  });

  it('numbers versions 1, 2, 3 and reads old versions through the name:version selector', async () => {
    const provider = await session();
    const ref = { ...scope(), key: 'ROTATED' };
    const versions = [];
    for (const value of ['one', 'two', 'three']) versions.push((await provider.put(ref, new Secret(value))).version);
    expect(versions).toEqual(['1', '2', '3']);
    expect((await provider.get(ref, { version: '1' })).value.reveal()).toBe('one');
    expect((await provider.get(ref, { version: '2' })).value.reveal()).toBe('two');
    const current = await provider.get(ref);
    expect(current).toMatchObject({ key: 'ROTATED', version: '3' });
    expect(current.value.reveal()).toBe('three');
    expect((await provider.listMetadata(ref))[0]).toMatchObject({ key: 'ROTATED', version: '3' });
    // Delete drops the history: the key starts again at version 1.
    await provider.delete(ref);
    expect((await provider.put(ref, new Secret('again'))).version).toBe('1');
  });

  it('refuses ifVersion with UNSUPPORTED before calling AWS', async () => {
    const provider = await session();
    const ref = { ...scope(), key: 'CAS' };
    await provider.put(ref, new Secret('one'));
    emulator.resetCalls();
    await expectErrorCode(provider.put(ref, new Secret('two'), { ifVersion: '1' }), 'UNSUPPORTED', 'ifVersion');
    await expectErrorCode(provider.put(ref, new Secret('two'), { ifVersion: null }), 'UNSUPPORTED', 'ifVersion null');
    expect(emulator.calls).toEqual({});
    expect((await provider.get(ref)).value.reveal()).toBe('one');
  });

  it('keeps labels as tags: added on create, replaced on later writes, kept when not given', async () => {
    const provider = await session();
    const s = scope();
    const ref = { ...s, key: 'TAGGED' };
    emulator.resetCalls();
    await provider.put(ref, new Secret('v1'), { labels: { team: 'payments', owner: 'a' } });
    expect(emulator.calls).toEqual({ PutParameter: 1, AddTagsToResource: 1 });
    expect((await provider.listMetadata(s))[0]?.labels).toEqual({ team: 'payments', owner: 'a' });
    await provider.put(ref, new Secret('v2'));
    expect((await provider.listMetadata(s))[0]?.labels).toEqual({ team: 'payments', owner: 'a' });
    emulator.resetCalls();
    await provider.put(ref, new Secret('v3'), { labels: { team: 'billing' } });
    expect(emulator.calls).toEqual({ PutParameter: 1, ListTagsForResource: 1, RemoveTagsFromResource: 1, AddTagsToResource: 1 });
    emulator.resetCalls();
    expect(await provider.listMetadata(s)).toEqual([expect.objectContaining({ key: 'TAGGED', version: '3', labels: { team: 'billing' } })]);
    expect(emulator.calls).toEqual({ DescribeParameters: 1, ListTagsForResource: 1 });
    await expectErrorCode(provider.put(ref, new Secret('v4'), { labels: { 'aws:reserved': 'x' } }), 'INVALID_INPUT', 'reserved tag prefix');
  });

  it('emulator: refuses Tags together with Overwrite, like SSM', async () => {
    const client = sdkClient();
    try {
      await expect(client.send(new PutParameterCommand({ Name: '/emu/tagged', Value: 'v', Type: 'String', Overwrite: true, Tags: [{ Key: 'a', Value: 'b' }] }))).rejects.toMatchObject({
        name: 'ValidationException',
      });
    } finally {
      client.destroy();
    }
  });

  it('reads 100 keys with 10 GetParametersByPath pages and no GetParameter', async () => {
    const provider = await session();
    const s = scope();
    const expected: Record<string, string> = {};
    for (let i = 0; i < 100; i++) expected[`KEY_${String(i).padStart(3, '0')}`] = `value-${i}`;
    await Promise.all(Object.entries(expected).map(([key, value]) => provider.put({ ...s, key }, new Secret(value))));
    emulator.resetCalls();
    const all = await provider.getAll(s);
    expect(Object.fromEntries([...all].map(([key, value]) => [key, value.reveal()]))).toEqual(expected);
    expect(emulator.callCount('GetParametersByPath')).toBeLessThanOrEqual(10);
    expect(emulator.calls).toEqual({ GetParametersByPath: 10 });
    emulator.resetCalls();
    expect((await provider.listMetadata(s)).length).toBe(100);
    expect(emulator.callCount('DescribeParameters')).toBe(2);
  });

  it('follows NextToken when SSM returns short pages', async () => {
    const paged = await SsmEmulator.start({ region: 'eu-west-1', maxPathResults: 3 });
    try {
      const provider = await session({}, paged);
      const s = scope();
      for (let i = 0; i < 8; i++) await provider.put({ ...s, key: `K${i}` }, new Secret(`v${i}`));
      paged.resetCalls();
      expect((await provider.getAll(s)).size).toBe(8);
      expect(paged.callCount('GetParametersByPath')).toBe(3);
    } finally {
      await paged.close();
    }
  });

  it('emulator: GetParametersByPath without decryption returns ciphertext and caps MaxResults at 10', async () => {
    const provider = await session();
    const s = scope();
    await provider.put({ ...s, key: 'K' }, new Secret('plain'));
    const client = sdkClient();
    try {
      const page = await client.send(new GetParametersByPathCommand({ Path: pathOf(s), WithDecryption: false }));
      expect(page.Parameters?.[0]?.Value).not.toBe('plain');
      await expect(client.send(new GetParametersByPathCommand({ Path: pathOf(s), MaxResults: 11 }))).rejects.toMatchObject({ name: 'ValidationException' });
    } finally {
      client.destroy();
    }
  });

  it('refuses values beyond the tier limit without echoing them; Advanced takes 8 KB', async () => {
    const provider = await session();
    const value = 'V'.repeat(4097);
    try {
      await provider.put({ ...scope(), key: 'BIG' }, new Secret(value));
      expect.fail('should refuse');
    } catch (error) {
      expect(isKeygateError(error) && error.code).toBe('PAYLOAD_TOO_LARGE');
      expect((error as Error).message).not.toContain('VVVV');
    }
    const advanced = await session({ tier: 'Advanced' });
    const ref = { ...scope(), key: 'BIG' };
    await advanced.put(ref, new Secret('W'.repeat(8192)));
    expect(emulator.stored(`${pathOf(ref)}/BIG`)?.tier).toBe('Advanced');
    expect((await advanced.get(ref)).value.byteLength).toBe(8192);
    await expectErrorCode(advanced.put(ref, new Secret('W'.repeat(8193))), 'PAYLOAD_TOO_LARGE', 'beyond 8 KB');
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
    expect(emulator.callCount('GetParameter')).toBe(4);
  });

  it('retries throttling in the middle of a paged read', async () => {
    const provider = await session({ maxAttempts: 3 });
    const s = scope();
    for (let i = 0; i < 15; i++) await provider.put({ ...s, key: `K${i}` }, new Secret(`v${i}`));
    emulator.resetCalls();
    emulator.throttleNext(2);
    expect((await provider.getAll(s)).size).toBe(15);
    expect(emulator.callCount('GetParametersByPath')).toBe(4);
  });

  it('retries 5xx, then succeeds', async () => {
    const provider = await session({ maxAttempts: 3 });
    emulator.failNext(500, 503);
    await expect(provider.getAll(scope())).resolves.toEqual(new Map());
  });

  it('raises PROVIDER_UNAVAILABLE when throttling outlasts the attempts', async () => {
    const provider = await session({ maxAttempts: 2 });
    emulator.resetCalls();
    emulator.throttleNext(2);
    await expectErrorCode(provider.get({ ...scope(), key: 'X' }), 'PROVIDER_UNAVAILABLE', 'throttled get');
    expect(emulator.callCount('GetParameter')).toBe(2);
  });

  it('raises PROVIDER_UNAVAILABLE when the endpoint is down', async () => {
    const down = await SsmEmulator.start();
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

  it('passes check() with one DescribeParameters call', async () => {
    const provider = await session();
    emulator.resetCalls();
    await provider.check();
    expect(emulator.calls).toEqual({ DescribeParameters: 1 });
  });

  it('emulator: refuses requests without a SigV4 Authorization header', async () => {
    const response = await fetch(emulator.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'AmazonSSM.DescribeParameters' },
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
    ['ParameterNotFound', 400, 'NOT_FOUND'],
    ['ParameterVersionNotFound', 400, 'NOT_FOUND'],
    ['InvalidResourceId', 400, 'NOT_FOUND'],
    ['ThrottlingException', 400, 'PROVIDER_UNAVAILABLE'],
    ['TooManyUpdates', 400, 'PROVIDER_UNAVAILABLE'],
    ['InternalServerError', 500, 'PROVIDER_UNAVAILABLE'],
    ['TimeoutError', undefined, 'TIMEOUT'],
    ['InvalidKeyId', 400, 'PROVIDER_REJECTED'],
    ['ParameterLimitExceeded', 400, 'PROVIDER_REJECTED'],
  ])('maps %s to a typed error without AWS’s message', (name, status, code) => {
    const awsError = Object.assign(new Error('message that might echo do-not-print-this-secret-key'), { name, $metadata: { httpStatusCode: status } });
    const mapped = toKeygateError(awsError, { operation: 'GetParameter', target: 'secret "K"' });
    expect(isKeygateError(mapped) && mapped.code).toBe(code);
    expect((mapped as Error).message).not.toContain('do-not-print');
  });
});
