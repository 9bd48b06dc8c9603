import { randomBytes } from 'node:crypto';

/** `bax-{keyId: 32 lowercase hex}-{secret: 64 lowercase hex}`; no other `-`. */
const API_KEY_PATTERN = /^bax-([0-9a-f]{32})-([0-9a-f]{64})$/;
const KEY_ID_PATTERN = /^[0-9a-f]{32}$/;

export interface ParsedApiKey {
  keyId: string;
  /** 64 lowercase hex characters; its hex-decoded bytes are the HMAC key for request signing. */
  secret: string;
}

export function parseApiKey(apiKey: string): ParsedApiKey | undefined {
  const match = API_KEY_PATTERN.exec(apiKey);
  if (!match) return undefined;
  return { keyId: match[1]!, secret: match[2]! };
}

export function isKeyId(value: string): boolean {
  return KEY_ID_PATTERN.test(value);
}

export function formatApiKey(key: ParsedApiKey): string {
  const formatted = `bax-${key.keyId}-${key.secret}`;
  if (!API_KEY_PATTERN.test(formatted)) throw new TypeError('keyId must be 32 and secret 64 lowercase hex characters');
  return formatted;
}

export function generateApiKey(): ParsedApiKey & { apiKey: string } {
  const keyId = randomBytes(16).toString('hex');
  const secret = randomBytes(32).toString('hex');
  return { keyId, secret, apiKey: formatApiKey({ keyId, secret }) };
}

/** The part of a key that may be shown after creation (lists, audit): `bax-{keyId}`. */
export function apiKeyPrefix(keyId: string): string {
  return `bax-${keyId}`;
}
