import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { createKeygateClient } from '@keygate/sdk';
import { startTestHost, type TestHost } from '../src/host.js';

type Json = Record<string, unknown>;
const base = '/api/v1';
const secretsPath = `${base}/projects/app/environments/prod/secrets`;
const secretPath = `${base}/projects/app/environments/prod/providers/system/secrets/DB_PASSWORD`;
let h: TestHost;

/** A client key pair, and a decryption written from DESIGN §5 alone (not the shared wire module). */
function clientKeyPair(): { privateKey: KeyObject; header: string } {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey: pair.privateKey, header: pair.publicKey.export({ type: 'spki', format: 'der' }).toString('base64') };
}

function independentDecrypt(privateKey: KeyObject, envelope: Json): unknown {
  const serverKey = createPublicKey({ key: Buffer.from(envelope.serverPublicKey as string, 'base64'), type: 'spki', format: 'der' });
  const shared = diffieHellman({ privateKey, publicKey: serverKey });
  const key = Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(32, 0), Buffer.from('bella-e2ee-v1'), 32));
  const nonce = Buffer.from(envelope.nonce as string, 'base64');
  const tag = Buffer.from(envelope.tag as string, 'base64');
  expect(nonce).toHaveLength(12);
  expect(tag).toHaveLength(16);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: 16 });
  decipher.setAuthTag(tag);
  const plaintext = Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext as string, 'base64')), decipher.final()]).toString('utf8');
  return JSON.parse(plaintext) as unknown;
}

// Both ways the host can encrypt: on the event loop (default) and on a worker thread.
describe.each([false, true])('end-to-end encryption (server.e2eeWorker: %s)', (e2eeWorker) => {
  let configDir: string;
  beforeAll(async () => {
    configDir = await mkdtemp(join(tmpdir(), 'keygate-e2ee-'));
    const configPath = join(configDir, 'keygate.yaml');
    await writeFile(configPath, `server:\n  e2eeWorker: ${e2eeWorker}\n`);
    h = await startTestHost({ configPath });
    expect((await h.api('POST', `${base}/projects`, { name: 'app' })).status).toBe(201);
    expect((await h.api('POST', `${base}/projects/app/environments`, { name: 'prod' })).status).toBe(201);
    expect((await h.api('PUT', secretPath, { value: 's3cr3t-ü', description: 'db' })).status).toBe(200);
    expect((await h.api('PUT', `${base}/projects/app/environments/prod/providers/system/secrets/API_URL`, { value: 'https://x' })).status).toBe(200);
  });
  afterAll(async () => {
    await h?.close();
    await rm(configDir, { recursive: true, force: true });
  });

  it('encrypts both secret-bearing responses to the caller\'s key', async () => {
    const plainAll = (await h.api('GET', secretsPath)).body as Json;
    const plainOne = (await h.api('GET', secretPath)).body as Json;
    for (const [path, plain] of [[secretsPath, plainAll], [secretPath, plainOne]] as const) {
      const { privateKey, header } = clientKeyPair();
      const res = await h.api('GET', path, undefined, { 'x-e2e-public-key': header });
      expect(res.status).toBe(200);
      const envelope = res.body as Json;
      expect(Object.keys(envelope).sort()).toEqual(['algorithm', 'ciphertext', 'encrypted', 'nonce', 'serverPublicKey', 'tag']);
      expect(envelope).toMatchObject({ encrypted: true, algorithm: 'ECDH-P256-HKDF-SHA256-AES256GCM' });
      expect(JSON.stringify(envelope)).not.toContain('s3cr3t');
      expect(independentDecrypt(privateKey, envelope)).toEqual(plain);
      // Another key pair cannot read it.
      expect(() => independentDecrypt(clientKeyPair().privateKey, envelope)).toThrow();
    }
    expect(plainAll.secrets).toEqual({ DB_PASSWORD: 's3cr3t-ü', API_URL: 'https://x' });
  });

  it('uses a server key once: many encrypted reads at once, every one with its own key', async () => {
    const { privateKey, header } = clientKeyPair();
    // Concurrent requests in three waves: with the worker, several share one hand-over.
    const rounds = await Promise.all(Array.from({ length: 3 }, async (_, round) => {
      await new Promise((resolve) => setTimeout(resolve, round * 20));
      return Promise.all(Array.from({ length: 40 }, () => h.api('GET', secretsPath, undefined, { 'x-e2e-public-key': header })));
    }));
    const envelopes = rounds.flat().map((res) => {
      expect(res.status).toBe(200);
      return res.body as Json;
    });
    expect(new Set(envelopes.map((e) => e.serverPublicKey)).size).toBe(envelopes.length);
    for (const envelope of envelopes) expect((independentDecrypt(privateKey, envelope) as Json).secrets).toEqual({ DB_PASSWORD: 's3cr3t-ü', API_URL: 'https://x' });
  });

  it('leaves every other response in the clear', async () => {
    const { header } = clientKeyPair();
    const version = await h.api('GET', `${secretsPath}/version`, undefined, { 'x-e2e-public-key': header });
    expect(version.body).toMatchObject({ environmentSlug: 'prod' });
    const list = await h.api('GET', `${base}/projects/app/environments/prod/providers/system/secrets`, undefined, { 'x-e2e-public-key': header });
    expect((list.body as Json).items).toHaveLength(2);
    const write = await h.api('PUT', `${base}/projects/app/environments/prod/providers/system/secrets/OTHER`, { value: 'v' }, { 'x-e2e-public-key': header });
    expect(write.body).toMatchObject({ key: 'OTHER' });
    await h.api('DELETE', `${base}/projects/app/environments/prod/providers/system/secrets/OTHER`);
    // Errors stay problem documents.
    const missing = await h.api('GET', `${base}/projects/app/environments/prod/providers/system/secrets/NOPE`, undefined, { 'x-e2e-public-key': header });
    expect(missing.status).toBe(404);
    expect(missing.body).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses a malformed X-E2E-Public-Key with a 400 naming the header', async () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
    const { header } = clientKeyPair();
    for (const value of ['not base64!', Buffer.from('hello').toString('base64'), p384, rsa, `${header}, ${header}`]) {
      for (const path of [secretsPath, secretPath]) {
        const res = await h.api('GET', path, undefined, { 'x-e2e-public-key': value });
        expect(res.status, value).toBe(400);
        expect(res.headers.get('content-type')).toContain('application/problem+json');
        expect((res.body as Json).detail).toContain('X-E2E-Public-Key');
        expect(JSON.stringify(res.body)).not.toContain('s3cr3t');
      }
    }
  });

  it.each(['signed', 'bearer'] as const)('round-trips through the SDK with %s requests', async (auth) => {
    const keygate = createKeygateClient({ baseUrl: h.url, apiKey: h.apiKey, auth, e2ee: true });
    const all = await keygate.getEnvironmentSecrets('app', 'prod');
    expect(all.secrets).toEqual({ DB_PASSWORD: 's3cr3t-ü', API_URL: 'https://x' });
    const one = await keygate.getSecret('app', 'prod', 'system', 'DB_PASSWORD');
    expect(one).toMatchObject({ key: 'DB_PASSWORD', value: 's3cr3t-ü', description: 'db' });
    // Non-secret responses pass through the SDK untouched.
    expect((await keygate.getSecretsVersion('app', 'prod')).environmentSlug).toBe('prod');
  });
});
