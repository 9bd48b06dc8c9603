import { describe, expect, it } from 'vitest';
import { generateEphemeralE2eeKey, type EphemeralE2eeKey } from '@keygate/core/wire';
import { E2eeKeyPool } from './e2ee-key-pool.js';

const turn = () => new Promise((resolve) => setImmediate(resolve));

/** A pool whose generator counts the keys it made. */
function countingPool(size: number): { pool: E2eeKeyPool; generated: () => number } {
  let count = 0;
  const pool = new E2eeKeyPool(size, () => {
    count++;
    return generateEphemeralE2eeKey();
  });
  return { pool, generated: () => count };
}

async function filled(pool: E2eeKeyPool, size: number): Promise<void> {
  for (let i = 0; i < 100 && pool.available < size; i++) await turn();
  expect(pool.available).toBe(size);
}

describe('E2EE server key pool', () => {
  it('hands out every key once: no key is ever given twice, across refills and empty spells', async () => {
    const { pool } = countingPool(8);
    const seen = new Set<string>();
    const privates = new Set<string>();
    const record = (key: EphemeralE2eeKey) => {
      expect(seen.has(key.publicKeyBase64)).toBe(false);
      seen.add(key.publicKeyBase64);
      privates.add(key.ecdh.getPrivateKey('hex'));
    };
    for (let round = 0; round < 10; round++) {
      // Bursts larger than the pool (some keys made on the spot), then time to refill.
      for (let i = 0; i < 12; i++) record(pool.take());
      await turn();
      for (let i = 0; i < 3; i++) record(pool.take());
      await filled(pool, 8);
    }
    expect(seen.size).toBe(150);
    expect(privates.size).toBe(150);
  });

  it('generates off the request path: taking from a ready pool generates nothing until the next turn', async () => {
    const { pool, generated } = countingPool(4);
    pool.take();
    await filled(pool, 4);
    const before = generated();
    const taken = [pool.take(), pool.take()];
    expect(generated()).toBe(before);
    expect(pool.available).toBe(2);
    await filled(pool, 4);
    expect(generated()).toBe(before + 2);
    expect(taken[0]!.publicKeyBase64).not.toBe(taken[1]!.publicKeyBase64);
  });

  it('never makes a caller wait: an empty pool generates a key on the spot', () => {
    const { pool, generated } = countingPool(4);
    expect(pool.available).toBe(0);
    const key = pool.take();
    expect(generated()).toBe(1);
    expect(Buffer.from(key.publicKeyBase64, 'base64')).toHaveLength(91);
  });
});
