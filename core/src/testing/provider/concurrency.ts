import { expect, it } from 'vitest';
import { expectSecret, revealAll } from './assertions.js';
import type { ConformanceContext } from './harness.js';

export function registerConcurrencyCases(ctx: ConformanceContext): void {
  it('settles parallel writes to one key, leaving one of the written values', async () => {
    const ref = ctx.ref('HOT_KEY');
    const values = Array.from({ length: ctx.options.concurrentWriters }, (_, i) => `parallel-${i}`);
    const outcomes = await Promise.allSettled(values.map((value) => ctx.put(ref, value)));
    const failures = outcomes.filter((outcome) => outcome.status === 'rejected');
    expect(failures, 'unconditional writes do not fail because others write at the same time').toEqual([]);

    const final = await ctx.provider.get(ref);
    expect(values).toContain(final.value.reveal());
    expectSecret((await ctx.provider.getAll(ctx.scope)).get('HOT_KEY'), final.value.reveal(), 'getAll agrees with get');
    if (ctx.capabilities.versions) {
      const versions = outcomes.map((outcome) => (outcome.status === 'fulfilled' ? outcome.value.version : undefined));
      expect(new Set(versions).size, 'every write got its own version').toBe(values.length);
      expect(versions).toContain(final.version);
    }
  });

  it('lands parallel writes to different keys', async () => {
    const entries = Array.from({ length: ctx.options.concurrentWriters }, (_, i) => [`KEY_${i}`, `value-${i}`] as const);
    await Promise.all(entries.map(([key, value]) => ctx.put(ctx.ref(key), value)));
    expect(revealAll(await ctx.provider.getAll(ctx.scope))).toEqual(Object.fromEntries(entries));
  });
}
