import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature } from './index.js';

/**
 * Fixed test vectors for `X-Bella-Signature` verification. The HMACs were computed outside
 * JavaScript (Python's hmac module) so that neither core nor the SDK can agree with itself on a
 * wrong answer. A receiver in another language can check itself against the same table.
 */
const SECRET = 'whsec_vector_secret_4f1a';
const PREVIOUS = 'whsec_previous_secret_77';
const T = 1767323045;
const NOW_MS = T * 1000;
const BODY = '{"action":"get","path":"shop/production","key":"DB_URL","requestId":"0b8e7c1e-2f43-4c55-9d2a-8f1e6b3c5a10"}';
const SIG = '7147406c52529e8036e476870228a00d6bde637670832c9fe52e93343f42f71d';
const SIG_PREVIOUS = '26239b2bf41a34b76b13d511cdca2c11dc064aadf87bc77e498014b375413824';
const SIG_EMPTY = 'b7e0b999829d6c9967000773c64b20954d987874034bf13d1339817c355a2115';
const BINARY = new Uint8Array([0xff, 0xfe, 0x00, 0x41]);
const SIG_BINARY = 'da4299f206afabf5add8c15397b738087a16758c674048bdee670d7232ac7e2a';
const UNICODE = '{"v":"ключ 🔑"}';
const SIG_UNICODE = '3244ac29c3c3c34ba72d654e6d67f0df33a9b252f12e0a689f7d2359779dda2c';

interface Vector {
  name: string;
  header: string;
  body?: string | Uint8Array;
  secret?: string | string[];
  nowMs?: number;
  valid: boolean;
}

const vectors: Vector[] = [
  { name: 'valid', header: `t=${T},v1=${SIG}`, valid: true },
  { name: 'valid, spaces after commas', header: `t=${T}, v1=${SIG}`, valid: true },
  { name: 'valid, 300 s old (edge of the window)', header: `t=${T},v1=${SIG}`, nowMs: NOW_MS + 300_000, valid: true },
  { name: 'valid, 300 s ahead (edge of the window)', header: `t=${T},v1=${SIG}`, nowMs: NOW_MS - 300_000, valid: true },
  { name: 'valid, empty body', header: `t=${T},v1=${SIG_EMPTY}`, body: '', valid: true },
  { name: 'valid, bytes that are not UTF-8', header: `t=${T},v1=${SIG_BINARY}`, body: BINARY, valid: true },
  { name: 'valid, non-ASCII body as string', header: `t=${T},v1=${SIG_UNICODE}`, body: UNICODE, valid: true },
  { name: 'valid, non-ASCII body as UTF-8 bytes', header: `t=${T},v1=${SIG_UNICODE}`, body: new TextEncoder().encode(UNICODE), valid: true },
  { name: 'several v1: a stale secret first, the right one second', header: `t=${T},v1=${SIG_PREVIOUS},v1=${SIG}`, valid: true },
  { name: 'several v1: right one first, garbage second', header: `t=${T},v1=${SIG},v1=zz`, valid: true },
  { name: 'several secrets on the receiver (rollover)', header: `t=${T},v1=${SIG_PREVIOUS}`, secret: [SECRET, PREVIOUS], valid: true },
  { name: 'tampered body', header: `t=${T},v1=${SIG}`, body: BODY.replace('DB_URL', 'DB_URI'), valid: false },
  { name: 'tampered body, trailing newline', header: `t=${T},v1=${SIG}`, body: `${BODY}\n`, valid: false },
  { name: 'tampered timestamp', header: `t=${T + 1},v1=${SIG}`, nowMs: NOW_MS, valid: false },
  { name: 'stale: 301 s old', header: `t=${T},v1=${SIG}`, nowMs: NOW_MS + 301_000, valid: false },
  { name: 'future: 301 s ahead', header: `t=${T},v1=${SIG}`, nowMs: NOW_MS - 301_000, valid: false },
  { name: 'uppercase hex (the contract is lowercase; refused)', header: `t=${T},v1=${SIG.toUpperCase()}`, valid: false },
  { name: 'several v1, none matching', header: `t=${T},v1=${SIG_PREVIOUS},v1=${SIG_EMPTY}`, valid: false },
  { name: 'wrong secret', header: `t=${T},v1=${SIG}`, secret: PREVIOUS, valid: false },
  { name: 'truncated signature', header: `t=${T},v1=${SIG.slice(0, 63)}`, valid: false },
  { name: 'malformed: no t', header: `v1=${SIG}`, valid: false },
  { name: 'malformed: no v1', header: `t=${T}`, valid: false },
  { name: 'malformed: two t', header: `t=${T},t=${T},v1=${SIG}`, valid: false },
  { name: 'malformed: t not an integer', header: `t=${T}.5,v1=${SIG}`, valid: false },
  { name: 'malformed: negative t', header: `t=-${T},v1=${SIG}`, valid: false },
  { name: 'malformed: t in milliseconds', header: `t=${NOW_MS},v1=${SIG}`, valid: false },
  { name: 'malformed: only v0', header: `t=${T},v0=${SIG}`, valid: false },
  { name: 'malformed: semicolons', header: `t=${T};v1=${SIG}`, valid: false },
  { name: 'malformed: empty', header: '', valid: false },
  { name: 'malformed: bare signature', header: SIG, valid: false },
];

describe('X-Bella-Signature test vectors', () => {
  for (const vector of vectors) {
    it(`${vector.valid ? 'accepts' : 'refuses'}: ${vector.name}`, () => {
      expect(verifyWebhookSignature(vector.secret ?? SECRET, vector.header, vector.body ?? BODY, 300, vector.nowMs ?? NOW_MS)).toBe(vector.valid);
    });
  }

  it('throws a TypeError when given a parsed body instead of the raw bytes', () => {
    const parsed = JSON.parse(BODY) as unknown as string;
    expect(() => verifyWebhookSignature(SECRET, `t=${T},v1=${SIG}`, parsed, 300, NOW_MS)).toThrow(/raw body/);
  });
});
