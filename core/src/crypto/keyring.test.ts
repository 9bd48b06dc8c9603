import { describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { Keyring } from './keyring.js';
import { isKeygateError } from '../errors.js';

function codeOf(work: () => unknown): string | undefined {
  try {
    work();
  } catch (error) {
    return isKeygateError(error) ? error.code : `not a Keygate error: ${String(error)}`;
  }
  return undefined;
}

/** Replaces one dot-separated part of a `kg1.…` envelope. */
function withPart(envelope: string, index: number, change: (part: string) => string): string {
  const parts = envelope.split('.');
  parts[index] = change(parts[index] ?? '');
  return parts.join('.');
}

function flip(base64url: string): string {
  const bytes = Buffer.from(base64url, 'base64url');
  bytes[0] = (bytes[0] ?? 0) ^ 0x80;
  return bytes.toString('base64url');
}

describe('Keyring', () => {
  const k1 = Keyring.generateKey();
  const k2 = Keyring.generateKey();

  it('encrypts and decrypts text and bytes', () => {
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1 } });
    for (const value of ['s3cr3t', '', '🔑 鍵 e\u0301', 'x'.repeat(100_000)]) {
      const envelope = keyring.encrypt(value);
      expect(envelope).not.toContain(value || 'never-empty');
      expect(keyring.decrypt(envelope)).toBe(value);
    }
    const bytes = randomBytes(64);
    expect(keyring.decryptBytes(keyring.encrypt(bytes)).equals(bytes)).toBe(true);
  });

  it('produces a different ciphertext every time', () => {
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1 } });
    expect(keyring.encrypt('same')).not.toBe(keyring.encrypt('same'));
  });

  it('writes the documented kg1 format naming the key', () => {
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1 } });
    const envelope = keyring.encrypt('value');
    const parts = envelope.split('.');
    expect(parts).toHaveLength(8);
    expect(parts[0]).toBe('kg1');
    expect(parts[1]).toBe('k1');
    expect(Keyring.keyIdOf(envelope)).toBe('k1');
    expect(Keyring.keyIdOf('not.an.envelope')).toBeUndefined();
  });

  it('binds the ciphertext to its context', () => {
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1 } });
    const envelope = keyring.encrypt('value', 'tenant-a/DB_URL');
    expect(keyring.decrypt(envelope, 'tenant-a/DB_URL')).toBe('value');
    expect(codeOf(() => keyring.decrypt(envelope, 'tenant-b/DB_URL'))).toBe('INTERNAL');
    expect(codeOf(() => keyring.decrypt(envelope))).toBe('INTERNAL');
    expect(codeOf(() => keyring.decrypt(keyring.encrypt('value'), 'tenant-a/DB_URL'))).toBe('INTERNAL');
  });

  it.each([
    ['wrap IV', 2],
    ['wrapped data key', 3],
    ['wrap tag', 4],
    ['IV', 5],
    ['ciphertext', 6],
    ['tag', 7],
  ])('detects a tampered %s', (_name, index) => {
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1 } });
    const envelope = keyring.encrypt('value', 'ctx');
    expect(codeOf(() => keyring.decrypt(withPart(envelope, index, flip), 'ctx'))).toBe('INTERNAL');
  });

  it('refuses truncated authentication tags', () => {
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1 } });
    const envelope = keyring.encrypt('value', 'ctx');
    const truncate = (part: string): string => Buffer.from(part, 'base64url').subarray(0, 4).toString('base64url');
    expect(codeOf(() => keyring.decrypt(withPart(envelope, 7, truncate), 'ctx'))).toBe('INTERNAL');
    expect(codeOf(() => keyring.decrypt(withPart(envelope, 4, truncate), 'ctx'))).toBe('INTERNAL');
  });

  it('detects a ciphertext relabelled with another key id', () => {
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1, k2 } });
    const envelope = keyring.encrypt('value');
    expect(codeOf(() => keyring.decrypt(withPart(envelope, 1, () => 'k2')))).toBe('INTERNAL');
  });

  it('rejects what is not a keyring ciphertext', () => {
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1 } });
    const envelope = keyring.encrypt('value');
    for (const bad of ['', 'plaintext', withPart(envelope, 0, () => 'kg2'), `${envelope}.extra`, envelope.split('.').slice(0, 7).join('.')]) {
      expect(codeOf(() => keyring.decrypt(bad))).toBe('INTERNAL');
    }
  });

  it('keeps decrypting old ciphertexts after the active key changes', () => {
    const before = new Keyring({ activeKeyId: 'k1', keys: { k1 } });
    const old = before.encrypt('old value', 'ctx');
    const after = new Keyring({ activeKeyId: 'k2', keys: { k1, k2 } });
    const fresh = after.encrypt('new value', 'ctx');
    expect(Keyring.keyIdOf(fresh)).toBe('k2');
    expect(after.decrypt(old, 'ctx')).toBe('old value');
    expect(after.decrypt(fresh, 'ctx')).toBe('new value');
    expect(after.activeKeyId).toBe('k2');
    expect(after.keyIds.sort()).toEqual(['k1', 'k2']);
  });

  it('names an unknown key id', () => {
    const old = new Keyring({ activeKeyId: 'retired', keys: { retired: k1 } }).encrypt('value');
    const keyring = new Keyring({ activeKeyId: 'k2', keys: { k2 } });
    let message = '';
    try {
      keyring.decrypt(old);
    } catch (error) {
      expect(isKeygateError(error) && error.code).toBe('INTERNAL');
      message = error instanceof Error ? error.message : '';
    }
    expect(message).toContain('"retired"');
  });

  it('does not decrypt with a different key under the same id', () => {
    const envelope = new Keyring({ activeKeyId: 'k1', keys: { k1 } }).encrypt('value');
    expect(codeOf(() => new Keyring({ activeKeyId: 'k1', keys: { k1: k2 } }).decrypt(envelope))).toBe('INTERNAL');
  });

  it('copies its keys so later changes to the caller’s buffer do not matter', () => {
    const key = Buffer.from(k1);
    const keyring = new Keyring({ activeKeyId: 'k1', keys: { k1: key } });
    const envelope = keyring.encrypt('value');
    key.fill(0);
    expect(keyring.decrypt(envelope)).toBe('value');
  });

  it.each([
    ['a 16-byte key', { activeKeyId: 'k1', keys: { k1: randomBytes(16) } }],
    ['a 33-byte key', { activeKeyId: 'k1', keys: { k1: randomBytes(33) } }],
    ['an empty key', { activeKeyId: 'k1', keys: { k1: new Uint8Array() } }],
    ['an active key that is missing', { activeKeyId: 'k3', keys: { k1: randomBytes(32) } }],
    ['no keys at all', { activeKeyId: 'k1', keys: {} }],
    ['a key id with a dot', { activeKeyId: 'k.1', keys: { 'k.1': randomBytes(32) } }],
    ['an empty key id', { activeKeyId: '', keys: { '': randomBytes(32) } }],
    ['a 65-character key id', { activeKeyId: 'k'.repeat(65), keys: { ['k'.repeat(65)]: randomBytes(32) } }],
  ])('refuses a configuration with %s', (_name, config) => {
    expect(codeOf(() => new Keyring(config))).toBe('INVALID_CONFIGURATION');
  });

  it('generates 32-byte random keys', () => {
    const a = Keyring.generateKey();
    expect(a).toHaveLength(32);
    expect(a.equals(Keyring.generateKey())).toBe(false);
  });
});
