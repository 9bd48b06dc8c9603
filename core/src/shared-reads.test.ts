import { describe, expect, it } from 'vitest';
import { SharedReads, scopeKey } from './shared-reads.js';

/** A backend whose reads are held until released, each answering the value current when it began. */
function heldBackend() {
  let value = 'v1';
  const started: Array<{ value: string; release(): void }> = [];
  const read = () =>
    new Promise<string>((resolve) => {
      const seen = value;
      started.push({ value: seen, release: () => resolve(seen) });
    });
  return { read, started, set: (v: string) => (value = v) };
}

/** A few turns of the event loop: a read ending schedules the next one for the turn after. */
const tick = async () => {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
};

describe('SharedReads', () => {
  it('gives calls made together one read and the same answer', async () => {
    const backend = heldBackend();
    const reads = new SharedReads<string>();
    const calls = Array.from({ length: 10 }, () => reads.get('prod', backend.read));
    await tick();
    expect(backend.started).toHaveLength(1);
    backend.started[0]!.release();
    expect(await Promise.all(calls)).toEqual(Array(10).fill('v1'));
  });

  it('never answers a call with a read that began before it, waiting with one read at a time', async () => {
    const backend = heldBackend();
    const reads = new SharedReads<string>({ maxInFlight: 1 });
    const early = reads.get('prod', backend.read);
    await tick();
    backend.set('v2');
    const late = [reads.get('prod', backend.read), reads.get('prod', backend.read)];
    await tick();
    // The late calls wait for the read in flight instead of joining it.
    expect(backend.started).toHaveLength(1);
    backend.started[0]!.release();
    expect(await early).toBe('v1');
    await tick();
    expect(backend.started).toHaveLength(2);
    backend.started[1]!.release();
    expect(await Promise.all(late)).toEqual(['v2', 'v2']);
  });

  it('by default starts a second read beside a running one, and a third wave waits for a slot', async () => {
    const backend = heldBackend();
    const reads = new SharedReads<string>();
    const first = reads.get('prod', backend.read);
    await tick();
    backend.set('v2');
    const second = [reads.get('prod', backend.read), reads.get('prod', backend.read)];
    await tick();
    expect(backend.started.map((r) => r.value)).toEqual(['v1', 'v2']);
    backend.set('v3');
    const third = reads.get('prod', backend.read);
    await tick();
    expect(backend.started).toHaveLength(2);
    backend.started[1]!.release();
    expect(await Promise.all(second)).toEqual(['v2', 'v2']);
    await tick();
    expect(backend.started.map((r) => r.value)).toEqual(['v1', 'v2', 'v3']);
    backend.started[2]!.release();
    backend.started[0]!.release();
    expect(await third).toBe('v3');
    expect(await first).toBe('v1');
  });

  it('reads each key on its own, and a failed read fails only its calls', async () => {
    const reads = new SharedReads<string>();
    let n = 0;
    const [a, b] = await Promise.allSettled([
      reads.get('a', () => Promise.reject(new Error('backend down'))),
      reads.get('b', () => Promise.resolve(`b${++n}`)),
    ]);
    expect(a.status === 'rejected' && String(a.reason)).toMatch('backend down');
    expect(b.status === 'fulfilled' && b.value).toBe('b1');
    expect(await reads.get('a', () => Promise.resolve('a again'))).toBe('a again');
  });

  it('refuses a maxInFlight that is not a positive integer, naming it', () => {
    for (const bad of [0, -1, 1.5, Number.NaN]) expect(() => new SharedReads({ maxInFlight: bad })).toThrow(/maxInFlight must be a positive integer/);
  });

  it('names scopes unambiguously', () => {
    expect(scopeKey({ tenant: 't', project: 'a/b', environment: 'c' })).not.toBe(scopeKey({ tenant: 't', project: 'a', environment: 'b/c' }));
  });
});
