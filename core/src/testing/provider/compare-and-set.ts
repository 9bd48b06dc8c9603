import { expect } from 'vitest';
import { isKeygateError } from '../../errors.js';
import { expectErrorCode, expectSecret } from './assertions.js';
import { itWith } from './gated.js';
import type { ConformanceContext } from './harness.js';

export function registerCompareAndSetCases(ctx: ConformanceContext): void {
  itWith(ctx, 'compareAndSet', true, 'creates a new key with ifVersion null', async () => {
    const ref = ctx.ref('CREATED_ONCE');
    const created = await ctx.put(ref, 'first', { ifVersion: null });
    expect(typeof created.version, 'a compare-and-set provider returns the version it wrote').toBe('string');
    expectSecret((await ctx.provider.get(ref)).value, 'first', 'created value');
  });

  itWith(ctx, 'compareAndSet', true, 'writes when ifVersion matches the current version', async () => {
    const ref = ctx.ref('GUARDED');
    const first = await ctx.put(ref, 'one');
    const second = await ctx.put(ref, 'two', { ifVersion: first.version! });
    expect(second.version).not.toBe(first.version);
    const read = await ctx.provider.get(ref);
    expectSecret(read.value, 'two', 'value after a matching compare-and-set');
    expect(read.version).toBe(second.version);
  });

  itWith(ctx, 'compareAndSet', true, 'raises VERSION_CONFLICT for a stale ifVersion and keeps the value', async () => {
    const ref = ctx.ref('GUARDED');
    const first = await ctx.put(ref, 'one');
    await ctx.put(ref, 'two', { ifVersion: first.version! });
    await expectErrorCode(ctx.put(ref, 'lost update', { ifVersion: first.version! }), 'VERSION_CONFLICT', 'put with a stale ifVersion');
    expectSecret((await ctx.provider.get(ref)).value, 'two', 'value after a lost compare-and-set');
  });

  itWith(ctx, 'compareAndSet', true, 'raises VERSION_CONFLICT for ifVersion null when the key exists', async () => {
    const ref = ctx.ref('EXISTS');
    await ctx.put(ref, 'original');
    await expectErrorCode(ctx.put(ref, 'clobber', { ifVersion: null }), 'VERSION_CONFLICT', 'put with ifVersion null on an existing key');
    expectSecret((await ctx.provider.get(ref)).value, 'original', 'value after a refused create');
  });

  itWith(ctx, 'compareAndSet', true, 'raises VERSION_CONFLICT for an ifVersion on a key that does not exist', async () => {
    const ref = ctx.ref('ABSENT');
    const elsewhere = await ctx.put(ctx.ref('PRESENT'), 'x');
    await expectErrorCode(ctx.put(ref, 'value', { ifVersion: elsewhere.version! }), 'VERSION_CONFLICT', 'put with an ifVersion on a missing key');
    await expectErrorCode(ctx.provider.get(ref), 'NOT_FOUND', 'the refused write left nothing behind');
  });

  itWith(ctx, 'compareAndSet', true, 'lets exactly one of several writers from the same base version win', async () => {
    const ref = ctx.ref('CONTENDED');
    const base = await ctx.put(ref, 'base');
    const candidates = Array.from({ length: ctx.options.concurrentWriters }, (_, i) => `writer-${i}`);
    const outcomes = await Promise.allSettled(candidates.map((value) => ctx.put(ref, value, { ifVersion: base.version! })));
    const winners = candidates.filter((_, i) => outcomes[i]?.status === 'fulfilled');
    expect(winners, 'exactly one compare-and-set wins').toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        const reason: unknown = outcome.reason;
        expect(isKeygateError(reason) ? reason.code : reason, 'every loser gets VERSION_CONFLICT').toBe('VERSION_CONFLICT');
      }
    }
    expectSecret((await ctx.provider.get(ref)).value, winners[0]!, 'the winner’s value');
  });

  itWith(ctx, 'compareAndSet', true, 'lets exactly one of several creators of a new key win', async () => {
    const ref = ctx.ref('RACE_TO_CREATE');
    const candidates = Array.from({ length: ctx.options.concurrentWriters }, (_, i) => `creator-${i}`);
    const outcomes = await Promise.allSettled(candidates.map((value) => ctx.put(ref, value, { ifVersion: null })));
    const winners = candidates.filter((_, i) => outcomes[i]?.status === 'fulfilled');
    expect(winners, 'exactly one create wins').toHaveLength(1);
    for (const outcome of outcomes) {
      if (outcome.status === 'rejected') {
        const reason: unknown = outcome.reason;
        expect(isKeygateError(reason) ? reason.code : reason, 'every loser gets VERSION_CONFLICT').toBe('VERSION_CONFLICT');
      }
    }
    expectSecret((await ctx.provider.get(ref)).value, winners[0]!, 'the winner’s value');
  });

  itWith(ctx, 'compareAndSet', false, 'raises UNSUPPORTED for ifVersion instead of ignoring it', async () => {
    const ref = ctx.ref('UNGUARDED');
    const first = await ctx.put(ref, 'one');
    await expectErrorCode(ctx.put(ref, 'two', { ifVersion: first.version ?? '1' }), 'UNSUPPORTED', 'put with ifVersion');
    expectSecret((await ctx.provider.get(ref)).value, 'one', 'value after a refused compare-and-set');
  });

  itWith(ctx, 'compareAndSet', false, 'raises UNSUPPORTED for ifVersion null and creates nothing', async () => {
    const ref = ctx.ref('NOT_CREATED');
    await expectErrorCode(ctx.put(ref, 'value', { ifVersion: null }), 'UNSUPPORTED', 'put with ifVersion null');
    await expectErrorCode(ctx.provider.get(ref), 'NOT_FOUND', 'the refused write left nothing behind');
  });
}
