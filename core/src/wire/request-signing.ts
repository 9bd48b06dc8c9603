import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** How SDKs authenticate a request with an API key (DESIGN §5). */
export const SIGNING_HEADERS = {
  keyId: 'x-bella-key-id',
  timestamp: 'x-bella-timestamp',
  signature: 'x-bella-signature',
} as const;

export const SIGNATURE_SKEW_SECONDS = 300;

export interface SignableRequest {
  method: string;
  /** Raw, still percent-encoded path, without the query string. */
  path: string;
  /** Raw query string without `?` (e.g. `b=2&a=1`), or empty. */
  query: string;
  /** UTC ISO-8601 with whole seconds and `Z`, e.g. `2026-01-02T03:04:05Z`. */
  timestamp: string;
  body: Uint8Array | string;
}

/** `k=v` pairs sorted and joined with `&`; pairs are kept as sent (still encoded). */
export function canonicalQuery(query: string): string {
  if (query === '') return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .sort()
    .join('&');
}

/** SHA-256 of an empty body: most signed requests (GET, DELETE) have one. */
const EMPTY_BODY_SHA256 = createHash('sha256').digest('hex');

export function sha256Hex(body: Uint8Array | string): string {
  if (body.length === 0) return EMPTY_BODY_SHA256;
  return createHash('sha256').update(body).digest('hex');
}

export function canonicalRequest(request: SignableRequest): string {
  return [
    request.method.toUpperCase(),
    request.path,
    canonicalQuery(request.query),
    request.timestamp,
    sha256Hex(request.body),
  ].join('\n');
}

const SECRET_PATTERN = /^[0-9a-fA-F]{64}$/;

/** Lowercase hex HMAC-SHA256 keyed with the hex-decoded API key secret. */
export function signRequest(secretHex: string, request: SignableRequest): string {
  return signatureBytes(secretHex, request).toString('hex');
}

function signatureBytes(secretHex: string, request: SignableRequest): Buffer {
  // Buffer.from(…, 'hex') silently stops at the first non-hex character, so a wrong or empty
  // secret would otherwise become a short (even empty) HMAC key instead of an error.
  if (!SECRET_PATTERN.test(secretHex)) throw new TypeError('the API key secret must be 64 hex characters');
  return createHmac('sha256', Buffer.from(secretHex, 'hex')).update(canonicalRequest(request), 'utf8').digest();
}

/** The timestamp format the signature scheme requires (whole seconds, `Z`). */
export function signingTimestamp(date: Date = new Date()): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

const TIMESTAMP_PATTERN = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The instant a signing timestamp names, or undefined when it is not one. Date.parse rolls
 * impossible dates over (Feb 30 → Mar 2, 24:00 → next day), so each field is checked against its
 * range first: only a timestamp that names one instant unambiguously is accepted.
 */
function signedAt(timestamp: string): number | undefined {
  const m = TIMESTAMP_PATTERN.exec(timestamp);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const days = month === 2 && leap ? 29 : DAYS_IN_MONTH[month - 1];
  if (days === undefined || day < 1 || day > days || Number(m[4]) > 23 || Number(m[5]) > 59 || Number(m[6]) > 59) return undefined;
  const at = Date.parse(timestamp);
  return Number.isNaN(at) ? undefined : at;
}

export type RequestSignatureCheck =
  | { ok: true }
  | { ok: false; reason: 'malformed-timestamp' | 'timestamp-out-of-window' | 'malformed-signature' | 'bad-signature' };

export function verifyRequestSignature(
  secretHex: string,
  request: SignableRequest,
  signature: string,
  nowMs: number = Date.now(),
  skewSeconds: number = SIGNATURE_SKEW_SECONDS,
): RequestSignatureCheck {
  const at = signedAt(request.timestamp);
  if (at === undefined) return { ok: false, reason: 'malformed-timestamp' };
  if (Math.abs(nowMs - at) > skewSeconds * 1000) return { ok: false, reason: 'timestamp-out-of-window' };
  if (!/^[0-9a-f]{64}$/.test(signature)) return { ok: false, reason: 'malformed-signature' };
  // Both sides are 32 bytes (the signature was checked to be 64 hex digits): compared as bytes in
  // constant time, with no hex encoding or hashing of either side.
  return timingSafeEqual(signatureBytes(secretHex, request), Buffer.from(signature, 'hex')) ? { ok: true } : { ok: false, reason: 'bad-signature' };
}
