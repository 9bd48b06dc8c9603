import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { KeygateError } from '../errors.js';

/**
 * AES-256-GCM envelope encryption with a versioned keyring.
 *
 * Each value gets its own random data key (DEK); the DEK is wrapped with the keyring's active key
 * encryption key (KEK), whose id travels with the ciphertext. Adding a new KEK and making it active
 * rotates the master key without re-encrypting anything: old ciphertexts still name their KEK.
 *
 * Ciphertext format (all base64url): `kg1.{kekId}.{wrapIv}.{wrappedDek}.{wrapTag}.{iv}.{ciphertext}.{tag}`.
 */
const FORMAT = 'kg1';
const KEY_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const TAG_BYTES = 16;

export interface KeyringKeys {
  activeKeyId: string;
  /** Key id → 32 raw bytes. */
  keys: Record<string, Uint8Array>;
}

export class Keyring {
  readonly #keys: Map<string, Buffer>;
  readonly activeKeyId: string;

  constructor(config: KeyringKeys) {
    this.#keys = new Map();
    for (const [id, key] of Object.entries(config.keys)) {
      if (!KEY_ID_PATTERN.test(id)) throw new KeygateError('INVALID_CONFIGURATION', `keyring key id "${id}" must match ${KEY_ID_PATTERN}`);
      if (key.length !== 32) throw new KeygateError('INVALID_CONFIGURATION', `keyring key "${id}" must be 32 bytes, got ${key.length}`);
      this.#keys.set(id, Buffer.from(key));
    }
    if (!this.#keys.has(config.activeKeyId)) {
      throw new KeygateError('INVALID_CONFIGURATION', `keyring active key "${config.activeKeyId}" is not among its keys`);
    }
    this.activeKeyId = config.activeKeyId;
  }

  static generateKey(): Buffer {
    return randomBytes(32);
  }

  get keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  /** @param context additional authenticated data: binds the ciphertext to where it is stored. */
  encrypt(plaintext: string | Uint8Array, context = ''): string {
    const kek = this.#keys.get(this.activeKeyId)!;
    const dek = randomBytes(32);
    const aad = Buffer.from(context, 'utf8');

    const wrapIv = randomBytes(12);
    const wrapper = createCipheriv('aes-256-gcm', kek, wrapIv);
    wrapper.setAAD(Buffer.from(this.activeKeyId, 'utf8'));
    const wrappedDek = Buffer.concat([wrapper.update(dek), wrapper.final()]);

    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', dek, iv);
    cipher.setAAD(aad);
    const data = typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext;
    const ciphertext = Buffer.concat([cipher.update(data), cipher.final()]);

    return [
      FORMAT,
      this.activeKeyId,
      b64(wrapIv),
      b64(wrappedDek),
      b64(wrapper.getAuthTag()),
      b64(iv),
      b64(ciphertext),
      b64(cipher.getAuthTag()),
    ].join('.');
  }

  decryptBytes(envelope: string, context = ''): Buffer {
    const parts = envelope.split('.');
    if (parts.length !== 8 || parts[0] !== FORMAT) throw new KeygateError('INTERNAL', 'not a keyring ciphertext');
    const [, kekId, wrapIv, wrappedDek, wrapTag, iv, ciphertext, tag] = parts as [string, string, string, string, string, string, string, string];
    const kek = this.#keys.get(kekId);
    if (!kek) throw new KeygateError('INTERNAL', `ciphertext was made with keyring key "${kekId}", which is not configured`);
    try {
      // A fixed tag length: GCM would otherwise accept truncated tags, which are far easier to forge.
      const unwrapper = createDecipheriv('aes-256-gcm', kek, unb64(wrapIv), { authTagLength: TAG_BYTES });
      unwrapper.setAAD(Buffer.from(kekId, 'utf8'));
      unwrapper.setAuthTag(unb64(wrapTag));
      const dek = Buffer.concat([unwrapper.update(unb64(wrappedDek)), unwrapper.final()]);
      const decipher = createDecipheriv('aes-256-gcm', dek, unb64(iv), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(unb64(tag));
      return Buffer.concat([decipher.update(unb64(ciphertext)), decipher.final()]);
    } catch {
      throw new KeygateError('INTERNAL', 'ciphertext failed authentication (wrong key, wrong context or tampered)');
    }
  }

  decrypt(envelope: string, context = ''): string {
    return this.decryptBytes(envelope, context).toString('utf8');
  }

  /** Id of the key a ciphertext was made with, e.g. to find values still under a retired key. */
  static keyIdOf(envelope: string): string | undefined {
    const parts = envelope.split('.');
    return parts.length === 8 && parts[0] === FORMAT ? parts[1] : undefined;
  }
}

function b64(data: Uint8Array): string {
  return Buffer.from(data).toString('base64url');
}

function unb64(text: string): Buffer {
  return Buffer.from(text, 'base64url');
}
