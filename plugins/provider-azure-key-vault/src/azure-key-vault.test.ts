import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import type { GetTokenOptions, TokenCredential } from '@azure/core-auth';
import { SecretClient } from '@azure/keyvault-secrets';
import { Secret, isKeygateError, type Logger, type SecretProvider, type SecretScope } from '@keygate/core';
import { createTestPluginServices, expectErrorCode } from '@keygate/core/testing';
import plugin, { azureKeyVaultProviderType, createAzureKeyVaultProvider, decodePart, encodePart, type AzureKeyVaultConfig, type SessionTuning } from './index.js';
import { resolveConfig } from './config.js';
import { parseNameTemplate } from './names.js';
import { KeyVaultEmulator } from './testing/key-vault-emulator.js';
import { EntraEmulator } from './testing/entra-emulator.js';

const CLIENT_SECRET = 'do-not-print-this-client-secret';

let emulator: KeyVaultEmulator;
const open: SecretProvider[] = [];

beforeAll(async () => {
  emulator = await KeyVaultEmulator.start({ tenant: 'contoso-tenant' });
});

afterEach(async () => {
  emulator.latencyMs = 0;
  emulator.purgeProtection = false;
  emulator.deletedSecretLag = 0;
  emulator.throttle(0);
  await Promise.all(open.splice(0).map((provider) => provider.close()));
});

afterAll(async () => {
  await emulator.close();
});

interface StubCredential extends TokenCredential {
  requests: { scopes: string[]; tenantId: string | undefined }[];
}

function stubCredential(token: () => string = () => emulator.token): StubCredential {
  const requests: StubCredential['requests'] = [];
  return {
    requests,
    getToken(scopes: string | string[], options?: GetTokenOptions) {
      requests.push({ scopes: [scopes].flat(), tenantId: options?.tenantId });
      return Promise.resolve({ token: token(), expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
}

const BASE_CONFIG: AzureKeyVaultConfig = {
  vaultUrl: 'https://placeholder.vault.azure.net',
  auth: { method: 'clientSecret', tenantId: 'contoso-tenant', clientId: 'client-id', clientSecret: CLIENT_SECRET },
};

async function session(config: Partial<AzureKeyVaultConfig> = {}, tuning: SessionTuning = {}, logger?: Logger): Promise<SecretProvider> {
  const credential = stubCredential();
  const provider = await createAzureKeyVaultProvider(
    {
      config: { ...BASE_CONFIG, vaultUrl: emulator.vaultUrl, allowInsecureConnection: true, ...config },
      ...(logger === undefined ? {} : { services: createTestPluginServices({ logger }), providerId: 'p1' }),
    },
    { retryBaseDelayMs: 5, pollIntervalMs: 5, credentialFactory: () => credential, ...tuning },
  );
  open.push(provider);
  return provider;
}

function scope(): SecretScope {
  const id = randomBytes(4).toString('hex');
  return { tenant: `t${id}`, project: `p${id}`, environment: `e${id}` };
}

async function sdkClient(): Promise<SecretClient> {
  return new SecretClient(emulator.vaultUrl, stubCredential(), { allowInsecureConnection: true, disableChallengeResourceVerification: true, retryOptions: { maxRetries: 0 } });
}

async function caught(work: Promise<unknown>): Promise<unknown> {
  try {
    await work;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('manifest and configuration', () => {
  it('default-exports an inert manifest with the AzureKeyVault type', () => {
    expect(plugin.manifest).toBe('keygate-plugin');
    expect(plugin.name).toBe('@keygate/provider-azure-key-vault');
    expect(plugin.provides.map((type) => `${type.kind}:${type.type}`)).toEqual(['provider:AzureKeyVault']);
    const schema = azureKeyVaultProviderType.configSchema;
    expect(schema.required).toEqual(['vaultUrl', 'auth']);
    const [clientSecretAuth, managedAuth] = schema.properties?.auth?.oneOf ?? [];
    expect(clientSecretAuth?.properties?.clientSecret?.['x-keygate-secret']).toBe(true);
    expect(clientSecretAuth?.properties?.clientId?.['x-keygate-secret']).toBeUndefined();
    expect(managedAuth?.required).toEqual(['method']);
    expect(schema.properties?.nameTemplate?.default).toBe('{tenant}--{project}--{environment}--{key}');
    expect(azureKeyVaultProviderType.capabilities(BASE_CONFIG as never)).toEqual({ versions: true, compareAndSet: false, labels: true, binary: false, batchRead: false });
  });

  it('accepts https vaults and both auth methods', () => {
    expect(resolveConfig(BASE_CONFIG).vaultUrl).toBe('https://placeholder.vault.azure.net');
    expect(resolveConfig({ ...BASE_CONFIG, auth: { method: 'managedIdentity' } }).auth).toEqual({ method: 'managedIdentity' });
    expect(resolveConfig({ ...BASE_CONFIG, auth: { method: 'managedIdentity', clientId: 'uai' } }).auth).toEqual({ method: 'managedIdentity', clientId: 'uai' });
  });

  it.each([
    ['http without allowInsecureConnection', { vaultUrl: 'http://127.0.0.1:1' }, /https/],
    ['a non-URL', { vaultUrl: 'not a url' }, /absolute URL/],
    ['a vault URL with a path', { vaultUrl: 'https://v.vault.azure.net/secrets' }, /vault root/],
    ['an unknown auth method', { auth: { method: 'password' } as never }, /auth.method/],
    ['a client secret auth without secret', { auth: { method: 'clientSecret', tenantId: 't', clientId: 'c' } as never }, /auth.clientSecret/],
    ['a template without {key} last', { nameTemplate: '{key}--{tenant}--{project}--{environment}' }, /nameTemplate/],
    ['a template with an unseparated placeholder', { nameTemplate: '{tenant}-{project}--{environment}--{key}' }, /followed by "--"/],
    ['a template with "_"', { nameTemplate: 'kg_{tenant}--{project}--{environment}--{key}' }, /letters, digits/],
    ['maxAttempts out of range', { maxAttempts: 0 }, /maxAttempts/],
    ['an http authority', { auth: { method: 'clientSecret' as const, tenantId: 't', clientId: 'c', clientSecret: CLIENT_SECRET, authorityHost: 'http://login.example' } }, /auth.authorityHost/],
    ['a caCertificate that is not a certificate', { caCertificate: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' }, /caCertificate/],
  ])('refuses %s with INVALID_CONFIGURATION', (_, change, message) => {
    let error: unknown;
    try {
      resolveConfig({ ...BASE_CONFIG, ...change });
    } catch (caughtError) {
      error = caughtError;
    }
    expect(isKeygateError(error) && error.code).toBe('INVALID_CONFIGURATION');
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain(CLIENT_SECRET);
  });
});

describe('name mapping', () => {
  const EDGE_CASES = ['-', '_', '.', '--', '-2d', '-5f', 'a-2db', '__', '..', 'A', 'z9', 'DB_URL', 'a.b-c_D9', '_leading', 'trailing.', '-x-', 'MiXeD_cAsE-key.v2', '~!@#$%^&*()+={}[]|:;"<>,?/\\\'`'];

  it.each(EDGE_CASES)('round-trips %j and never produces "--" or a trailing "-"', (key) => {
    const encoded = encodePart(key);
    expect(encoded).toMatch(/^[A-Za-z0-9-]+$/);
    expect(encoded).not.toContain('--');
    expect(encoded.endsWith('-')).toBe(false);
    expect(decodePart(encoded)).toBe(key);
  });

  it('encodes as documented', () => {
    expect(encodePart('DB_URL')).toBe('DB-5fURL');
    expect(encodePart('a.b-c_D9')).toBe('a-2eb-2dc-5fD9');
    expect(encodePart('-2d')).toBe('-2d2d');
    const template = parseNameTemplate('{tenant}--{project}--{environment}--{key}');
    expect(template.name({ tenant: 'acme', project: 'web-app', environment: 'prod', key: 'API.KEY_v2' })).toBe('acme--web-2dapp--prod--API-2eKEY-5fv2');
  });

  it('round-trips every printable ASCII character and random keys', () => {
    for (let code = 0x21; code <= 0x7e; code++) {
      const char = String.fromCharCode(code);
      expect(decodePart(encodePart(`a${char}${char}b`))).toBe(`a${char}${char}b`);
    }
    const alphabet = 'aZ9_.-';
    for (let i = 0; i < 500; i++) {
      const key = Array.from({ length: 1 + (i % 17) }, () => alphabet[Math.floor(Math.random() * alphabet.length)]).join('');
      expect(decodePart(encodePart(key))).toBe(key);
    }
  });

  it.each(['', '-', '-2', '-2D', '-41', 'a--b', 'a-', 'a_b', '-zz', '-0a'])('refuses the non-canonical or foreign name %j', (name) => {
    expect(decodePart(name)).toBeUndefined();
  });

  it('keeps scopes apart even when slugs contain "-"', () => {
    const template = parseNameTemplate('{tenant}--{project}--{environment}--{key}');
    const a = template.prefix({ tenant: 't', project: 'p', environment: 'e' });
    const b = template.prefix({ tenant: 't', project: 'p', environment: 'e-other' });
    const name = template.name({ tenant: 't', project: 'p', environment: 'e-other', key: 'K' });
    expect(template.keyOf(name, b)).toBe('K');
    expect(template.keyOf(name, a)).toBeUndefined();
  });

  it('writes and reads back every short key shape, and stores the documented names', async () => {
    const provider = await session();
    const s = scope();
    const keys = ['a.b-c_D9', '_leading_underscore', 'trailing.dot.', '-leading-dash', '9STARTS_WITH_DIGIT', 'x', 'dots.and.more.dots', 'MiXeD_cAsE-key.v2', '-2d'];
    for (const [i, key] of keys.entries()) await provider.put({ ...s, key }, new Secret(`value-${i}`));
    for (const [i, key] of keys.entries()) expect((await provider.get({ ...s, key })).value.reveal()).toBe(`value-${i}`);
    const all = await provider.getAll(s);
    expect(Object.fromEntries([...all].map(([key, value]) => [key, value.reveal()]))).toEqual(Object.fromEntries(keys.map((key, i) => [key, `value-${i}`])));
    expect(emulator.names()).toContain(`${s.tenant}--${s.project}--${s.environment}--a-2eb-2dc-5fD9`);
  });

  it('refuses a key whose Azure name would exceed 127 characters with INVALID_INPUT, and accepts exactly 127', async () => {
    const provider = await session();
    const s = { tenant: 'ta', project: 'pa', environment: 'ea' }; // prefix "ta--pa--ea--": 12 characters
    const fits = 'K'.repeat(115);
    await provider.put({ ...s, key: fits }, new Secret('v'));
    expect((await provider.get({ ...s, key: fits })).value.reveal()).toBe('v');
    await expectErrorCode(provider.put({ ...s, key: 'K'.repeat(116) }, new Secret('v')), 'INVALID_INPUT', 'put of a 128-character name');
    await expectErrorCode(provider.put({ ...s, key: '_'.repeat(39) }, new Secret('v')), 'INVALID_INPUT', 'put of a key that grows past 127 when escaped');
    await expectErrorCode(provider.get({ ...s, key: 'K'.repeat(200) }), 'INVALID_INPUT', 'get of a too-long key');
    await provider.delete({ ...s, key: fits });
  });
});

describe('protocol', () => {
  it('follows the challenge flow: one 401 challenge, then a token for the vault resource and tenant', async () => {
    const credential = stubCredential();
    const provider = await session({}, { credentialFactory: () => credential });
    emulator.resetCounts();
    const s = scope();
    await provider.put({ ...s, key: 'A' }, new Secret('one'));
    await provider.get({ ...s, key: 'A' });
    await provider.getAll(s);
    expect(emulator.challenges).toBe(1);
    expect(credential.requests.length).toBeGreaterThanOrEqual(1);
    expect(credential.requests[0]).toEqual({ scopes: ['https://vault.azure.net/.default'], tenantId: 'contoso-tenant' });
    expect([...emulator.apiVersions]).toEqual(['2025-07-01']);
  });

  it('requires api-version and a token (emulator)', async () => {
    const noToken = await fetch(`${emulator.vaultUrl}/secrets?api-version=2025-07-01`);
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer authorization="https://login.microsoftonline.com/contoso-tenant", resource="https://vault.azure.net"');
    const noVersion = await fetch(`${emulator.vaultUrl}/secrets`, { headers: { authorization: `Bearer ${emulator.token}` } });
    expect(noVersion.status).toBe(400);
    expect(((await noVersion.json()) as { error: { code: string } }).error.code).toBe('BadParameter');
  });

  it('maps a wrong token to PROVIDER_AUTH_FAILED without leaking the token or the client secret', async () => {
    const credential = stubCredential(() => 'wrong-token-value');
    const provider = await session({}, { credentialFactory: () => credential });
    const error = await caught(provider.get({ ...scope(), key: 'A' }));
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(isKeygateError(error) && error.retryable).toBe(false);
    expect((error as Error).message).toMatch(/401/);
    expect((error as Error).message).not.toContain('wrong-token-value');
    expect((error as Error).message).not.toContain(CLIENT_SECRET);
    await expectErrorCode(provider.check(), 'PROVIDER_AUTH_FAILED', 'check with a wrong token');
  });

  it('maps a credential that cannot get a token to PROVIDER_AUTH_FAILED', async () => {
    const failing: TokenCredential = { getToken: () => Promise.reject(Object.assign(new Error(`login failed for ${CLIENT_SECRET}`), { name: 'AuthenticationError' })) };
    const provider = await session({}, { credentialFactory: () => failing });
    const error = await caught(provider.check());
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_AUTH_FAILED');
    expect((error as Error).message).not.toContain(CLIENT_SECRET);
  });

  it('maps 403 to PROVIDER_AUTH_FAILED', async () => {
    const provider = await session();
    emulator.failNext(403);
    await expectErrorCode(provider.get({ ...scope(), key: 'A' }), 'PROVIDER_AUTH_FAILED', 'get answered 403');
  });

  it('retries throttling (429 + Retry-After) and 5xx, then succeeds', async () => {
    const provider = await session();
    const s = scope();
    emulator.resetCounts();
    emulator.throttle(2, 0);
    await provider.put({ ...s, key: 'THROTTLED' }, new Secret('value'));
    expect(emulator.count('PUT /secrets/{name}')).toBe(3 + 1); // challenge + 2 throttled + 1 success
    emulator.failNext(503, 500);
    expect((await provider.get({ ...s, key: 'THROTTLED' })).value.reveal()).toBe('value');
    expect(emulator.count('GET /secrets/{name}')).toBe(3);
  });

  it('honours Retry-After', async () => {
    const provider = await session();
    emulator.throttle(1, 1);
    const started = Date.now();
    await provider.getAll(scope());
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('gives up after maxAttempts with a retryable PROVIDER_UNAVAILABLE that carries no value', async () => {
    const provider = await session({ maxAttempts: 3 });
    const s = scope();
    await provider.getAll(s); // challenge done
    emulator.resetCounts();
    emulator.throttle(10, 0);
    const error = await caught(provider.put({ ...s, key: 'K' }, new Secret('the-secret-value-123')));
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_UNAVAILABLE');
    expect(isKeygateError(error) && error.retryable).toBe(true);
    expect((error as Error).message).toMatch(/429 Throttled/);
    expect((error as Error).message).not.toContain('the-secret-value-123');
    expect(emulator.count('PUT /secrets/{name}')).toBe(3);
  });

  it('pages through listings and reads with at most 8 requests in flight', async () => {
    const provider = await session();
    const s = scope();
    const entries = Array.from({ length: 23 }, (_, i) => [`KEY_${i}`, `value-${i}`] as const);
    await Promise.all(entries.map(([key, value]) => provider.put({ ...s, key }, new Secret(value))));
    emulator.resetCounts();
    emulator.latencyMs = 20;
    const all = await provider.getAll(s);
    expect(Object.fromEntries([...all].map(([key, value]) => [key, value.reveal()]))).toEqual(Object.fromEntries(entries));
    expect(emulator.count('GET /secrets')).toBeGreaterThanOrEqual(Math.ceil(23 / emulator.pageSize));
    expect(emulator.maxInFlight).toBe(8);
  });

  it('raises PAYLOAD_TOO_LARGE above 25 KiB and UNSUPPORTED for ifVersion, writing nothing', async () => {
    const provider = await session();
    const s = scope();
    await expectErrorCode(provider.put({ ...s, key: 'BIG' }, new Secret('x'.repeat(25_601))), 'PAYLOAD_TOO_LARGE', 'put of 25,601 bytes');
    await expectErrorCode(provider.put({ ...s, key: 'CAS' }, new Secret('v'), { ifVersion: null }), 'UNSUPPORTED', 'put with ifVersion');
    expect(await provider.getAll(s)).toEqual(new Map());
  });
});

describe('tags and versions', () => {
  it('stores labels as tags of the new version and refuses more than 15', async () => {
    const provider = await session();
    const s = scope();
    const first = await provider.put({ ...s, key: 'TAGGED' }, new Secret('v1'), { labels: { team: 'payments', 'cost-center': 'cc-42' } });
    const client = await sdkClient();
    const name = `${s.tenant}--${s.project}--${s.environment}--TAGGED`;
    const stored = await client.getSecret(name);
    expect(stored.properties.tags).toEqual({ team: 'payments', 'cost-center': 'cc-42' });
    expect(stored.properties.version).toBe(first.version);
    // Tags changed out of band (PATCH) are what listMetadata reports.
    await client.updateSecretProperties(name, first.version!, { tags: { team: 'platform' } });
    expect((await provider.listMetadata(s)).find((entry) => entry.key === 'TAGGED')?.labels).toEqual({ team: 'platform' });
    const tooMany = Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`t${i}`, 'x']));
    await expectErrorCode(provider.put({ ...s, key: 'TAGGED' }, new Secret('v2'), { labels: tooMany }), 'INVALID_INPUT', 'put with 16 labels');
  });

  it('skips disabled secrets in getAll and listMetadata', async () => {
    const provider = await session();
    const s = scope();
    const written = await provider.put({ ...s, key: 'DISABLED' }, new Secret('off'));
    await provider.put({ ...s, key: 'ENABLED' }, new Secret('on'));
    await (await sdkClient()).updateSecretProperties(`${s.tenant}--${s.project}--${s.environment}--DISABLED`, written.version!, { enabled: false });
    expect([...(await provider.getAll(s)).keys()]).toEqual(['ENABLED']);
    expect((await provider.listMetadata(s)).map((entry) => entry.key)).toEqual(['ENABLED']);
  });

  it('keeps versions readable by id, and the SDK pages through them', async () => {
    const provider = await session();
    const s = scope();
    const ref = { ...s, key: 'ROTATED' };
    const versions: string[] = [];
    for (let i = 0; i < 7; i++) versions.push((await provider.put(ref, new Secret(`v${i}`))).version!);
    expect(versions.every((version) => /^[0-9a-f]{32}$/.test(version))).toBe(true);
    for (const [i, version] of versions.entries()) expect((await provider.get(ref, { version })).value.reveal()).toBe(`v${i}`);
    const listed: string[] = [];
    for await (const properties of (await sdkClient()).listPropertiesOfSecretVersions(`${s.tenant}--${s.project}--${s.environment}--ROTATED`)) listed.push(properties.version!);
    expect(listed.sort()).toEqual([...versions].sort());
    await expectErrorCode(provider.get(ref, { version: '../../keys/x' }), 'NOT_FOUND', 'get of a malformed version');
    const metadata = await provider.listMetadata(s);
    expect(metadata).toEqual([{ key: 'ROTATED', version: versions.at(-1), labels: {}, updatedAt: expect.any(Date) }]);
  });
});

describe('soft delete', () => {
  it('deletes, waits for the deleted secret, purges, and re-creates the same name', async () => {
    const provider = await session();
    const s = scope();
    const ref = { ...s, key: 'REBORN' };
    const name = `${s.tenant}--${s.project}--${s.environment}--REBORN`;
    await provider.put(ref, new Secret('first'));
    emulator.deletedSecretLag = 2;
    emulator.resetCounts();
    await provider.delete(ref);
    expect(emulator.count('GET /deletedsecrets/{name}')).toBe(3);
    expect(emulator.count('DELETE /deletedsecrets/{name}')).toBe(1);
    expect(emulator.deletedNames()).not.toContain(name);
    await provider.put(ref, new Secret('second'));
    expect((await provider.get(ref)).value.reveal()).toBe('second');
  });

  it('with purgeOnDelete false, leaves the secret recoverable and recovers it on the next write', async () => {
    const provider = await session({ purgeOnDelete: false });
    const s = scope();
    const ref = { ...s, key: 'KEPT_DELETED' };
    const name = `${s.tenant}--${s.project}--${s.environment}--KEPT-5fDELETED`;
    const first = await provider.put(ref, new Secret('first'));
    await provider.delete(ref);
    expect(emulator.deletedNames()).toContain(name);
    await expectErrorCode(provider.get(ref), 'NOT_FOUND', 'get of a soft-deleted key');
    await expectErrorCode(provider.delete(ref), 'NOT_FOUND', 'second delete of a soft-deleted key');
    expect(await provider.getAll(s)).toEqual(new Map());
    emulator.resetCounts();
    await provider.put(ref, new Secret('second'));
    expect(emulator.count('POST /deletedsecrets/{name}/recover')).toBe(1);
    expect((await provider.get(ref)).value.reveal()).toBe('second');
    expect((await provider.get(ref, { version: first.version! })).value.reveal()).toBe('first');
  });

  it('with purge protection, logs the refused purge and recovers on re-create', async () => {
    const warnings: string[] = [];
    const logger: Logger = { debug: () => undefined, info: () => undefined, warn: (message) => void warnings.push(message), error: () => undefined, child: () => logger };
    const provider = await session({}, {}, logger);
    const s = scope();
    const ref = { ...s, key: 'PROTECTED' };
    await provider.put(ref, new Secret('first'));
    emulator.purgeProtection = true;
    await provider.delete(ref);
    expect(warnings).toEqual(['Azure Key Vault refused to purge a deleted secret; it stays soft-deleted and recoverable']);
    await provider.put(ref, new Secret('second'));
    expect((await provider.get(ref)).value.reveal()).toBe('second');
  });
});

describe('client secret against an authority (the real ClientSecretCredential)', () => {
  const TENANT = 'contoso-tenant';
  let entra: EntraEmulator;
  beforeAll(async () => {
    entra = await EntraEmulator.start({ tenant: TENANT, clients: { 'app-1': CLIENT_SECRET }, token: emulator.token });
  });
  afterAll(async () => {
    await entra.close();
  });
  const connect = async (clientSecret: string, overrides: Partial<AzureKeyVaultConfig> = {}) => {
    const provider = await createAzureKeyVaultProvider(
      {
        config: {
          vaultUrl: emulator.vaultUrl,
          allowInsecureConnection: true,
          caCertificate: entra.certificate,
          auth: { method: 'clientSecret', tenantId: TENANT, clientId: 'app-1', clientSecret, authorityHost: entra.authorityHost },
          maxAttempts: 1,
          ...overrides,
        },
      },
      { retryBaseDelayMs: 1, pollIntervalMs: 1 },
    );
    open.push(provider);
    return provider;
  };

  it('gets a token for https://vault.azure.net/.default from the configured authority, trusting caCertificate', async () => {
    const before = entra.tokensIssued;
    const provider = await connect(CLIENT_SECRET);
    const ref = { ...scope(), key: 'SP' };
    await provider.put(ref, new Secret('via-service-principal'));
    expect((await provider.get(ref)).value.reveal()).toBe('via-service-principal');
    expect(entra.tokensIssued - before).toBe(1);
  });

  it('raises PROVIDER_AUTH_FAILED for a wrong client secret, without the secret in the message', async () => {
    const provider = await connect('wrong-client-secret-1b2c');
    const error = await provider.check().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_AUTH_FAILED');
    expect(String((error as Error).message)).not.toContain('wrong-client-secret-1b2c');
    expect(entra.refusals).toBeGreaterThan(0);
  });

  it('does not trust the authority without caCertificate', async () => {
    const provider = await connect(CLIENT_SECRET, { caCertificate: undefined as never });
    const error = await provider.check().then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(isKeygateError(error) && error.code).toBe('PROVIDER_AUTH_FAILED');
  });
});
