import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import {
  OUTBOUND_TOLERANCE_SECONDS,
  computeOutboundSignature,
  parseOutboundSignature,
  signOutbound,
  signOutboundMulti,
  verifyOutboundSignature,
} from './outbound-signature.js';

const SECRET = 'whsec_rolling-secret-1';
const NEXT_SECRET = 'whsec_rolling-secret-2';
const BODY = '{"action":"rotate","secretKey":"DB_PASSWORD","requestId":"r-1"}';
const T = 1_767_323_045; // 2026-01-02T03:04:05Z
const NOW = T * 1000;
// Computed once from the DESIGN §5 rule: hex HMAC-SHA256(utf8(secret), "{t}.{raw body}").
const VECTOR_V1 = 'fe1612451295dbbd448f1907d30ca1cfe9f3b7f235ed33be5cd652ae7b463772';

function reference(secret: string, t: number, body: string | Uint8Array): string {
  return createHmac('sha256', Buffer.from(secret, 'utf8'))
    .update(Buffer.concat([Buffer.from(`${t}.`, 'utf8'), Buffer.from(body)]))
    .digest('hex');
}

describe('outbound signatures', () => {
  it('matches the fixed test vector', () => {
    expect(reference(SECRET, T, BODY)).toBe(VECTOR_V1);
    expect(computeOutboundSignature(SECRET, T, BODY)).toBe(VECTOR_V1);
    expect(signOutbound(SECRET, BODY, NOW + 999)).toBe(`t=${T},v1=${VECTOR_V1}`);
    expect(verifyOutboundSignature(SECRET, `t=${T},v1=${VECTOR_V1}`, BODY, undefined, NOW)).toBe(true);
  });

  it('verifies its own signatures, for string and byte bodies alike', () => {
    const header = signOutbound(SECRET, BODY, NOW);
    expect(verifyOutboundSignature(SECRET, header, BODY, undefined, NOW)).toBe(true);
    expect(verifyOutboundSignature(SECRET, header, Buffer.from(BODY, 'utf8'), undefined, NOW)).toBe(true);
    expect(verifyOutboundSignature([SECRET], header, BODY, undefined, NOW)).toBe(true);
  });

  it('signs raw bytes as they are, even when they are not valid UTF-8', () => {
    const bytes = Uint8Array.from([0x7b, 0xff, 0xfe, 0x00, 0x7d]);
    expect(computeOutboundSignature(SECRET, T, bytes)).toBe(reference(SECRET, T, bytes));
    const header = signOutbound(SECRET, bytes, NOW);
    expect(verifyOutboundSignature(SECRET, header, bytes, undefined, NOW)).toBe(true);
    // The lossy UTF-8 reading of those bytes is a different body.
    expect(verifyOutboundSignature(SECRET, header, Buffer.from(bytes).toString('utf8'), undefined, NOW)).toBe(false);
  });

  it('rejects a tampered body or a wrong secret', () => {
    const header = signOutbound(SECRET, BODY, NOW);
    expect(verifyOutboundSignature(SECRET, header, BODY.replace('r-1', 'r-2'), undefined, NOW)).toBe(false);
    expect(verifyOutboundSignature(SECRET, header, `${BODY} `, undefined, NOW)).toBe(false);
    expect(verifyOutboundSignature(NEXT_SECRET, header, BODY, undefined, NOW)).toBe(false);
  });

  it('rejects a changed timestamp: t is signed too', () => {
    expect(verifyOutboundSignature(SECRET, `t=${T + 1},v1=${VECTOR_V1}`, BODY, undefined, NOW)).toBe(false);
  });

  it('accepts ±300 s and rejects stale or future timestamps beyond that', () => {
    expect(OUTBOUND_TOLERANCE_SECONDS).toBe(300);
    const header = `t=${T},v1=${VECTOR_V1}`;
    for (const offset of [-300, -1, 0, 1, 300]) {
      expect(verifyOutboundSignature(SECRET, header, BODY, undefined, NOW + offset * 1000)).toBe(true);
    }
    // Received 301 s after signing: stale.
    expect(verifyOutboundSignature(SECRET, header, BODY, undefined, NOW + 301_000)).toBe(false);
    expect(verifyOutboundSignature(SECRET, header, BODY, undefined, NOW + 3_600_000)).toBe(false);
    // Signed 301 s in the receiver's future.
    expect(verifyOutboundSignature(SECRET, header, BODY, undefined, NOW - 301_000)).toBe(false);
    expect(verifyOutboundSignature(SECRET, header, BODY, 600, NOW + 301_000)).toBe(true);
  });

  it('rejects uppercase hex', () => {
    expect(verifyOutboundSignature(SECRET, `t=${T},v1=${VECTOR_V1.toUpperCase()}`, BODY, undefined, NOW)).toBe(false);
  });

  it('accepts a header with several v1 values when one of them matches', () => {
    const other = computeOutboundSignature(NEXT_SECRET, T, BODY);
    expect(verifyOutboundSignature(SECRET, `t=${T},v1=${other},v1=${VECTOR_V1}`, BODY, undefined, NOW)).toBe(true);
    expect(verifyOutboundSignature(SECRET, `t=${T},v1=${'0'.repeat(64)},v1=${VECTOR_V1},v1=junk`, BODY, undefined, NOW)).toBe(true);
    expect(verifyOutboundSignature(SECRET, `t=${T},v1=${other},v1=${'0'.repeat(64)}`, BODY, undefined, NOW)).toBe(false);
  });

  it('rolls secrets: a receiver holding old and new secrets accepts either, a sender may sign with both', () => {
    const receiver = [SECRET, NEXT_SECRET];
    expect(verifyOutboundSignature(receiver, signOutbound(SECRET, BODY, NOW), BODY, undefined, NOW)).toBe(true);
    expect(verifyOutboundSignature(receiver, signOutbound(NEXT_SECRET, BODY, NOW), BODY, undefined, NOW)).toBe(true);
    expect(verifyOutboundSignature(receiver, signOutbound('whsec_unrelated', BODY, NOW), BODY, undefined, NOW)).toBe(false);

    const both = signOutboundMulti([SECRET, NEXT_SECRET], BODY, NOW);
    expect(both).toBe(`t=${T},v1=${VECTOR_V1},v1=${computeOutboundSignature(NEXT_SECRET, T, BODY)}`);
    expect(verifyOutboundSignature(SECRET, both, BODY, undefined, NOW)).toBe(true);
    expect(verifyOutboundSignature(NEXT_SECRET, both, BODY, undefined, NOW)).toBe(true);
    expect(verifyOutboundSignature([], both, BODY, undefined, NOW)).toBe(false);
  });

  it('signs every attempt with a fresh t', () => {
    const first = parseOutboundSignature(signOutbound(SECRET, BODY, NOW));
    const retry = parseOutboundSignature(signOutbound(SECRET, BODY, NOW + 30_000));
    expect(retry?.timestamp).toBe((first?.timestamp ?? 0) + 30);
    expect(retry?.signatures).not.toEqual(first?.signatures);
  });

  it('parses headers, tolerating spaces and unknown schemes', () => {
    expect(parseOutboundSignature(`t=${T}, v1=abc, v0=old,v1=def`)).toEqual({ timestamp: T, signatures: ['abc', 'def'] });
    expect(verifyOutboundSignature(SECRET, `t=${T}, v0=whatever, v1=${VECTOR_V1}`, BODY, undefined, NOW)).toBe(true);
  });

  it.each([
    ['empty', ''],
    ['no timestamp', `v1=${VECTOR_V1}`],
    ['no signature', `t=${T}`],
    ['two timestamps', `t=${T},t=${T},v1=${VECTOR_V1}`],
    ['non-numeric timestamp', `t=abc,v1=${VECTOR_V1}`],
    ['negative timestamp', `t=-${T},v1=${VECTOR_V1}`],
    ['fractional timestamp', `t=${T}.5,v1=${VECTOR_V1}`],
    ['millisecond timestamp', `t=${NOW},v1=${VECTOR_V1}`],
    ['bare signature', VECTOR_V1],
    ['wrong separators', `t=${T};v1=${VECTOR_V1}`],
  ])('rejects a malformed header (%s)', (_name, header) => {
    expect(verifyOutboundSignature(SECRET, header, BODY, undefined, NOW)).toBe(false);
  });

  it('parses nothing out of malformed headers', () => {
    expect(parseOutboundSignature('')).toBeUndefined();
    expect(parseOutboundSignature(`t=${T}`)).toBeUndefined();
    expect(parseOutboundSignature(`v1=${VECTOR_V1}`)).toBeUndefined();
    expect(parseOutboundSignature(`t=x,v1=${VECTOR_V1}`)).toBeUndefined();
  });
});
