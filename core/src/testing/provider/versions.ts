import { expect } from 'vitest';
import { expectErrorCode, expectSecret } from './assertions.js';
import { itWith } from './gated.js';
import type { ConformanceContext } from './harness.js';

export function registerVersionCases(ctx: ConformanceContext): void {
  itWith(ctx, 'versions', true, 'gives every write a new version id', async () => {
    const ref = ctx.ref('ROTATED');
    const first = await ctx.put(ref, 'one');
    const second = await ctx.put(ref, 'two');
    const third = await ctx.put(ref, 'three');
    expect(new Set([first.version, second.version, third.version]).size, 'distinct version ids').toBe(3);
    expect((await ctx.provider.get(ref)).version).toBe(third.version);
  });

  itWith(ctx, 'versions', true, 'reads an earlier version by its id', async () => {
    const ref = ctx.ref('ROTATED');
    const first = await ctx.put(ref, 'one');
    const second = await ctx.put(ref, 'two');
    await ctx.put(ref, 'three');
    const old = await ctx.provider.get(ref, { version: first.version! });
    expectSecret(old.value, 'one', 'first version');
    expect(old.version).toBe(first.version);
    expectSecret((await ctx.provider.get(ref, { version: second.version! })).value, 'two', 'second version');
    expectSecret((await ctx.provider.get(ref)).value, 'three', 'latest version');
  });

  itWith(ctx, 'versions', true, 'raises NOT_FOUND for a version the key never had', async () => {
    const ref = ctx.ref('ONE_VERSION');
    await ctx.put(ref, 'only');
    // A version id that exists, but on another key: valid in form for this backend, absent here.
    const other = ctx.ref('TWO_VERSIONS');
    await ctx.put(other, 'a');
    const foreign = await ctx.put(other, 'b');
    await expectErrorCode(ctx.provider.get(ref, { version: foreign.version! }), 'NOT_FOUND', 'get of a version the key never had');
  });

  itWith(ctx, 'versions', false, 'raises UNSUPPORTED when asked for a version', async () => {
    const ref = ctx.ref('UNVERSIONED');
    await ctx.put(ref, 'value');
    await expectErrorCode(ctx.provider.get(ref, { version: '1' }), 'UNSUPPORTED', 'get with a version');
  });
}
