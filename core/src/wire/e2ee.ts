import { createCipheriv, createDecipheriv, createECDH, createHmac, createPublicKey, diffieHellman, generateKeyPairSync, hkdfSync, randomBytes, createPrivateKey, type ECDH, type KeyObject } from 'node:crypto';

export const E2EE_HEADER = 'x-e2e-public-key';
export const E2EE_ALGORITHM = 'ECDH-P256-HKDF-SHA256-AES256GCM';
const HKDF_INFO = 'bella-e2ee-v1';
const HKDF_SALT = Buffer.alloc(32);
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** DER of SubjectPublicKeyInfo for an uncompressed P-256 point, up to the point itself. */
const P256_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex');

export interface E2eeEnvelope {
  encrypted: true;
  algorithm: typeof E2EE_ALGORITHM;
  serverPublicKey: string;
  nonce: string;
  tag: string;
  ciphertext: string;
}

/** Parses `base64(SPKI DER)` of a P-256 public key; throws a TypeError naming the problem. */
export function importE2eePublicKey(base64Spki: string): KeyObject {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64Spki)) throw new TypeError('X-E2E-Public-Key must be base64');
  let key: KeyObject;
  try {
    key = createPublicKey({ key: Buffer.from(base64Spki, 'base64'), format: 'der', type: 'spki' });
  } catch {
    throw new TypeError('X-E2E-Public-Key is not an SPKI DER public key');
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    throw new TypeError('X-E2E-Public-Key must be a P-256 key');
  }
  return key;
}

/**
 * Parsed client keys by their base64: a client keeps its key pair across requests, and parsing SPKI
 * DER costs about as much as the rest of the encryption. Bounded; cleared when full.
 */
const clientKeys = new Map<string, KeyObject>();
const MAX_CLIENT_KEYS = 1000;

/** {@link importE2eePublicKey}, remembering keys already parsed. */
export function e2eeClientKey(base64Spki: string): KeyObject {
  let key = clientKeys.get(base64Spki);
  if (key === undefined) {
    key = importE2eePublicKey(base64Spki);
    if (clientKeys.size >= MAX_CLIENT_KEYS) clientKeys.clear();
    clientKeys.set(base64Spki, key);
  }
  return key;
}

function deriveKey(privateKey: KeyObject, publicKey: KeyObject): Buffer {
  const shared = diffieHellman({ privateKey, publicKey });
  return Buffer.from(hkdfSync('sha256', shared, HKDF_SALT, HKDF_INFO, 32));
}

/** Uncompressed points of parsed client keys: a client keeps its key across requests. */
const points = new WeakMap<KeyObject, Buffer>();

/** The uncompressed point (0x04 ‖ x ‖ y) of a P-256 public key. */
function uncompressedPoint(publicKey: KeyObject): Buffer {
  const known = points.get(publicKey);
  if (known) return known;
  const { x, y } = publicKey.export({ format: 'jwk' });
  if (x === undefined || y === undefined) throw new TypeError('not an EC public key');
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(x, 'base64url'), Buffer.from(y, 'base64url')]);
  points.set(publicKey, point);
  return point;
}

const HKDF_INFO_BLOCK = Buffer.concat([Buffer.from(HKDF_INFO, 'utf8'), Buffer.from([1])]);

/**
 * HKDF-SHA256 (RFC 5869) for one 32-byte block: extract, then expand with counter 1. The same
 * bytes as `hkdfSync` (checked by the tests), with two HMACs and no key-object set-up per call.
 */
function hkdfBlock(secret: Buffer): Buffer {
  const prk = createHmac('sha256', HKDF_SALT).update(secret).digest();
  return createHmac('sha256', prk).update(HKDF_INFO_BLOCK).digest();
}

/** A server key pair for one response: used once, then dropped. */
export interface EphemeralE2eeKey {
  ecdh: ECDH;
  /** base64(SPKI DER) of the public half, as sent in `serverPublicKey`. */
  publicKeyBase64: string;
}

/** A fresh P-256 key pair for {@link encryptForClient}. */
export function generateEphemeralE2eeKey(): EphemeralE2eeKey {
  const ecdh = createECDH('prime256v1');
  return { ecdh, publicKeyBase64: spkiBase64(ecdh.generateKeys()) };
}

function spkiBase64(point: Buffer): string {
  return Buffer.concat([P256_SPKI_PREFIX, point]).toString('base64');
}

/**
 * One ECDH object for the server keys of this thread: `generateKeys()` replaces its key pair with
 * a fresh one on every call, a third cheaper than a new object per response, and the pair of the
 * previous response is gone once the next one is made. Safe because a response's generation and
 * use run synchronously, with nothing in between.
 */
let serverEcdh: ECDH | undefined;

/**
 * Nonces are drawn from a buffer of CSPRNG output refilled when used up: one `randomBytes` call
 * costs microseconds whatever its size, so drawing 12 bytes per response is mostly overhead. Each
 * refill is a new buffer and every slice is handed out once, so no nonce is ever repeated.
 */
const NONCE_POOL_BYTES = NONCE_BYTES * 256;
let nonces = Buffer.alloc(0);
let nonceOffset = 0;

function freshNonce(): Buffer {
  if (nonceOffset + NONCE_BYTES > nonces.length) {
    nonces = randomBytes(NONCE_POOL_BYTES);
    nonceOffset = 0;
  }
  const nonce = nonces.subarray(nonceOffset, nonceOffset + NONCE_BYTES);
  nonceOffset += NONCE_BYTES;
  return nonce;
}

/**
 * The key of one response: a fresh server key pair agreed with the client's key. It is the costly
 * half of an envelope (a key generation and an ECDH), so a host may compute it on another thread
 * and seal there or here. Only the derived key leaves: the server's private key stays in the
 * thread's ECDH object until the next response's key replaces it.
 */
export interface E2eeResponseKey {
  /** base64(SPKI DER) of the server's public key, as sent in `serverPublicKey`. */
  serverPublicKey: string;
  /** The AES-256-GCM key from HKDF over the shared secret. */
  key: Buffer;
}

/**
 * Server side: agrees a response key with the client's public key (DESIGN §5). `serverKey` is for
 * tests that need to know it; the caller must never pass one twice. The raw ECDH interface is used
 * because it is several times cheaper per response than generating a KeyObject pair and exporting
 * it as SPKI; the result is the same.
 */
export function agreeE2eeResponseKey(clientPublicKey: KeyObject | string, serverKey?: EphemeralE2eeKey): E2eeResponseKey {
  const publicKey = typeof clientPublicKey === 'string' ? e2eeClientKey(clientPublicKey) : clientPublicKey;
  let ecdh: ECDH;
  let serverPublicKey: string;
  if (serverKey) {
    ({ ecdh, publicKeyBase64: serverPublicKey } = serverKey);
  } else {
    ecdh = serverEcdh ??= createECDH('prime256v1');
    serverPublicKey = spkiBase64(ecdh.generateKeys());
  }
  return { serverPublicKey, key: hkdfBlock(ecdh.computeSecret(uncompressedPoint(publicKey))) };
}

/** Server side: the envelope of the whole JSON response under a key from {@link agreeE2eeResponseKey}, used for this response only. */
export function sealE2eeResponse({ serverPublicKey, key }: E2eeResponseKey, plaintext: string): E2eeEnvelope {
  const nonce = freshNonce();
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return {
    encrypted: true,
    algorithm: E2EE_ALGORITHM,
    serverPublicKey,
    nonce: nonce.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    ciphertext: ciphertext.toString('base64'),
  };
}

/** Server side: encrypts the whole JSON response for the client's public key with a fresh server key pair (DESIGN §5). */
export function encryptForClient(clientPublicKey: KeyObject | string, plaintext: string, serverKey?: EphemeralE2eeKey): E2eeEnvelope {
  return sealE2eeResponse(agreeE2eeResponseKey(clientPublicKey, serverKey), plaintext);
}

export interface E2eeKeyPair {
  privateKey: KeyObject;
  /** base64(SPKI DER), the value of the `X-E2E-Public-Key` request header. */
  publicKeyBase64: string;
}

/** Client side: a fresh key pair whose public half goes into `X-E2E-Public-Key`. */
export function generateE2eeKeyPair(): E2eeKeyPair {
  const pair = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return { privateKey: pair.privateKey, publicKeyBase64: pair.publicKey.export({ format: 'der', type: 'spki' }).toString('base64') };
}

export function isE2eeEnvelope(value: unknown): value is E2eeEnvelope {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return v.encrypted === true && v.algorithm === E2EE_ALGORITHM && ['serverPublicKey', 'nonce', 'tag', 'ciphertext'].every((k) => typeof v[k] === 'string');
}

/** Client side: decrypts an envelope to the JSON text the server would have sent in the clear. */
export function decryptFromServer(privateKey: KeyObject | string, envelope: E2eeEnvelope): string {
  const priv = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  const serverKey = importE2eePublicKey(envelope.serverPublicKey);
  const nonce = Buffer.from(envelope.nonce, 'base64');
  const tag = Buffer.from(envelope.tag, 'base64');
  if (nonce.length !== NONCE_BYTES) throw new TypeError(`E2EE nonce must be ${NONCE_BYTES} bytes`);
  // GCM accepts truncated tags unless told otherwise, and a short tag is far easier to forge.
  if (tag.length !== TAG_BYTES) throw new TypeError(`E2EE tag must be ${TAG_BYTES} bytes`);
  const key = deriveKey(priv, serverKey);
  const decipher = createDecipheriv('aes-256-gcm', key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(Buffer.from(envelope.ciphertext, 'base64')), decipher.final()]).toString('utf8');
}
