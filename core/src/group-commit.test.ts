import { describe, expect, it } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A group whose writes are recorded, and which can be held in flight. */
function recording(maxBatch?: number) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let hold = false;
  const group = new GroupCommit<number, string>(async (items) => {
    batches.push(items);
    if (hold) await new Promise<void>((resolve) => (release = resolve));
    if (items.includes(13)) throw new Error('unlucky batch');
    return items.map((n) => `#${n}`);
  }, maxBatch);
  return { group, batches, holdNext: () => (hold = true), release: () => ((hold = false), release?.()) };
}

describe('GroupCommit', () => {
  it('writes the calls of one event-loop turn together and gives each its own result', async () => {
    const { group, batches } = recording();
    await expect(Promise.all([1, 2, 3].map((n) => group.add(n)))).resolves.toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('batches the calls made while a write is in flight into the next one', async () => {
    const { group, batches, holdNext, release } = recording();
    holdNext();
    const first = group.add(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(batches).toEqual([[1]]);
    const later = [group.add(2), group.add(3)];
    release();
    await expect(Promise.all([first, ...later])).resolves.toEqual(['#1', '#2', '#3']);
    expect(batches).toEqual([[1], [2, 3]]);
  });

  it('fails only the calls of a failed write, and splits batches at their maximum', async () => {
    const { group, batches } = recording(2);
    const results = await Promise.allSettled([10, 13, 14].map((n) => group.add(n)));
    expect(batches).toEqual([[10, 13], [14]]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(String((results[0] as PromiseRejectedResult).reason)).toMatch(/unlucky batch/);
  });

  it('flush waits for what was added', async () => {
    const { group, batches } = recording();
    void group.add(7);
    await group.flush();
    expect(batches).toEqual([[7]]);
    await group.flush();
  });
});
