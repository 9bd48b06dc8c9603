import { describe, expect, it } from 'vitest';
import { createHmac } from 'node:crypto';
import {
  signWebhookPayload,
  verifyWebhookSignature,
  WEBHOOK_SIGNATURE_HEADER,
  type HttpRestProviderRequest,
  type KeygateRotationRequest,
  type BellaRotationRequest,
} from './index.js';

const SECRET = 'whsec_2f6c1a0e9b7d4c3a';
const NEXT_SECRET = 'whsec_rolled_8e1d0c';
const NOW_MS = Date.UTC(2026, 0, 2, 3, 4, 5);
const NOW = NOW_MS / 1000;
const BODY = JSON.stringify({
  action: 'rotate',
  secretKey: 'DB_PASSWORD',
  projectSlug: 'shop',
  environmentSlug: 'production',
  requestId: 'run-0c5e',
} satisfies KeygateRotationRequest);

/** The HMAC written out independently of core, so a regression there cannot hide here. */
function v1(secret: string, t: number, body: string): string {
  return createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
}

describe('verifyWebhookSignature', () => {
  it('accepts a valid signature, for a string or the same bytes', () => {
    const header = `t=${NOW},v1=${v1(SECRET, NOW, BODY)}`;
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, NOW_MS)).toBe(true);
    expect(verifyWebhookSignature(SECRET, header, new TextEncoder().encode(BODY), 300, NOW_MS)).toBe(true);
    expect(verifyWebhookSignature([SECRET], header, BODY, 300, NOW_MS)).toBe(true);
  });

  it('uses the current time and a 300 s tolerance by default', () => {
    const header = signWebhookPayload(SECRET, BODY);
    expect(verifyWebhookSignature(SECRET, header, BODY)).toBe(true);
    expect(verifyWebhookSignature(SECRET, signWebhookPayload(SECRET, BODY, Date.now() - 301_000), BODY)).toBe(false);
  });

  it('rejects a tampered body, a wrong secret and a tampered signature', () => {
    const header = `t=${NOW},v1=${v1(SECRET, NOW, BODY)}`;
    expect(verifyWebhookSignature(SECRET, header, BODY.replace('DB_PASSWORD', 'DB_PASSWORX'), 300, NOW_MS)).toBe(false);
    expect(verifyWebhookSignature(SECRET, header, `${BODY} `, 300, NOW_MS)).toBe(false);
    expect(verifyWebhookSignature('another-secret', header, BODY, 300, NOW_MS)).toBe(false);
    const flipped = header.slice(0, -1) + (header.endsWith('0') ? '1' : '0');
    expect(verifyWebhookSignature(SECRET, flipped, BODY, 300, NOW_MS)).toBe(false);
    // The timestamp is signed too: moving it invalidates the signature.
    expect(verifyWebhookSignature(SECRET, `t=${NOW + 1},v1=${v1(SECRET, NOW, BODY)}`, BODY, 300, NOW_MS)).toBe(false);
  });

  it('rejects stale and future timestamps beyond the tolerance, both ways', () => {
    for (const offset of [-301, 301, -3600, 3600]) {
      const t = NOW + offset;
      expect(verifyWebhookSignature(SECRET, `t=${t},v1=${v1(SECRET, t, BODY)}`, BODY, 300, NOW_MS)).toBe(false);
    }
    for (const offset of [-300, -1, 0, 1, 300]) {
      const t = NOW + offset;
      expect(verifyWebhookSignature(SECRET, `t=${t},v1=${v1(SECRET, t, BODY)}`, BODY, 300, NOW_MS)).toBe(true);
    }
    const t = NOW - 60;
    expect(verifyWebhookSignature(SECRET, `t=${t},v1=${v1(SECRET, t, BODY)}`, BODY, 30, NOW_MS)).toBe(false);
  });

  it('accepts any of several v1 values, and any of several secrets (secret rolling)', () => {
    const both = `t=${NOW},v1=${v1('old-secret', NOW, BODY)},v1=${v1(SECRET, NOW, BODY)}`;
    expect(verifyWebhookSignature(SECRET, both, BODY, 300, NOW_MS)).toBe(true);
    expect(verifyWebhookSignature('old-secret', both, BODY, 300, NOW_MS)).toBe(true);
    expect(verifyWebhookSignature('unrelated', both, BODY, 300, NOW_MS)).toBe(false);

    const signedWithNext = `t=${NOW},v1=${v1(NEXT_SECRET, NOW, BODY)}`;
    expect(verifyWebhookSignature([SECRET, NEXT_SECRET], signedWithNext, BODY, 300, NOW_MS)).toBe(true);
    expect(verifyWebhookSignature(SECRET, signedWithNext, BODY, 300, NOW_MS)).toBe(false);
  });

  it('refuses uppercase hex (the contract says lowercase)', () => {
    const header = `t=${NOW},v1=${v1(SECRET, NOW, BODY).toUpperCase()}`;
    expect(verifyWebhookSignature(SECRET, header, BODY, 300, NOW_MS)).toBe(false);
  });

  it('refuses malformed and missing headers', () => {
    const sig = v1(SECRET, NOW, BODY);
    for (const header of ['', sig, `v1=${sig}`, `t=${NOW}`, `t=abc,v1=${sig}`, `t=${NOW},t=${NOW},v1=${sig}`, `t=${NOW},v0=${sig}`]) {
      expect(verifyWebhookSignature(SECRET, header, BODY, 300, NOW_MS)).toBe(false);
    }
    // What `req.headers[…]` gives when the header is missing; JavaScript callers can pass it.
    const missing = undefined as unknown as string;
    expect(verifyWebhookSignature(SECRET, missing, BODY, 300, NOW_MS)).toBe(false);
  });

  it('throws on an empty secret instead of quietly accepting or refusing everything', () => {
    const header = `t=${NOW},v1=${v1('', NOW, BODY)}`;
    expect(() => verifyWebhookSignature('', header, BODY, 300, NOW_MS)).toThrow(TypeError);
    expect(() => verifyWebhookSignature([], header, BODY, 300, NOW_MS)).toThrow(TypeError);
    expect(() => verifyWebhookSignature([SECRET, ''], header, BODY, 300, NOW_MS)).toThrow(TypeError);
    expect(() => verifyWebhookSignature(undefined as unknown as string, header, BODY, 300, NOW_MS)).toThrow(TypeError);
    expect(() => verifyWebhookSignature(SECRET, header, BODY, Number.NaN, NOW_MS)).toThrow(TypeError);
  });
});

describe('signWebhookPayload', () => {
  it('produces the header Keygate sends, with one v1 per secret', () => {
    expect(signWebhookPayload(SECRET, BODY, NOW_MS)).toBe(`t=${NOW},v1=${v1(SECRET, NOW, BODY)}`);
    expect(signWebhookPayload([SECRET, NEXT_SECRET], BODY, NOW_MS + 999)).toBe(
      `t=${NOW},v1=${v1(SECRET, NOW, BODY)},v1=${v1(NEXT_SECRET, NOW, BODY)}`,
    );
    expect(WEBHOOK_SIGNATURE_HEADER).toBe('x-bella-signature');
  });

  it('round-trips an HttpRest provider call', () => {
    const request: HttpRestProviderRequest = { action: 'set', path: 'shop/production', key: 'API_TOKEN', value: 'v', requestId: 'r-1' };
    const revoke: BellaRotationRequest = { ...JSON.parse(BODY) as KeygateRotationRequest, action: 'revoke', oldHandle: 'h-1' };
    for (const body of [JSON.stringify(request), JSON.stringify(revoke)]) {
      expect(verifyWebhookSignature(SECRET, signWebhookPayload(SECRET, body), body)).toBe(true);
    }
  });
});
