import { createHmac } from 'node:crypto';
import { timingSafeEqualString } from './timing-safe.js';

/**
 * Signatures on calls Keygate makes (rotation functions, webhooks, custom HTTP providers):
 * `X-Bella-Signature: t={unix seconds},v1={hex HMAC-SHA256(utf8(secret), "{t}.{raw body}")}`.
 */
export const OUTBOUND_SIGNATURE_HEADER = 'x-bella-signature';
export const OUTBOUND_TOLERANCE_SECONDS = 300;

export function computeOutboundSignature(secret: string, timestamp: number, rawBody: string | Uint8Array): string {
  // Bytes are signed as they are: decoding them as UTF-8 first would replace invalid sequences and
  // sign a different body from the one on the wire.
  return createHmac('sha256', Buffer.from(secret, 'utf8')).update(`${timestamp}.`, 'utf8').update(rawBody).digest('hex');
}

/** Builds the header value. Call again for every retry so each attempt carries a fresh `t`. */
export function signOutbound(secret: string, rawBody: string | Uint8Array, nowMs: number = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return `t=${t},v1=${computeOutboundSignature(secret, t, rawBody)}`;
}

/** Signs with several secrets at once (secret rolling): the receiver accepts any matching `v1`. */
export function signOutboundMulti(secrets: readonly string[], rawBody: string | Uint8Array, nowMs: number = Date.now()): string {
  const t = Math.floor(nowMs / 1000);
  return [`t=${t}`, ...secrets.map((secret) => `v1=${computeOutboundSignature(secret, t, rawBody)}`)].join(',');
}

export interface ParsedOutboundSignature {
  timestamp: number;
  signatures: string[];
}

export function parseOutboundSignature(header: string): ParsedOutboundSignature | undefined {
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') {
      if (!/^\d{1,12}$/.test(value) || timestamp !== undefined) return undefined;
      timestamp = Number(value);
    } else if (name === 'v1') {
      signatures.push(value);
    }
  }
  if (timestamp === undefined || signatures.length === 0) return undefined;
  return { timestamp, signatures };
}

/**
 * Receiver side. Accepts a header whose timestamp is within the tolerance in either direction and
 * any of whose `v1` values matches one of the given secrets, compared in constant time.
 */
export function verifyOutboundSignature(
  secrets: string | readonly string[],
  header: string,
  rawBody: string | Uint8Array,
  toleranceSeconds: number = OUTBOUND_TOLERANCE_SECONDS,
  nowMs: number = Date.now(),
): boolean {
  const parsed = parseOutboundSignature(header);
  if (!parsed) return false;
  if (Math.abs(Math.floor(nowMs / 1000) - parsed.timestamp) > toleranceSeconds) return false;
  let matched = false;
  for (const secret of typeof secrets === 'string' ? [secrets] : secrets) {
    const expected = computeOutboundSignature(secret, parsed.timestamp, rawBody);
    for (const candidate of parsed.signatures) {
      // Keep comparing after a match so timing does not reveal which value matched.
      if (timingSafeEqualString(expected, candidate)) matched = true;
    }
  }
  return matched;
}
