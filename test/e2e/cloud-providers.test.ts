/**
 * The five cloud provider plugins end to end through the host: one table of cases, one host
 * loading every plugin by package name, each backend played by its plugin's protocol emulator and
 * driven by the official SDK inside the plugin. Per type: create the provider over the API
 * (credentials masked), assign it to an environment, write / read / delete through the gateway,
 * read the merged environment, test connectivity, reuse connections, refuse bad credentials with
 * a 502, and answer 503 once the backend is gone. Nothing secret may reach a response or the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VaultEmulator } from '@keygate/provider-vault/testing';
import { SecretsManagerEmulator } from '@keygate/provider-aws-secrets-manager/testing';
import { SsmEmulator } from '@keygate/provider-aws-parameter-store/testing';
import { KeyVaultEmulator } from '@keygate/provider-azure-key-vault/testing';
import { EntraEmulator } from '@keygate/provider-azure-key-vault/testing/entra';
import { SecretManagerEmulator } from '@keygate/provider-gcp-secret-manager/testing';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';

/** A running backend: what a tenant admin would configure, and what must never be shown. */
interface Backend {
  /** Configuration the backend accepts. */
  good: Json;
  /** The same backend, with credentials it refuses. */
  bad: Json;
  /** Credential strings (and bearer tokens the backend issues) that must never be echoed. */
  secrets: string[];
  /** The configuration as GET shows it: every credential masked. */
  masked: (configuration: Json) => Json;
  /** Names the backend stores, to see that a write reached it. */
  storedNames(): string[];
  /** TCP connections the backend accepted so far. */
  connections(): number;
  stop(): Promise<void>;
}

interface CloudCase {
  name: string;
  type: string;
  plugin: string;
  slug: string;
  start(): Promise<Backend>;
}

const hex = (bytes: number): string => randomBytes(bytes).toString('hex');

/** A projected service-account token, as the Kubernetes API server signs it. */
function serviceAccountJwt(key: KeyObject, account: { name: string; namespace: string }): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'RS256', typ: 'JWT' });
  const payload = encode({ exp: Math.floor(Date.now() / 1000) + 3600, 'kubernetes.io': { namespace: account.namespace, serviceaccount: { name: account.name } } });
  return `${header}.${payload}.${sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url')}`;
}
const MASK = '***ENCRYPTED***';

const cases: CloudCase[] = [
  {
    name: 'Vault (AppRole)',
    type: 'Vault',
    plugin: '@keygate/provider-vault',
    slug: 'vault',
    async start() {
      const role = { roleId: `role-${hex(8)}`, secretId: `sid-${hex(12)}` };
      const emulator = await VaultEmulator.start({ tokens: [], appRoles: [role] });
      const wrong = `sid-wrong-${hex(12)}`;
      return {
        good: { address: emulator.address, auth: { method: 'approle', ...role } },
        bad: { address: emulator.address, auth: { method: 'approle', roleId: role.roleId, secretId: wrong } },
        secrets: [role.roleId, role.secretId, wrong],
        masked: (c) => ({ ...c, auth: { method: 'approle', roleId: MASK, secretId: MASK } }),
        storedNames: () => emulator.paths(),
        connections: () => emulator.connections,
        stop: () => emulator.close(),
      };
    },
  },
  {
    name: 'Vault (Kubernetes auth)',
    type: 'Vault',
    plugin: '@keygate/provider-vault',
    slug: 'vault-k8s',
    async start() {
      const cluster = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const impostor = generateKeyPairSync('rsa', { modulusLength: 2048 });
      const account = { name: 'keygate', namespace: 'platform' };
      const emulator = await VaultEmulator.start({
        tokens: [],
        kubernetes: {
          publicKeys: [cluster.publicKey.export({ type: 'spki', format: 'pem' }).toString()],
          roles: [{ name: 'keygate', boundServiceAccountNames: [account.name], boundServiceAccountNamespaces: [account.namespace] }],
        },
      });
      const good = serviceAccountJwt(cluster.privateKey, account);
      const bad = serviceAccountJwt(impostor.privateKey, account);
      return {
        good: { address: emulator.address, auth: { method: 'kubernetes', role: 'keygate', jwt: good } },
        bad: { address: emulator.address, auth: { method: 'kubernetes', role: 'keygate', jwt: bad } },
        secrets: [good.split('.')[2]!, bad.split('.')[2]!],
        masked: (c) => ({ ...c, auth: { method: 'kubernetes', role: 'keygate', jwt: MASK } }),
        storedNames: () => emulator.paths(),
        connections: () => emulator.connections,
        stop: () => emulator.close(),
      };
    },
  },
  {
    name: 'AwsSecretsManager',
    type: 'AwsSecretsManager',
    plugin: '@keygate/provider-aws-secrets-manager',
    slug: 'aws-sm',
    async start() {
      const accessKeyId = `AKIA${hex(8).toUpperCase()}`;
      const emulator = await SecretsManagerEmulator.start({ region: 'eu-west-1', accessKeyIds: [accessKeyId] });
      const secretAccessKey = `sak-${hex(16)}`;
      const wrong = `sak-wrong-${hex(16)}`;
      const config = (credentials: Json): Json => ({ region: 'eu-west-1', endpoint: emulator.endpoint, credentials, maxAttempts: 2 });
      return {
        good: config({ accessKeyId, secretAccessKey }),
        bad: config({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: wrong }),
        secrets: [secretAccessKey, wrong],
        masked: (c) => ({ ...c, credentials: { ...(c.credentials as Json), secretAccessKey: MASK } }),
        storedNames: () => emulator.secretNames(),
        connections: () => emulator.connections,
        stop: () => emulator.close(),
      };
    },
  },
  {
    name: 'AwsParameterStore',
    type: 'AwsParameterStore',
    plugin: '@keygate/provider-aws-parameter-store',
    slug: 'aws-ssm',
    async start() {
      const accessKeyId = `AKIA${hex(8).toUpperCase()}`;
      const emulator = await SsmEmulator.start({ region: 'eu-west-1', accessKeyIds: [accessKeyId] });
      const secretAccessKey = `sak-${hex(16)}`;
      const wrong = `sak-wrong-${hex(16)}`;
      const config = (credentials: Json): Json => ({ region: 'eu-west-1', endpoint: emulator.endpoint, credentials, maxAttempts: 2 });
      return {
        good: config({ accessKeyId, secretAccessKey }),
        bad: config({ accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: wrong }),
        secrets: [secretAccessKey, wrong],
        masked: (c) => ({ ...c, credentials: { ...(c.credentials as Json), secretAccessKey: MASK } }),
        storedNames: () => emulator.parameterNames(),
        connections: () => emulator.connections,
        stop: () => emulator.close(),
      };
    },
  },
  {
    name: 'AzureKeyVault (managed identity)',
    type: 'AzureKeyVault',
    plugin: '@keygate/provider-azure-key-vault',
    slug: 'azure-kv',
    async start() {
      const clientId = `mi-${hex(8)}`;
      const token = `aad-${hex(24)}`;
      const emulator = await KeyVaultEmulator.start({ token, managedIdentities: [clientId] });
      // The managed-identity endpoint @azure/identity calls (as AKS pod identity sets it); the emulator serves it.
      process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST = emulator.vaultUrl;
      const config = (identity: string): Json => ({ vaultUrl: emulator.vaultUrl, allowInsecureConnection: true, auth: { method: 'managedIdentity', clientId: identity }, maxAttempts: 2 });
      return {
        good: config(clientId),
        bad: config(`mi-unknown-${hex(8)}`),
        secrets: [token],
        masked: (c) => c,
        storedNames: () => emulator.names(),
        connections: () => emulator.connections,
        async stop() {
          await emulator.close();
        },
      };
    },
  },
  {
    name: 'AzureKeyVault (client secret)',
    type: 'AzureKeyVault',
    plugin: '@keygate/provider-azure-key-vault',
    slug: 'azure-kv-sp',
    async start() {
      const tenantId = `tenant-${hex(4)}`;
      const clientId = `app-${hex(8)}`;
      const clientSecret = `cs~${hex(20)}`;
      const wrong = `cs~wrong-${hex(20)}`;
      const token = `aad-${hex(24)}`;
      const vault = await KeyVaultEmulator.start({ token, tenant: tenantId });
      // Microsoft's library accepts only https authorities: the Entra emulator serves a test certificate, trusted through caCertificate.
      const entra = await EntraEmulator.start({ tenant: tenantId, clients: { [clientId]: clientSecret }, token });
      const config = (secret: string): Json => ({
        vaultUrl: vault.vaultUrl,
        allowInsecureConnection: true,
        caCertificate: entra.certificate,
        auth: { method: 'clientSecret', tenantId, clientId, clientSecret: secret, authorityHost: entra.authorityHost },
        maxAttempts: 2,
      });
      return {
        good: config(clientSecret),
        bad: config(wrong),
        secrets: [clientSecret, wrong, token],
        masked: (c) => ({ ...c, auth: { ...(c.auth as Json), clientSecret: MASK } }),
        storedNames: () => vault.names(),
        connections: () => vault.connections,
        async stop() {
          await vault.close();
          await entra.close();
        },
      };
    },
  },
  {
    name: 'GoogleSecretManager',
    type: 'GoogleSecretManager',
    plugin: '@keygate/provider-gcp-secret-manager',
    slug: 'gcp-sm',
    async start() {
      const account = (email: string) => {
        const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        return {
          email,
          publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
          credentials: { type: 'service_account', client_email: email, private_key_id: hex(8), private_key: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() },
        };
      };
      const known = account('keygate@keygate-e2e.iam.gserviceaccount.com');
      const stranger = account('stranger@keygate-e2e.iam.gserviceaccount.com');
      const emulator = await SecretManagerEmulator.start({ tokens: [], serviceAccounts: { [known.email]: known.publicPem } });
      const config = (credentials: Json): Json => ({ projectId: 'keygate-e2e', apiEndpoint: emulator.host, port: emulator.port, protocol: 'http', credentials, maxAttempts: 2 });
      const keyBody = (pem: unknown) => String(pem).split('\n')[1]!;
      return {
        good: config(known.credentials),
        bad: config(stranger.credentials),
        secrets: [keyBody(known.credentials.private_key), keyBody(stranger.credentials.private_key)],
        masked: (c) => ({ ...c, credentials: { ...(c.credentials as Json), private_key: MASK } }),
        storedNames: () => emulator.secretIds('keygate-e2e'),
        connections: () => emulator.connections,
        stop: () => emulator.close(),
      };
    },
  },
];

const logs: string[] = [];
let h: TestHost;

beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'keygate-cloud-'));
  const configFile = join(dir, 'keygate.yaml');
  const plugins = [...new Set(cases.map((c) => c.plugin))];
  await writeFile(configFile, `plugins:\n${plugins.map((plugin) => `  - package: '${plugin}'\n`).join('')}`);
  h = await startTestHost({ configPath: configFile, logSink: (line) => logs.push(line) });
});

afterAll(async () => {
  await h?.close();
  delete process.env.AZURE_POD_IDENTITY_AUTHORITY_HOST;
});

describe('the cloud provider catalog', () => {
  it('lists every cloud type loaded from its package, with credential fields marked', async () => {
    const res = await h.api('GET', `${base}/providers/catalog`);
    expect(res.status).toBe(200);
    const entries = (res.body as { types: Json[] }).types;
    const byType = new Map(entries.map((entry) => [entry.type as string, entry]));
    for (const c of cases) {
      expect(byType.get(c.type), c.type).toMatchObject({ plugin: { name: c.plugin } });
    }
    expect(byType.get('Vault')?.secretFields).toEqual(expect.arrayContaining(['auth.token', 'auth.roleId', 'auth.secretId', 'auth.jwt']));
  });
});

describe.each(cases)('$name through the host', (c) => {
  let backend: Backend;
  const project = `p-${c.slug}`;
  const env = 'prod';
  const secretsPath = `${base}/projects/${project}/environments/${env}/providers/${c.slug}/secrets`;
  const sentValues: string[] = [];

  beforeAll(async () => {
    backend = await c.start();
  });
  afterAll(async () => {
    await backend?.stop().catch(() => undefined);
  });

  it('creates the provider, masks its credentials, and assigns it to an environment', async () => {
    const created = await h.api('POST', `${base}/providers`, { name: `${c.type} e2e`, slug: c.slug, type: c.type, configuration: backend.good });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const shown = await h.api('GET', `${base}/providers/${c.slug}`);
    expect(shown.status).toBe(200);
    expect((shown.body as Json).configuration).toMatchObject(backend.masked(backend.good));
    for (const secret of backend.secrets) expect(JSON.stringify(shown.body)).not.toContain(secret);

    expect((await h.api('POST', `${base}/projects`, { name: project, slug: project, providerIds: [c.slug, 'system'] })).status).toBe(201);
    const environment = await h.api('POST', `${base}/projects/${project}/environments`, { name: env, slug: env, providerIds: [c.slug, 'system'] });
    expect(environment.status, JSON.stringify(environment.body)).toBe(201);
  });

  it('reports the provider healthy', async () => {
    const res = await h.api('POST', `${base}/providers/${c.slug}/test`);
    expect(res.status).toBe(200);
    expect(res.body, JSON.stringify(res.body)).toMatchObject({ ok: true });
  });

  it('writes, reads and deletes secrets in the backend through the gateway', async () => {
    const value = `postgres://u:${hex(8)}@db/x`;
    sentValues.push(value);
    const written = await h.api('PUT', `${secretsPath}/DB_URL`, { value });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    expect(JSON.stringify(written.body)).not.toContain(value);
    expect(backend.storedNames().some((name) => name.includes('URL'))).toBe(true);

    const read = await h.api('GET', `${secretsPath}/DB_URL`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ key: 'DB_URL', value });

    const replaced = `${value}-2`;
    sentValues.push(replaced);
    expect((await h.api('PUT', `${secretsPath}/DB_URL`, { value: replaced })).status).toBe(200);
    expect(((await h.api('GET', `${secretsPath}/DB_URL`)).body as Json).value).toBe(replaced);

    const temporary = `tmp-${hex(6)}`;
    sentValues.push(temporary);
    expect((await h.api('PUT', `${secretsPath}/TEMPORARY`, { value: temporary })).status).toBe(200);
    expect((await h.api('DELETE', `${secretsPath}/TEMPORARY`)).status).toBe(204);
    const gone = await h.api('GET', `${secretsPath}/TEMPORARY`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toContain('application/problem+json');
  });

  it('round-trips a binary value (base64) with its type, natively where the backend stores bytes', async () => {
    const encoded = Buffer.from([0, 255, 16, 32, 128]).toString('base64');
    const written = await h.api('PUT', `${secretsPath}/BLOB`, { value: encoded, type: 'binary' });
    expect(written.status, JSON.stringify(written.body)).toBe(200);
    const read = await h.api('GET', `${secretsPath}/BLOB`);
    expect(read.body).toMatchObject({ key: 'BLOB', value: encoded, type: 'binary' });
    expect((await h.api('PUT', `${secretsPath}/BLOB`, { value: 'not base64!', type: 'binary' })).status).toBe(400);
    expect((await h.api('DELETE', `${secretsPath}/BLOB`)).status).toBe(204);
  });

  it('merges the environment, the cloud provider first', async () => {
    const systemPath = `${base}/projects/${project}/environments/${env}/providers/system/secrets`;
    expect((await h.api('PUT', `${systemPath}/LOCAL_ONLY`, { value: 'from-system' })).status).toBe(200);
    expect((await h.api('PUT', `${systemPath}/DB_URL`, { value: 'shadowed-by-cloud' })).status).toBe(200);
    const res = await h.api('GET', `${base}/projects/${project}/environments/${env}/secrets`);
    expect(res.status).toBe(200);
    expect((res.body as Json).secrets).toEqual({ DB_URL: sentValues[1], LOCAL_ONLY: 'from-system' });
  });

  it('reuses its connections to the backend across reads', async () => {
    const path = `${base}/projects/${project}/environments/${env}/secrets`;
    expect((await h.api('GET', path)).status).toBe(200);
    const before = backend.connections();
    for (let i = 0; i < 5; i++) expect((await h.api('GET', path)).status).toBe(200);
    const opened = backend.connections() - before;
    // Without keep-alive every upstream call opens one (5 reads: 30 to 520). A few may open when a
    // read runs more calls in parallel than the warm-up did (at most 8 in flight).
    expect(opened).toBeLessThanOrEqual(8);
  });

    it('refuses credentials the backend rejects with a 502 that names the provider and shows no credential', async () => {
    const slug = `${c.slug}-bad`;
    expect((await h.api('POST', `${base}/providers`, { name: `${c.type} bad`, slug, type: c.type, configuration: backend.bad })).status).toBe(201);
    expect((await h.api('POST', `${base}/projects/${project}/providers`, { providerIds: [slug] })).status).toBeLessThan(300);
    expect((await h.api('POST', `${base}/projects/${project}/environments`, { name: 'bad', slug: 'bad', providerIds: [slug] })).status).toBe(201);
    const res = await h.api('GET', `${base}/projects/${project}/environments/bad/secrets`);
    expect(res.status, JSON.stringify(res.body)).toBe(502);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'PROVIDER_AUTH_FAILED', provider: slug, retryable: false });
    expect((res.body as Json).detail).toMatch(new RegExp(`provider "${slug}"`));
    for (const secret of backend.secrets) expect(JSON.stringify(res.body)).not.toContain(secret);

    const check = await h.api('POST', `${base}/providers/${slug}/test`);
    expect(check.body).toMatchObject({ ok: false, code: 'PROVIDER_AUTH_FAILED' });
    for (const secret of backend.secrets) expect(JSON.stringify(check.body)).not.toContain(secret);
  });

  it('answers 503, retryable and naming the provider, once the backend is down', async () => {
    await backend.stop();
    const res = await h.api('GET', `${base}/projects/${project}/environments/${env}/secrets`);
    expect(res.status, JSON.stringify(res.body)).toBe(503);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(res.body).toMatchObject({ code: 'PROVIDER_UNAVAILABLE', provider: c.slug, retryable: true });
    expect((res.body as Json).detail).toMatch(new RegExp(`provider "${c.slug}"`));

    const write = await h.api('PUT', `${secretsPath}/LATER`, { value: 'not-now' });
    expect(write.status).toBe(503);
    const check = await h.api('POST', `${base}/providers/${c.slug}/test`);
    expect(check.body).toMatchObject({ ok: false, code: 'PROVIDER_UNAVAILABLE' });
  });

  it('leaves no credential and no value in the logs', () => {
    expect(logs.length).toBeGreaterThan(0);
    const text = logs.join('\n');
    // Values also in base64, as some wire formats carry them (GCP payload.data, AWS SecretBinary).
    const values = sentValues.flatMap((value) => [value, Buffer.from(value).toString('base64')]);
    for (const secret of [...backend.secrets, ...values]) expect(text).not.toContain(secret);
  });
});
