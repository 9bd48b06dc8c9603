import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { Secret, isKeygateError, type KeygateError, type SecretScope } from '@keygate/core';
import { createTestPluginServices, expectErrorCode } from '@keygate/core/testing';
import plugin, { createVaultProvider, vaultProviderType, type VaultProviderConfig, type VaultSessionTuning } from './index.js';
import type { VaultSecretProvider } from './session.js';
import { VaultEmulator } from './testing/vault-emulator.js';

const ROOT = 'root-token-5b1e';
const ROLE = { roleId: 'role-id-3c2f', secretId: 'secret-id-9a7d', ttlSeconds: 60 };
const FAST_RETRY: VaultSessionTuning = { retry: { baseDelayMs: 1 } };

let emulator: VaultEmulator;
let open: VaultSecretProvider[] = [];

beforeAll(async () => {
  emulator = await VaultEmulator.start({ tokens: [ROOT], appRoles: [ROLE], mounts: ['secret', 'kv'] });
});
afterAll(async () => {
  await emulator.close();
});
beforeEach(() => {
  emulator.latencyMs = 0;
  emulator.resetStats();
});
afterEach(async () => {
  await Promise.all(open.map((provider) => provider.close()));
  open = [];
});

function freshScope(): SecretScope {
  const id = randomBytes(4).toString('hex');
  return { tenant: `t-${id}`, project: `p-${id}`, environment: `e-${id}` };
}

async function connect(config: Partial<VaultProviderConfig> = {}, options: { tuning?: VaultSessionTuning; now?: () => Date } = {}): Promise<VaultSecretProvider> {
  const provider = await createVaultProvider(
    {
      config: { address: emulator.address, auth: { method: 'token', token: ROOT }, ...config },
      providerId: randomUUID(),
      services: createTestPluginServices(options.now ? { clock: { now: options.now } } : {}),
    },
    options.tuning ?? FAST_RETRY,
  );
  open.push(provider);
  return provider;
}

async function caught(work: Promise<unknown>): Promise<KeygateError> {
  try {
    await work;
  } catch (error) {
    if (isKeygateError(error)) return error as KeygateError;
    throw error;
  }
  throw new Error('expected an error');
}

describe('manifest and configuration', () => {
  it('default-exports an inert manifest providing the Vault type', () => {
    expect(plugin.manifest).toBe('keygate-plugin');
    expect(plugin.name).toBe('@keygate/provider-vault');
    expect(plugin.provides.map((type) => `${type.kind}:${type.type}`)).toEqual(['provider:Vault']);
    expect(vaultProviderType.capabilities({} as never)).toEqual({ versions: true, compareAndSet: true, labels: true, binary: false, batchRead: false });
  });

  it('marks every credential in the schema as secret', () => {
    const auth = vaultProviderType.configSchema.properties?.auth?.oneOf ?? [];
    expect(auth.map((option) => option.properties?.token?.['x-keygate-secret'] ?? null)).toEqual([true, null, null, null]);
    expect(auth[1]?.properties?.roleId?.['x-keygate-secret']).toBe(true);
    expect(auth[1]?.properties?.secretId?.['x-keygate-secret']).toBe(true);
    expect(auth[3]?.properties?.jwt?.['x-keygate-secret']).toBe(true);
    expect(auth[2]?.properties?.role?.['x-keygate-secret']).toBeUndefined();
    expect(vaultProviderType.configSchema.required).toEqual(['address', 'auth']);
  });

  it('the schema pattern for pathTemplate accepts what the factory accepts', () => {
    const pattern = new RegExp(vaultProviderType.configSchema.properties!.pathTemplate!.pattern!);
    expect(pattern.test('{tenant}/{project}/{environment}')).toBe(true);
    expect(pattern.test('keygate/{environment}/{project}-{tenant}')).toBe(true);
    expect(pattern.test('{tenant}/{project}')).toBe(false);
    expect(pattern.test('{tenant}/{project}/{environment}/{key}')).toBe(false);
  });

  it.each([
    ['a template without {environment}', { pathTemplate: '{tenant}/{project}' }, 'must contain {environment}'],
    ['an unknown placeholder', { pathTemplate: '{tenant}/{project}/{environment}/{region}' }, 'unknown placeholder {region}'],
    ['a repeated placeholder', { pathTemplate: '{tenant}/{tenant}/{project}/{environment}' }, 'more than once'],
    ['an empty segment', { pathTemplate: '{tenant}//{project}/{environment}' }, 'empty'],
    ['a ".." segment', { pathTemplate: '../{tenant}/{project}/{environment}' }, '".."'],
    ['a leading slash', { pathTemplate: '/{tenant}/{project}/{environment}' }, 'start or end'],
    ['a non-http address', { address: 'ftp://vault:8200' }, 'http(s) URL'],
    ['an address with credentials', { address: 'https://user:pw@vault:8200' }, 'without credentials'],
    ['an unknown auth method', { auth: { method: 'ldap' } as never }, 'auth.method'],
    ['Kubernetes auth without a role', { auth: { method: 'kubernetes' } as never }, 'auth.role'],
    ['Kubernetes auth with both jwt and tokenPath', { auth: { method: 'kubernetes', role: 'r', jwt: 'a.b.c', tokenPath: '/var/run/secrets/t' } }, 'exclude each other'],
    ['a relative tokenPath', { auth: { method: 'kubernetes', role: 'r', tokenPath: 'token' } }, 'absolute file path'],
    ['a tokenPath with ".."', { auth: { method: 'kubernetes', role: 'r', tokenPath: '/var/run/secrets/../../etc/passwd' } }, 'absolute file path'],
    ['a tokenPath outside /var/run/secrets/', { auth: { method: 'kubernetes', role: 'r', tokenPath: '/etc/passwd' } }, 'under /var/run/secrets/'],
    ['an empty token', { auth: { method: 'token', token: '' } }, 'auth.token'],
    ['an unknown property', { colour: 'blue' } as never, 'unknown configuration property "colour"'],
    ['a zero timeout', { requestTimeoutMs: 0 }, 'requestTimeoutMs'],
    ['a mount with ".."', { mount: 'secret/../sys' }, 'mount'],
  ])('refuses %s with INVALID_CONFIGURATION', async (_name, override, message) => {
    const error = await caught(connect(override as Partial<VaultProviderConfig>));
    expect(error.code).toBe('INVALID_CONFIGURATION');
    expect(error.message).toContain(message);
  });
});

describe('storage layout', () => {
  it('stores each key as its own KV v2 secret at {mount}/data/{path}/{key}, field "value"', async () => {
    const provider = await connect();
    const scope = freshScope();
    await provider.put({ ...scope, key: 'DB_URL' }, new Secret('postgres://x'));
    expect(emulator.peek(`${scope.tenant}/${scope.project}/${scope.environment}/DB_URL`)).toEqual({ value: 'postgres://x' });
  });

  it('follows a custom mount and path template', async () => {
    const provider = await connect({ mount: 'kv', pathTemplate: 'keygate/{environment}/{project}-{tenant}' });
    const scope = freshScope();
    await provider.put({ ...scope, key: 'API_KEY' }, new Secret('abc'));
    expect(emulator.peek(`keygate/${scope.environment}/${scope.project}-${scope.tenant}/API_KEY`, { mount: 'kv' })).toEqual({ value: 'abc' });
    expect(emulator.paths().some((path) => path.includes(scope.environment))).toBe(false);
    expect([...(await provider.getAll(scope)).keys()]).toEqual(['API_KEY']);
  });

  it('refuses keys and slugs that would escape their folder', async () => {
    const provider = await connect();
    const scope = freshScope();
    await expectErrorCode(provider.put({ ...scope, key: '..' }, new Secret('x')), 'INVALID_INPUT', 'key ".."');
    await expectErrorCode(provider.get({ ...scope, environment: '.', key: 'A' }), 'INVALID_INPUT', 'environment "."');
    await expectErrorCode(provider.get({ ...scope, key: 'a/b' }), 'INVALID_INPUT', 'key with a slash');
  });

  it('delete removes every version', async () => {
    const provider = await connect();
    const ref = { ...freshScope(), key: 'GONE' };
    const first = await provider.put(ref, new Secret('one'));
    await provider.put(ref, new Secret('two'));
    await provider.delete(ref);
    await expectErrorCode(provider.get(ref, { version: first.version! }), 'NOT_FOUND', 'an old version after delete');
    expect(emulator.stats.requests['DELETE metadata']).toBe(1);
  });

  it('getAll of 100 keys makes 1 LIST and 100 GETs with at most 8 in flight', async () => {
    const provider = await connect();
    const scope = freshScope();
    const keys = Array.from({ length: 100 }, (_, i) => `KEY_${String(i).padStart(3, '0')}`);
    await Promise.all(keys.map((key) => provider.put({ ...scope, key }, new Secret(`v-${key}`))));
    emulator.resetStats();
    emulator.latencyMs = 3;
    const all = await provider.getAll(scope);
    expect(all.size).toBe(100);
    expect(all.get('KEY_042')?.reveal()).toBe('v-KEY_042');
    expect(emulator.stats.requests).toEqual({ 'LIST metadata': 1, 'GET data': 100 });
    expect(emulator.stats.maxConcurrentDataReads).toBeLessThanOrEqual(8);
    expect(emulator.stats.maxConcurrentDataReads).toBeGreaterThan(1);
  });

  it('listMetadata reads metadata endpoints only, never data', async () => {
    const provider = await connect();
    const scope = freshScope();
    await provider.put({ ...scope, key: 'A' }, new Secret('a'));
    await provider.put({ ...scope, key: 'A' }, new Secret('a2'));
    emulator.resetStats();
    const metadata = await provider.listMetadata(scope);
    expect(metadata).toMatchObject([{ key: 'A', version: '2', labels: {} }]);
    expect(metadata[0]?.updatedAt).toBeInstanceOf(Date);
    expect(emulator.stats.requests).toEqual({ 'LIST metadata': 1, 'GET metadata': 1 });
  });
});

describe('compare-and-set and labels', () => {
  it('maps Vault’s check-and-set mismatch to VERSION_CONFLICT, with ifVersion null as cas 0', async () => {
    const provider = await connect();
    const ref = { ...freshScope(), key: 'GUARDED' };
    const created = await provider.put(ref, new Secret('one'), { ifVersion: null });
    expect(created.version).toBe('1');
    await expectErrorCode(provider.put(ref, new Secret('two'), { ifVersion: null }), 'VERSION_CONFLICT', 'cas 0 on an existing key');
    await expectErrorCode(provider.put(ref, new Secret('two'), { ifVersion: '7' }), 'VERSION_CONFLICT', 'a stale cas');
    expect((await provider.put(ref, new Secret('two'), { ifVersion: '1' })).version).toBe('2');
    await expectErrorCode(provider.put(ref, new Secret('x'), { ifVersion: 'latest' }), 'INVALID_INPUT', 'a malformed ifVersion');
  });

  it('stores labels as custom_metadata, keeps them on writes without labels, replaces them with labels', async () => {
    const provider = await connect();
    const scope = freshScope();
    const ref = { ...scope, key: 'LABELLED' };
    await provider.put(ref, new Secret('v1'), { labels: { team: 'payments', owner: 'ana' } });
    await provider.put(ref, new Secret('v2'));
    expect((await provider.listMetadata(scope))[0]?.labels).toEqual({ team: 'payments', owner: 'ana' });
    await provider.put(ref, new Secret('v3'), { labels: { team: 'billing' } });
    expect((await provider.listMetadata(scope))[0]).toMatchObject({ key: 'LABELLED', version: '3', labels: { team: 'billing' } });
    await expectErrorCode(provider.put(ref, new Secret('v4'), { labels: { ['x'.repeat(200)]: 'y' } }), 'INVALID_INPUT', 'a label name over 128 bytes');
    expect((await provider.get(ref)).version).toBe('3');
  });
});

describe('namespaces', () => {
  it('keeps each namespace apart (X-Vault-Namespace)', async () => {
    const scope = freshScope();
    const ref = { ...scope, key: 'SHARED_NAME' };
    const root = await connect();
    const teamA = await connect({ namespace: 'team-a' });
    const teamB = await connect({ namespace: 'team-b/child' });
    await root.put(ref, new Secret('root'));
    await teamA.put(ref, new Secret('a'));
    expect((await root.get(ref)).value.reveal()).toBe('root');
    expect((await teamA.get(ref)).value.reveal()).toBe('a');
    await expectErrorCode(teamB.get(ref), 'NOT_FOUND', 'the key from another namespace');
    expect((await teamB.getAll(scope)).size).toBe(0);
    expect(emulator.peek(`${scope.tenant}/${scope.project}/${scope.environment}/SHARED_NAME`, { namespace: 'team-a' })).toEqual({ value: 'a' });
  });
});

describe('authentication', () => {
  it('raises PROVIDER_AUTH_FAILED for a wrong token, without the token in the message', async () => {
    const provider = await connect({ auth: { method: 'token', token: 'wrong-token-77aa' } });
    const error = await caught(provider.get({ ...freshScope(), key: 'A' }));
    expect(error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(error.retryable).toBe(false);
    expect(JSON.stringify({ message: error.message, detail: error.detail, cause: String(error.cause) })).not.toContain('wrong-token-77aa');
    await expectErrorCode(provider.check(), 'PROVIDER_AUTH_FAILED', 'check with a wrong token');
    await expectErrorCode(provider.put({ ...freshScope(), key: 'A' }, new Secret('v')), 'PROVIDER_AUTH_FAILED', 'put with a wrong token');
  });

  it('passes check() with a good token', async () => {
    await expect((await connect()).check()).resolves.toBeUndefined();
  });

  it('logs in with AppRole when the session opens', async () => {
    const provider = await connect({ auth: { method: 'approle', roleId: ROLE.roleId, secretId: ROLE.secretId } });
    expect(emulator.stats.logins).toBe(1);
    const ref = { ...freshScope(), key: 'VIA_APPROLE' };
    await provider.put(ref, new Secret('ok'));
    expect((await provider.get(ref)).value.reveal()).toBe('ok');
    await provider.check();
    expect(emulator.stats.logins).toBe(1);
  });

  it('refuses a wrong AppRole secret_id at session creation with PROVIDER_AUTH_FAILED', async () => {
    const error = await caught(connect({ auth: { method: 'approle', roleId: ROLE.roleId, secretId: 'nope-secret-0c1d' } }));
    expect(error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(error.message).not.toContain('nope-secret-0c1d');
  });

  it('logs in again once when Vault refuses a revoked AppRole token', async () => {
    const provider = await connect({ auth: { method: 'approle', roleId: ROLE.roleId, secretId: ROLE.secretId } });
    const ref = { ...freshScope(), key: 'A' };
    await provider.put(ref, new Secret('v'));
    emulator.revokeIssuedTokens();
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.stats.logins).toBe(2);
  });
});

describe('availability', () => {
  it('raises PROVIDER_UNAVAILABLE when Vault is down', async () => {
    const down = await VaultEmulator.start();
    const address = down.address;
    await down.close();
    const provider = await connect({ address });
    const error = await caught(provider.get({ ...freshScope(), key: 'A' }));
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(error.retryable).toBe(true);
    const login = await caught(connect({ address, auth: { method: 'approle', roleId: ROLE.roleId, secretId: ROLE.secretId } }));
    expect(login.code).toBe('PROVIDER_UNAVAILABLE');
  });

  it('retries a read after an injected 503 and succeeds', async () => {
    const provider = await connect();
    const ref = { ...freshScope(), key: 'FLAKY' };
    await provider.put(ref, new Secret('eventually'));
    emulator.resetStats();
    emulator.failNext(503, 1);
    expect((await provider.get(ref)).value.reveal()).toBe('eventually');
    expect(emulator.stats.faultsServed).toBe(1);
    expect(emulator.stats.requests['GET data']).toBe(1);
    emulator.failNext(429, 2);
    expect((await provider.getAll(ref)).get('FLAKY')?.reveal()).toBe('eventually');
  });

  it('gives up after a few attempts with PROVIDER_UNAVAILABLE', async () => {
    const provider = await connect();
    emulator.failNext(503, 10);
    await expectErrorCode(provider.get({ ...freshScope(), key: 'A' }), 'PROVIDER_UNAVAILABLE', 'a read while Vault keeps failing');
    expect(emulator.stats.faultsServed, 'the first attempt and 3 retries').toBe(4);
    emulator.clearFaults();
  });

  it('does not retry writes', async () => {
    const provider = await connect();
    const ref = { ...freshScope(), key: 'WRITE' };
    emulator.failNext(503, 1);
    const error = await caught(provider.put(ref, new Secret('value-that-must-not-leak')));
    expect(error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(emulator.stats.faultsServed).toBe(1);
    expect(emulator.stats.requests['POST data']).toBeUndefined();
    expect(error.message).not.toContain('value-that-must-not-leak');
    expect(error.message).not.toContain(ROOT);
    await expectErrorCode(provider.get(ref), 'NOT_FOUND', 'the failed write was not repeated');
  });

  it('raises TIMEOUT when Vault answers too slowly', async () => {
    const provider = await connect({ requestTimeoutMs: 100 });
    emulator.latencyMs = 400;
    const error = await caught(provider.get({ ...freshScope(), key: 'SLOW' }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.retryable).toBe(true);
  });

  it('refuses calls on a closed session', async () => {
    const provider = await connect();
    await provider.close();
    await expect(async () => provider.get({ ...freshScope(), key: 'A' })).rejects.toThrow('closed');
  });
});
