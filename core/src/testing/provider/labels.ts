import { expect } from 'vitest';
import { expectErrorCode } from './assertions.js';
import { itWith } from './gated.js';
import type { ConformanceContext } from './harness.js';

export function registerLabelCases(ctx: ConformanceContext): void {
  itWith(ctx, 'labels', true, 'stores labels and lists them with the metadata', async () => {
    const labels = { team: 'payments', 'cost-center': 'cc-42', rotated_by: 'keygate' };
    await ctx.put(ctx.ref('LABELLED'), 'value', { labels });
    await ctx.put(ctx.ref('PLAIN'), 'value');
    const metadata = await ctx.provider.listMetadata(ctx.scope);
    expect(metadata.find((entry) => entry.key === 'LABELLED')?.labels).toEqual(labels);
    expect(metadata.find((entry) => entry.key === 'PLAIN')?.labels).toEqual({});
  });

  itWith(ctx, 'labels', true, 'replaces labels given with a later write', async () => {
    const ref = ctx.ref('RELABELLED');
    await ctx.put(ref, 'one', { labels: { stage: 'draft', owner: 'a' } });
    await ctx.put(ref, 'two', { labels: { stage: 'final' } });
    const metadata = await ctx.provider.listMetadata(ctx.scope);
    expect(metadata.find((entry) => entry.key === 'RELABELLED')?.labels).toEqual({ stage: 'final' });
  });

  itWith(ctx, 'labels', false, 'raises UNSUPPORTED for labels instead of dropping them', async () => {
    const ref = ctx.ref('NOT_LABELLED');
    await expectErrorCode(ctx.put(ref, 'value', { labels: { team: 'payments' } }), 'UNSUPPORTED', 'put with labels');
    await expectErrorCode(ctx.provider.get(ref), 'NOT_FOUND', 'the refused write left nothing behind');
  });

  itWith(ctx, 'labels', false, 'lists empty labels', async () => {
    await ctx.put(ctx.ref('PLAIN'), 'value');
    expect((await ctx.provider.listMetadata(ctx.scope)).map((entry) => entry.labels)).toEqual([{}]);
  });
}
