import { afterAll, describe, expect, it } from 'vitest';
import { decryptFromServer, generateE2eeKeyPair } from '@keygate/core/wire';
import { WorkerE2eeEncryptor } from './e2ee-encryptor.js';

const encryptor = new WorkerE2eeEncryptor();
afterAll(() => encryptor.close());

describe('E2EE on a worker thread', () => {
  it('encrypts many concurrent responses, each to its own client and with its own server key', async () => {
    const clients = Array.from({ length: 3 }, () => generateE2eeKeyPair());
    const jobs = Array.from({ length: 90 }, (_, i) => ({ client: clients[i % 3]!, plaintext: JSON.stringify({ secrets: { N: String(i) } }) }));
    const envelopes = await Promise.all(jobs.map((j) => encryptor.encrypt(j.client.publicKeyBase64, j.plaintext)));
    envelopes.forEach((envelope, i) => expect(decryptFromServer(jobs[i]!.client.privateKey, envelope)).toBe(jobs[i]!.plaintext));
    expect(new Set(envelopes.map((e) => e.serverPublicKey)).size).toBe(90);
    // Another client's key cannot open it.
    expect(() => decryptFromServer(clients[1]!.privateKey, envelopes[0]!)).toThrow();
  });

  it('fails only the response whose key is unusable', async () => {
    const client = generateE2eeKeyPair();
    const [bad, good] = await Promise.allSettled([encryptor.encrypt('bm90IGEga2V5', '{}'), encryptor.encrypt(client.publicKeyBase64, '{"ok":true}')]);
    expect(bad.status === 'rejected' && String(bad.reason)).toMatch(/E2EE encryption failed: X-E2E-Public-Key/);
    expect(good.status === 'fulfilled' && decryptFromServer(client.privateKey, good.value)).toBe('{"ok":true}');
  });

  it('starts a new thread after the old one is gone', async () => {
    const client = generateE2eeKeyPair();
    await encryptor.close();
    const envelope = await encryptor.encrypt(client.publicKeyBase64, 'again');
    expect(decryptFromServer(client.privateKey, envelope)).toBe('again');
  });
});
