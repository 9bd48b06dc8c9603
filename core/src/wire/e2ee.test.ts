import { describe, expect, it } from 'vitest';
import { createCipheriv, createDecipheriv, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, type KeyObject } from 'node:crypto';
import {
  E2EE_ALGORITHM,
  E2EE_HEADER,
  decryptFromServer,
  agreeE2eeResponseKey,
  encryptForClient,
  generateE2eeKeyPair,
  generateEphemeralE2eeKey,
  importE2eePublicKey,
  isE2eeEnvelope,
  sealE2eeResponse,
  type E2eeEnvelope,
} from './e2ee.js';

const RESPONSE = JSON.stringify({
  environmentSlug: 'prod',
  environmentName: 'Production',
  secrets: { DB_URL: 'postgres://db/app', EMOJI: '🔑 鍵' },
  version: 42,
  lastModified: '2026-01-02T03:04:05Z',
});

/** DESIGN §5 written out independently of the module under test. */
function referenceKey(privateKey: KeyObject, peerSpkiBase64: string): Buffer {
  const publicKey = createPublicKey({ key: Buffer.from(peerSpkiBase64, 'base64'), format: 'der', type: 'spki' });
  const shared = diffieHellman({ privateKey, publicKey });
  return Buffer.from(hkdfSync('sha256', shared, Buffer.alloc(32, 0), Buffer.from('bella-e2ee-v1', 'utf8'), 32));
}

function referenceDecrypt(privateKey: KeyObject, envelope: E2eeEnvelope): string {
  const decipher = createDecipheriv('aes-256-gcm', referenceKey(privateKey, envelope.serverPublicKey), Buffer.from(envelope.nonce, 'base64'), {
    authTagLength: 16,
  });
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString('utf8');
}

function referenceEncrypt(clientSpkiBase64: string, plaintext: string): E2eeEnvelope {
  const server = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', referenceKey(server.privateKey, clientSpkiBase64), nonce);
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    encrypted: true,
    algorithm: 'ECDH-P256-HKDF-SHA256-AES256GCM',
    serverPublicKey: server.publicKey.export({ format: 'der', type: 'spki' }).toString('base64'),
    nonce: nonce.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

function flipFirstByte(base64: string): string {
  const bytes = Buffer.from(base64, 'base64');
  bytes[0] = (bytes[0] ?? 0) ^ 0x01;
  return bytes.toString('base64');
}

describe('E2EE envelope', () => {
  it('round-trips between encryptForClient and decryptFromServer', () => {
    const client = generateE2eeKeyPair();
    const envelope = encryptForClient(client.publicKeyBase64, RESPONSE);
    expect(decryptFromServer(client.privateKey, envelope)).toBe(RESPONSE);
    expect(E2EE_HEADER).toBe('x-e2e-public-key');
  });

  it('produces the §5 wire format', () => {
    const client = generateE2eeKeyPair();
    const envelope = encryptForClient(client.publicKeyBase64, RESPONSE);
    expect(isE2eeEnvelope(envelope)).toBe(true);
    expect(Object.keys(envelope).sort()).toEqual(['algorithm', 'ciphertext', 'encrypted', 'nonce', 'serverPublicKey', 'tag']);
    expect(envelope.encrypted).toBe(true);
    expect(envelope.algorithm).toBe('ECDH-P256-HKDF-SHA256-AES256GCM');
    expect(E2EE_ALGORITHM).toBe('ECDH-P256-HKDF-SHA256-AES256GCM');
    expect(Buffer.from(envelope.nonce, 'base64')).toHaveLength(12);
    expect(Buffer.from(envelope.tag, 'base64')).toHaveLength(16);
    // GCM adds no padding: the ciphertext is exactly as long as the UTF-8 plaintext.
    expect(Buffer.from(envelope.ciphertext, 'base64')).toHaveLength(Buffer.byteLength(RESPONSE, 'utf8'));
    const serverKey = createPublicKey({ key: Buffer.from(envelope.serverPublicKey, 'base64'), format: 'der', type: 'spki' });
    expect(serverKey.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('is readable by an independent implementation of the §5 rules', () => {
    const client = generateE2eeKeyPair();
    expect(referenceDecrypt(client.privateKey, encryptForClient(client.publicKeyBase64, RESPONSE))).toBe(RESPONSE);
  });

  it('reads what an independent server implementation produced', () => {
    const client = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const spki = client.publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(decryptFromServer(client.privateKey, referenceEncrypt(spki, RESPONSE))).toBe(RESPONSE);
    // A PEM private key string works as well as a KeyObject.
    const pem = client.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(decryptFromServer(pem, referenceEncrypt(spki, RESPONSE))).toBe(RESPONSE);
  });

  it('uses a fresh server key and nonce for every response, across refills of the nonce buffer', () => {
    const client = generateE2eeKeyPair();
    const envelopes = Array.from({ length: 600 }, () => encryptForClient(client.publicKeyBase64, RESPONSE));
    expect(new Set(envelopes.map((e) => e.serverPublicKey)).size).toBe(600);
    expect(new Set(envelopes.map((e) => e.nonce)).size).toBe(600);
    expect(new Set(envelopes.map((e) => e.ciphertext)).size).toBe(600);
    // Each was encrypted with the key pair it names, generated after the previous response's.
    for (const envelope of [envelopes[0]!, envelopes[299]!, envelopes[599]!]) expect(referenceDecrypt(client.privateKey, envelope)).toBe(RESPONSE);
  });

  it('encrypts with a server key generated ahead of time, readable by the independent implementation', () => {
    const client = generateE2eeKeyPair();
    const serverKey = generateEphemeralE2eeKey();
    const envelope = encryptForClient(importE2eePublicKey(client.publicKeyBase64), RESPONSE, serverKey);
    expect(envelope.serverPublicKey).toBe(serverKey.publicKeyBase64);
    expect(referenceDecrypt(client.privateKey, envelope)).toBe(RESPONSE);
    // The same parsed client key again (its point is cached): still a fresh server key.
    const again = encryptForClient(importE2eePublicKey(client.publicKeyBase64), RESPONSE);
    expect(again.serverPublicKey).not.toBe(serverKey.publicKeyBase64);
    expect(referenceDecrypt(client.privateKey, again)).toBe(RESPONSE);
  });

  it('agrees the key and seals in two steps (as a host does across threads), readable by the independent implementation', () => {
    const client = generateE2eeKeyPair();
    const agreed = agreeE2eeResponseKey(client.publicKeyBase64);
    expect(agreed.key).toHaveLength(32);
    expect(agreed.key.equals(referenceKey(client.privateKey, agreed.serverPublicKey))).toBe(true);
    const envelope = sealE2eeResponse(agreed, RESPONSE);
    expect(envelope.serverPublicKey).toBe(agreed.serverPublicKey);
    expect(referenceDecrypt(client.privateKey, envelope)).toBe(RESPONSE);
    expect(agreeE2eeResponseKey(client.publicKeyBase64).serverPublicKey).not.toBe(agreed.serverPublicKey);
  });

  it('accepts a KeyObject as the client key', () => {
    const client = generateE2eeKeyPair();
    const envelope = encryptForClient(importE2eePublicKey(client.publicKeyBase64), RESPONSE);
    expect(decryptFromServer(client.privateKey, envelope)).toBe(RESPONSE);
  });

  it.each<[string, keyof E2eeEnvelope]>([
    ['ciphertext', 'ciphertext'],
    ['tag', 'tag'],
    ['nonce', 'nonce'],
  ])('fails when the %s is tampered with', (_name, field) => {
    const client = generateE2eeKeyPair();
    const envelope = encryptForClient(client.publicKeyBase64, RESPONSE);
    const tampered = { ...envelope, [field]: flipFirstByte(String(envelope[field])) };
    expect(() => decryptFromServer(client.privateKey, tampered)).toThrow();
  });

  it('fails when the server key is swapped for another', () => {
    const client = generateE2eeKeyPair();
    const envelope = encryptForClient(client.publicKeyBase64, RESPONSE);
    expect(() => decryptFromServer(client.privateKey, { ...envelope, serverPublicKey: generateE2eeKeyPair().publicKeyBase64 })).toThrow();
  });

  it('fails for another client', () => {
    const envelope = encryptForClient(generateE2eeKeyPair().publicKeyBase64, RESPONSE);
    expect(() => decryptFromServer(generateE2eeKeyPair().privateKey, envelope)).toThrow();
  });

  it('refuses truncated tags and odd nonces', () => {
    const client = generateE2eeKeyPair();
    const envelope = encryptForClient(client.publicKeyBase64, RESPONSE);
    const shortTag = Buffer.from(envelope.tag, 'base64').subarray(0, 4).toString('base64');
    expect(() => decryptFromServer(client.privateKey, { ...envelope, tag: shortTag })).toThrow(/tag/);
    expect(() => decryptFromServer(client.privateKey, { ...envelope, nonce: randomBytes(16).toString('base64') })).toThrow(/nonce/);
  });

  it.each([
    ['not base64', 'not base64!'],
    ['empty', ''],
    ['random bytes', randomBytes(91).toString('base64')],
    ['a P-384 key', generateKeyPairSync('ec', { namedCurve: 'secp384r1' }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64')],
    ['an Ed25519 key', generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64')],
    ['a PEM key', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString()],
  ])('rejects a client public key that is %s', (_name, header) => {
    expect(() => importE2eePublicKey(header)).toThrow(TypeError);
    expect(() => encryptForClient(header, RESPONSE)).toThrow(TypeError);
  });

  it('recognises envelopes', () => {
    const envelope = encryptForClient(generateE2eeKeyPair().publicKeyBase64, RESPONSE);
    expect(isE2eeEnvelope(envelope)).toBe(true);
    expect(isE2eeEnvelope(JSON.parse(JSON.stringify(envelope)))).toBe(true);
    expect(isE2eeEnvelope({ ...envelope, encrypted: 'true' })).toBe(false);
    expect(isE2eeEnvelope({ ...envelope, algorithm: 'AES' })).toBe(false);
    expect(isE2eeEnvelope({ ...envelope, tag: undefined })).toBe(false);
    expect(isE2eeEnvelope(JSON.parse(RESPONSE))).toBe(false);
    expect(isE2eeEnvelope(null)).toBe(false);
    expect(isE2eeEnvelope('encrypted')).toBe(false);
  });
});
