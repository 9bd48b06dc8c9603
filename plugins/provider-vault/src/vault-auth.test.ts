import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateKeyPairSync, randomBytes, randomUUID, sign, type KeyObject } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Secret, isKeygateError, type KeygateError, type SecretScope } from '@keygate/core';
import { createTestPluginServices, expectErrorCode } from '@keygate/core/testing';
import { createVaultProvider, type VaultProviderConfig } from './index.js';
import type { VaultSecretProvider } from './session.js';
import { VaultEmulator } from './testing/vault-emulator.js';

// One clock for the plugin and the emulator: leases run out, renew and cap without real waiting.
let clock = Date.parse('2026-03-01T00:00:00Z');
const advance = (seconds: number): void => {
  clock += seconds * 1000;
};

const cluster = generateKeyPairSync('rsa', { modulusLength: 2048 });
const otherCluster = generateKeyPairSync('rsa', { modulusLength: 2048 });
const APPROLE = { roleId: 'role-renew', secretId: 'secret-renew-4f1a', ttlSeconds: 60, maxTtlSeconds: 150 };
const FIXED_APPROLE = { roleId: 'role-fixed', secretId: 'secret-fixed-8b2c', ttlSeconds: 60, renewable: false };
const K8S_ROLE = { name: 'payments', boundServiceAccountNames: ['payments-api'], boundServiceAccountNamespaces: ['prod'], ttlSeconds: 120 };

let emulator: VaultEmulator;
let tokenDir: string;
let open: VaultSecretProvider[] = [];

beforeAll(async () => {
  emulator = await VaultEmulator.start({
    tokens: [],
    appRoles: [APPROLE, FIXED_APPROLE],
    kubernetes: { publicKeys: [cluster.publicKey.export({ type: 'spki', format: 'pem' }).toString()], roles: [K8S_ROLE] },
    now: () => clock,
  });
  tokenDir = await mkdtemp(join(tmpdir(), 'keygate-sa-'));
});
afterAll(async () => {
  await emulator.close();
  await rm(tokenDir, { recursive: true, force: true });
});
afterEach(async () => {
  await Promise.all(open.map((provider) => provider.close()));
  open = [];
  emulator.resetStats();
});

async function connect(auth: VaultProviderConfig['auth']): Promise<VaultSecretProvider> {
  const provider = await createVaultProvider(
    { config: { address: emulator.address, auth }, providerId: randomUUID(), services: createTestPluginServices({ clock: { now: () => new Date(clock) } }) },
    { retry: { baseDelayMs: 1 }, serviceAccountTokenRoot: tokenDir },
  );
  open.push(provider);
  return provider;
}

function scope(): SecretScope {
  const id = randomBytes(4).toString('hex');
  return { tenant: `t-${id}`, project: `p-${id}`, environment: `e-${id}` };
}

/** A service-account token as the Kubernetes API server issues it (projected-token claims). */
function serviceAccountJwt(key: KeyObject, account: { name: string; namespace: string }, expiresIn = 3600): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = encode({ alg: 'RS256', typ: 'JWT', kid: 'k1' });
  const payload = encode({
    iss: 'https://kubernetes.default.svc.cluster.local',
    sub: `system:serviceaccount:${account.namespace}:${account.name}`,
    aud: ['vault'],
    exp: Math.floor(clock / 1000) + expiresIn,
    'kubernetes.io': { namespace: account.namespace, serviceaccount: { name: account.name, uid: randomUUID() } },
  });
  const signature = sign('sha256', Buffer.from(`${header}.${payload}`), key).toString('base64url');
  return `${header}.${payload}.${signature}`;
}

const payments = { name: 'payments-api', namespace: 'prod' };

async function failure(work: Promise<unknown>, code: string): Promise<KeygateError> {
  let error: unknown;
  try {
    await work;
  } catch (caught) {
    error = caught;
  }
  if (!isKeygateError(error)) throw new Error(`expected a Keygate error ${code}, got ${String(error)}`);
  expect((error as KeygateError).code).toBe(code);
  return error as KeygateError;
}

describe('Kubernetes auth', () => {
  it('logs in with an inline service-account JWT and uses the token', async () => {
    const provider = await connect({ method: 'kubernetes', role: 'payments', jwt: serviceAccountJwt(cluster.privateKey, payments) });
    expect(emulator.stats.requests['POST kubernetes login']).toBe(1);
    const ref = { ...scope(), key: 'K8S' };
    await provider.put(ref, new Secret('from-a-pod'));
    expect((await provider.get(ref)).value.reveal()).toBe('from-a-pod');
    await provider.check();
  });

  it('reads the JWT from the token file at every login, as the kubelet rotates it', async () => {
    const tokenPath = join(tokenDir, 'token');
    await writeFile(tokenPath, `${serviceAccountJwt(cluster.privateKey, payments, 100)}\n`);
    const provider = await connect({ method: 'kubernetes', role: 'payments', tokenPath });
    const ref = { ...scope(), key: 'ROTATED' };
    await provider.put(ref, new Secret('v'));
    // The first JWT expires; the kubelet has written a new one; Vault revokes the Vault token.
    advance(200);
    await writeFile(tokenPath, serviceAccountJwt(cluster.privateKey, payments, 3600));
    emulator.revokeIssuedTokens();
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.stats.requests['POST kubernetes login']).toBe(2);
  });

  it.each([
    ['a JWT signed by another cluster', () => serviceAccountJwt(otherCluster.privateKey, payments), 'payments', 'HTTP 403'],
    ['a service account the role does not bind', () => serviceAccountJwt(cluster.privateKey, { name: 'intruder', namespace: 'prod' }), 'payments', 'HTTP 403'],
    ['a namespace the role does not bind', () => serviceAccountJwt(cluster.privateKey, { name: 'payments-api', namespace: 'dev' }), 'payments', 'HTTP 403'],
    ['an expired JWT', () => serviceAccountJwt(cluster.privateKey, payments, -10), 'payments', 'HTTP 403'],
    ['an unknown role', () => serviceAccountJwt(cluster.privateKey, payments), 'billing', 'HTTP 400'],
  ])('refuses %s at session creation with PROVIDER_AUTH_FAILED', async (_name, jwt, role, status) => {
    const token = jwt();
    const error = await failure(connect({ method: 'kubernetes', role, jwt: token }), 'PROVIDER_AUTH_FAILED');
    expect(error.message).toContain(status);
    expect(JSON.stringify({ message: error.message, detail: error.detail })).not.toContain(token.split('.')[2]);
  });

  it('refuses a missing token file, and a file that is not a JWT, without sending anything', async () => {
    await expectErrorCode(connect({ method: 'kubernetes', role: 'payments', tokenPath: join(tokenDir, 'absent') }), 'PROVIDER_AUTH_FAILED', 'a missing token file');
    const notAJwt = join(tokenDir, 'not-a-jwt');
    await writeFile(notAJwt, 'root:x:0:0:root:/root:/bin/bash\n');
    const error = await failure(connect({ method: 'kubernetes', role: 'payments', tokenPath: notAJwt }), 'PROVIDER_AUTH_FAILED');
    expect(error.message).toContain('does not hold a JWT');
    expect(error.message).not.toContain('root:x');
    expect(emulator.stats.requests['POST kubernetes login']).toBeUndefined();
  });
});

describe('token renewal', () => {
  it('renews a renewable AppRole token in place before its lease runs out, without logging in again', async () => {
    const provider = await connect({ method: 'approle', roleId: APPROLE.roleId, secretId: APPROLE.secretId });
    const ref = { ...scope(), key: 'RENEWED' };
    await provider.put(ref, new Secret('v'));
    advance(30); // half of the 60 s lease: nothing to do
    await provider.get(ref);
    expect(emulator.stats.renewals).toBe(0);
    advance(15); // 45 s: past two thirds
    await Promise.all([provider.get(ref), provider.get(ref), provider.getAll(ref)]);
    expect(emulator.stats.renewals, 'concurrent requests share one renewal').toBe(1);
    expect(emulator.stats.logins).toBe(1);
    advance(45); // 90 s after login: only alive because it was renewed
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.stats.renewals).toBe(2);
    expect(emulator.stats.logins).toBe(1);
  });

  it('logs in again once renewals are capped by the max TTL', async () => {
    const provider = await connect({ method: 'approle', roleId: APPROLE.roleId, secretId: APPROLE.secretId });
    const ref = { ...scope(), key: 'CAPPED' };
    await provider.put(ref, new Secret('v'));
    advance(45);
    await provider.get(ref); // renewed to 105 s after login
    advance(45);
    await provider.get(ref); // renewal asks for 60 s, gets 60 (max TTL 150 s reached exactly)
    advance(45);
    await provider.get(ref); // asks for 60 s, gets 15 s: capped
    expect(emulator.stats.renewals).toBe(3);
    expect(emulator.stats.logins).toBe(1);
    advance(12);
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.stats.logins, 'a capped token is replaced, not renewed again').toBe(2);
    expect(emulator.stats.renewals).toBe(3);
  });

  it('logs in again when the AppRole token is not renewable', async () => {
    const provider = await connect({ method: 'approle', roleId: FIXED_APPROLE.roleId, secretId: FIXED_APPROLE.secretId });
    const ref = { ...scope(), key: 'FIXED' };
    await provider.put(ref, new Secret('v'));
    advance(45);
    await provider.get(ref);
    expect(emulator.stats.requests['POST renew-self']).toBeUndefined();
    expect(emulator.stats.logins).toBe(2);
  });

  it('logs in again when Vault refuses the renewal', async () => {
    const provider = await connect({ method: 'approle', roleId: APPROLE.roleId, secretId: APPROLE.secretId });
    const ref = { ...scope(), key: 'REFUSED' };
    await provider.put(ref, new Secret('v'));
    emulator.revokeIssuedTokens();
    advance(45);
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    // Vault answers a revoked token's renew-self with 403; the session logs in instead.
    expect(emulator.stats.renewals).toBe(0);
    expect(emulator.stats.logins).toBe(2);
  });

  it('keeps using a still-valid token when renewal fails for a moment, and renews later', async () => {
    const provider = await connect({ method: 'approle', roleId: APPROLE.roleId, secretId: APPROLE.secretId });
    const ref = { ...scope(), key: 'SEALED_FOR_A_MOMENT' };
    await provider.put(ref, new Secret('v'));
    advance(45);
    emulator.failNext(503, 4); // every attempt of the renewal
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.stats.faultsServed).toBe(4);
    expect(emulator.stats.logins).toBe(1);
    advance(8); // past the retry point (half of the 15 s left), still inside the lease
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.stats.renewals).toBe(1);
    expect(emulator.stats.logins).toBe(1);
  });

  it('keeps using a still-valid token when the replacing login fails for a moment', async () => {
    const provider = await connect({ method: 'approle', roleId: FIXED_APPROLE.roleId, secretId: FIXED_APPROLE.secretId });
    const ref = { ...scope(), key: 'LOGIN_LATER' };
    await provider.put(ref, new Secret('v'));
    advance(45);
    emulator.failNext(503, 4); // every attempt of the login
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.stats.faultsServed).toBe(4);
    expect(emulator.stats.logins).toBe(1);
    advance(8);
    expect((await provider.get(ref)).value.reveal()).toBe('v');
    expect(emulator.stats.logins, 'logged in on the next try').toBe(2);
  });

  it('renews a renewable static token it was given, learning its TTL with lookup-self', async () => {
    const token = emulator.issueToken({ ttlSeconds: 90, renewable: true });
    const provider = await connect({ method: 'token', token });
    expect(emulator.stats.requests['GET lookup-self']).toBe(1);
    const ref = { ...scope(), key: 'STATIC' };
    await provider.put(ref, new Secret('v'));
    advance(61);
    await provider.get(ref);
    expect(emulator.stats.renewals).toBe(1);
    expect(emulator.tokenTtl(token)).toBe(90);
    advance(80); // 141 s after issue: alive only because it was renewed
    expect((await provider.get(ref)).value.reveal()).toBe('v');
  });

  it('leaves a non-renewable or non-expiring static token alone', async () => {
    const fixed = emulator.issueToken({ ttlSeconds: 90, renewable: false });
    const provider = await connect({ method: 'token', token: fixed });
    const ref = { ...scope(), key: 'FIXED_STATIC' };
    await provider.put(ref, new Secret('v'));
    advance(70);
    await provider.get(ref);
    advance(30);
    await expectErrorCode(provider.get(ref), 'PROVIDER_AUTH_FAILED', 'an expired static token');
    expect(emulator.stats.requests['POST renew-self']).toBeUndefined();
    expect(emulator.stats.logins).toBe(0);
  });
});
