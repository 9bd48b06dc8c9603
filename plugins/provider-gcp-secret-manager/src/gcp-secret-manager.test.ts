import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Secret, isKeygateError, type SecretProvider, type SecretScope } from '@keygate/core';
import { expectErrorCode } from '@keygate/core/testing';
import plugin, { createGcpSecretManagerProvider, decodeKey, encodeKey, gcpSecretManagerProviderType, parseSecretIdTemplate, type GcpSecretManagerConfig } from './index.js';
import { resolveConfig } from './config.js';
import { SecretManagerEmulator } from './testing/secret-manager-emulator.js';
import { StubAuthClient } from './testing/stub-auth-client.js';

const PROJECT = 'keygate-emulator';
let emulator: SecretManagerEmulator;
const open: SecretProvider[] = [];

beforeAll(async () => {
  emulator = await SecretManagerEmulator.start({ tokens: [StubAuthClient.TOKEN, 'keygate-emulator'] });
});
afterEach(async () => {
  await Promise.all(open.splice(0).map((provider) => provider.close()));
});
afterAll(async () => {
  await emulator.close();
});

async function session(config: Partial<GcpSecretManagerConfig> = {}, auth: object | null = new StubAuthClient()): Promise<SecretProvider> {
  const provider = await createGcpSecretManagerProvider(
    { config: { projectId: PROJECT, apiEndpoint: '127.0.0.1', port: emulator.port, protocol: 'http', ...config } },
    { retryBaseDelayMs: 2, ...(auth === null ? {} : { authClient: auth }) },
  );
  open.push(provider);
  return provider;
}

function scope(): SecretScope {
  const id = randomBytes(3).toString('hex');
  return { tenant: `t-${id}`, project: `p-${id}`, environment: `e-${id}` };
}

describe('manifest and configuration', () => {
  it('default-exports an inert manifest with the GoogleSecretManager type', () => {
    expect(plugin.manifest).toBe('keygate-plugin');
    expect(plugin.provides.map((type) => `${type.kind}:${type.type}`)).toEqual(['provider:GoogleSecretManager']);
    const schema = gcpSecretManagerProviderType.configSchema;
    expect(schema.required).toEqual(['projectId']);
    expect(schema.properties?.credentials?.properties?.private_key?.['x-keygate-secret']).toBe(true);
    expect(schema.properties?.secretIdTemplate?.default).toBe('keygate_{tenant}_{project}_{environment}_{key}');
    expect(gcpSecretManagerProviderType.capabilities({ projectId: PROJECT } as never)).toEqual({ versions: false, compareAndSet: false, labels: true, binary: false, batchRead: false });
    expect(gcpSecretManagerProviderType.capabilities({ projectId: PROJECT, disableOldVersions: false } as never).versions).toBe(true);
  });

  it.each([
    [{}, /projectId is required/],
    [{ projectId: PROJECT, bogus: 1 }, /unknown configuration property "bogus"/],
    [{ projectId: PROJECT, secretIdTemplate: 'k_{tenant}_{project}_{environment}' }, /must end with "\{key\}"/],
    [{ projectId: PROJECT, secretIdTemplate: 'k_{tenant}-{project}_{environment}_{key}' }, /\{tenant\} must be followed by "_"/],
    [{ projectId: PROJECT, secretIdTemplate: 'k_{team}_{tenant}_{project}_{environment}_{key}' }, /unknown placeholder/],
    [{ projectId: PROJECT, protocol: 'http' }, /needs an apiEndpoint/],
    [{ projectId: PROJECT, credentials: { client_email: 'a@b.iam.gserviceaccount.com' } }, /credentials.private_key/],
  ])('refuses invalid configuration %j', (config, message) => {
    let error: unknown;
    try {
      resolveConfig(config as GcpSecretManagerConfig);
    } catch (caught) {
      error = caught;
    }
    expect(isKeygateError(error) && error.code).toBe('INVALID_CONFIGURATION');
    expect((error as Error).message).toMatch(message);
  });

  it('never echoes credentials in configuration errors', () => {
    expect(() => resolveConfig({ projectId: PROJECT, credentials: { client_email: '', private_key: '-----BEGIN do-not-print' } })).toThrow(/client_email/);
    try {
      resolveConfig({ projectId: PROJECT, credentials: { client_email: '', private_key: '-----BEGIN do-not-print' } });
    } catch (error) {
      expect((error as Error).message).not.toContain('do-not-print');
    }
  });
});

describe('secret id mapping', () => {
  it('round-trips every key shape and keeps ids in the GCP alphabet', () => {
    for (const key of ['DB_URL', 'a.b-c_D9', '-leading-dash', 'trailing.dot.', 'x', 'a--b..c-.-d', '_', '.', '-']) {
      const encoded = encodeKey(key);
      expect(encoded).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(decodeKey(encoded)).toBe(key);
    }
    expect(encodeKey('a.b-c_D9')).toBe('a-db--c_D9');
    expect(decodeKey('a-zb')).toBeUndefined();
    expect(decodeKey('dangling-')).toBeUndefined();
  });

  it('builds ids from the template and hashes keys too long for 255 characters', () => {
    const template = parseSecretIdTemplate('keygate_{tenant}_{project}_{environment}_{key}');
    const ref = { tenant: 'acme', project: 'web', environment: 'prod', key: 'app.db-url' };
    expect(template.secretId(ref)).toBe('keygate_acme_web_prod_app-ddb--url');
    const long = template.secretId({ ...ref, key: 'a.'.repeat(120) });
    expect(long).toMatch(/^keygate_acme_web_prod_-x[0-9a-f]{64}$/);
  });

  it('stores keys under the template and lists them back through the real client', async () => {
    const provider = await session({ secretIdTemplate: 'kg_{environment}_{tenant}_{project}_{key}' });
    const s = scope();
    const keys = ['spring.datasource.url', 'with-dash', 'UNDER_SCORE', `${'long.key-'.repeat(25)}end`];
    for (const key of keys) await provider.put({ ...s, key }, new Secret(`v-${key.length}`));
    const ids = emulator.secretIds(PROJECT);
    expect(ids).toContain(`kg_${s.environment}_${s.tenant}_${s.project}_spring-ddatasource-durl`);
    expect(ids).toContain(`kg_${s.environment}_${s.tenant}_${s.project}_with--dash`);
    expect([...(await provider.getAll(s)).keys()].sort()).toEqual([...keys].sort());
    expect((await provider.listMetadata(s)).map((entry) => entry.key).sort()).toEqual([...keys].sort());
  });

  it('refuses keys and slugs outside Keygate’s alphabet', async () => {
    const provider = await session();
    await expectErrorCode(provider.put({ ...scope(), key: 'has/slash' }, new Secret('x')), 'INVALID_INPUT', 'key with a slash');
    await expectErrorCode(provider.put({ ...scope(), tenant: 'Under_score', key: 'K' }, new Secret('x')), 'INVALID_INPUT', 'slug with "_"');
  });
});

describe('operations against the emulator', () => {
  it('writes numeric versions and disables the previous one by default', async () => {
    const provider = await session();
    const ref = { ...scope(), key: 'ROTATED' };
    const versions = [];
    for (const value of ['one', 'two', 'three']) versions.push((await provider.put(ref, new Secret(value))).version);
    expect(versions).toEqual(['1', '2', '3']);
    const id = `keygate_${ref.tenant}_${ref.project}_${ref.environment}_ROTATED`;
    expect(emulator.inspect(PROJECT, id)?.versions).toEqual([
      { number: 1, state: 'DISABLED' },
      { number: 2, state: 'DISABLED' },
      { number: 3, state: 'ENABLED' },
    ]);
    expect(emulator.inspect(PROJECT, id)?.annotations).toEqual({ 'keygate-key': 'ROTATED' });
    const current = await provider.get(ref);
    expect(current.value.reveal()).toBe('three');
    expect(current.version).toBe('3');
    await expectErrorCode(provider.get(ref, { version: '1' }), 'UNSUPPORTED', 'old version with disableOldVersions');
  });

  it('keeps and reads old versions with disableOldVersions: false', async () => {
    const provider = await session({ disableOldVersions: false });
    const ref = { ...scope(), key: 'KEPT' };
    await provider.put(ref, new Secret('one'));
    await provider.put(ref, new Secret('two'));
    expect((await provider.get(ref, { version: '1' })).value.reveal()).toBe('one');
    await expectErrorCode(provider.get(ref, { version: '9' }), 'NOT_FOUND', 'unknown version');
    await expectErrorCode(provider.get(ref, { version: 'latest' }), 'NOT_FOUND', 'non-numeric version');
  });

  it('refuses ifVersion with UNSUPPORTED and writes nothing', async () => {
    const provider = await session();
    const ref = { ...scope(), key: 'CAS' };
    emulator.resetCalls();
    await expectErrorCode(provider.put(ref, new Secret('x'), { ifVersion: null }), 'UNSUPPORTED', 'ifVersion null');
    await expectErrorCode(provider.put(ref, new Secret('x'), { ifVersion: '1' }), 'UNSUPPORTED', 'ifVersion');
    expect(emulator.calls('CreateSecret') + emulator.calls('AddSecretVersion')).toBe(0);
  });

  it('stores labels as GCP labels, replaces them, and refuses invalid ones', async () => {
    const provider = await session();
    const ref = { ...scope(), key: 'LABELLED' };
    await provider.put(ref, new Secret('v'), { labels: { team: 'payments', 'cost-center': 'cc-42' } });
    const id = `keygate_${ref.tenant}_${ref.project}_${ref.environment}_LABELLED`;
    expect(emulator.inspect(PROJECT, id)?.labels).toEqual({ team: 'payments', 'cost-center': 'cc-42' });
    await provider.put(ref, new Secret('w'), { labels: { stage: 'final' } });
    expect(emulator.inspect(PROJECT, id)?.labels).toEqual({ stage: 'final' });
    await provider.put(ref, new Secret('x'));
    expect(emulator.inspect(PROJECT, id)?.labels).toEqual({ stage: 'final' });
    for (const labels of <Record<string, string>[]>[{ Team: 'x' }, { team: 'Payments' }, { '9lives': 'x' }, { team: 'a'.repeat(64) }, { 'a.b': 'x' }]) {
      await expectErrorCode(provider.put({ ...ref, key: 'BAD_LABELS' }, new Secret('v'), { labels }), 'INVALID_INPUT', `labels ${JSON.stringify(labels)}`);
    }
    await expectErrorCode(provider.get({ ...ref, key: 'BAD_LABELS' }), 'NOT_FOUND', 'refused write left nothing');
  });

  it('raises NOT_FOUND for missing keys and deletes', async () => {
    const provider = await session();
    const s = scope();
    await expectErrorCode(provider.get({ ...s, key: 'NOPE' }), 'NOT_FOUND', 'get missing');
    await expectErrorCode(provider.delete({ ...s, key: 'NOPE' }), 'NOT_FOUND', 'delete missing');
  });

  it('maps a refused token to PROVIDER_AUTH_FAILED without retrying or leaking the token', async () => {
    const provider = await session({}, new StubAuthClient('ya29.wrong-token-do-not-print'));
    emulator.resetCalls();
    let error: unknown;
    try {
      await provider.get({ ...scope(), key: 'K' });
    } catch (caught) {
      error = caught;
    }
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_AUTH_FAILED');
    expect((error as Error).message).toContain('UNAUTHENTICATED');
    expect((error as Error).message).not.toContain('do-not-print');
    expect(emulator.calls('AccessSecretVersion')).toBe(1);
    emulator.failNext({ status: 'PERMISSION_DENIED' });
    await expectErrorCode((await session()).check(), 'PROVIDER_AUTH_FAILED', 'permission denied');
  });

  it('sends the bearer token of the auth client, and a fixed emulator token without one', async () => {
    const stub = new StubAuthClient();
    const provider = await session({}, stub);
    emulator.resetCalls();
    await provider.check();
    expect(emulator.authorizations).toEqual([`Bearer ${StubAuthClient.TOKEN}`]);
    expect(stub.requests).toBe(1);
    const plain = await session({}, null);
    emulator.resetCalls();
    await plain.check();
    expect(emulator.authorizations).toEqual(['Bearer keygate-emulator']);
  });

  it('retries UNAVAILABLE and RESOURCE_EXHAUSTED, then gives up with PROVIDER_UNAVAILABLE', async () => {
    const provider = await session({ maxAttempts: 3 });
    const ref = { ...scope(), key: 'FLAKY' };
    await provider.put(ref, new Secret('value'));
    emulator.resetCalls();
    emulator.failNext({ status: 'UNAVAILABLE', route: 'AccessSecretVersion' });
    emulator.failNext({ status: 'RESOURCE_EXHAUSTED', route: 'AccessSecretVersion' });
    expect((await provider.get(ref)).value.reveal()).toBe('value');
    expect(emulator.calls('AccessSecretVersion')).toBe(3);

    emulator.resetCalls();
    emulator.failNext({ status: 'UNAVAILABLE', route: 'AccessSecretVersion' }, 3);
    let error: unknown;
    try {
      await provider.get(ref);
    } catch (caught) {
      error = caught;
    }
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(isKeygateError(error) && error.retryable).toBe(true);
    expect(emulator.calls('AccessSecretVersion')).toBe(3);
  });

  it('continues when a concurrent writer created the secret first', async () => {
    const provider = await session();
    const ref = { ...scope(), key: 'RACED' };
    emulator.failNext({ status: 'ALREADY_EXISTS', route: 'CreateSecret' });
    // The injected ALREADY_EXISTS leaves no secret; the next AddSecretVersion is NOT_FOUND again and the create is retried.
    expect((await provider.put(ref, new Secret('mine'))).version).toBe('1');
    expect((await provider.get(ref)).value.reveal()).toBe('mine');
  });

  it('reports an unreachable endpoint as PROVIDER_UNAVAILABLE', async () => {
    const closed = await SecretManagerEmulator.start();
    const port = closed.port;
    await closed.close();
    const provider = await session({ port, maxAttempts: 2 });
    await expectErrorCode(provider.check(), 'PROVIDER_UNAVAILABLE', 'connection refused');
  });

  it('getAll reads with bounded concurrency', async () => {
    const provider = await session();
    const s = scope();
    await Promise.all(Array.from({ length: 30 }, (_, i) => provider.put({ ...s, key: `K${i}` }, new Secret(`v${i}`))));
    emulator.resetCalls();
    const all = await provider.getAll(s);
    expect(all.size).toBe(30);
    expect(emulator.calls('ListSecrets')).toBe(1);
    expect(emulator.calls('AccessSecretVersion')).toBe(30);
  });
});

describe('service-account credentials (google-auth-library, self-signed JWTs)', () => {
  // With a key file the official client authenticates through google-auth-library and gaxios,
  // whose errors carry HTTP statuses instead of gRPC codes: NOT_FOUND must still be NOT_FOUND.
  const account = (email: string) => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    return {
      email,
      publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      credentials: { type: 'service_account', client_email: email, private_key_id: 'k1', private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
    };
  };
  const known = account('keygate@keygate-emulator.iam.gserviceaccount.com');
  let signed: SecretManagerEmulator;
  beforeAll(async () => {
    signed = await SecretManagerEmulator.start({ tokens: [], serviceAccounts: { [known.email]: known.publicPem } });
  });
  afterAll(async () => {
    await signed.close();
  });
  const connect = async (credentials: GcpSecretManagerConfig['credentials']) => {
    const provider = await createGcpSecretManagerProvider(
      { config: { projectId: PROJECT, apiEndpoint: '127.0.0.1', port: signed.port, protocol: 'http', credentials } },
      { retryBaseDelayMs: 2 },
    );
    open.push(provider);
    return provider;
  };

  it('creates, reads and deletes with a key file, mapping HTTP errors to Keygate codes', async () => {
    const provider = await connect(known.credentials);
    const ref = { ...scope(), key: 'WITH_KEY_FILE' };
    await expectErrorCode(provider.get(ref), 'NOT_FOUND', 'a missing secret read with a key file');
    await provider.put(ref, new Secret('v1'));
    await provider.put(ref, new Secret('v2'));
    expect((await provider.get(ref)).value.reveal()).toBe('v2');
    await provider.delete(ref);
    await expectErrorCode(provider.get(ref), 'NOT_FOUND', 'a deleted secret');
    expect(signed.authorizations.every((header) => header.startsWith('Bearer ey'))).toBe(true);
  });

  it('raises PROVIDER_AUTH_FAILED for a key the service does not know, without the key in the message', async () => {
    const stranger = account('stranger@keygate-emulator.iam.gserviceaccount.com');
    const provider = await connect(stranger.credentials);
    const error = await provider.check().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(String((error as Error).message)).not.toContain(stranger.credentials.private_key.split('\n')[1]);
  });
});
