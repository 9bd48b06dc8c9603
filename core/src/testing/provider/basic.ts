import { expect, it } from 'vitest';
import { expectErrorCode, expectSecret } from './assertions.js';
import type { ConformanceContext } from './harness.js';

export function registerBasicCases(ctx: ConformanceContext): void {
  it('reads back what it wrote', async () => {
    const ref = ctx.ref('DB_URL');
    const written = await ctx.put(ref, 'postgres://app:pw@db/app');
    const read = await ctx.provider.get(ref);
    expect(read.key).toBe('DB_URL');
    expectSecret(read.value, 'postgres://app:pw@db/app', 'get after put');
    if (ctx.capabilities.versions || ctx.capabilities.compareAndSet) {
      expect(typeof written.version, 'put returns the new version id').toBe('string');
      expect(written.version).not.toBe('');
      expect(read.version, 'get returns the version put returned').toBe(written.version);
    }
  });

  it('raises NOT_FOUND for a key that does not exist', async () => {
    await expectErrorCode(ctx.provider.get(ctx.ref('MISSING')), 'NOT_FOUND', 'get of a missing key');
  });

  it('deletes a key: get raises NOT_FOUND and listings no longer show it', async () => {
    const ref = ctx.ref('TO_DELETE');
    await ctx.put(ref, 'short-lived');
    await ctx.put(ctx.ref('KEPT'), 'kept');
    await ctx.provider.delete(ref);
    await expectErrorCode(ctx.provider.get(ref), 'NOT_FOUND', 'get after delete');
    expect([...(await ctx.provider.getAll(ctx.scope)).keys()]).toEqual(['KEPT']);
    expect((await ctx.provider.listMetadata(ctx.scope)).map((entry) => entry.key)).toEqual(['KEPT']);
    expectSecret((await ctx.provider.get(ctx.ref('KEPT'))).value, 'kept', 'the other key after delete');
  });

  it('raises NOT_FOUND when deleting a key that does not exist', async () => {
    await expectErrorCode(ctx.provider.delete(ctx.ref('NEVER_WRITTEN')), 'NOT_FOUND', 'delete of a missing key');
  });

  it('raises NOT_FOUND when deleting a key twice', async () => {
    const ref = ctx.ref('TWICE');
    await ctx.put(ref, 'value');
    await ctx.provider.delete(ref);
    await expectErrorCode(ctx.provider.delete(ref), 'NOT_FOUND', 'second delete');
  });

  it('writes a deleted key again from scratch', async () => {
    const ref = ctx.ref('REBORN');
    await ctx.put(ref, 'first life');
    await ctx.provider.delete(ref);
    await ctx.put(ref, 'second life');
    expectSecret((await ctx.provider.get(ref)).value, 'second life', 'get after delete and put');
  });

  it('overwrites a value', async () => {
    const ref = ctx.ref('API_TOKEN');
    await ctx.put(ref, 'old');
    await ctx.put(ref, 'new');
    expectSecret((await ctx.provider.get(ref)).value, 'new', 'get after overwrite');
    expectSecret((await ctx.provider.getAll(ctx.scope)).get('API_TOKEN'), 'new', 'getAll after overwrite');
  });

  it('passes its connectivity check', async () => {
    await expect(ctx.provider.check()).resolves.toBeUndefined();
  });
}
